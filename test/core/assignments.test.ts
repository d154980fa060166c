/**
 * Claims, progress, submits, releases, due dates and tools' reports at their
 * edges: each bound from both sides, each refusal's sentence and field, the
 * kind of change a request key is for, what a refusal of held items names,
 * and the audit events' before and after.
 */
import { describe, expect, it } from "vitest";
import { MAX_NOTE, MAX_REPORTED_ITEMS, spansOf } from "../../src/core/ledger/assignments.ts";
import {
  ADMIN,
  ANA,
  actor,
  auditOf,
  BOB,
  CAL,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  LEAD2,
  type LedgerFixture,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

describe("items as spans", () => {
  it("sorts, drops repeats and joins neighbours", () => {
    expect(spansOf([7, 3, 1, 2, 2, 9, 8, 12])).toEqual([
      { first: 1, last: 3 },
      { first: 7, last: 9 },
      { first: 12, last: 12 },
    ]);
    expect(spansOf([10, 2])).toEqual([
      { first: 2, last: 2 },
      { first: 10, last: 10 },
    ]);
    expect(spansOf([])).toEqual([]);
  });
});

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const cats = () => f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
const audit = (action: string) => auditOf(f, action, ["actorId", "before", "after", "reason"]);

describe("claiming", () => {
  it("takes a note of up to 500 characters and refuses a longer one, naming the field", async () => {
    await cats();
    expect(MAX_NOTE).toBe(500);
    const e = await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, note: "n".repeat(501) }),
      "invalid",
      "the note is 501 characters long; keep it under 500",
    );
    expect(e.details).toEqual({ field: "note" });
    const ok = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, note: "n".repeat(500) });
    expect(ok.assignment.note).toBe("n".repeat(500));
  });

  it("takes a due date of today and refuses yesterday's, naming the field", async () => {
    await cats();
    const e = await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-22" }),
      "invalid",
      "the due date 2026-11-22 is in the past (today is 2026-11-23)",
    );
    expect(e.details).toEqual({ field: "dueDate" });
    const ok = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-23" });
    expect(ok.assignment.dueDate).toBe("2026-11-23");
  });

  it("names the first range holding the items, how many more do, and the lowest free range instead", async () => {
    await cats();
    await f.ledger.claim(BOB, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(CAL, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 21, last: 30 });
    const one = await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 5, last: 5 }),
      "conflict",
      "items 5 of cats are already held by @UBOB in A1; the lowest free range of 1 item is 31",
    );
    expect(one.details).toMatchObject({ heldBy: BOB.userId, ref: "A1", instead: { first: 31, last: 31 } });
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 5, last: 15 }),
      "conflict",
      "items 5–10 of cats are already held by @UBOB in A1 (and 1 more range); the lowest free range of 11 items is 31–41",
    );
    await expectDomainError(
      f.ledger.claim(BOB, { dataset: "cats", first: 5, last: 25 }),
      "conflict",
      "items 5–10 of cats are already held by you in A1 (and 2 more ranges); the lowest free range of 21 items is 31–51",
    );
  });

  it("says when no free range of the size is left instead of suggesting one", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    await f.ledger.claim(BOB, { dataset: "tiny", first: 1, last: 6 });
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "tiny", first: 5, last: 9 }),
      "conflict",
      "items 5–6 of tiny are already held by @UBOB in A1",
    );
    const e = await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "tiny", size: 5 }),
      "conflict",
      "no free range of 5 items is left in tiny; the largest free range is 7–10 (4 items)",
    );
    expect(e.details).toMatchObject({ largest: { first: 7, last: 10 }, field: "size" });
    await f.ledger.claim(BOB, { dataset: "tiny", first: 7, last: 9 });
    await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "tiny", size: 2 }),
      "conflict",
      "no free range of 2 items is left in tiny; the largest free range is 10 (1 item)",
    );
    await f.ledger.claim(BOB, { dataset: "tiny", first: 10, last: 10 });
    await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "tiny", size: 1 }),
      "conflict",
      "every item of tiny is already claimed",
    );
  });

  it("keeps the reason of a claim, of a next-free claim and of an assignment in their audit events", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 }, { reason: "pilot" });
    await f.ledger.claimNext(BOB, { dataset: "cats", size: 5 }, { reason: "spare time" });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 20, last: 29, assigneeId: CAL.userId }, { reason: "cover" });
    await f.ledger.claim(ANA, { dataset: "cats", first: 30, last: 31 });
    expect((await audit("assignment.claim")).map((e) => e.reason)).toEqual(["pilot", "spare time", null]);
    expect((await audit("assignment.assign")).map((e) => e.reason)).toEqual(["cover"]);
  });

  it("refuses a next-free size below 1, not whole, or above the dataset, with its field", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    for (const size of [0, -1, 1.5]) {
      const e = await expectDomainError(
        f.ledger.claimNext(ANA, { dataset: "tiny", size }),
        "invalid",
        "the size must be a whole number of at least 1",
      );
      expect(e.details).toEqual({ field: "size" });
    }
    const big = await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "tiny", size: 11 }),
      "invalid",
      "tiny has only 10 items; ask for at most 10",
    );
    expect(big.details).toEqual({ field: "size" });
    expect((await f.ledger.claimNext(ANA, { dataset: "tiny", size: 10 })).assignment).toMatchObject({
      first: 1,
      last: 10,
    });
  });

  it("is a change of its own kind for a request key", async () => {
    await cats();
    await f.ledger.claimNext(ANA, { dataset: "cats", size: 10 }, { idempotencyKey: "k1" });
    await expectKeyUsedFor(f.ledger.setProgress(ANA, "A1", 1, { idempotencyKey: "k1" }), "k1", "assignment.claim");
  });
});

describe("progress", () => {
  it("takes a count from 0 to the range's size and refuses one past either end or not whole, naming the field", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    for (const n of [-1, 11, 2.5]) {
      const e = await expectDomainError(
        f.ledger.setProgress(ANA, "A1", n),
        "invalid",
        "A1 has 10 items; items done must be between 0 and 10",
      );
      expect(e.details).toEqual({ field: "count" });
    }
    expect((await f.ledger.setProgress(ANA, "A1", 10)).assignment.itemsDone).toBe(10);
    expect((await f.ledger.setProgress(ANA, "A1", 0)).assignment.itemsDone).toBe(0);
  });

  it("asks for a count or a step, and names the change each request key was for", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await expectDomainError(
      f.ledger.updateProgress(ANA, "A1", {}),
      "invalid",
      "give the number of items done, or start or pause",
    );
    const kinds: [Parameters<LedgerFixture["ledger"]["updateProgress"]>[2], string][] = [
      [{ step: "start" }, "assignment.start"],
      [{ step: "pause" }, "assignment.pause"],
      [{ count: 4, step: "start" }, "assignment.progress+start"],
      [{ count: 3 }, "assignment.progress"],
    ];
    for (const [i, [u, kind]] of kinds.entries()) {
      await f.ledger.updateProgress(ANA, "A1", u, { idempotencyKey: `p${i}` });
      await expectKeyUsedFor(f.ledger.submit(ANA, "A1", { confirmed: true, idempotencyKey: `p${i}` }), `p${i}`, kind);
    }
  });

  it("names the step someone else's range was refused for", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    for (const [u, what] of [
      [{ step: "start" }, "start"],
      [{ step: "pause" }, "pause"],
      [{ count: 2, step: "start" }, "update"],
      [{ count: 2 }, "update"],
    ] as const) {
      await expectDomainError(
        f.ledger.updateProgress(BOB, "A1", u),
        "forbidden",
        `A1 belongs to @UANA; only they or a lead can ${what} it`,
      );
    }
  });

  it("keeps the reason given, and the time the range was first started", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.updateProgress(ANA, "A1", { count: 2 }, { reason: "batch one" });
    const started = (await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt;
    expect(started).toEqual(f.clock.now);
    f.clock.advanceDays(1);
    await f.ledger.updateProgress(ANA, "A1", { count: 4 });
    expect((await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt).toEqual(started);
    expect((await audit("assignment.progress")).map((e) => e.reason)).toEqual(["batch one", null]);
  });

  it("lets a lead look whether they may change a range, registering nobody; names a range that does not exist", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.checkMayChange(LEAD, "A1", "update");
    await expectDomainError(f.ledger.checkMayChange(actor("UNEW"), "A1", "update"), "forbidden");
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).not.toContain("UNEW");
    await expectDomainError(f.ledger.checkMayChange(LEAD, "A9", "update"), "not_found", "there is no assignment A9");
  });
});

describe("whose day and whose change", () => {
  it("checks a due date typed by a lead against the day of the range's owner, in their zone", async () => {
    await cats();
    // 10:00 UTC on 2026-11-23 is already 2026-11-24 at UTC+14.
    await f.ledger.updateProfile(TEAM, ANA.userId, { timezone: "Pacific/Kiritimati" });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const e = await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-11-23"),
      "invalid",
      "the due date 2026-11-23 is in the past (today is 2026-11-24)",
    );
    expect(e.details).toEqual({ field: "dueDate" });
    // "tomorrow" is the lead's tomorrow (2026-11-24), the owner's today: not past.
    expect((await f.ledger.setDueDate(LEAD, "A1", "tomorrow")).assignment.dueDate).toBe("2026-11-24");
    // The owner's own "today" is their day.
    expect((await f.ledger.setDueDate(LEAD, "A1", "2026-11-24")).assignment.dueDate).toBe("2026-11-24");
  });

  it("registers a Slack admin who changes a range, and keeps when the range was first started", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.start(ANA, "A1");
    const started = (await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt;
    f.clock.advanceDays(1);
    await f.ledger.pause(ANA, "A1");
    await f.ledger.start(ANA, "A1");
    const admin = actor("USLACKADMIN", { workspaceAdmin: true });
    await f.ledger.submit(admin, "A1", { confirmed: true });
    expect((await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt).toEqual(started);
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).toContain("USLACKADMIN");
    await expectDomainError(f.ledger.getAssignment(TEAM, "A9"), "not_found", "there is no assignment A9");
  });

  it("names the count's field when a submit states the wrong one", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const e = await expectDomainError(
      f.ledger.submit(ANA, "A1", { count: 9 }),
      "invalid",
      "submitting A1 counts all 10 of its items as done, not 9; record 9 as a count of progress and submit when all 10 are done",
    );
    expect(e.details).toEqual({ field: "count" });
  });

  it("refuses a claim on an archived dataset with the way to reopen it", async () => {
    await cats();
    await f.ledger.configureDataset(LEAD, "cats", { key: "archived", value: true });
    const e = await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 }),
      "invalid",
      /^cats is archived; a lead can reopen it/,
    );
    expect(e.text).toEqual([
      "cats is archived; a lead can reopen it",
      { kind: "hint", hint: { kind: "reopen-dataset", dataset: "cats" } },
    ]);
  });
});

describe("submitting and releasing", () => {
  it("writes the submit with its reason, its review and round, and the count it was confirmed from", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.setProgress(ANA, "A1", 10);
    const s = await f.ledger.submit(ANA, "A1", { reason: "all boxed" });
    const [ev] = await audit("assignment.submit");
    expect(ev).toMatchObject({ reason: "all boxed", after: { reviewId: s.review!.id, round: 1 } });
    expect(ev!.after).not.toHaveProperty("confirmedFrom");
  });

  it("names the change of a submit's, a release's and a due date's request keys", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.release(ANA, "A1", { idempotencyKey: "r" });
    await f.ledger.setDueDate(LEAD, "A2", "2026-12-01", { idempotencyKey: "d" });
    await f.ledger.submit(ANA, "A2", { confirmed: true, idempotencyKey: "s" });
    for (const [key, kind] of [
      ["r", "assignment.release"],
      ["d", "assignment.due"],
      ["s", "assignment.submit"],
    ] as const) {
      await expectKeyUsedFor(f.ledger.claimNext(ANA, { dataset: "cats", size: 1 }, { idempotencyKey: key }), key, kind);
    }
  });

  it("asks before releasing a range with every item done, offering no part to keep", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.setProgress(ANA, "A1", 10);
    const e = await expectDomainError(
      f.ledger.release(ANA, "A1"),
      "invalid",
      "A1 has 10 of 10 items done: submit it, or release all 10 and discard them",
    );
    expect(e.details).toMatchObject({ confirm: "release", itemsDone: 10, size: 10, keep: null, free: null });
    expect((await f.ledger.getAssignment(TEAM, "A1")).status).toBe("IN_PROGRESS");
  });

  it("releases everything of a range with nothing done even in 'unstarted' mode, and withdraws its handoff request", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x" });
    const r = await f.ledger.release(ANA, "A1", { mode: "unstarted" });
    expect(r).toMatchObject({ assignment: { status: "RELEASED" }, freed: { first: 1, last: 10 }, doneKept: 0 });
    expect(await f.ledger.getHandoff(TEAM, "H1")).toMatchObject({
      status: "CANCELLED",
      decisionComment: "the range was released",
    });
  });
});

describe("due dates", () => {
  it("moves a due date with its before, after and reason, and refuses a range that is not open or does not exist", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-30" });
    await f.ledger.setDueDate(LEAD, "A1", "2026-12-04", { reason: "holiday" });
    await f.ledger.setDueDate(LEAD, "A1", null);
    expect(await audit("assignment.due")).toEqual([
      { actorId: LEAD.userId, before: { dueDate: "2026-11-30" }, after: { dueDate: "2026-12-04" }, reason: "holiday" },
      { actorId: LEAD.userId, before: { dueDate: "2026-12-04" }, after: { dueDate: null }, reason: null },
    ]);
    await expectDomainError(f.ledger.setDueDate(LEAD, "A9", null), "not_found", "there is no assignment A9");
    await f.ledger.submit(ANA, "A1", { confirmed: true });
    await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-12-04"),
      "invalid",
      "A1 is in review: only open ranges have a due date to move",
    );
  });

  it("refuses a proposal's date when it changed meanwhile", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-30" });
    await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-12-04", { expectDue: "2026-11-28" }),
      "conflict",
      "the due date of A1 changed since the proposal (it is 2026-11-30 now, not 2026-11-28)",
    );
    await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-12-04", { expectDue: null }),
      "conflict",
      "the due date of A1 changed since the proposal (it is 2026-11-30 now, not none)",
    );
    await f.ledger.setDueDate(LEAD, "A1", null);
    await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-12-04", { expectDue: "2026-11-30" }),
      "conflict",
      "the due date of A1 changed since the proposal (it is none now, not 2026-11-30)",
    );
  });

  it("lets only the owner of an open range propose a new date, not the one it has, to a lead who is not them", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-30" });
    const same = await expectDomainError(
      f.ledger.proposeDueDate(ANA, "A1", "2026-11-30"),
      "invalid",
      "A1 is due 2026-11-30 already",
    );
    expect(same.details).toEqual({ field: "dueDate" });
    await expectDomainError(
      f.ledger.proposeDueDate(BOB, "A1", "2026-12-04"),
      "forbidden",
      "A1 belongs to @UANA; only they propose a new due date for it",
    );
    await expectDomainError(f.ledger.checkMayProposeDue(BOB, "A1"), "forbidden");
    await expectDomainError(f.ledger.proposeDueDate(ANA, "A9", "2026-12-04"), "not_found", "there is no assignment A9");
    await f.ledger.checkMayProposeDue(ANA, "A1");
    expect((await f.ledger.proposeDueDate(ANA, "A1", "2026-12-04")).leads).toEqual([
      ADMIN.userId,
      LEAD.userId,
      LEAD2.userId,
    ]);
    await f.ledger.submit(ANA, "A1", { confirmed: true });
    await expectDomainError(
      f.ledger.proposeDueDate(ANA, "A1", "2026-12-04"),
      "invalid",
      "A1 is in review: only open ranges have a due date to move",
    );
  });
});

describe("deciding a proposed due date", () => {
  it("goes to the leads other than the one proposing, and needs one, said before the form and at the proposal", async () => {
    await cats();
    await f.ledger.claim(LEAD, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-30" });
    expect((await f.ledger.proposeDueDate(LEAD, "A1", "2026-12-04")).leads).toEqual([ADMIN.userId, LEAD2.userId]);
    // another workspace, where the admin named at start-up is the only lead
    const admin = actor(ADMIN.userId, { teamId: "T0OTHER" });
    await f.ledger.createDataset(admin, { slug: "dogs", itemCount: 100 });
    const own = await f.ledger.claim(admin, { dataset: "dogs", first: 1, last: 10, dueDate: "2026-11-30" });
    const sentence = "nobody leads dogs to decide a new due date; ask an admin";
    await expectDomainError(f.ledger.checkMayProposeDue(admin, own.assignment.ref), "invalid", sentence);
    await expectDomainError(f.ledger.proposeDueDate(admin, own.assignment.ref, "2026-12-04"), "invalid", sentence);
  });

  it("lets a lead decline while the date is the one proposed from, and refuses once it moved or the range is gone", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-30" });
    await f.ledger.declineDueProposal(LEAD, "A1", "2026-11-30");
    await expectDomainError(
      f.ledger.declineDueProposal(LEAD, "A1", null),
      "conflict",
      "the due date of A1 changed since the proposal (it is 2026-11-30 now, not none)",
    );
    await expectDomainError(f.ledger.declineDueProposal(BOB, "A1", "2026-11-30"), "forbidden");
    await expectDomainError(
      f.ledger.declineDueProposal(LEAD, "A9", "2026-11-30"),
      "not_found",
      "there is no assignment A9",
    );
    await f.ledger.setDueDate(LEAD, "A1", null);
    await f.ledger.declineDueProposal(LEAD, "A1", null);
    await expectDomainError(
      f.ledger.declineDueProposal(LEAD, "A1", "2026-11-30"),
      "conflict",
      "the due date of A1 changed since the proposal (it is none now, not 2026-11-30)",
    );
  });
});

describe("items reported done by a tool", () => {
  it("refuses no items, too many, and an item outside the dataset, naming the field", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    expect(MAX_REPORTED_ITEMS).toBe(5000);
    const none = await expectDomainError(
      f.ledger.reportItemsDone(LEAD, "tiny", []),
      "invalid",
      "name at least one item",
    );
    expect(none.details).toEqual({ field: "items" });
    const many = await expectDomainError(
      f.ledger.reportItemsDone(
        LEAD,
        "tiny",
        Array.from({ length: 5001 }, () => 1),
      ),
      "invalid",
      "at most 5000 items at once",
    );
    expect(many.details).toEqual({ field: "items" });
    for (const [i, item] of [
      [0, 0],
      [1, 11],
      [1, 2.5],
    ] as const) {
      const items = i === 0 ? [item] : [1, item];
      const e = await expectDomainError(
        f.ledger.reportItemsDone(LEAD, "tiny", items),
        "invalid",
        `items[${i}] ${item} is outside tiny (items 1–10)`,
      );
      expect(e.details).toEqual({ field: `items.${i}` });
    }
    const ok = await f.ledger.reportItemsDone(
      LEAD,
      "tiny",
      Array.from({ length: 5000 }, (_, i) => (i % 10) + 1),
    );
    expect(ok).toMatchObject({ changed: [], notOpen: [], unheld: [{ first: 1, last: 10 }] });
  });

  it("counts items of open ranges, gives back those of ranges in review, and writes the progress once", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    await f.ledger.claim(ANA, { dataset: "tiny", first: 1, last: 4 });
    await f.ledger.claim(BOB, { dataset: "tiny", first: 5, last: 6 });
    await f.ledger.submit(BOB, "A2", { confirmed: true });
    const r = await f.ledger.reportItemsDone(LEAD, "tiny", [1, 2, 5, 6, 9], { reason: "from the tool" });
    expect(r.changed.map((a) => [a.ref, a.itemsDone, a.status])).toEqual([["A1", 2, "IN_PROGRESS"]]);
    expect(r.notOpen).toEqual([{ ref: "A2", items: [{ first: 5, last: 6 }] }]);
    expect(r.unheld).toEqual([{ first: 9, last: 9 }]);
    const started = (await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt;
    expect(started).toEqual(f.clock.now);
    // The same report again changes nothing; more items count up to the range's size.
    f.clock.advanceDays(1);
    expect((await f.ledger.reportItemsDone(LEAD, "tiny", [1, 2])).changed).toEqual([]);
    const more = await f.ledger.reportItemsDone(LEAD, "tiny", [3, 4]);
    expect(more.changed.map((a) => a.itemsDone)).toEqual([4]);
    expect((await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).startedAt).toEqual(started);
    expect(
      (await audit("assignment.progress")).map((e) => [e.reason, (e.after as { reportedItems: number }).reportedItems]),
    ).toEqual([
      ["from the tool", 2],
      [null, 2],
    ]);
  });

  it("is a change of its own kind for a request key, and refuses someone who may not change the range", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    await f.ledger.claim(ANA, { dataset: "tiny", first: 1, last: 4 });
    await f.ledger.reportItemsDone(ANA, "tiny", [1], { idempotencyKey: "t" });
    await expectKeyUsedFor(f.ledger.setProgress(ANA, "A1", 3, { idempotencyKey: "t" }), "t", "assignment.items-done");
    await expectDomainError(
      f.ledger.reportItemsDone(BOB, "tiny", [2]),
      "forbidden",
      "A1 belongs to @UANA; only they or a lead can report items done in it",
    );
  });

  it("registers an admin who reports items done in someone's range, as anyone who changes the ledger", async () => {
    await f.ledger.createDataset(LEAD, { slug: "tiny", itemCount: 10 });
    await f.ledger.claim(ANA, { dataset: "tiny", first: 1, last: 4 });
    // An admin by configuration who has not acted in the workspace yet.
    const members = () => f.prisma.member.count({ where: { teamId: TEAM, userId: ADMIN.userId } });
    await f.prisma.member.delete({ where: { teamId_userId: { teamId: TEAM, userId: ADMIN.userId } } });
    const r = await f.ledger.reportItemsDone(ADMIN, "tiny", [1, 2]);
    expect(r.changed.map((a) => [a.ref, a.itemsDone])).toEqual([["A1", 2]]);
    expect(await members()).toBe(1);
  });
});
