/**
 * Handoffs end to end: an annotator's request, the leads' approval DMs with
 * their Approve / Reject buttons, the decision and everything it updates; and
 * the clicks that must be refused (stale, forged, someone else's range).
 */

import type { StoredMessage } from "@rangekeeper/slack-standin";
import { describe, expect, it } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  forgeClick,
  IDS,
  idOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started));
const LEADS = [IDS.admin, IDS.lead, IDS.lead2];

async function ledgerState(slug: string) {
  const d = await h.ledger.getDataset(TEAM, slug);
  const [assignments, handoffs, audit] = await Promise.all([
    h.prisma.assignment.findMany({ where: { datasetId: d.id }, orderBy: { id: "asc" } }),
    h.prisma.handoffRequest.findMany({ where: { assignment: { datasetId: d.id } }, orderBy: { id: "asc" } }),
    h.auditCount(slug),
  ]);
  return { assignments, handoffs, audit };
}

/** ana claims 1-100 of a new dataset and asks to hand 51-100 to bob; returns the refs and every lead's DM. */
async function requested(reason = "ana is away next week") {
  const slug = await h.dataset(uniqueSlug("handoff"), 500);
  const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
  await ask(h.ana, "/progress", `${ref} 60`);
  const { text } = await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}|bob> 51-100 ${reason}`);
  const hRef = refIn(text, "H");
  await h.settle();
  const dms = new Map<string, StoredMessage>();
  for (const lead of LEADS) dms.set(lead, await h.slack.as(lead).waitForDm((m) => m.text.includes(hRef)));
  return { slug, ref, hRef, dms };
}

describe("an annotator's handoff request", () => {
  it("goes to every lead as a DM with Approve and Reject; an approval splits the range and tells everyone", async () => {
    const { slug, ref, hRef, dms } = await requested();

    // the requester is told who decides, and nothing moved yet
    const pending = await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } });
    expect(pending).toMatchObject({
      status: "PENDING",
      requesterId: IDS.ana,
      fromUserId: IDS.ana,
      toUserId: IDS.bob,
      first: 51,
      last: 100,
    });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      first: 1,
      last: 100,
      assigneeId: IDS.ana,
    });

    for (const lead of LEADS) {
      const dm = dms.get(lead)!;
      expect(dm.channel).toBe(h.slack.dmChannel(lead));
      expect(dm.text).toBe(`Handoff request ${hRef} for ${ref} needs a decision`);
      const text = blockText(dm.blocks);
      expect(text).toContain(`<@${IDS.ana}> asks to hand *${ref}* (${slug}) items 51–100 to <@${IDS.bob}>.`);
      expect(text).toContain("Reason: ana is away next week");
      expect(text).toContain(`${ref} now: 1–100, 60/100 done, in progress`);
      const b = buttons(dm.blocks);
      expect(b.map((x) => x.text)).toEqual(["Approve", "Reject", "Decide with comment…"]);
      expect(b.map((x) => x.actionId)).toEqual(["handoff.approve", "handoff.reject", "handoff.decide"]);
      expect(new Set(b.map((x) => x.value))).toEqual(new Set([hRef]));
    }
    // the requester does not get an approval DM
    expect(h.slack.messages(h.ana.dmChannel).some((m) => m.text.includes("needs a decision"))).toBe(false);
    const stale = structuredClone(dms.get(IDS.lead2)!);

    // lee approves from his DM
    const click = await h.lead.click("handoff.approve", {
      channel: h.lead.dmChannel,
      messageTs: dms.get(IDS.lead)!.ts,
    });
    expect(click.status).toBe(200);
    const decided = await click.reply();
    expect(decided.replace_original).toBe(true);
    expect(decided.text).toBe(`${hRef} approved`);
    expect(blockText(decided.blocks)).toContain(
      `Approved by <@${IDS.lead}>: hand *${ref}* (${slug}) items 51–100 from <@${IDS.ana}> to <@${IDS.bob}>.`,
    );
    expect(buttons(decided.blocks)).toEqual([]);

    // the ledger: ana keeps 1-50 with the 50 done items inside it, bob holds 51-100 as a new range
    const approved = await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } });
    expect(approved).toMatchObject({ status: "APPROVED", decidedById: IDS.lead, toUserId: IDS.bob });
    const moved = `A${approved.resultAssignmentId}`;
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      first: 1,
      last: 50,
      assigneeId: IDS.ana,
      itemsDone: 50,
    });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(moved) } })).toMatchObject({
      first: 51,
      last: 100,
      assigneeId: IDS.bob,
      itemsDone: 10,
      status: "PENDING",
      parentId: idOf(ref),
    });
    const actions = (
      await h.prisma.auditEvent.findMany({ where: { handoffId: idOf(hRef) }, orderBy: { id: "asc" } })
    ).map((e) => [e.action, e.actorId]);
    expect(actions).toEqual([
      ["handoff.request", IDS.ana],
      ["handoff.apply", IDS.lead],
      ["handoff.approve", IDS.lead],
    ]);

    await h.settle();
    // requester and recipient are told
    const anaDm = await h.ana.waitForDm((m) => m.text === `${hRef} approved`);
    // both are told how the 60 done items were split, and by which rule
    const rule =
      "Done items: 51–100 (10/50 done) goes to the recipient; 1–50 (50/50 done) stays (done items are counted from the start of the range).";
    expect(blockText(anaDm.blocks)).toContain(
      `<@${IDS.lead}> approved: *${ref}* items 51–100 went to <@${IDS.bob}> as *${moved}* (10/50 done). You keep *${ref}* (1–50, 50/50 done).`,
    );
    expect(blockText(anaDm.blocks)).toContain(rule);
    const bobDm = await h.bob.waitForDm((m) => m.text === `You received ${moved}`);
    expect(blockText(bobDm.blocks)).toContain(
      `<@${IDS.ana}>'s items 51–100 of ${slug} are now yours as *${moved}*, with 10/50 done.`,
    );
    expect(blockText(bobDm.blocks)).toContain(rule);
    expect(
      buttons(bobDm.blocks)
        .filter((b) => b.value === moved)
        .map((b) => b.text),
    ).toEqual(["Start", "Update progress", "Hand off", "Release"]);

    // every lead's copy now shows the outcome, without buttons
    for (const lead of LEADS) {
      const now = h.slack.message(h.slack.dmChannel(lead), dms.get(lead)!.ts)!;
      expect(now.text).toBe(`${hRef} approved`);
      expect(blockText(now.blocks)).toContain(`Approved by <@${IDS.lead}>`);
      expect(buttons(now.blocks)).toEqual([]);
    }
    const updates = h.slack.calls("chat.update").filter((c) => String(c.args.text) === `${hRef} approved`);
    expect(new Set(updates.map((c) => c.args.channel))).toEqual(new Set(LEADS.map((l) => h.slack.dmChannel(l))));

    // lou clicks Approve on the copy he saw a moment ago: told who decided, nothing changes
    const before = await ledgerState(slug);
    const second = await forgeClick(
      h,
      IDS.lead2,
      { actionId: "handoff.approve", value: hRef, blockId: `handoff:${hRef}` },
      { message: stale },
    );
    expect(second.status).toBe(200);
    const answers = await h.slack.waitUntil(() =>
      second.replies().some((r) => r.response_type === "ephemeral" && !r.replace_original)
        ? second.replies()
        : undefined,
    );
    const told = answers.find((r) => !r.replace_original)!;
    expect(blockText(told.blocks)).toContain(`${hRef} was already approved by <@${IDS.lead}>`);
    await h.settle();
    expect(await ledgerState(slug)).toEqual(before);
  });

  it("a rejection changes no range and tells the requester", async () => {
    const { slug, ref, hRef, dms } = await requested("bob has capacity");
    const before = await ledgerState(slug);
    const click = await h.lead2.click("handoff.reject", {
      channel: h.lead2.dmChannel,
      messageTs: dms.get(IDS.lead2)!.ts,
    });
    const decided = await click.reply();
    expect(decided.text).toBe(`${hRef} rejected`);
    expect(blockText(decided.blocks)).toContain(`Rejected by <@${IDS.lead2}>`);
    const after = await ledgerState(slug);
    expect(after.assignments).toEqual(before.assignments);
    expect(after.handoffs[0]).toMatchObject({ status: "REJECTED", decidedById: IDS.lead2 });
    expect(after.audit).toBe(before.audit + 1);
    await h.settle();
    const anaDm = await h.ana.waitForDm((m) => m.text === `${hRef} rejected`);
    expect(blockText(anaDm.blocks)).toContain(
      `<@${IDS.lead2}> rejected handing *${ref}* items 51–100 to <@${IDS.bob}>.`,
    );
    for (const lead of LEADS) {
      const now = h.slack.message(h.slack.dmChannel(lead), dms.get(lead)!.ts)!;
      expect(blockText(now.blocks)).toContain(`Rejected by <@${IDS.lead2}>`);
      expect(buttons(now.blocks)).toEqual([]);
    }
    // a late Approve on the rejected request: refused, nothing changes
    const late = await forgeClick(
      h,
      IDS.lead,
      { actionId: "handoff.approve", value: hRef },
      { message: dms.get(IDS.lead)! },
    );
    const told = await h.slack.waitUntil(() => late.replies().find((r) => !r.replace_original));
    expect(blockText(told.blocks)).toContain(`${hRef} was already rejected by <@${IDS.lead2}>`);
    await h.settle();
    expect(await ledgerState(slug)).toEqual(after);
  });
});

describe("how done items are split", () => {
  it("a requester may state the done items of the handed-off part: checked, shown to the leads, applied on approval", async () => {
    const slug = await h.dataset(uniqueSlug("handoff-split"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 60`);
    const before = await ledgerState(slug);
    const tooMany = await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}|bob> 51-100 done 55 split`);
    expect(tooMany.text).toContain("51–100 has 50 items; the done items in it must be between 0 and 50");
    const tooFew = await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}|bob> 51-100 done 5 split`);
    expect(tooFew.text).toContain(
      `${ref} has 60 items done; with 5 in 51–100, the other 55 do not fit in the 50 items kept`,
    );
    expect(await ledgerState(slug)).toEqual(before);

    const asked = await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}|bob> 51-100 done 25 the second half is half done`);
    expect(asked.text).toContain(
      "Done items: 51–100 (25/50 done) would go to the recipient; 1–50 (35/50 done) would stay (as the requester stated).",
    );
    const hRef = refIn(asked.text, "H");
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      doneMoved: 25,
      reason: "the second half is half done",
    });
    await h.settle();
    const dm = await h.lead.waitForDm((m) => m.text.includes(hRef));
    expect(blockText(dm.blocks)).toContain("51–100 (25/50 done) would go to the recipient");
    const click = await h.lead.click("handoff.approve", { channel: h.lead.dmChannel, messageTs: dm.ts });
    expect((await click.reply()).text).toBe(`${hRef} approved`);
    const approved = await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).toMatchObject({
      first: 1,
      last: 50,
      itemsDone: 35,
    });
    expect(await h.prisma.assignment.findUniqueOrThrow({ where: { id: approved.resultAssignmentId! } })).toMatchObject({
      first: 51,
      last: 100,
      itemsDone: 25,
      assigneeId: IDS.bob,
    });
    await h.settle();
    const anaDm = await h.ana.waitForDm((m) => m.text === `${hRef} approved`);
    expect(blockText(anaDm.blocks)).toContain(`You keep *${ref}* (1–50, 35/50 done).`);
    expect(blockText(anaDm.blocks)).toContain("(as the requester stated)");
  });
});

describe("a request overtaken by events", () => {
  it("releasing the range withdraws the request and the leads' messages say so", async () => {
    const { slug, ref, hRef, dms } = await requested("changing my mind");
    const { text } = await ask(h.ana, "/release", `${ref} all not for me after all`);
    expect(text).toContain(`Released *${ref}*`);
    expect(await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).toMatchObject({
      status: "CANCELLED",
    });
    await h.settle();
    for (const lead of LEADS) {
      const now = h.slack.message(h.slack.dmChannel(lead), dms.get(lead)!.ts)!;
      expect(blockText(now.blocks)).toContain(`Withdrawn: hand *${ref}* (${slug}) items 51–100`);
      expect(blockText(now.blocks)).toContain("the range was released");
      expect(buttons(now.blocks)).toEqual([]);
    }
    // a click that was already on its way is told, and changes nothing
    const before = await ledgerState(slug);
    const late = await forgeClick(
      h,
      IDS.lead,
      { actionId: "handoff.approve", value: hRef },
      { message: dms.get(IDS.lead)! },
    );
    const told = await h.slack.waitUntil(() => late.replies().find((r) => !r.replace_original));
    expect(blockText(told.blocks)).toContain(`${hRef} was already cancelled`);
    await h.settle();
    expect(await ledgerState(slug)).toEqual(before);
  });
});

describe("clicks that must be refused", () => {
  it("a non-lead's forged approval is refused with a clear message and changes nothing", async () => {
    const { slug, hRef } = await requested("forgery check");
    const before = await ledgerState(slug);
    // bob (the recipient, an annotator) approves with a payload on a message of his own DM that never had the button
    const bobMessage = h.slack.messages(h.bob.dmChannel).at(-1);
    const forged = await forgeClick(
      h,
      IDS.bob,
      { actionId: "handoff.approve", value: hRef },
      bobMessage ? { message: bobMessage } : { channel: h.bob.dmChannel },
    );
    expect(forged.status).toBe(200);
    const told = await forged.reply();
    expect(told.response_type).toBe("ephemeral");
    expect(told.replace_original).toBe(false);
    expect(blockText(told.blocks)).toContain(
      "only leads and admins can approve or reject handoffs; you are an annotator",
    );
    // ana (the requester) tries to reject it in her own DM
    const byRequester = await forgeClick(h, IDS.ana, { actionId: "handoff.reject", value: hRef });
    expect(blockText((await byRequester.reply()).blocks)).toContain(
      "only leads and admins can approve or reject handoffs",
    );
    // a value that is not a request reference at all
    const junk = await forgeClick(h, IDS.lead, { actionId: "handoff.approve", value: "H1 OR 1=1" });
    expect(blockText((await junk.reply()).blocks)).toContain(
      'this button carries "H1 OR 1=1", which is not a reference rangekeeper made',
    );
    // a request that does not exist
    const missing = await forgeClick(h, IDS.lead, { actionId: "handoff.approve", value: "H999999" });
    expect(blockText((await missing.reply()).blocks)).toContain("there is no handoff request H999999");
    await h.settle();
    expect(await ledgerState(slug)).toEqual(before);
    expect((await h.prisma.handoffRequest.findUniqueOrThrow({ where: { id: idOf(hRef) } })).status).toBe("PENDING");
    // leads' messages are untouched
    expect(h.slack.calls("chat.update").some((c) => String(c.args.text).startsWith(hRef))).toBe(false);
  });

  it("a button value naming someone else's range is refused", async () => {
    const slug = await h.dataset(uniqueSlug("foreign"), 300);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const before = await ledgerState(slug);
    for (const [actionId, verb] of [
      ["assignment.start", "start"],
      ["assignment.release", "release"],
      ["assignment.submit", "submit"],
    ] as const) {
      const forged = await forgeClick(h, IDS.bob, {
        actionId,
        value: ref,
        blockId: `assignment:${ref}`,
        text: "Start",
      });
      const told = await forged.reply();
      expect(told.replace_original).toBe(false);
      expect(blockText(told.blocks)).toContain(`${ref} belongs to <@${IDS.ana}>; only they or a lead can ${verb} it`);
    }
    // bob's own /mywork card buttons, re-pointed at ana's range
    await ask(h.bob, "/claim", `${slug} 201-210`);
    const mine = await ask(h.bob, "/mywork");
    const card = (await h.slack.waitUntil(() => h.slack.ephemerals(IDS.bob).find((m) => m.text === mine.reply.text)))!;
    const forged = await forgeClick(
      h,
      IDS.bob,
      { actionId: "assignment.start", value: ref },
      { channel: card.channel },
    );
    expect(blockText((await forged.reply()).blocks)).toContain(`${ref} belongs to <@${IDS.ana}>`);
    await h.settle();
    const after = await ledgerState(slug);
    expect(after.assignments.filter((a) => a.assigneeId === IDS.ana)).toEqual(before.assignments);
    expect(after.audit).toBe(before.audit + 1); // bob's own claim only
  });

  it("the decision form is not shown to a non-lead, nor to the lead who asked", async () => {
    const { slug, hRef } = await requested("modal forgery");
    const before = await ledgerState(slug);
    // ana has no such button; a forged "Decide with comment…" click is refused, and no form opens
    const mark = h.slack.mark();
    const res = await forgeClick(h, IDS.ana, { actionId: "handoff.decide", value: hRef, text: "Decide with comment…" });
    expect(res.status).toBe(200);
    const told = await res.reply();
    expect(told.response_type).toBe("ephemeral");
    expect(blockText(told.blocks)).toContain(
      "only leads and admins can approve or reject handoffs; you are an annotator",
    );
    await h.settle();
    expect(h.slack.calls("views.open").filter((c) => c.seq > mark)).toEqual([]);
    expect(h.ana.modal()).toBeUndefined();
    expect(await ledgerState(slug)).toEqual(before);
  });
});
