/**
 * A dataset's instructions and claim limits through the real app: the DM of
 * a new version, the refusal with its acknowledge button, the click, what
 * status, claims, App Home and review requests show; limits set, shown,
 * refused and exceeded by a lead.
 */
import type { ViewRecord } from "@rangekeeper/slack-standin";
import { describe, expect, it, vi } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  CHANNEL,
  IDS,
  idOf,
  refIn,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });
const row = (ref: string) => h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } });

async function openHome(user: AppHarness["ana"]): Promise<ViewRecord> {
  await h.settle();
  const mark = h.slack.mark();
  expect((await user.openHome()).status).toBe(200);
  await h.slack.waitFor("views.publish", (c) => c.args.user_id === user.id && c.status === 200, { since: mark });
  return user.home()!;
}

describe("dataset instructions", () => {
  it("a new version is sent to people holding ranges, who acknowledge it with one button before progress", async () => {
    const slug = await h.dataset(uniqueSlug("instr"), 500);
    const first = await ask(h.ana, "/claim", `${slug} 1-20`);
    const ref = refIn(first.reply.text ?? "");
    expect(first.text).not.toContain("Instructions");

    const set = await ask(h.lead, "/ledger", `dataset set ${slug} instructions Draw tight boxes; skip blurred cats`);
    expect(set.text).toContain("instructions v1");
    await h.settle();
    const dm = await h.ana.waitForDm((m) => m.text.includes(`New instructions for ${slug}`));
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> published version 1 of the instructions of *${slug}*`);
    expect(blockText(dm.blocks)).toContain("Draw tight boxes; skip blurred cats");
    expect(buttons(dm.blocks).map((b) => [b.text, b.value])).toEqual([["I have read version 1", `${slug}:1`]]);

    const status = await ask(h.lead, "/ledger", `status ${slug}`);
    expect(status.text).toContain(`*Instructions* v1: not yet acknowledged by <@${IDS.ana}>`);

    // progress before acknowledging: refused with the instructions and the button; nothing changes
    const refused = await ask(h.ana, "/progress", `${ref} 5`);
    expect(refused.text).toContain(`${slug} has new instructions (version 1): read them and acknowledge them first`);
    expect(refused.text).toContain("Draw tight boxes; skip blurred cats");
    expect(buttons(refused.reply.blocks).map((b) => b.text)).toEqual(["I have read version 1"]);
    expect(await row(ref)).toMatchObject({ itemsDone: 0, status: "PENDING" });

    const click = await h.ana.click("instructions.acknowledge", {
      channel: CHANNEL,
      messageTs: refused.reply.message!.ts,
      value: `${slug}:1`,
    });
    const thanks = await click.reply();
    expect(thanks.replace_original).toBe(true);
    expect(blockText(thanks.blocks)).toContain(
      `you have read version 1 of the instructions of *${slug}*. Repeat your command to go on.`,
    );
    const d = await h.prisma.dataset.findFirstOrThrow({ where: { slug } });
    expect(await h.prisma.instructionAck.findMany({ where: { datasetId: d.id } })).toMatchObject([
      { userId: IDS.ana, version: 1 },
    ]);
    expect(
      await h.prisma.auditEvent.count({
        where: { datasetId: d.id, action: "instructions.acknowledge", actorId: IDS.ana },
      }),
    ).toBe(1);

    const progress = await ask(h.ana, "/progress", `${ref} 5`);
    expect(progress.text).toContain(`*${ref}*: 5 of 20 done`);
    expect((await ask(h.lead, "/ledger", `status ${slug}`)).text).toContain(
      "*Instructions* v1: acknowledged by everyone working on it",
    );

    // shown where work starts: the claim reply and App Home
    const claimed = await ask(h.ana, "/claim", `${slug} next 10`);
    expect(claimed.text).toContain(":scroll: Instructions v1: Draw tight boxes; skip blurred cats");
    expect(blockText((await openHome(h.ana)).blocks)).toContain(":scroll: Instructions v1: Draw tight boxes");

    // and where it is reviewed: the review request
    const done = await ask(h.ana, "/progress", `${ref} done confirm`);
    expect(done.text).toContain("in review");
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    const reviewer = [h.rev, h.lead, h.lead2, h.admin, h.bob].find((u) => u.id === review.reviewerId)!;
    const request = await reviewer.waitForDm((m) => m.text.includes(`Review ${ref}`));
    expect(blockText(request.blocks)).toContain(":scroll: Instructions v1: Draw tight boxes");
    await reviewer.command("/review", ref);
    const form = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(blockText(form.blocks)).toContain(":scroll: Instructions v1: Draw tight boxes");
  });

  it("a first claim after a version was published is refused until acknowledged", async () => {
    const slug = await h.dataset(uniqueSlug("instr2"), 500);
    await ask(h.lead, "/ledger", `dataset set ${slug} instructions https://wiki.example/labelling`);
    const refused = await ask(h.bob, "/claim", `${slug} next 10`);
    expect(refused.text).toContain(`${slug} has new instructions (version 1)`);
    expect(refused.text).toContain("<https://wiki.example/labelling|https://wiki.example/labelling>");
    expect(await h.prisma.assignment.count({ where: { dataset: { slug } } })).toBe(0);
    const click = await h.bob.click("instructions.acknowledge", {
      channel: CHANNEL,
      messageTs: refused.reply.message!.ts,
      value: `${slug}:1`,
    });
    expect(blockText((await click.reply()).blocks)).toContain("Repeat your command to go on.");
    const claimed = await ask(h.bob, "/claim", `${slug} next 10`);
    expect(claimed.reply.text).toMatch(/^Claimed A\d+/);
  });
});

describe("App Home", () => {
  it("a refused button shows the instructions in a notice, whose button acknowledges them", async () => {
    const slug = await h.dataset(uniqueSlug("instr-home"), 300);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-30`)).reply.text ?? "");
    await ask(h.lead, "/ledger", `dataset set ${slug} instructions Mark occluded legs`);
    await openHome(h.bob);
    await h.bob.click("assignment.start", { home: true, value: ref });
    const notice = await h.bob.waitForModal((v) => blockText(v.blocks).includes("I have read version 1"));
    expect(blockText(notice.blocks)).toContain(`${slug} has new instructions (version 1)`);
    expect(blockText(notice.blocks)).toContain("Mark occluded legs");
    expect(await row(ref)).toMatchObject({ status: "PENDING" });
    await h.bob.click("instructions.acknowledge", { viewId: notice.id, value: `${slug}:1` });
    const thanks = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Repeat your command to go on."));
    expect(thanks.id).toBe(notice.id);
    await h.bob.closeView();
    await h.bob.click("assignment.start", { home: true, value: ref });
    await vi.waitFor(async () => expect(await row(ref)).toMatchObject({ status: "IN_PROGRESS" }), { timeout: 15_000 });
  });
});

describe("claim limits", () => {
  it("a lead sets them, /claim past them is refused naming the limit, a lead's assign may exceed them", async () => {
    const slug = await h.dataset(uniqueSlug("limits"), 5000);
    const set = await ask(h.lead, "/ledger", `dataset set ${slug} max-claim 500`);
    expect(set.reply.text).toBe(`Updated *${slug}*: max-claim`);
    expect(set.text).toContain("claims: at most 500 items a claim");
    const bad = await ask(h.lead, "/ledger", `dataset set ${slug} max-days lots`);
    expect(bad.text).toContain('max-days must be a whole number or none, not "lots"');
    expect(await h.prisma.dataset.findFirstOrThrow({ where: { slug } })).toMatchObject({
      maxClaim: 500,
      maxDays: null,
    });

    const refused = await ask(h.ana, "/claim", `${slug} 1-5000`);
    expect(refused.text).toContain(
      `A claim of 5,000 items is more than ${slug} allows at once (500). Claim at most 500, or ask a lead.`,
    );
    const next = await ask(h.ana, "/claim", `${slug} next 600`);
    expect(next.text).toContain(`A claim of 600 items is more than ${slug} allows at once (500)`);
    expect(await h.prisma.assignment.count({ where: { dataset: { slug } } })).toBe(0);

    const assigned = await ask(h.lead, "/ledger", `assign ${slug} 1-600 <@${IDS.bob}|bob>`);
    expect(assigned.reply.text).toMatch(/^Assigned A\d+ to /);
    expect(assigned.text).toContain(`:warning: Past the claim limits of ${slug} (leads may): A claim of 600 items`);

    const cleared = await ask(h.lead, "/ledger", `dataset set ${slug} max-claim none`);
    expect(cleared.text).toContain("no claim limits");
    expect((await ask(h.ana, "/claim", `${slug} next 600`)).reply.text).toMatch(/^Claimed A\d+/);
  });
});

describe("the claim form", () => {
  it("shows the instructions and limits of the chosen dataset; refusals come inline, the instructions by DM with the button", async () => {
    const slug = await h.dataset(uniqueSlug("instr-form"), 2000);
    await ask(h.lead, "/ledger", `dataset set ${slug} instructions Polygons, not boxes`);
    await ask(h.lead, "/ledger", `dataset set ${slug} max-claim 100`);
    await h.ana.command("/claim");
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal");
    await h.ana.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.ana.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    expect(blockText(chosen.blocks)).toContain("Instructions v1: Polygons, not boxes");
    expect(blockText(chosen.blocks)).toContain("at most 100 items a claim");

    const tooBig = await h.ana.submit(chosen.id, { range: "1-500" });
    expect(tooBig.errors).toEqual({
      range: `A claim of 500 items is more than ${slug} allows at once (100). Claim at most 100, or ask a lead.`,
    });
    const unread = await h.ana.submit(chosen.id, { range: "1-50" });
    expect(unread.errors?.range).toBe(
      `${slug} has new instructions (version 1): read them and acknowledge them first, then repeat your command (rangekeeper sent them to you by DM, with the button to acknowledge them)`,
    );
    expect(await h.prisma.assignment.count({ where: { dataset: { slug } } })).toBe(0);
    const dm = await h.ana.waitForDm((m) => m.text.includes(`Read version 1 of the instructions of ${slug} first`));
    expect(blockText(dm.blocks)).toContain("Polygons, not boxes");
    const click = await h.ana.click("instructions.acknowledge", {
      channel: dm.channel,
      messageTs: dm.ts,
      value: `${slug}:1`,
    });
    expect(blockText((await click.reply()).blocks)).toContain("Repeat your command to go on.");
    const ok = await h.ana.submit(chosen.id, { range: "1-50" });
    expect(ok.closed).toBe(true);
    expect(await h.prisma.assignment.count({ where: { dataset: { slug }, assigneeId: IDS.ana } })).toBe(1);
  });
});
