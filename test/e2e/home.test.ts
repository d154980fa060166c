/**
 * The App Home tab: what app_home_opened publishes for an annotator, a
 * reviewer and a lead; its buttons; and its refresh after changes that
 * concern the viewer.
 */

import type { ViewRecord } from "@rangekeeper/slack-standin";
import { describe, expect, it, vi } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  IDS,
  idOf,
  metadataOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });
const headers = (v: ViewRecord) => v.blocks.filter((b) => b.type === "header").map((b) => blockText(b));

/** Opens the Home tab and waits until the app published it (a newer version than any before). */
async function openHome(user: AppHarness["ana"]): Promise<ViewRecord> {
  await h.settle();
  const mark = h.slack.mark();
  const res = await user.openHome();
  expect(res.status).toBe(200);
  await h.slack.waitFor("views.publish", (c) => c.args.user_id === user.id && c.status === 200, { since: mark });
  return user.home()!;
}

describe("App Home", () => {
  it("shows an annotator's ranges with progress bars and the buttons that fit each", async () => {
    const slug = await h.dataset(uniqueSlug("home"), 1000);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-100 due 2030-06-30 blue boxes`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${a} 40`);
    const b = refIn((await ask(h.ana, "/claim", `${slug} 101-150`)).reply.text ?? "");
    const home = await openHome(h.ana);
    expect(home.type).toBe("home");
    expect(headers(home)).toEqual(["rangekeeper", "Your ranges (2)"]);
    const text = blockText(home.blocks);
    expect(text).toContain(`*${a}* · ${slug} 1–100 (100 items)`);
    expect(text).toContain("▓▓▓▓░░░░░░ 40% (40/100)");
    expect(text).toContain(":hammer_and_wrench: in progress");
    expect(text).toContain("due 2030-06-30");
    expect(text).toContain(":memo: blue boxes");
    expect(text).toContain(`*${b}* · ${slug} 101–150 (50 items)`);
    expect(text).toContain("░░░░░░░░░░ 0% (0/50)");
    const bs = buttons(home.blocks);
    expect(bs.slice(0, 2).map((x) => x.text)).toEqual(["Claim a range", "Refresh"]);
    expect(bs.filter((x) => x.value === a).map((x) => x.text)).toEqual([
      "Update progress",
      "Submit as done",
      "Pause",
      "Hand off",
      "Release",
    ]);
    expect(bs.filter((x) => x.value === b).map((x) => x.text)).toEqual([
      "Start",
      "Update progress",
      "Hand off",
      "Release",
    ]);
    // an annotator sees neither team load nor approvals
    expect(text).not.toContain("Team load");
    expect(text).not.toContain("Handoffs to decide");

    // the Messages tab publishes nothing
    const mark = h.slack.mark();
    await h.ana.openHome({ tab: "messages" });
    await h.settle();
    expect(h.slack.calls("views.publish").filter((c) => c.seq > mark)).toEqual([]);
  });

  it("its buttons act on the range and the tab is republished", async () => {
    const slug = await h.dataset(uniqueSlug("home-click"), 300);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-30`)).reply.text ?? "");
    await openHome(h.bob);
    const mark = h.slack.mark();
    const click = await h.bob.click("assignment.start", { home: true, value: ref });
    expect(click.status).toBe(200);
    const published = await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.bob, { since: mark });
    expect(published.status).toBe(200);
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      status: "IN_PROGRESS",
    });
    const home = h.bob.home()!;
    expect(
      buttons(home.blocks)
        .filter((x) => x.value === ref)
        .map((x) => x.text),
    ).toContain("Pause");

    // a refusal from the Home tab (no channel to answer in) comes as a small modal
    await h.ledger.release(h.actor(IDS.bob), ref); // changed elsewhere; this Home tab is now stale
    await h.bob.click("assignment.pause", { home: true, value: ref });
    const notice = await h.bob.waitForModal((v) => blockText(v.blocks).includes(ref));
    expect(blockText(notice.blocks)).toContain(`can't pause ${ref}: it was released`);
    expect(notice.submit).toBeNull();

    // Refresh brings the tab up to date
    const m2 = h.slack.mark();
    await h.bob.click("home.refresh", { home: true });
    await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.bob, { since: m2 });
    expect(buttons(h.bob.home()!.blocks).filter((x) => x.value === ref)).toEqual([]);
  });

  it("Claim a range opens the claim modal; without a channel the confirmation comes by DM and the tab refreshes", async () => {
    const slug = await h.dataset(uniqueSlug("home-claim"), 200);
    await openHome(h.rev);
    await h.rev.click("claim.open", { home: true });
    const form = await h.rev.waitForModal((v) => v.callback_id === "claim_modal");
    expect(metadataOf(form)).toMatchObject({ channelId: null });
    await h.rev.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.rev.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    const sub = await h.rev.submit(chosen.id, { range: "11-20" });
    expect(sub.closed).toBe(true);
    const dm = await h.rev.waitForDm((m) => m.text.startsWith("Claimed") && m.text.includes(`${slug} 11–20`));
    const ref = refIn(dm.text);
    await h.settle();
    expect(blockText(h.rev.home()!.blocks)).toContain(`*${ref}* · ${slug} 11–20`);
  });

  it("a lead sees team load and pending approvals, and can approve from there", async () => {
    const slug = await h.dataset(uniqueSlug("home-lead"), 1000);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 201-400`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 50`);
    const hRef = refIn((await ask(h.ana, "/handoff", `${ref} pool 301-400 too much`)).text, "H");
    const home = await openHome(h.lead2);
    expect(headers(home)).toEqual(expect.arrayContaining(["rangekeeper", "Your ranges (0)", "Team load"]));
    const pendingCount = (await h.ledger.pendingHandoffs(TEAM)).length;
    expect(headers(home)).toContain(`Handoffs to decide (${pendingCount})`);
    const text = blockText(home.blocks);
    expect(text).toContain(`${hRef}: <@${IDS.ana}> → the pool · *${ref}* 301–400\n_too much_`);
    const load = (await h.ledger.workload(TEAM)).find((l) => l.userId === IDS.ana)!;
    expect(text).toContain(
      `<@${IDS.ana}> · ${load.remainingItems.toLocaleString("en-US")} items left in ${load.openRanges} range`,
    );
    expect(text).toContain(`*${load.daysOfWork} d* at 1000/wk`);
    const decide = buttons(home.blocks).filter((x) => x.value === hRef);
    expect(decide.map((x) => x.text)).toEqual(["Approve", "Reject", "Decide with comment…"]);

    // the requester (a lead or not) never gets buttons on their own request
    const anaHome = await openHome(h.ana);
    expect(buttons(anaHome.blocks).filter((x) => x.value === hRef)).toEqual([]);

    const mark = h.slack.mark();
    await h.lead2.click("handoff.approve", { home: true, value: hRef });
    await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.lead2, { since: mark });
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      status: "APPROVED",
      decidedById: IDS.lead2,
    });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      first: 201,
      last: 300,
    });
    await h.settle();
    expect(buttons(h.lead2.home()!.blocks).filter((x) => x.value === hRef)).toEqual([]);
    // the requester's tab was refreshed too: the range is now 201–300
    expect(blockText(h.ana.home()!.blocks)).toContain(`*${ref}* · ${slug} 201–300`);
  });

  it("Release on a range with items done asks in a small modal; its answer changes the range and the tab", async () => {
    const slug = await h.dataset(uniqueSlug("home-release"), 300);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${ref} 30`);
    await openHome(h.bob);
    await h.bob.click("assignment.release", { home: true, value: ref });
    const asked = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Nothing was released yet"));
    expect(blockText(asked.blocks)).toContain(`*${ref}* (${slug}) has *30 of 50* items done.`);
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      last: 50,
      status: "IN_PROGRESS",
    });
    const mark = h.slack.mark();
    await h.bob.click("assignment.release_unstarted", { viewId: asked.id, value: `${ref}@30` });
    await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.bob, { since: mark });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      first: 1,
      last: 30,
      itemsDone: 30,
      status: "IN_PROGRESS",
    });
    await vi.waitFor(() => expect(blockText(h.bob.home()!.blocks)).toContain(`*${ref}* · ${slug} 1–30`), {
      timeout: 15_000,
    });
  });

  it("shows my accuracy and first-pass rate of the last 4 weeks next to my ranges, and leads the datasets' numbers", async () => {
    const slug = await h.dataset(uniqueSlug("hqa"), 500, { "first-k": "5" });
    const a = refIn((await ask(h.bob, "/claim", `${slug} 1-40`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${a} done confirm`);
    const before = await openHome(h.bob);
    expect(blockText(before.blocks)).toContain(
      "*Your QA, last 4 weeks*: nothing of yours was completed or reviewed yet.",
    );
    const v = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(a) } });
    await h.ledger.recordReview(h.actor(v.reviewerId!), `R${v.id}`, {
      verdict: "accept",
      itemsChecked: 40,
      errors: { "wrong class": 2 },
    });
    const mine = blockText((await openHome(h.bob)).blocks);
    expect(mine).toContain("*Your QA, last 4 weeks*");
    expect(mine).toContain(
      `*${slug}*: accuracy 95.0 % (95 % CI 83.5–98.6 %, 40 items) checked · first pass 1 of 1 range (100 %) · 40 items completed`,
    );
    expect(mine).not.toContain("Datasets, last 4 weeks");

    const lead = await openHome(h.lead);
    expect(headers(lead)).toContain("Datasets, last 4 weeks");
    const t = blockText(lead.blocks);
    expect(t).toContain(`*Test ${slug}* (\`${slug}\`): 40 items completed · accuracy 95.0 %`);
    expect(t).toContain("errors: wrong class 2");
    expect(t).toMatch(/As of <!date\^\d+\^\{time\}\|\d\d:\d\d UTC> \(updated every few minutes\)/);
  });

  it("a reviewer sees the reviews waiting for them with a Review button", async () => {
    const slug = await h.dataset(uniqueSlug("home-review"), 100);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${ref} done confirm`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    const reviewer = h.slack.as(review.reviewerId!);
    // the submission refreshed the reviewer's tab without them opening it
    const home = reviewer.home() ?? (await openHome(reviewer));
    expect(blockText(home.blocks)).toContain(`*${ref}* · ${slug} by <@${IDS.bob}> · 10 items to check`);
    expect(buttons(home.blocks)).toContainEqual(
      expect.objectContaining({ text: "Review", actionId: "review.open", value: `R${review.id}` }),
    );
    await reviewer.click("review.open", { home: true, value: `R${review.id}` });
    const form = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(form.title).toMatchObject({ text: `Review ${ref}` });
  });

  it("is refreshed, unasked, after a change that concerns the viewer", async () => {
    const slug = await h.dataset(uniqueSlug("home-refresh"), 500);
    await openHome(h.bob);
    const mark = h.slack.mark();
    const { reply } = await ask(h.lead, "/ledger", `assign ${slug} 1-25 <@${IDS.bob}>`);
    const ref = refIn(reply.text ?? "");
    await h.settle();
    const published = h.slack.calls("views.publish").filter((c) => c.seq > mark && c.args.user_id === IDS.bob);
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(blockText(h.bob.home()!.blocks)).toContain(`*${ref}* · ${slug} 1–25 (25 items)`);
    // the lead's tab too (he made the change), but not an unconcerned annotator's
    expect(h.slack.calls("views.publish").some((c) => c.seq > mark && c.args.user_id === IDS.lead)).toBe(true);
    expect(h.slack.calls("views.publish").some((c) => c.seq > mark && c.args.user_id === IDS.ana)).toBe(false);

    // a lead's direct handoff refreshes the previous and the new owner
    const m2 = h.slack.mark();
    await ask(h.lead, "/handoff", `${ref} <@${IDS.ana}> 21-25 balance`);
    await h.settle();
    const users = new Set(
      h.slack
        .calls("views.publish")
        .filter((c) => c.seq > m2)
        .map((c) => c.args.user_id),
    );
    expect(users).toEqual(new Set([IDS.lead, IDS.bob, IDS.ana]));
    expect(blockText(h.bob.home()!.blocks)).toContain(`*${ref}* · ${slug} 1–20 (20 items)`);
  });
});
