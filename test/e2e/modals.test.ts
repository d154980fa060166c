/**
 * Every modal through Slack's real sequence: the command or button opens a
 * loading modal with its trigger, the app updates it with the form, the user
 * fills it and submits (view_submission); refusals come back inline on the
 * right block and change nothing; success closes it and answers.
 */

import { ClientValidationError, type StoredMessage } from "@rangekeeper/slack-standin";
import { describe, expect, it, vi } from "vitest";
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
useApp((started) => (h = started), { settleEach: true });
const row = (ref: string) => h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } });

async function snapshot(slug: string) {
  const d = await h.ledger.getDataset(TEAM, slug);
  return {
    assignments: await h.prisma.assignment.findMany({ where: { datasetId: d.id }, orderBy: { id: "asc" } }),
    handoffs: await h.prisma.handoffRequest.findMany({
      where: { assignment: { datasetId: d.id } },
      orderBy: { id: "asc" },
    }),
    reviews: await h.prisma.review.findMany({ where: { assignment: { datasetId: d.id } }, orderBy: { id: "asc" } }),
    audit: await h.auditCount(slug),
  };
}

/** The next ephemeral message the app shows `userId` in the channel whose text satisfies `match`. */
function ephemeral(userId: string, match: (m: StoredMessage) => boolean): Promise<StoredMessage> {
  return h.slack.waitUntil(() => h.slack.ephemerals(userId, CHANNEL).find(match), 3000, "an ephemeral answer");
}

describe("claim modal", () => {
  it("/claim opens a loading modal, the form replaces it, the dataset choice suggests a range, and a submission claims", async () => {
    const slug = await h.dataset(uniqueSlug("claim-modal"), 800, { batch: "100" });
    await ask(h.bob, "/claim", `${slug} 1-30`);
    const mark = h.slack.mark();
    const res = await h.ana.command("/claim");
    expect(res.status).toBe(200);
    expect(res.body).toBe("");
    const opened = await h.slack.waitFor("views.open", (c) => c.args.trigger_id === res.triggerId, { since: mark });
    expect(opened.response.ok).toBe(true);
    expect((opened.args.view as { callback_id: string }).callback_id).toBe("loading_modal");
    expect(blockText((opened.args.view as { blocks: unknown }).blocks)).toContain("Loading…");
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal");
    const update = await h.slack.waitFor("views.update", (c) => c.args.view_id === form.id, { since: mark });
    expect(update.response.ok).toBe(true);
    expect(metadataOf(form)).toMatchObject({ channelId: CHANNEL });
    expect(form.submit).toMatchObject({ text: "Claim" });

    // choosing the dataset shows its next free range
    await h.ana.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.ana.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    expect(blockText(chosen.blocks)).toContain("Next free: *31–130* (100 items) · 770 of 800 free");
    expect(metadataOf(chosen)).toEqual({ channelId: CHANNEL, ref: slug });

    const sub = await h.ana.submit(chosen.id, { range: "200-249", due: "2030-01-31", note: "via the form" });
    expect(sub.status).toBe(200);
    expect(sub.responseAction).toBeUndefined();
    expect(sub.closed).toBe(true);
    expect(sub.problems).toEqual([]);
    expect(h.ana.modal()).toBeUndefined();
    const confirmation = await ephemeral(
      IDS.ana,
      (m) => m.text.startsWith("Claimed") && m.text.includes(`${slug} 200–249`),
    );
    const ref = refIn(confirmation.text);
    expect(blockText(confirmation.blocks)).toContain(`You hold *${ref}*`);
    expect(blockText(confirmation.blocks)).toContain("due 2030-01-31");
    expect(await row(ref)).toMatchObject({ assigneeId: IDS.ana, first: 200, last: 249, note: "via the form" });
  });

  it("an empty range takes the next free range of the given size", async () => {
    const slug = await h.dataset(uniqueSlug("claim-modal-next"), 500, { batch: "50" });
    await h.bob.command("/claim");
    const form = await h.bob.waitForModal((v) => v.callback_id === "claim_modal");
    await h.bob.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    const sub = await h.bob.submit(chosen.id, { size: 25 });
    expect(sub.closed).toBe(true);
    const confirmation = await ephemeral(IDS.bob, (m) => m.text.includes(`${slug} 1–25`));
    expect(await row(refIn(confirmation.text))).toMatchObject({ first: 1, last: 25, assigneeId: IDS.bob });
  });

  it("invalid input comes back on its block and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("claim-modal-bad"), 300);
    const before = await snapshot(slug);
    await h.ana.command("/claim");
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal");
    await h.ana.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.ana.waitForModal((v) => blockText(v.blocks).includes("Next free"));

    const bad = await h.ana.submit(chosen.id, { range: "abc" });
    expect(bad.responseAction).toBe("errors");
    expect(bad.closed).toBe(false);
    expect(bad.problems).toEqual([]);
    expect(bad.errors).toEqual({ range: '"abc" is not a range; write it as <first>-<last>, e.g. 101-200' });

    const zero = await h.ana.submit(chosen.id, { range: "", size: "0" }, { skipClientValidation: true });
    expect(zero.errors).toEqual({ size: "the size must be at least 1" });

    const outside = await h.ana.submit(chosen.id, { range: "250-400", size: "" }, { skipClientValidation: true });
    expect(outside.errors).toEqual({ range: `${slug} has 300 items (1–300); 250–400 goes past the end` });

    const past = await h.ana.submit(chosen.id, { range: "1-10", due: "2001-01-01" });
    expect(past.responseAction).toBe("errors");
    expect(past.errors?.due).toMatch(/^the due date 2001-01-01 is in the past/);

    // Slack's client refuses a size below the input's minimum before sending anything
    await expect(h.ana.submit(chosen.id, { range: "", size: "0", due: null })).rejects.toBeInstanceOf(
      ClientValidationError,
    );

    expect(h.ana.modal()?.id).toBe(chosen.id);
    await h.ana.closeView();
    expect(await snapshot(slug)).toEqual(before);
  });

  it("a range someone holds is refused inline, naming the holder and the reference", async () => {
    const slug = await h.dataset(uniqueSlug("claim-modal-held"), 300);
    const held = refIn((await ask(h.bob, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await snapshot(slug);
    await h.ana.command("/claim");
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal");
    await h.ana.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.ana.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    const sub = await h.ana.submit(chosen.id, { range: "50-60" });
    expect(sub.responseAction).toBe("errors");
    // a field error is plain text: the holder is named, not left as <@U…>
    expect(sub.errors).toEqual({
      range: `items 50–60 of ${slug} are already held by @Bob Okafor in ${held}; the lowest free range of 11 items is 101–111`,
    });
    await h.ana.closeView();
    expect(await snapshot(slug)).toEqual(before);
  });
});

describe("claim shortcut", () => {
  it("the global shortcut opens the claim modal; with no channel the confirmation comes by DM", async () => {
    const slug = await h.dataset(uniqueSlug("shortcut"), 100);
    const res = await h.bob.shortcut("claim_shortcut");
    expect(res.status).toBe(200);
    const form = await h.bob.waitForModal((v) => v.callback_id === "claim_modal");
    expect(metadataOf(form)).toMatchObject({ channelId: null });
    await h.bob.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    expect((await h.bob.submit(chosen.id, { range: "5-9" })).closed).toBe(true);
    const dm = await h.bob.waitForDm((m) => m.text.includes(`${slug} 5–9`));
    expect(await row(refIn(dm.text))).toMatchObject({ assigneeId: IDS.bob, first: 5, last: 9 });
  });
});

describe("progress modal", () => {
  it("opens from /progress over my open ranges and records a count, then a submission", async () => {
    const slug = await h.dataset(uniqueSlug("progress-modal"), 500);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-100`)).reply.text ?? "");
    await h.bob.command("/progress");
    const form = await h.bob.waitForModal((v) => v.callback_id === "progress_modal");
    expect(blockText(form.blocks)).toContain(`${ref} · ${slug} 1–100 · 0/100 · pending`);

    // no count with "just record the count" is refused inline
    const missing = await h.bob.submit(form.id, { assignment: ref });
    expect(missing.errors).toEqual({ done: "give the number of items done" });
    const tooMany = await h.bob.submit(form.id, { assignment: ref, done: 500 }, { skipClientValidation: true });
    expect(tooMany.errors).toEqual({ done: `${ref} has 100 items; items done must be between 0 and 100` });
    expect(await row(ref)).toMatchObject({ itemsDone: 0, status: "PENDING" });

    const ok = await h.bob.submit(form.id, { assignment: ref, done: 30, note: "slow images" });
    expect(ok.closed).toBe(true);
    const reply = await ephemeral(IDS.bob, (m) => m.text.includes(`${ref}:`) && m.text.includes("30 of 100"));
    expect(blockText(reply.blocks)).toContain(`*${ref}*: 30 of 100 done and started it.`);
    expect(await row(ref)).toMatchObject({ itemsDone: 30, status: "IN_PROGRESS" });

    // the card's "Update progress" opens the modal on that range
    const card = await h.bob.click("assignment.progress", { channel: CHANNEL, messageTs: reply.ts });
    expect(card.status).toBe(200);
    const again = await h.bob.waitForModal((v) => v.callback_id === "progress_modal" && v.id !== form.id);
    const state = again.blocks.find((b) => (b as { block_id?: string }).block_id === "assignment") as {
      element: { initial_option?: { value: string } };
    };
    expect(state.element.initial_option?.value).toBe(ref);
    const done = await h.bob.submit(again.id, { done: 100, action: "done" });
    expect(done.closed).toBe(true);
    const submitted = await ephemeral(IDS.bob, (m) => m.text === `${ref} submitted`);
    expect(blockText(submitted.blocks)).toContain(`*${ref}* is in review with`);
    expect(await row(ref)).toMatchObject({ status: "IN_REVIEW", itemsDone: 100 });
    await h.settle();
  });

  it("a count with Start or Pause records both, or neither when one is refused", async () => {
    const slug = await h.dataset(uniqueSlug("progress-step"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await h.ana.command("/progress");
    const form = await h.ana.waitForModal((v) => v.callback_id === "progress_modal");
    // pausing a range that was never started is refused, and the count is not recorded either
    const before = await snapshot(slug);
    const refused = await h.ana.submit(form.id, { assignment: ref, done: 10, action: "pause" });
    expect(refused.errors).toEqual({ action: `can't pause ${ref}: it has not been started` });
    expect(await snapshot(slug)).toEqual(before);

    const started = await h.ana.submit(form.id, { assignment: ref, done: 30, action: "start" });
    expect(started.responseAction).toBeUndefined();
    expect(started.closed).toBe(true);
    expect(await row(ref)).toMatchObject({ status: "IN_PROGRESS", itemsDone: 30 });
    const reply = await ephemeral(IDS.ana, (m) => m.text.startsWith(`${ref}:`) && m.text.includes("30 of 50"));
    expect(blockText(reply.blocks)).toContain("(30/50)");

    await h.ana.command("/progress");
    const again = await h.ana.waitForModal((v) => v.callback_id === "progress_modal");
    const paused = await h.ana.submit(again.id, { assignment: ref, done: 45, action: "pause" });
    expect(paused.closed).toBe(true);
    expect(await row(ref)).toMatchObject({ status: "PENDING", itemsDone: 45 });
  });

  it("with nothing open, says so instead of an empty form", async () => {
    await h.rev.command("/progress");
    const notice = await h.rev.waitForModal((v) => blockText(v.blocks).includes("You hold no open ranges"));
    expect(notice.submit).toBeNull();
    await h.rev.closeView();
  });
});

describe("progress modal: submitting with items left", () => {
  it("is refused on the count until the full count is given", async () => {
    const slug = await h.dataset(uniqueSlug("progress-done"), 500);
    const ref = refIn((await ask(h.bob, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${ref} 41`);
    const before = await snapshot(slug);
    await h.bob.command("/progress");
    const form = await h.bob.waitForModal((v) => v.callback_id === "progress_modal");
    const left = await h.bob.submit(form.id, { assignment: ref, action: "done" });
    expect(left.errors).toEqual({
      done: `${ref} has 41 of 50 items done; submitting it counts all 50 as done, so confirm that or state the count of 50`,
    });
    const partial = await h.bob.submit(form.id, { assignment: ref, done: 41, action: "done" });
    expect(partial.errors).toEqual({
      done: `submitting ${ref} counts all 50 of its items as done, not 41; record 41 as a count of progress and submit when all 50 are done`,
    });
    expect(await snapshot(slug)).toEqual(before);
    const ok = await h.bob.submit(form.id, { assignment: ref, done: 50, action: "done" });
    expect(ok.closed).toBe(true);
    expect(await row(ref)).toMatchObject({ status: "IN_REVIEW", itemsDone: 50 });
  });
});

describe("handoff modal: done items", () => {
  it("states the rule, takes the done items of the handed-off part and checks them inline", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-done"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 60`);
    const before = await snapshot(slug);
    await h.ana.command("/handoff");
    const form = await h.ana.waitForModal((v) => v.callback_id === "handoff_modal");
    expect(blockText(form.blocks)).toContain("Leave empty to count done items from the start of the range");
    const bad = await h.ana.submit(form.id, {
      assignment: ref,
      to: IDS.bob,
      range: "51-100",
      done_moved: 5,
      reason: "split",
    });
    expect(bad.errors).toEqual({
      done_moved: `${ref} has 60 items done; with 5 in 51–100, the other 55 do not fit in the 50 items kept`,
    });
    expect(await snapshot(slug)).toEqual(before);
    const ok = await h.ana.submit(form.id, {
      assignment: ref,
      to: IDS.bob,
      range: "51-100",
      done_moved: 30,
      reason: "split",
    });
    expect(ok.closed).toBe(true);
    const reply = await ephemeral(IDS.ana, (m) => m.text === `Handoff of ${ref} requested`);
    expect(blockText(reply.blocks)).toContain(
      "Done items: 51–100 (30/50 done) would go to the recipient; 1–50 (30/50 done) would stay (as the requester stated).",
    );
    const hRef = refIn(blockText(reply.blocks), "H");
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      doneMoved: 30,
    });
  });
});

describe("handoff modal", () => {
  it("an annotator's request from the modal; inline errors for person-and-pool and a missing reason", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-modal"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await snapshot(slug);
    await h.ana.command("/handoff");
    const form = await h.ana.waitForModal((v) => v.callback_id === "handoff_modal");
    expect(form.submit).toMatchObject({ text: "Ask a lead" });
    expect(blockText(form.blocks)).toContain("A lead approves your request");

    const both = await h.ana.submit(form.id, { assignment: ref, to: IDS.bob, pool: true, reason: "x" });
    expect(both.errors).toEqual({ to: "choose a person or the pool, not both" });
    const neither = await h.ana.submit(form.id, { assignment: ref, to: null, pool: false, reason: "x" });
    expect(neither.errors).toEqual({ to: "choose who gets the items, or tick the pool below" });
    const noReason = await h.ana.submit(
      form.id,
      { assignment: ref, to: IDS.bob, pool: false, reason: "" },
      { skipClientValidation: true },
    );
    expect(noReason.errors).toEqual({ reason: "give a reason; it is kept in the history" });
    const outside = await h.ana.submit(form.id, { assignment: ref, to: IDS.bob, range: "90-120", reason: "too much" });
    expect(outside.errors).toEqual({ range: `90–120 is not inside ${ref} (${slug} 1–100)` });
    expect(await snapshot(slug)).toEqual(before);

    const ok = await h.ana.submit(form.id, {
      assignment: ref,
      to: IDS.bob,
      range: "61-100",
      reason: "vacation from Monday",
    });
    expect(ok.closed).toBe(true);
    const reply = await ephemeral(IDS.ana, (m) => m.text === `Handoff of ${ref} requested`);
    const hRef = refIn(blockText(reply.blocks), "H");
    expect(blockText(reply.blocks)).toContain(`Asked to hand *${ref}* items 61–100 to <@${IDS.bob}> (${hRef})`);
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      status: "PENDING",
      toUserId: IDS.bob,
      first: 61,
      last: 100,
      reason: "vacation from Monday",
    });
    await h.settle();
  });

  it("a lead's handoff from the card's Hand off button happens at once (to the pool)", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-modal-lead"), 500);
    const ref = refIn((await ask(h.lead, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const reply = h.slack.ephemerals(IDS.lead).at(-1);
    // /claim answered through response_url: the card is the reply message
    const msg = reply ?? h.lead.visibleMessages().find((m) => m.text.startsWith(`Claimed ${ref}`))!;
    await h.lead.click("assignment.handoff", { messageTs: msg.ts, value: ref });
    const form = await h.lead.waitForModal((v) => v.callback_id === "handoff_modal");
    expect(form.submit).toMatchObject({ text: "Hand off" });
    const sub = await h.lead.submit(form.id, { pool: true, range: "51-100", reason: "over capacity" });
    expect(sub.closed).toBe(true);
    const done = await h.slack.waitUntil(() =>
      h.lead.visibleMessages().find((m) => m.text === `Handoff of ${ref} done`),
    );
    expect(blockText(done.blocks)).toContain(`*${ref}* items 51–100 went to the pool.`);
    expect(await row(ref)).toMatchObject({ first: 1, last: 50 });
    expect((await h.ledger.coverage(TEAM, slug)).freeItems).toBe(450);
  });
});

describe("decision modal", () => {
  it("a lead approves to someone else with a comment", async () => {
    const slug = await h.dataset(uniqueSlug("decide-modal"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const hRef = refIn((await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}> 81-100 too many frames`)).text, "H");
    await h.settle();
    const dm = await h.lead2.waitForDm((m) => m.text.includes(hRef));
    await h.lead2.click("handoff.decide", { channel: h.lead2.dmChannel, messageTs: dm.ts });
    const form = await h.lead2.waitForModal((v) => v.callback_id === "handoff_decision_modal");
    expect(form.title).toMatchObject({ text: `Decide ${hRef}` });
    expect(metadataOf(form)).toMatchObject({ ref: hRef });
    expect(blockText(form.blocks)).toContain(`<@${IDS.ana}> asks to hand *${ref}* items 81–100 to <@${IDS.bob}>.`);

    // approving "to" the current owner is refused on the recipient field
    const toOwner = await h.lead2.submit(form.id, { decision: "approve", to: IDS.ana });
    expect(toOwner.errors).toEqual({ to: `${ref} already belongs to @Ana Lima` });
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      status: "PENDING",
    });

    const sub = await h.lead2.submit(form.id, { decision: "approve", to: IDS.rev, comment: "Rita has time" });
    expect(sub.closed).toBe(true);
    const hr = await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } });
    expect(hr).toMatchObject({
      status: "APPROVED",
      decidedById: IDS.lead2,
      toUserId: IDS.rev,
      decisionComment: "Rita has time",
    });
    expect(await row(`A${hr.resultAssignmentId}`)).toMatchObject({ assigneeId: IDS.rev, first: 81, last: 100 });
    await h.settle();
    const ritaDm = await h.rev.waitForDm((m) => m.text === `You received A${hr.resultAssignmentId}`);
    expect(blockText(ritaDm.blocks)).toContain("Comment: Rita has time");
    // the answer is lou's own copy of the request, edited in place: no second message repeats it
    const told = await vi.waitFor(
      () => {
        const m = h.lead2.visibleMessages().find((x) => x.ts === dm.ts);
        expect(m?.text).toBe(`${hRef} approved`);
        return m!;
      },
      { timeout: 15_000 },
    );
    expect(blockText(told.blocks)).toContain(`Approved by <@${IDS.lead2}>`);
    expect(buttons(told.blocks)).toEqual([]);
    expect(
      h.lead2
        .visibleMessages()
        .filter((m) => m.text.includes(hRef))
        .map((m) => m.ts),
    ).toEqual([dm.ts]);
  });

  it("rejecting through the modal keeps the range", async () => {
    const slug = await h.dataset(uniqueSlug("decide-modal-reject"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const hRef = refIn((await ask(h.ana, "/handoff", `${ref} pool 1-10 dull`)).text, "H");
    await h.settle();
    const dm = await h.lead.waitForDm((m) => m.text.includes(hRef));
    await h.lead.click("handoff.decide", { channel: h.lead.dmChannel, messageTs: dm.ts });
    const form = await h.lead.waitForModal((v) => v.callback_id === "handoff_decision_modal");
    const before = await snapshot(slug);
    const sub = await h.lead.submit(form.id, { decision: "reject", comment: "please finish it" });
    expect(sub.closed).toBe(true);
    const after = await snapshot(slug);
    expect(after.assignments).toEqual(before.assignments);
    expect(after.handoffs[0]).toMatchObject({ status: "REJECTED", decisionComment: "please finish it" });
    await h.settle();
    const anaDm = await h.ana.waitForDm((m) => m.text === `${hRef} rejected`);
    expect(blockText(anaDm.blocks)).toContain("Comment: please finish it");
  });
});

describe("the annotator's note on submitting", () => {
  it("/progress <ref> done <note> and the progress form's note reach the reviewer's DM and review form", async () => {
    const slug = await h.dataset(uniqueSlug("done-note"), 200);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 10`);
    await ask(h.ana, "/progress", `${ref} done boxes on 7-9 were unclear`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    expect(review.submitNote).toBe("boxes on 7-9 were unclear");
    const reviewer = h.slack.as(review.reviewerId!);
    const dm = await reviewer.waitForDm((m) => m.text.includes(ref));
    expect(blockText(dm.blocks)).toContain(`:memo: Note from <@${IDS.ana}>: boxes on 7-9 were unclear`);
    await reviewer.click("review.open", { channel: reviewer.dmChannel, messageTs: dm.ts });
    const form = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(blockText(form.blocks)).toContain(`:memo: Note from <@${IDS.ana}>: boxes on 7-9 were unclear`);
    const comment = form.blocks.find((b) => (b as { block_id?: string }).block_id === "comment") as {
      label: { text: string };
      hint: { text: string };
      optional: boolean;
    };
    // optional for an acceptance (Slack adds "(optional)"), and the hint says when it is required
    expect(comment).toMatchObject({ optional: true, label: { text: "Comment for the annotator" } });
    expect(comment.hint.text).toBe("Required when you ask for changes: say what to change. Accepting needs none.");
    const refused = await reviewer.submit(form.id, { checked: 10, verdict: "changes" });
    expect(refused.errors).toEqual({
      comment: "A comment is required when asking for changes: say what to change.",
    });
    expect(await h.prisma.review.findUniqueOrThrow({ where: { id: review.id } })).toMatchObject({ status: "PENDING" });
    await reviewer.closeView();

    // from the progress form: its note goes along too
    const other = refIn((await ask(h.bob, "/claim", `${slug} 101-110`)).reply.text ?? "");
    await h.bob.command("/progress");
    const pf = await h.bob.waitForModal((v) => v.callback_id === "progress_modal");
    const done = await h.bob.submit(pf.id, { assignment: other, done: 10, action: "done", note: "frame 104 is blank" });
    expect(done.closed).toBe(true);
    await h.settle();
    const r2 = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(other) } });
    expect(r2.submitNote).toBe("frame 104 is blank");
    const dm2 = await h.slack.as(r2.reviewerId!).waitForDm((m) => m.text.includes(other));
    expect(blockText(dm2.blocks)).toContain(`:memo: Note from <@${IDS.bob}>: frame 104 is blank`);
  });

  it("a submission without a note shows none", async () => {
    const slug = await h.dataset(uniqueSlug("done-no-note"), 100);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-5`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 5`);
    await ask(h.ana, "/progress", `${ref} done`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    expect(review.submitNote).toBeNull();
    const dm = await h.slack.as(review.reviewerId!).waitForDm((m) => m.text.includes(ref));
    expect(blockText(dm.blocks)).not.toContain("Note from");
  });
});

describe("review modal", () => {
  it("refuses numbers that mean nothing on the field they are in, and records nothing", async () => {
    const slug = await h.dataset(uniqueSlug("review-numbers"), 200, { gold: "3,7" });
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} done confirm`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    const reviewer = h.slack.as(review.reviewerId!);
    const dm = await reviewer.waitForDm((m) => m.text.includes(ref));
    await reviewer.click("review.open", { channel: reviewer.dmChannel, messageTs: dm.ts });
    const form = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(blockText(form.blocks)).toContain("Gold items right (of 2)");

    const before = await snapshot(slug);
    // error:1 is "wrong class", error:0 "missing label", error:5 "other"
    const oneCategory = await reviewer.submit(form.id, { checked: 5, "error:1": 6, gold: 2, verdict: "accept" });
    expect(oneCategory.errors).toEqual({
      "error:1": '6 "wrong class" errors is more than the 5 items checked; count each item with an error once',
    });
    const inAll = await reviewer.submit(form.id, {
      checked: 5,
      "error:1": 0,
      "error:0": 3,
      "error:5": 4,
      gold: 2,
      verdict: "changes",
      comment: "redo the boxes",
    });
    expect(inAll.errors).toEqual({
      checked:
        "7 errors in all is more than the 5 items checked; count each item with an error once, under its main category",
    });
    const gold = await reviewer.submit(
      form.id,
      { checked: 20, gold: 3, verdict: "accept" },
      { skipClientValidation: true },
    );
    expect(gold.errors).toEqual({ gold: "gold items right must be between 0 and 2" });
    const checked = await reviewer.submit(
      form.id,
      { checked: 21, gold: 2, verdict: "accept" },
      { skipClientValidation: true },
    );
    expect(checked.errors).toEqual({ checked: "items checked must be between 1 and 20" });
    expect(await snapshot(slug)).toEqual(before);
    expect(await h.prisma.reviewError.count({ where: { reviewId: review.id } })).toBe(0);

    // as many errors as items checked, and every gold item right, are fine
    const ok = await reviewer.submit(form.id, {
      checked: 5,
      "error:0": 3,
      "error:5": 2,
      gold: 2,
      verdict: "accept",
      comment: "",
    });
    expect(ok.closed).toBe(true);
    expect(
      await h.prisma.review.findUniqueOrThrow({ where: { id: review.id }, include: { errors: true } }),
    ).toMatchObject({
      status: "ACCEPTED",
      itemsChecked: 5,
      goldChecked: 2,
      goldCorrect: 2,
      errors: expect.arrayContaining([
        expect.objectContaining({ category: "missing label", count: 3 }),
        expect.objectContaining({ category: "other", count: 2 }),
      ]),
    });
  });

  it("from the reviewer's DM: changes requested (comment required), rework, then accepted by the same reviewer", async () => {
    const slug = await h.dataset(uniqueSlug("review-modal"), 200);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} done confirm`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    const reviewer = h.slack.as(review.reviewerId!);
    const dm = await reviewer.waitForDm((m) => m.text.includes(ref));
    await reviewer.click("review.open", { channel: reviewer.dmChannel, messageTs: dm.ts });
    const form = await reviewer.waitForModal((v) => v.callback_id === "review_modal");
    expect(form.title).toMatchObject({ text: `Review ${ref}` });
    const labels = blockText(form.blocks);
    for (const cat of [
      "missing label",
      "wrong class",
      "boundary/geometry",
      "attribute",
      "guideline violation",
      "other",
    ])
      expect(labels).toContain(`Errors: ${cat}`);

    const before = await snapshot(slug);
    const noComment = await reviewer.submit(form.id, { checked: 20, "error:1": 3, verdict: "changes" });
    expect(noComment.errors).toEqual({
      comment: "A comment is required when asking for changes: say what to change.",
    });
    const tooMany = await reviewer.submit(form.id, { checked: 50, verdict: "accept" }, { skipClientValidation: true });
    expect(tooMany.errors).toEqual({ checked: "items checked must be between 1 and 20" });
    expect(await snapshot(slug)).toEqual(before);

    const changes = await reviewer.submit(form.id, {
      checked: 20,
      "error:1": 3,
      verdict: "changes",
      comment: "cats labelled as dogs",
    });
    expect(changes.closed).toBe(true);
    expect(await row(ref)).toMatchObject({ status: "CHANGES_REQUESTED" });
    const decided = await h.prisma.review.findUniqueOrThrow({ where: { id: review.id } });
    expect(decided).toMatchObject({ status: "CHANGES_REQUESTED", itemsChecked: 20, comment: "cats labelled as dogs" });
    await h.settle();
    const anaDm = await h.ana.waitForDm((m) => m.text === `${ref} needs changes`);
    expect(blockText(anaDm.blocks)).toContain(`<@${reviewer.id}> asks for changes on *${ref}*.`);
    expect(blockText(anaDm.blocks)).toContain("Errors: wrong class: 3");
    expect(blockText(anaDm.blocks)).toContain("Comment: cats labelled as dogs");
    expect(buttons(anaDm.blocks).map((b) => b.text)).toContain("Start rework");

    // rework from the DM's buttons, then the same reviewer gets round 2
    const start = await h.ana.click("assignment.start", { channel: h.ana.dmChannel, messageTs: anaDm.ts });
    const started = await start.reply();
    expect(started.replace_original).toBe(true);
    expect(blockText(started.blocks)).toContain(`*${ref}* is in progress.`);
    const submit = await h.ana.click("assignment.submit", { channel: h.ana.dmChannel, messageTs: anaDm.ts });
    expect(blockText((await submit.reply()).blocks)).toContain(`*${ref}* is in review with <@${reviewer.id}>`);
    await h.settle();
    const round2 = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref), round: 2 } });
    expect(round2.reviewerId).toBe(reviewer.id);
    const dm2 = await reviewer.waitForDm((m) => m.text.includes(ref) && blockText(m.blocks).includes("round 2"));
    await reviewer.click("review.open", { channel: reviewer.dmChannel, messageTs: dm2.ts });
    const form2 = await reviewer.waitForModal(
      (v) => v.callback_id === "review_modal" && metadataOf(v).ref === `R${round2.id}`,
    );
    const accept = await reviewer.submit(form2.id, { verdict: "accept" });
    expect(accept.closed).toBe(true);
    expect(await row(ref)).toMatchObject({ status: "COMPLETED" });
    await h.settle();
    await h.ana.waitForDm((m) => m.text === `${ref} accepted`);

    // each request DM now shows its review's outcome in place of its Review button; no confirmation repeats it
    const firstRequest = h.slack.messages(reviewer.dmChannel).find((m) => m.ts === dm.ts)!;
    expect(firstRequest.text).toBe(`${ref} reviewed`);
    expect(blockText(firstRequest.blocks)).toContain(
      `<@${reviewer.id}> asked for changes on *${ref}* (review round 1).`,
    );
    expect(buttons(firstRequest.blocks)).toEqual([]);
    const secondRequest = await vi.waitFor(
      () => {
        const m = h.slack.messages(reviewer.dmChannel).find((x) => x.ts === dm2.ts);
        expect(m?.text).toBe(`${ref} reviewed`);
        return m!;
      },
      { timeout: 15_000 },
    );
    expect(blockText(secondRequest.blocks)).toContain(`<@${reviewer.id}> accepted *${ref}* (review round 2).`);
    expect(
      reviewer.visibleMessages().filter((m) => m.text.startsWith("Recorded") || m.text.includes(" accepted")),
    ).toEqual([]);

    // a click on a copy of the old button (a client that had not redrawn it) names the review the way the product does
    const mark = h.slack.mark();
    const old = await forgeClick(
      h,
      reviewer.id,
      { actionId: "review.open", value: `R${review.id}`, text: "Review" },
      { message: dm },
    );
    const told = await old.reply();
    expect(told.response_type).toBe("ephemeral");
    expect(blockText(told.blocks)).toMatch(
      new RegExp(
        `the review of ${ref} \\(round 1\\) was already decided: sent back for changes by <@${reviewer.id}> on \\d{4}-\\d\\d-\\d\\d`,
      ),
    );
    expect(blockText(told.blocks)).not.toContain(`R${review.id}`);
    expect(h.slack.calls("views.open").filter((c) => c.seq > mark)).toEqual([]);
  });

  it("an annotator cannot review their own range", async () => {
    const slug = await h.dataset(uniqueSlug("review-self"), 200);
    // rita (a reviewer) annotates; someone else reviews it
    const ref = refIn((await ask(h.rev, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.rev, "/progress", `${ref} done confirm`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    expect(review.reviewerId).not.toBe(IDS.rev);
    const mine = await ask(h.rev, "/review", ref);
    expect(mine.text).toMatch(new RegExp(`${ref} has no review waiting for you`));
  });
});
