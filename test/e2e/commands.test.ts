/**
 * Every slash command through the real app over HTTP: success and refusal
 * paths, what the reply says (always the assignment reference) and what the
 * ledger holds afterwards.
 */
import { describe, expect, it } from "vitest";
import { dateIn, resolveDueDate, weekdayOf } from "../../src/core/dates.ts";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  CHANNEL,
  forgeClick,
  IDS,
  idOf,
  metadataOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started));
const row = (ref: string) => h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } });

/** Rows and audit events of a dataset, to prove a refusal changed nothing. */
async function snapshot(slug: string) {
  const d = await h.ledger.getDataset(TEAM, slug);
  const [assignments, audit, handoffs] = await Promise.all([
    h.prisma.assignment.findMany({ where: { datasetId: d.id }, orderBy: { id: "asc" } }),
    h.auditCount(slug),
    h.prisma.handoffRequest.count({ where: { assignment: { datasetId: d.id } } }),
  ]);
  return { assignments, audit, handoffs };
}

const unescapeMrkdwn = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** A refusal: one section with the reason, a context with the usage when the command's shape was wrong. */
function expectRefusal(
  reply: { blocks?: unknown[]; response_type: string; text?: string },
  reason: RegExp,
  usage?: RegExp,
) {
  expect(reply.response_type).toBe("ephemeral");
  const blocks = reply.blocks as { type: string }[];
  expect(blocks[0]!.type).toBe("section");
  expect(blockText(blocks[0])).toMatch(reason);
  expect(blockText(blocks[0])).not.toContain("\n");
  if (usage) {
    expect(blocks).toHaveLength(2);
    expect(blocks[1]!.type).toBe("context");
    expect(blockText(blocks[1])).toMatch(/^Usage: `/);
    // the usage is shown as code: its <placeholders> arrive escaped
    expect(unescapeMrkdwn(blockText(blocks[1]))).toMatch(usage);
  } else {
    expect(blocks).toHaveLength(1);
  }
}

describe("/claim", () => {
  it("claims an explicit range with a due date and a note, and names the reference", async () => {
    const slug = await h.dataset(uniqueSlug("claim"), 1000);
    const { reply, text } = await ask(h.ana, "/claim", `${slug} 1-100 due 2030-01-31 first pass`);
    expect(reply.response_type).toBe("ephemeral");
    const ref = refIn(reply.text ?? "");
    expect(reply.text).toBe(`Claimed ${ref}: ${slug} 1–100`);
    expect(text).toContain(`You hold *${ref}*`);
    expect(text).toContain("due 2030-01-31");
    expect(text).toContain(":memo: first pass");
    // the card's buttons act on that range
    const b = buttons(reply.blocks);
    expect(b.map((x) => x.text)).toEqual(["Start", "Update progress", "Hand off", "Release"]);
    expect(new Set(b.map((x) => x.value))).toEqual(new Set([ref]));
    const a = await row(ref);
    expect(a).toMatchObject({
      assigneeId: IDS.ana,
      first: 1,
      last: 100,
      status: "PENDING",
      itemsDone: 0,
      note: "first pass",
      assignedBy: IDS.ana,
    });
    expect(a.dueDate?.toISOString().slice(0, 10)).toBe("2030-01-31");
    const events = await h.prisma.auditEvent.findMany({ where: { assignmentId: a.id } });
    expect(events.map((e) => e.action)).toEqual(["assignment.claim"]);
    expect(events[0]!.actorId).toBe(IDS.ana);
  });

  it("claims a one-item range given as a single number", async () => {
    const slug = await h.dataset(uniqueSlug("claim-one"), 50);
    const { reply } = await ask(h.bob, "/claim", `${slug} 7`);
    const ref = refIn(reply.text ?? "");
    expect(await row(ref)).toMatchObject({ first: 7, last: 7, assigneeId: IDS.bob });
  });

  it("claims the lowest free range with next (default size and a given size)", async () => {
    const slug = await h.dataset(uniqueSlug("claim-next"), 1000, { batch: "40" });
    await ask(h.ana, "/claim", `${slug} 1-10`);
    const first = await ask(h.bob, "/claim", `${slug} next`);
    const a1 = refIn(first.reply.text ?? "");
    expect(first.reply.text).toBe(`Claimed ${a1}: ${slug} 11–50`);
    const second = await ask(h.bob, "/claim", `${slug} next 5 due 2030-03-01 quick batch`);
    const a2 = refIn(second.reply.text ?? "");
    expect(await row(a2)).toMatchObject({ first: 51, last: 55, note: "quick batch" });
    expect(second.text).toContain("due 2030-03-01");
  });

  it("refuses bad grammar with one line and the usage, and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("claim-bad"), 100);
    const before = await snapshot(slug);
    const cases: [string, RegExp][] = [
      [`${slug} abc`, /"abc" is not an item range/],
      [`${slug}`, new RegExp(`say which items of ${slug}`)],
      [`Not_A_Slug 1-10`, /is not a dataset name/],
      [`${slug} 1-10 due someday`, /"someday" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday/],
      [`${slug} next 2000000000`, /the size must be at most 100,000,000 \(the most items a dataset can have\)/],
      [`${slug} 1-99999999999`, /an item number must be at most 100,000,000/],
      [`${slug} next 0`, /the size must be at least 1/],
    ];
    for (const [text, reason] of cases) {
      const { reply } = await ask(h.ana, "/claim", text);
      expectRefusal(reply, reason, /\/claim <dataset> <first>-<last>/);
      expect(reply.text).toMatch(/\. Usage: \/claim/);
    }
    expect(await snapshot(slug)).toEqual(before);
  });

  it("refuses a range someone holds, naming who, the reference and the free alternative", async () => {
    const slug = await h.dataset(uniqueSlug("claim-held"), 300);
    const held = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await snapshot(slug);
    const { reply } = await ask(h.bob, "/claim", `${slug} 50-60`);
    // the refusal offers the free range it names as a button (its own suite below clicks it)
    expect(buttons(reply.blocks).map((b) => b.text)).toEqual(["Claim 101–111 instead"]);
    expectRefusal(
      { ...reply, blocks: reply.blocks?.slice(0, 1) },
      new RegExp(
        `items 50–60 of ${slug} are already held by <@${IDS.ana}> in ${held}; the lowest free range of 11 items is 101–111`,
      ),
    );
    const outside = await ask(h.bob, "/claim", `${slug} 290-310`);
    expectRefusal(outside.reply, /310/);
    const past = await ask(h.bob, "/claim", `${slug} 200-210 due 2001-01-01`);
    expectRefusal(past.reply, /the due date 2001-01-01 is in the past/);
    const unknown = await ask(h.bob, "/claim", `no-such-dataset 1-10`);
    expectRefusal(unknown.reply, /no-such-dataset/);
    expect(await snapshot(slug)).toEqual(before);
  });
});

describe("/claim at the same moment", () => {
  it("two people claiming overlapping ranges at once: exactly one gets them", async () => {
    const slug = await h.dataset(uniqueSlug("race"), 1000);
    const [a, b] = await Promise.all([ask(h.ana, "/claim", `${slug} 1-100`), ask(h.bob, "/claim", `${slug} 50-150`)]);
    const won = [a, b].filter((x) => x.reply.text?.startsWith("Claimed"));
    const lost = [a, b].filter((x) => !x.reply.text?.startsWith("Claimed"));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = refIn(won[0]!.reply.text ?? "");
    expect(lost[0]!.text).toMatch(new RegExp(`are already held by <@U[A-Z]+> in ${winner}`));
    const d = await h.ledger.getDataset(TEAM, slug);
    expect(await h.prisma.assignment.count({ where: { datasetId: d.id } })).toBe(1);
  });
});

describe("assignment card buttons", () => {
  it("Start, Submit and Release on the reply's card act on that range and replace the card", async () => {
    const slug = await h.dataset(uniqueSlug("card"), 300, { "first-k": "0", review: "first-k" });
    const claimed = await ask(h.bob, "/claim", `${slug} 1-20`);
    const ref = refIn(claimed.reply.text ?? "");
    const card = claimed.reply.message!;
    const start = await h.bob.click("assignment.start", { channel: CHANNEL, messageTs: card.ts, value: ref });
    const started = await start.reply();
    expect(started.replace_original).toBe(true);
    expect(blockText(started.blocks)).toContain(`*${ref}* is in progress.`);
    expect(buttons(started.blocks).map((b) => b.text)).toEqual([
      "Update progress",
      "Submit as done",
      "Pause",
      "Hand off",
      "Release",
    ]);
    // 0 of 20 done: the button asks before counting all 20 as done, and nothing changes yet
    const submit = await h.bob.click("assignment.submit", { channel: CHANNEL, messageTs: card.ts, value: ref });
    const asked = await submit.reply();
    expect(asked.replace_original).toBe(true);
    expect(asked.text).toBe(`Submit ${ref} at 0/20 as all 20 done?`);
    expect(buttons(asked.blocks).map((b) => [b.text, b.actionId])).toEqual([
      ["Submit as 20/20 done", "assignment.submit_confirmed"],
      ["Keep at 0/20", "assignment.keep"],
    ]);
    expect(await row(ref)).toMatchObject({ status: "IN_PROGRESS", itemsDone: 0 });
    const sure = await h.bob.click("assignment.submit_confirmed", { channel: CHANNEL, messageTs: card.ts, value: ref });
    expect(blockText((await sure.reply()).blocks)).toContain(`*${ref}* is completed`);
    expect(await row(ref)).toMatchObject({ status: "COMPLETED", itemsDone: 20 });

    const other = await ask(h.bob, "/claim", `${slug} 21-40`);
    const ref2 = refIn(other.reply.text ?? "");
    const release = await h.bob.click("assignment.release", {
      channel: CHANNEL,
      messageTs: other.reply.message!.ts,
      value: ref2,
    });
    const released = await release.reply();
    expect(released.replace_original).toBe(true);
    expect(released.text).toBe(`Released ${ref2}`);
    expect(await row(ref2)).toMatchObject({ status: "RELEASED" });

    // the same card clicked again: refused to bob alone, nothing changes
    const before = await snapshot(slug);
    const again = await forgeClick(h, IDS.bob, { actionId: "assignment.start", value: ref2 }, { channel: CHANNEL });
    const told = await again.reply();
    expect(told.replace_original).toBe(false);
    expect(told.response_type).toBe("ephemeral");
    expect(blockText(told.blocks)).toContain(`can't start ${ref2}: it was released`);
    expect(await snapshot(slug)).toEqual(before);
  });
});

describe("/progress", () => {
  it("sets a count (starting the range), pauses, starts and submits it for review", async () => {
    const slug = await h.dataset(uniqueSlug("progress"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");

    const count = await ask(h.ana, "/progress", `${ref} 40`);
    expect(count.text).toContain(`*${ref}*: 40 of 100 done and started it.`);
    expect(await row(ref)).toMatchObject({ itemsDone: 40, status: "IN_PROGRESS" });
    expect(buttons(count.reply.blocks).map((b) => b.text)).toEqual([
      "Update progress",
      "Submit as done",
      "Pause",
      "Hand off",
      "Release",
    ]);

    const pause = await ask(h.ana, "/progress", `${ref} pause lunch`);
    expect(pause.text).toContain(`*${ref}* is paused`);
    expect(await row(ref)).toMatchObject({ status: "PENDING", itemsDone: 40 });

    const start = await ask(h.ana, "/progress", `${ref} start`);
    expect(start.text).toContain(`*${ref}* is in progress`);
    expect(await row(ref)).toMatchObject({ status: "IN_PROGRESS" });

    const again = await ask(h.ana, "/progress", `${ref} 100`);
    expect(again.text).toContain(`*${ref}*: 100 of 100 done`);

    const done = await ask(h.ana, "/progress", `${ref} done all labelled`);
    const a = await row(ref);
    expect(a.status).toBe("IN_REVIEW");
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: a.id } });
    expect(review.reviewerId).toBeTruthy();
    expect(review.reviewerId).not.toBe(IDS.ana);
    // the first range of an annotator is reviewed in full
    expect(review).toMatchObject({ sampleFull: true, sampleSize: 100, sampleItems: [] });
    expect(done.text).toContain(`*${ref}* is in review with <@${review.reviewerId}> (100 items to check)`);
    await h.settle();
    const reviewer = h.slack.as(review.reviewerId!);
    const dm = await reviewer.waitForDm((m) => m.text.includes(ref));
    expect(blockText(dm.blocks)).toContain(`<@${IDS.ana}> submitted *${ref}*`);
    expect(blockText(dm.blocks)).toContain("every item (full review)");
    expect(buttons(dm.blocks)).toEqual([
      expect.objectContaining({ text: "Review", actionId: "review.open", value: `R${review.id}` }),
    ]);
    const actions = (await h.prisma.auditEvent.findMany({ where: { assignmentId: a.id }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toContain("assignment.claim");
    expect(actions.filter((x) => x.startsWith("assignment.")).length).toBeGreaterThanOrEqual(6);
  });

  it("completes at once where the policy reviews nothing", async () => {
    const slug = await h.dataset(uniqueSlug("progress-noreview"), 100, { "first-k": "0", review: "first-k" });
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${ref} 10`);
    const done = await ask(h.bob, "/progress", `${ref} done`);
    expect(done.text).toContain(`*${ref}* is completed`);
    expect(await row(ref)).toMatchObject({ status: "COMPLETED" });
  });

  it("refuses bad counts, bad grammar and other people's ranges, changing nothing", async () => {
    const slug = await h.dataset(uniqueSlug("progress-bad"), 100);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    const before = await snapshot(slug);

    const tooMany = await ask(h.ana, "/progress", `${ref} 500`);
    expectRefusal(tooMany.reply, new RegExp(`${ref} has 20 items; items done must be between 0 and 20`));

    const word = await ask(h.ana, "/progress", `${ref} lots`);
    expectRefusal(
      word.reply,
      /"lots" is neither a count of items done nor start, pause or done/,
      /\/progress <ref> <count>/,
    );

    const noRef = await ask(h.ana, "/progress", `X1 3`);
    expectRefusal(noRef.reply, /"X1" is not an assignment reference; they look like A17/, /\/progress <ref>/);

    const trailing = await ask(h.ana, "/progress", `${ref} 3 4`);
    expectRefusal(trailing.reply, /unexpected "4" after the count/, /\/progress/);

    const notMine = await ask(h.bob, "/progress", `${ref} 5`);
    expectRefusal(notMine.reply, new RegExp(`${ref} belongs to <@${IDS.ana}>; only they or a lead can`));

    const missing = await ask(h.ana, "/progress", `A99999 5`);
    expectRefusal(missing.reply, /there is no assignment A99999/);

    const notStarted = await ask(h.ana, "/progress", `${ref} pause`);
    expectRefusal(notStarted.reply, new RegExp(`${ref}.*it has not been started`));

    expect(await snapshot(slug)).toEqual(before);
  });
});

describe("/handoff", () => {
  it("a lead hands a sub-range to someone at once: the range splits", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-lead"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 101-200`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 30`);
    const { reply, text } = await ask(h.lead, "/handoff", `${ref} <@${IDS.bob}|bob> 151-200 ana is out sick`);
    expect(reply.text).toBe(`Handoff of ${ref} done`);
    const moved = refIn(text.replace(ref, ""));
    expect(text).toContain(`*${ref}* items 151–200 went to <@${IDS.bob}> as *${moved}*`);
    expect(text).toContain(`*${ref}* items 151–200 went to <@${IDS.bob}> as *${moved}* (0/50 done)`);
    expect(text).toContain(`<@${IDS.ana}> keeps *${ref}* (101–150, 30/50 done)`);
    expect(text).toContain(
      "Done items: 151–200 (0/50 done) goes to the recipient; 101–150 (30/50 done) stays (done items are counted from the start of the range).",
    );
    expect(text).toContain("Reason: ana is out sick");
    expect(await row(ref)).toMatchObject({ first: 101, last: 150, assigneeId: IDS.ana, itemsDone: 30 });
    expect(await row(moved)).toMatchObject({
      first: 151,
      last: 200,
      assigneeId: IDS.bob,
      status: "PENDING",
      parentId: idOf(ref),
    });
    const hr = await h.prisma.handoffRequest.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    expect(hr).toMatchObject({ status: "APPROVED", decidedById: IDS.lead, toUserId: IDS.bob, first: 151, last: 200 });
    await h.settle();
    // both are told plainly who moved what and why: no "approved", as if they had asked
    const dm = await h.bob.waitForDm((m) => m.text.includes(moved));
    expect(blockText(dm.blocks)).toContain(
      `<@${IDS.lead}> moved <@${IDS.ana}>'s items 151–200 of *${ref}* (${slug}) to you as *${moved}*, with 0/50 done.`,
    );
    const anaDm = await h.ana.waitForDm((m) => m.text === `${IDS.lead} moved ${ref} 151–200`);
    const told = blockText(anaDm.blocks);
    expect(told).toContain(
      `<@${IDS.lead}> moved items 151–200 of *${ref}* (${slug}) to <@${IDS.bob}> as *${moved}* (0/50 done): ana is out sick. You keep *${ref}* (101–150, 30/50 done).`,
    );
    expect(told).not.toContain("approved");
  });

  it("an annotator asks to return a sub-range to the pool: a request, nothing moves yet", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-pool"), 500);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await row(ref);
    const { reply, text } = await ask(h.bob, "/handoff", `${ref} pool 51-100 too much this week`);
    expect(reply.text).toBe(`Handoff of ${ref} requested`);
    const hr = await h.prisma.handoffRequest.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    expect(text).toContain(`Asked to hand *${ref}* items 51–100 to the pool (H${hr.id})`);
    expect(text).toContain(`<@${IDS.admin}>`);
    expect(text).toContain(`<@${IDS.lead}>`);
    expect(text).toContain(`<@${IDS.lead2}>`);
    expect(hr).toMatchObject({ status: "PENDING", toUserId: null, requesterId: IDS.bob, first: 51, last: 100 });
    expect(await row(ref)).toEqual(before);
    await h.settle();
    // tidy: reject so the dataset's state is final
    await h.ledger.decideHandoff(h.actor(IDS.lead), `H${hr.id}`, { approve: false });
  });

  it("an annotator's whole-range request to a person", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-whole"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const { text } = await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}> going on leave`);
    expect(text).toContain(`Asked to hand *${ref}* items 1–100 to <@${IDS.bob}>`);
    await h.settle();
  });

  it("refuses bad grammar, foreign ranges, ranges outside and a second request, changing nothing", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-bad"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await snapshot(slug);
    const noReason = await ask(h.ana, "/handoff", `${ref} pool`);
    expectRefusal(noReason.reply, /add a reason/, /\/handoff <ref> @user/);
    const noTarget = await ask(h.ana, "/handoff", `${ref}`);
    expectRefusal(noTarget.reply, /say who gets it: @someone, or pool/, /\/handoff/);
    const plainName = await ask(h.ana, "/handoff", `${ref} @bob out sick`);
    expectRefusal(plainName.reply, /@bob is not a known user/, /\/handoff/);
    const badRange = await ask(h.ana, "/handoff", `${ref} pool 5x reason`);
    expectRefusal(badRange.reply, /"5x" is not an item range/, /\/handoff/);
    const outside = await ask(h.ana, "/handoff", `${ref} pool 90-120 reason`);
    expectRefusal(outside.reply, new RegExp(`90–120 is not inside ${ref}`));
    const self = await ask(h.ana, "/handoff", `${ref} <@${IDS.ana}> reason`);
    expectRefusal(self.reply, new RegExp(`${ref} already belongs to <@${IDS.ana}>`));
    const foreign = await ask(h.bob, "/handoff", `${ref} pool I want it gone`);
    expectRefusal(foreign.reply, new RegExp(`${ref} belongs to <@${IDS.ana}>`));
    expect(await snapshot(slug)).toEqual(before);

    await ask(h.ana, "/handoff", `${ref} pool 1-10 first request`);
    const mid = await snapshot(slug);
    const second = await ask(h.ana, "/handoff", `${ref} pool 11-20 second request`);
    expectRefusal(second.reply, new RegExp(`${ref} already has a handoff request waiting for a lead \\(H\\d+\\)`));
    expect(await snapshot(slug)).toEqual(mid);
    await h.settle();
  });
});

describe("/release", () => {
  it("gives back an unfinished range; its items are free again", async () => {
    const slug = await h.dataset(uniqueSlug("release"), 200);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const { reply, text } = await ask(h.ana, "/release", `${ref} not my language`);
    expect(reply.text).toBe(`Released ${ref}`);
    expect(text).toContain(`Released *${ref}*: ${slug} items 1–100 are free again.`);
    expect(await row(ref)).toMatchObject({ status: "RELEASED" });
    const ev = await h.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: idOf(ref), action: { contains: "release" } },
    });
    expect(ev.reason).toBe("not my language");
    const cov = await h.ledger.coverage(TEAM, slug);
    expect(cov.freeItems).toBe(200);
    // someone else can claim them now
    const again = await ask(h.bob, "/claim", `${slug} 1-100`);
    expect(again.reply.text).toMatch(/^Claimed A\d+/);
  });

  it("refuses without a reference, someone else's range, and a finished one", async () => {
    const slug = await h.dataset(uniqueSlug("release-bad"), 200, { "first-k": "0", review: "first-k" });
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-10`)).reply.text ?? "");
    const empty = await ask(h.ana, "/release", "");
    expectRefusal(empty.reply, /name the assignment, e.g. A17/, /\/release <ref> \[confirm\|all\] \[reason…\]/);
    const foreign = await ask(h.bob, "/release", ref);
    expectRefusal(foreign.reply, new RegExp(`${ref} belongs to <@${IDS.ana}>`));
    await ask(h.ana, "/progress", `${ref} 10`);
    await ask(h.ana, "/progress", `${ref} done`);
    const before = await snapshot(slug);
    const finished = await ask(h.ana, "/release", ref);
    expectRefusal(finished.reply, new RegExp(`can't release ${ref}: it is completed`));
    expect(await snapshot(slug)).toEqual(before);
  });
});

describe("/mywork", () => {
  it("lists my open ranges with their buttons", async () => {
    const slug = await h.dataset(uniqueSlug("mywork"), 500);
    // rita holds nothing else in this file
    const empty = await ask(h.rev, "/mywork");
    expect(empty.text).toContain("You hold no open ranges");
    expect(buttons(empty.reply.blocks)).toEqual([
      expect.objectContaining({ text: "Claim a range", actionId: "claim.open" }),
    ]);
    const a = refIn((await ask(h.rev, "/claim", `${slug} 1-50 due 2030-05-05`)).reply.text ?? "");
    const b = refIn((await ask(h.rev, "/claim", `${slug} 51-60`)).reply.text ?? "");
    await ask(h.rev, "/progress", `${b} 5`);
    const { reply, text } = await ask(h.rev, "/mywork");
    expect(reply.text).toBe("You hold 2 open ranges");
    expect(text).toContain(`*${a}* · ${slug} 1–50 (50 items)`);
    expect(text).toContain(`*${b}* · ${slug} 51–60 (10 items)`);
    expect(text).toContain("(5/10)");
    expect(text).toContain("due 2030-05-05");
    const bs = buttons(reply.blocks);
    expect(bs.filter((x) => x.value === a).map((x) => x.text)).toEqual([
      "Start",
      "Update progress",
      "Hand off",
      "Release",
    ]);
    expect(bs.filter((x) => x.value === b).map((x) => x.text)).toEqual([
      "Update progress",
      "Submit as done",
      "Pause",
      "Hand off",
      "Release",
    ]);
    await ask(h.rev, "/release", a);
    await ask(h.rev, "/release", b);
  });

  it("takes no arguments", async () => {
    const { reply } = await ask(h.ana, "/mywork", "everything");
    expectRefusal(reply, /\/mywork takes no arguments, not "everything"/, /\/mywork/);
  });
});

describe("/review", () => {
  it("shows my queue and opens the review modal for a reference", async () => {
    const slug = await h.dataset(uniqueSlug("review-cmd"), 100);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${ref} 10`);
    await ask(h.bob, "/progress", `${ref} done`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    const reviewer = h.slack.as(review.reviewerId!);

    const queue = await ask(reviewer, "/review");
    expect(queue.text).toContain(`*${ref}* · ${slug} · by <@${IDS.bob}> · round 1 · 10 items to check`);
    expect(buttons(queue.reply.blocks)).toContainEqual(
      expect.objectContaining({ text: "Review", actionId: "review.open", value: `R${review.id}` }),
    );

    const res = await reviewer.command("/review", ref);
    expect(res.status).toBe(200);
    const modal = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(blockText(modal.blocks)).toContain(`*${ref}* · Test ${slug} 1–10 by <@${IDS.bob}> · round 1`);
    expect(metadataOf(modal)).toMatchObject({ channelId: CHANNEL, ref: `R${review.id}` });
    await reviewer.closeView();

    const annotator = await ask(h.bob, "/review", ref);
    expectRefusal(annotator.reply, new RegExp(`${ref} has no review waiting for you|Nobody reviews`));
  });

  it("says when nothing waits, and refuses bad references", async () => {
    const slug = await h.dataset(uniqueSlug("review-none"), 100);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-10`)).reply.text ?? "");
    const none = await ask(h.bob, "/review");
    expect(none.reply.text).toBe("No reviews waiting for you");
    expect(none.text).toBe(":sparkles: No reviews are waiting for you.");
    const notSubmitted = await ask(h.rev, "/review", ref);
    expectRefusal(notSubmitted.reply, new RegExp(`${ref} has no review waiting \\(it is pending\\)`));
    const bad = await ask(h.rev, "/review", "R12");
    expectRefusal(bad.reply, /"R12" is not an assignment reference/, /\/review/);
    const extra = await ask(h.rev, "/review", `${ref} now`);
    expectRefusal(extra.reply, /unexpected "now"/, /\/review/);
  });
});

describe("/ledger", () => {
  it("help lists every command with an example", async () => {
    for (const text of ["help", ""]) {
      const { reply, text: shown } = await ask(h.ana, "/ledger", text);
      expect(reply.text).toBe("rangekeeper commands");
      for (const cmd of [
        "/claim",
        "/progress",
        "/handoff",
        "/release",
        "/mywork",
        "/review",
        "/ledger status",
        "/ledger dataset add",
        "/ledger dataset set",
        "/ledger assign",
        "/ledger role",
        "/ledger capacity",
        "/ledger export",
      ]) {
        expect(shown).toContain(`\`${cmd}`);
      }
      expect(shown).toContain("A17");
    }
    const unknown = await ask(h.ana, "/ledger", "frobnicate");
    expectRefusal(unknown.reply, /"frobnicate" is not a \/ledger command/, /\/ledger help/);
  });

  it("status of a dataset: coverage, gaps, load; public answers in the channel", async () => {
    const slug = await h.dataset(uniqueSlug("status"), 1000);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${a} 50`);
    await ask(h.bob, "/claim", `${slug} 301-400`);
    const { reply, text } = await ask(h.ana, "/ledger", `status ${slug}`);
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toBe(`${slug}: 5% done, 800 free`);
    expect(text).toContain(`Test ${slug} (${slug})`);
    expect(text).toContain("claimed 200 (20%)");
    expect(text).toContain("done 50 (5%)");
    expect(text).toContain("free 800 (80%)");
    expect(text).toContain("Free: 101–300, 401–1000");
    expect(text).toContain(`<@${IDS.ana}>`);
    expect(text).toContain(`<@${IDS.bob}>`);
    expect(text).toMatch(/1 in progress · 1 pending/);

    const pub = await ask(h.ana, "/ledger", `status ${slug} public`);
    expect(pub.reply.response_type).toBe("in_channel");
    expect(pub.reply.message?.channel).toBe(CHANNEL);
    expect(pub.reply.message?.ephemeralTo).toBeUndefined();
    expect(h.slack.messages(CHANNEL).some((m) => m.text === `${slug}: 5% done, 800 free`)).toBe(true);

    const all = await ask(h.ana, "/ledger", "status");
    expect(all.reply.text).toBe("Ledger status");
    expect(all.text).toContain(`*${slug}*`);

    const bad = await ask(h.ana, "/ledger", "status one two");
    expectRefusal(bad.reply, /unexpected "two"/, /\/ledger status/);
    const unknown = await ask(h.ana, "/ledger", "status no-such-set");
    expectRefusal(unknown.reply, /no-such-set/);
  });

  it("dataset add and set (leads only)", async () => {
    const slug = uniqueSlug("added");
    const { reply, text } = await ask(
      h.lead,
      "/ledger",
      `dataset add ${slug} 5000 <#${CHANNEL}|labels> Street scenes at night`,
    );
    expect(reply.text).toBe(`Added dataset *${slug}*`);
    expect(text).toContain("5,000 items");
    expect(text).toContain(`digests in <#${CHANNEL}>`);
    const d = await h.prisma.dataset.findFirstOrThrow({ where: { slug } });
    expect(d).toMatchObject({
      itemCount: 5000,
      channelId: CHANNEL,
      title: "Street scenes at night",
      createdBy: IDS.lead,
    });

    const set = await ask(h.lead, "/ledger", `dataset set ${slug} batch 250`);
    expect(set.reply.text).toBe(`Updated *${slug}*: batch`);
    expect(set.text).toContain("batch 250");
    const sample = await ask(h.lead, "/ledger", `dataset set ${slug} sample 20%`);
    expect(sample.text).toContain("20% sampled");
    expect(await h.prisma.dataset.findFirstOrThrow({ where: { slug } })).toMatchObject({
      batchSize: 250,
      reviewSampleRate: 0.2,
    });

    const before = await h.auditCount();
    const byAnnotator = await ask(h.ana, "/ledger", `dataset add ${uniqueSlug("nope")} 10`);
    expectRefusal(byAnnotator.reply, /lead|admin/i);
    const setByAnnotator = await ask(h.ana, "/ledger", `dataset set ${slug} batch 1`);
    expectRefusal(setByAnnotator.reply, /lead|admin/i);
    const badKey = await ask(h.lead, "/ledger", `dataset set ${slug} colour blue`);
    expectRefusal(badKey.reply, /"colour" is not a dataset setting/, /\/ledger dataset set/);
    const badCount = await ask(h.lead, "/ledger", `dataset add ${uniqueSlug("x")} many`);
    expectRefusal(badCount.reply, /"many" is not a number of items/, /\/ledger dataset add/);
    const badChannel = await ask(h.lead, "/ledger", `dataset add ${uniqueSlug("x")} 10 #labels`);
    expectRefusal(badChannel.reply, /#labels is not a channel Slack recognised/, /\/ledger dataset add/);
    const dup = await ask(h.lead, "/ledger", `dataset add ${slug} 10`);
    expectRefusal(dup.reply, new RegExp(slug));
    const badVerb = await ask(h.lead, "/ledger", `dataset drop ${slug}`);
    expectRefusal(badVerb.reply, /"dataset drop" is not a command; use add or set/, /\/ledger dataset add/);
    expect(await h.auditCount()).toBe(before);
    expect(await h.prisma.dataset.findFirstOrThrow({ where: { slug } })).toMatchObject({ batchSize: 250 });
  });

  it("assign (leads): the assignee gets a DM; annotators are refused", async () => {
    const slug = await h.dataset(uniqueSlug("assign"), 500);
    const { reply, text } = await ask(
      h.lead,
      "/ledger",
      `assign ${slug} 1-50 <@${IDS.bob}|bob> due 2030-02-01 boxes only`,
    );
    const ref = refIn(reply.text ?? "");
    expect(reply.text).toBe(`Assigned ${ref} to ${IDS.bob}`);
    expect(text).toContain(`*${ref}* assigned to <@${IDS.bob}>: ${slug} 1–50`);
    expect(await row(ref)).toMatchObject({
      assigneeId: IDS.bob,
      assignedBy: IDS.lead,
      first: 1,
      last: 50,
      note: "boxes only",
    });
    await h.settle();
    const dm = await h.bob.waitForDm((m) => m.text.includes(ref));
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> assigned you *${ref}*`);
    expect(buttons(dm.blocks).map((b) => b.text)).toContain("Start");

    const before = await snapshot(slug);
    const byAnnotator = await ask(h.ana, "/ledger", `assign ${slug} 100-150 <@${IDS.bob}>`);
    expectRefusal(byAnnotator.reply, /lead/i);
    const overlap = await ask(h.lead, "/ledger", `assign ${slug} 40-60 <@${IDS.ana}>`);
    expectRefusal(overlap.reply, new RegExp(`already held by <@${IDS.bob}> in ${ref}`));
    const noUser = await ask(h.lead, "/ledger", `assign ${slug} 100-150 bob`);
    expectRefusal(noUser.reply, /"bob" is not a person; mention them with @/, /\/ledger assign/);
    expect(await snapshot(slug)).toEqual(before);
  });

  it("role (admins) and capacity (leads)", async () => {
    const role = await ask(h.admin, "/ledger", `role <@${IDS.bob}|bob> reviewer`);
    expect(role.text).toContain(`<@${IDS.bob}> is now a reviewer.`);
    expect(
      await h.prisma.member.findUniqueOrThrow({ where: { teamId_userId: { teamId: TEAM, userId: IDS.bob } } }),
    ).toMatchObject({ role: "REVIEWER" });
    const back = await ask(h.admin, "/ledger", `role <@${IDS.bob}> annotator`);
    expect(back.text).toContain(`<@${IDS.bob}> is now an annotator.`);

    const before = await h.auditCount();
    const byAnnotator = await ask(h.ana, "/ledger", `role <@${IDS.ana}> admin`);
    expectRefusal(byAnnotator.reply, /admin|lead/i);
    const badRole = await ask(h.admin, "/ledger", `role <@${IDS.bob}> boss`);
    expectRefusal(badRole.reply, /"boss" is not a role/, /\/ledger role @user annotator\|reviewer\|lead\|admin/);
    expect(await h.auditCount()).toBe(before);
    expect(
      await h.prisma.member.findUniqueOrThrow({ where: { teamId_userId: { teamId: TEAM, userId: IDS.ana } } }),
    ).toMatchObject({ role: "ANNOTATOR" });

    const cap = await ask(h.lead, "/ledger", `capacity <@${IDS.ana}> 1500`);
    expect(cap.text).toContain(`<@${IDS.ana}> can do 1,500 items per week.`);
    expect(
      await h.prisma.member.findUniqueOrThrow({ where: { teamId_userId: { teamId: TEAM, userId: IDS.ana } } }),
    ).toMatchObject({ capacityPerWeek: 1500 });
    const capByAnnotator = await ask(h.bob, "/ledger", `capacity <@${IDS.bob}> 99999`);
    expectRefusal(capByAnnotator.reply, /lead/i);
    const badCap = await ask(h.lead, "/ledger", `capacity <@${IDS.ana}> fast`);
    expectRefusal(badCap.reply, /"fast" is not a number of items per week/, /\/ledger capacity/);
  });

  it("export sends the CSV to my DM through files.uploadV2", async () => {
    const slug = await h.dataset(uniqueSlug("export"), 300);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-100 due 2030-01-31 say "hi", then go`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${a} 12`);
    const b = refIn((await ask(h.bob, "/claim", `${slug} 101-150`)).reply.text ?? "");
    await ask(h.bob, "/release", b);
    const mark = h.slack.mark();
    const { reply, text } = await ask(h.ana, "/ledger", `export ${slug}`);
    expect(reply.text).toBe(`Exported ${slug}`);
    expect(text).toContain(`Sent you the ledger of *${slug}* as CSV (2 rows).`);
    const complete = await h.slack.waitFor("files.completeUploadExternal", undefined, { since: mark });
    expect(complete.args.channel_id).toBe(h.ana.dmChannel);
    const file = h.slack.files().find((f) => f.name === `${slug}-ledger.csv`);
    expect(file).toBeTruthy();
    expect(file!.channels).toEqual([h.ana.dmChannel]);
    expect(file!.initial_comment).toBe(`The ledger of ${slug}: 2 rows.`);
    const lines = file!.content!.toString("utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "ref,first,last,size,assignee,status,items_done,due_date,note,review_round,created_at,updated_at",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^${a},1,100,100,${IDS.ana},IN_PROGRESS,12,2030-01-31,"say ""hi"", then go",0,`),
    );
    expect(lines[2]).toMatch(new RegExp(`^${b},101,150,50,${IDS.bob},RELEASED,0,,,0,`));
    // the file is in ana's DM, not in the channel
    const dmMessages = h.slack.messages(h.ana.dmChannel);
    expect(dmMessages.some((m) => (m.files ?? []).length > 0)).toBe(true);

    const outsider = await ask(h.rev, "/ledger", `export ${slug}`);
    expect(outsider.reply.text).toBe(`Exported ${slug}`); // reviewers may export
    const annotator = await ask(h.admin, "/ledger", `export no-such-thing`);
    expectRefusal(annotator.reply, /no-such-thing/);
    const slug2 = await h.dataset(uniqueSlug("export-none"), 10);
    const nothing = await ask(h.bob, "/ledger", `export ${slug2}`);
    expectRefusal(nothing.reply, new RegExp(`you hold nothing in ${slug2}`));
  });

  it("export <dataset> reviews sends one CSV row per review round to my DM", async () => {
    const slug = await h.dataset(uniqueSlug("export-reviews"), 300, { gold: "3", taxonomy: "wrong class, other" });
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${a} 20`);
    await ask(h.ana, "/progress", `${a} done boxes, mostly`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(a) } });
    const reviewer = { teamId: TEAM, userId: review.reviewerId! };
    await h.ledger.recordReview(reviewer, `R${review.id}`, {
      verdict: "changes",
      itemsChecked: 20,
      errors: { "wrong class": 2 },
      goldCorrect: 0,
      comment: "cats, not dogs",
    });
    const decided = await h.prisma.review.findUniqueOrThrow({ where: { id: review.id } });

    const mark = h.slack.mark();
    const { reply, text } = await ask(h.lead, "/ledger", `export ${slug} reviews`);
    expect(reply.text).toBe(`Exported the reviews of ${slug}`);
    expect(text).toContain(`Sent you the reviews of *${slug}* as CSV (1 row, one per review round).`);
    const complete = await h.slack.waitFor("files.completeUploadExternal", undefined, { since: mark });
    expect(complete.args.channel_id).toBe(h.lead.dmChannel);
    const file = h.slack.files().find((f) => f.name === `${slug}-reviews.csv`);
    expect(file).toBeTruthy();
    expect(file!.channels).toEqual([h.lead.dmChannel]);
    expect(file!.initial_comment).toBe(`The reviews of ${slug}: 1 row, one per review round.`);
    expect(file!.content!.toString("utf8").split("\r\n")).toEqual([
      "assignment,first,last,annotator,reviewer,round,status,submitted_at,decided_at,sample_size,sample,items_checked," +
        "errors: wrong class,errors: other,errors_total,gold_checked,gold_correct,submit_note,comment",
      `${a},1,20,${IDS.ana},${review.reviewerId},1,CHANGES_REQUESTED,${decided.createdAt.toISOString()},` +
        `${decided.decidedAt!.toISOString()},20,full,20,2,0,2,1,0,"boxes, mostly","cats, not dogs"`,
      "",
    ]);

    const other = await ask(h.lead, "/ledger", `export ${slug} errors`);
    expectRefusal(
      other.reply,
      /"errors" is not an export; add reviews, or nothing for the ledger/,
      /\/ledger export <dataset> \[reviews\]/,
    );
    const outsider = await ask(h.bob, "/ledger", `export ${slug} reviews`);
    expectRefusal(outsider.reply, new RegExp(`you hold nothing in ${slug}`));
    expect(h.slack.files().filter((f) => f.name === `${slug}-reviews.csv`)).toHaveLength(1);
  });
});

/** Waits until the app has handled `n` user_change events (events are acknowledged before they are handled). */
async function userChangesHandled(n: number): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const { values } = await h.rk.services.metrics.requests.get();
    const handled = values.filter((v) => v.labels.name === "user_change").reduce((sum, v) => sum + v.value, 0);
    if (handled >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${handled} user_change events handled`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("Slack workspace admins", () => {
  it("are admins of the ledger; a user_change makes a new admin count at once", async () => {
    const slug = uniqueSlug("by-owner");
    const refused = await ask(h.bob, "/ledger", `dataset add ${slug} 10`);
    expectRefusal(refused.reply, /only leads and admins can/);
    const profile = h.slack.workspace.user(IDS.bob)!;
    try {
      h.slack.addUser({ ...profile, is_admin: true });
      const change = await h.bob.sendEvent({
        type: "user_change",
        user: { id: IDS.bob, name: profile.name, is_admin: true },
        event_ts: "1.0",
      });
      expect(change.status).toBe(200);
      await userChangesHandled(1);
      const added = await ask(h.bob, "/ledger", `dataset add ${slug} 10 Owner's set`);
      expect(added.reply.text).toBe(`Added dataset *${slug}*`);
    } finally {
      h.slack.addUser({ ...profile, is_admin: false });
      await h.bob.sendEvent({ type: "user_change", user: { id: IDS.bob, name: profile.name }, event_ts: "2.0" });
      await userChangesHandled(2);
    }
    const again = await ask(h.bob, "/ledger", `dataset add ${uniqueSlug("by-owner")} 10`);
    expectRefusal(again.reply, /only leads and admins can/);
  });
});

// After the other suites: /ledger status lists the first datasets, which those create.
describe("due dates in words", () => {
  /** What `typed` means today for someone in `tz`, as the ledger resolves it. */
  const resolved = (typed: string, tz: string) => resolveDueDate(typed, dateIn(tz, new Date()));
  const stored = async (ref: string) => (await row(ref)).dueDate?.toISOString().slice(0, 10);

  it("/claim takes a weekday, tomorrow and +3d in the claimer's zone, and the reply shows the date with its weekday", async () => {
    const slug = await h.dataset(uniqueSlug("due-words"), 1000);
    // A weekday that is neither today nor tomorrow for the claimer (those read "today" and "tomorrow").
    const near = [resolved("today", "America/New_York"), resolved("tomorrow", "America/New_York")];
    const weekday = ["fri", "mon"].find((d) => !near.includes(resolved(d, "America/New_York")))!;
    const day = resolved(weekday, "America/New_York");
    const a = await ask(h.bob, "/claim", `${slug} 1-10 due ${weekday} boxes`);
    const ra = refIn(a.reply.text ?? "");
    expect(await stored(ra)).toBe(day);
    expect(a.text).toContain(`due ${day} (${weekdayOf(day)}, in `);
    const tomorrow = resolved("tomorrow", "America/New_York");
    const b = await ask(h.bob, "/claim", `${slug} next 5 due tomorrow`);
    expect(await stored(refIn(b.reply.text ?? ""))).toBe(tomorrow);
    expect(b.text).toContain(`due tomorrow (${weekdayOf(tomorrow)} ${tomorrow})`);
    const today = resolved("today", "Europe/Lisbon");
    const c = await ask(h.ana, "/claim", `${slug} 500 due today`);
    expect(await stored(refIn(c.reply.text ?? ""))).toBe(today);
    expect(c.text).toContain(`due *today* (${weekdayOf(today)} ${today})`);
  });

  it("/ledger assign and /ledger due take them in the lead's zone; the moved date is echoed", async () => {
    const slug = await h.dataset(uniqueSlug("due-words-lead"), 1000);
    const plus3 = resolved("+3d", "Europe/Lisbon");
    const assigned = await ask(h.lead, "/ledger", `assign ${slug} 1-50 <@${IDS.bob}|bob> due +3d`);
    const ref = refIn(assigned.reply.text ?? "");
    expect(await stored(ref)).toBe(plus3);
    const twoWeeks = resolved("+2w", "Europe/Lisbon");
    const moved = await ask(h.lead, "/ledger", `due ${ref} +2w later batch`);
    expect(moved.text).toContain(`to *${twoWeeks}*`);
    expect(moved.text).toContain(`due ${twoWeeks} (${weekdayOf(twoWeeks)}, in `);
    expect(await stored(ref)).toBe(twoWeeks);
    const events = await h.prisma.auditEvent.findMany({ where: { assignmentId: idOf(ref), action: "assignment.due" } });
    expect(events.map((e) => e.after)).toEqual([{ dueDate: twoWeeks }]);
    const bad = await ask(h.lead, "/ledger", `due ${ref} whenever`);
    expect(bad.text).toContain('"whenever" is not a date');
    expect(await stored(ref)).toBe(twoWeeks);
  });
});

describe("claiming the free range a refusal offers", () => {
  it("the button claims that range with the same due date and note; taken meanwhile, it is refused and the next free range offered", async () => {
    const slug = await h.dataset(uniqueSlug("instead"), 300);
    await ask(h.ana, "/claim", `${slug} 1-100`);
    const refused = await ask(h.bob, "/claim", `${slug} 50-60 due 2030-01-31 quick pass`);
    const offer = buttons(refused.reply.blocks);
    expect(offer.map((b) => [b.text, b.value])).toEqual([
      ["Claim 101–111 instead", `${slug}|101-111|2030-01-31|quick pass`],
    ]);
    expect(await h.prisma.assignment.count({ where: { assigneeId: IDS.bob, dataset: { slug } } })).toBe(0);
    const click = await h.bob.click("claim.instead", {
      channel: CHANNEL,
      messageTs: refused.reply.message!.ts,
      value: offer[0]!.value,
    });
    const claimed = await click.reply();
    expect(claimed.replace_original).toBe(true);
    const ref = refIn(claimed.text ?? "");
    expect(claimed.text).toBe(`Claimed ${ref}: ${slug} 101–111`);
    const a = await row(ref);
    expect(a).toMatchObject({ first: 101, last: 111, assigneeId: IDS.bob, note: "quick pass" });
    expect(a.dueDate?.toISOString().slice(0, 10)).toBe("2030-01-31");

    // offered 112–122, but Ana takes it before the click: the click is refused, nothing is created, 123–133 is offered
    const again = await ask(h.bob, "/claim", `${slug} 90-100`);
    const second = buttons(again.reply.blocks);
    expect(second.map((b) => b.text)).toEqual(["Claim 112–122 instead"]);
    await ask(h.ana, "/claim", `${slug} 112-122`);
    const before = await snapshot(slug);
    const late = await h.bob.click("claim.instead", {
      channel: CHANNEL,
      messageTs: again.reply.message!.ts,
      value: second[0]!.value,
    });
    const lateReply = await late.reply();
    expect(blockText(lateReply.blocks)).toMatch(
      new RegExp(
        `items 112–122 of ${slug} are already held by <@${IDS.ana}> in A\\d+; the lowest free range of 11 items is 123–133`,
      ),
    );
    expect(buttons(lateReply.blocks).map((b) => b.text)).toEqual(["Claim 123–133 instead"]);
    expect(await snapshot(slug)).toEqual(before);
  });

  it("a button whose value rangekeeper did not make is refused and claims nothing", async () => {
    const slug = await h.dataset(uniqueSlug("instead-forged"), 100);
    const before = await snapshot(slug);
    const forged = await forgeClick(
      h,
      IDS.bob,
      { actionId: "claim.instead", value: `${slug}|1-5` },
      { channel: CHANNEL },
    );
    expect(blockText((await forged.reply()).blocks)).toContain("is not a reference rangekeeper made");
    expect(await snapshot(slug)).toEqual(before);
  });
});
