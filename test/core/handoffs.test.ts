/**
 * Handoffs at their edges: how done items divide at each bound, the
 * sentences and fields of each refusal, a sub-range at the start of a range,
 * the recipient registered, what each outcome returns, and the audit event of
 * each step with its before and after.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import { MAX_REASON, splitDone } from "../../src/core/ledger/handoffs.ts";
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
import { thrown } from "../support/thrown.ts";

/** Items 1–100 with `done` of them done. */
const A = (done: number) => ({ id: 1, first: 1, last: 100, itemsDone: done });

describe("how a handoff divides the done items", () => {
  it("accepts a stated count from 0 to the size of the part handed off, and refuses one past either end", () => {
    const range = { first: 51, last: 100 };
    expect(splitDone(A(50), range, 0)).toEqual({
      moved: { first: 51, last: 100, itemsDone: 0 },
      kept: [{ first: 1, last: 50, itemsDone: 50 }],
      stated: true,
    });
    expect(splitDone(A(60), range, 50).moved.itemsDone).toBe(50);
    for (const n of [-1, 51, 2.5]) {
      const e = thrown(DomainError, () => splitDone(A(60), range, n));
      expect(e.message).toBe("51–100 has 50 items; the done items in it must be between 0 and 50");
      expect(e.details).toEqual({ field: "doneMoved" });
    }
  });

  it("accepts a stated count up to the done items of the range, and refuses one more", () => {
    expect(splitDone(A(20), { first: 51, last: 100 }, 20)).toEqual({
      moved: { first: 51, last: 100, itemsDone: 20 },
      kept: [{ first: 1, last: 50, itemsDone: 0 }],
      stated: true,
    });
    const e = thrown(DomainError, () => splitDone(A(20), { first: 51, last: 100 }, 21));
    expect(e.message).toBe("A1 has only 20 items done, so 51–100 cannot hold 21");
    expect(e.details).toEqual({ field: "doneMoved" });
  });

  it("accepts the rest filling the kept items exactly, and refuses one more", () => {
    expect(splitDone(A(90), { first: 51, last: 100 }, 40).kept).toEqual([{ first: 1, last: 50, itemsDone: 50 }]);
    const e = thrown(DomainError, () => splitDone(A(90), { first: 51, last: 100 }, 39));
    expect(e.message).toBe("A1 has 90 items done; with 39 in 51–100, the other 51 do not fit in the 50 items kept");
    expect(e.details).toEqual({ field: "doneMoved" });
  });

  it("fills each kept part up to its size, the earlier part first", () => {
    expect(splitDone(A(90), { first: 41, last: 60 }, 10)).toEqual({
      moved: { first: 41, last: 60, itemsDone: 10 },
      kept: [
        { first: 1, last: 40, itemsDone: 40 },
        { first: 61, last: 100, itemsDone: 40 },
      ],
      stated: true,
    });
    // Not stated: the done items counted from the start fall where they fall.
    expect(splitDone(A(45), { first: 41, last: 60 }, null)).toEqual({
      moved: { first: 41, last: 60, itemsDone: 5 },
      kept: [
        { first: 1, last: 40, itemsDone: 40 },
        { first: 61, last: 100, itemsDone: 0 },
      ],
      stated: false,
    });
  });
});

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const audit = (action: string) =>
  auditOf(f, action, ["actorId", "assignmentId", "handoffId", "before", "after", "reason"]);

/** Dataset "cats" with ANA's range A1 = 101–200, 50 items done. */
async function anasRange() {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
  await f.ledger.claim(ANA, { dataset: "cats", first: 101, last: 200 });
  await f.ledger.setProgress(ANA, "A1", 50);
}

describe("asking", () => {
  it("takes a reason of up to 500 characters, trimmed, and refuses a longer or an empty one with its field", async () => {
    await anasRange();
    expect(MAX_REASON).toBe(500);
    const long = await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x".repeat(501) }),
      "invalid",
      "the reason is 501 characters long; keep it under 500",
    );
    expect(long.details).toEqual({ field: "reason" });
    const empty = await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: " \n " }),
      "invalid",
      "a handoff needs a reason (it is kept in the ledger's history)",
    );
    expect(empty.details).toEqual({ field: "reason" });
    const ok = await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: ` ${"y".repeat(500)} ` });
    expect(ok.handoff.reason).toBe("y".repeat(500));
  });

  it("refuses a handoff to the owner, naming the field", async () => {
    await anasRange();
    const e = await expectDomainError(
      f.ledger.handoff(LEAD, "A1", { to: ANA.userId, reason: "x" }),
      "invalid",
      "A1 already belongs to @UANA",
    );
    expect(e.details).toEqual({ field: "to" });
  });

  it("is a request of its own kind: its key cannot decide or withdraw one", async () => {
    await anasRange();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x" }, { idempotencyKey: "k1" });
    await expectKeyUsedFor(f.ledger.cancelHandoff(ANA, "H1", { idempotencyKey: "k1" }), "k1", "handoff.request");
    await f.ledger.cancelHandoff(ANA, "H1", { idempotencyKey: "k2" });
    await expectKeyUsedFor(
      f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x" }, { idempotencyKey: "k2" }),
      "k2",
      "handoff.cancel",
    );
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x" });
    await f.ledger.decideHandoff(LEAD, "H2", { approve: false }, { idempotencyKey: "k3" });
    await expectKeyUsedFor(f.ledger.cancelHandoff(ANA, "H2", { idempotencyKey: "k3" }), "k3", "handoff.decide");
  });

  it("returns a pending request with nothing moved or kept and the leads who decide it, and writes it down", async () => {
    await anasRange();
    const req = await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "x" });
    expect(req).toMatchObject({ applied: false, moved: null, kept: [] });
    expect(req.leads).toEqual([ADMIN.userId, LEAD.userId, LEAD2.userId]);
    expect(await audit("handoff.request")).toEqual([
      {
        actorId: ANA.userId,
        assignmentId: 1,
        handoffId: 1,
        before: null,
        after: { to: BOB.userId, first: 181, last: 200, status: "PENDING", doneMoved: 0, doneStated: false },
        reason: "x",
      },
    ]);
    expect(await f.ledger.pendingHandoffs(TEAM)).toMatchObject([
      { ref: "H1", dataset: "cats", assignmentRef: "A1", status: "PENDING", first: 181, last: 200 },
    ]);
  });
});

describe("a lead's handoff, at once", () => {
  it("moves a sub-range at the start of a range, registering the recipient, with one audit event of each step", async () => {
    await anasRange();
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).not.toContain("UNEW");
    const r = await f.ledger.handoff(LEAD, "A1", { to: "UNEW", range: { first: 101, last: 120 }, reason: "start" });
    expect(r).toMatchObject({ applied: true, leads: [] });
    expect(r.moved).toMatchObject({ ref: "A2", assigneeId: "UNEW", first: 101, last: 120, itemsDone: 20 });
    expect(r.kept.map((k) => [k.ref, k.first, k.last, k.itemsDone, k.assigneeId])).toEqual([
      ["A1", 121, 200, 30, ANA.userId],
    ]);
    expect(r.handoff).toMatchObject({
      status: "APPROVED",
      decidedById: LEAD.userId,
      decisionComment: "handed off by a lead",
      resultAssignmentId: r.moved!.id,
    });
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).toContain("UNEW");
    expect(await audit("handoff.direct")).toEqual([
      {
        actorId: LEAD.userId,
        assignmentId: 1,
        handoffId: 1,
        before: null,
        after: { to: "UNEW", first: 101, last: 120, status: "APPROVED", doneMoved: 20, doneStated: false },
        reason: "start",
      },
    ]);
    expect(await audit("handoff.apply")).toEqual([
      {
        actorId: LEAD.userId,
        assignmentId: 1,
        handoffId: 1,
        before: { first: 101, last: 200, assigneeId: ANA.userId, status: "IN_PROGRESS", itemsDone: 50 },
        after: {
          to: "UNEW",
          range: { first: 101, last: 120 },
          doneMoved: 20,
          doneStated: false,
          moved: { ref: "A2", first: 101, last: 120, itemsDone: 20 },
          kept: [{ ref: "A1", first: 121, last: 200, itemsDone: 30 }],
        },
        reason: "start",
      },
    ]);
  });

  it("hands a sub-range back to the pool: nothing moved, no resulting range", async () => {
    await anasRange();
    const r = await f.ledger.handoff(LEAD, "A1", { to: null, range: { first: 101, last: 150 }, reason: "scope" });
    expect(r.moved).toBeNull();
    expect(r.handoff.resultAssignmentId).toBeNull();
    expect(r.kept.map((k) => [k.first, k.last, k.itemsDone])).toEqual([[151, 200, 0]]);
    const [applied] = await audit("handoff.apply");
    expect(applied!.after).toMatchObject({ to: null, moved: null, kept: [{ ref: "A1", first: 151, last: 200 }] });
  });
});

describe("deciding", () => {
  async function request() {
    await anasRange();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "x" });
  }

  it("names a request that does not exist", async () => {
    await anasRange();
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H9", { approve: true }),
      "not_found",
      "there is no handoff request H9",
    );
    await expectDomainError(f.ledger.cancelHandoff(ANA, "H9"), "not_found", "there is no handoff request H9");
    await expectDomainError(f.ledger.getHandoff(TEAM, "H9"), "not_found", "there is no handoff request H9");
  });

  it("is not found from another workspace, where its number names nothing", async () => {
    await request();
    const elsewhere = actor(ADMIN.userId, { teamId: "T0OTHER" });
    const sentence = "there is no handoff request H1";
    await expectDomainError(f.ledger.decideHandoff(elsewhere, "H1", { approve: true }), "not_found", sentence);
    await expectDomainError(f.ledger.getHandoff("T0OTHER", "H1"), "not_found", sentence);
    expect(await f.ledger.getHandoff(TEAM, "H1")).toMatchObject({ status: "PENDING" });
  });

  it("rejects with nothing moved, and writes who rejected it, before and after", async () => {
    await request();
    const no = await f.ledger.decideHandoff(LEAD, "H1", { approve: false, comment: "  not now  " });
    expect(no).toMatchObject({
      handoff: expect.objectContaining({ status: "REJECTED", decidedById: LEAD.userId, decisionComment: "not now" }),
      applied: false,
      moved: null,
      kept: [],
      leads: [],
      split: { moved: { first: 181, last: 200, itemsDone: 0 }, kept: [], stated: false },
    });
    expect(await audit("handoff.reject")).toEqual([
      {
        actorId: LEAD.userId,
        assignmentId: 1,
        handoffId: 1,
        before: { status: "PENDING" },
        after: { status: "REJECTED" },
        reason: "not now",
      },
    ]);
  });

  it("takes a comment of up to 500 characters, and none when blank", async () => {
    await request();
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H1", { approve: true, comment: "c".repeat(501) }),
      "invalid",
      "the comment is too long; keep it under 500 characters",
    );
    const ok = await f.ledger.decideHandoff(LEAD, "H1", { approve: true, comment: "c".repeat(500) });
    expect(ok.handoff.decisionComment).toBe("c".repeat(500));
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 161, last: 180 }, reason: "y" });
    const blank = await f.ledger.decideHandoff(LEAD, "H2", { approve: false, comment: "   " });
    expect(blank.handoff.decisionComment).toBeNull();
  });

  it("approves with the outcome and the approval's before and after", async () => {
    await request();
    const ok = await f.ledger.decideHandoff(LEAD, "H1", { approve: true, toUserId: CAL.userId });
    expect(ok).toMatchObject({ applied: true, leads: [], split: { stated: false } });
    expect(ok.moved).toMatchObject({ assigneeId: CAL.userId, first: 181, last: 200 });
    expect(ok.kept.map((k) => [k.first, k.last])).toEqual([[101, 180]]);
    expect(await audit("handoff.approve")).toEqual([
      {
        actorId: LEAD.userId,
        assignmentId: 1,
        handoffId: 1,
        before: { status: "PENDING", to: BOB.userId },
        after: { status: "APPROVED", to: CAL.userId },
        reason: null,
      },
    ]);
    expect(await f.ledger.pendingHandoffs(TEAM)).toEqual([]);
  });

  it("lets the requester withdraw only a pending request, and writes the withdrawal without a decider", async () => {
    await request();
    const w = await f.ledger.cancelHandoff(ANA, "H1");
    expect(w.handoff).toMatchObject({ status: "CANCELLED", decisionComment: "withdrawn", decidedById: null });
    expect(await audit("handoff.cancel")).toEqual([
      {
        actorId: ANA.userId,
        assignmentId: 1,
        handoffId: 1,
        before: { status: "PENDING" },
        after: { status: "CANCELLED" },
        reason: "withdrawn",
      },
    ]);
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "x" });
    await f.ledger.decideHandoff(LEAD, "H2", { approve: true });
    await expectDomainError(f.ledger.cancelHandoff(ANA, "H2"), "conflict", "H2 was already approved");
  });

  it("shows a request to someone about to decide it without registering them", async () => {
    await request();
    const outsider = actor("UOUT");
    await expectDomainError(f.ledger.handoffToDecide(outsider, "H1"), "forbidden");
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).not.toContain("UOUT");
    const slackAdmin = actor("USLACKADMIN", { workspaceAdmin: true });
    expect(await f.ledger.handoffToDecide(slackAdmin, "H1")).toMatchObject({ ref: "H1", status: "PENDING" });
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).not.toContain("USLACKADMIN");
  });
});
