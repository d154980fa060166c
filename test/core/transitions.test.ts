/**
 * The assignment life cycle, exhaustively: every status against every
 * operation, allowed or refused with its sentence, first as the table itself
 * (src/core/transitions.ts), then through the ledger on real ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allowedFrom,
  assertTransition,
  canApply,
  type LedgerAction,
  LIVE_STATUSES,
  OPEN_STATUSES,
  statusAfterProgress,
} from "../../src/core/transitions.ts";
import { ASSIGNMENT_STATUSES, type AssignmentStatus } from "../../src/core/types.ts";
import { ANA, BOB, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

const ACTIONS: readonly LedgerAction[] = [
  "start",
  "pause",
  "progress",
  "submit",
  "accept",
  "request_changes",
  "release",
  "handoff",
];

// biome-ignore format: the table reads as a grid
const ALLOWED: Record<AssignmentStatus, Record<LedgerAction, 0 | 1>> = {
  PENDING:           { start: 1, pause: 0, progress: 1, submit: 1, accept: 0, request_changes: 0, release: 1, handoff: 1 },
  IN_PROGRESS:       { start: 0, pause: 1, progress: 1, submit: 1, accept: 0, request_changes: 0, release: 1, handoff: 1 },
  IN_REVIEW:         { start: 0, pause: 0, progress: 0, submit: 0, accept: 1, request_changes: 1, release: 0, handoff: 0 },
  CHANGES_REQUESTED: { start: 1, pause: 0, progress: 1, submit: 1, accept: 0, request_changes: 0, release: 1, handoff: 1 },
  COMPLETED:         { start: 0, pause: 0, progress: 0, submit: 0, accept: 0, request_changes: 0, release: 0, handoff: 0 },
  RELEASED:          { start: 0, pause: 0, progress: 0, submit: 0, accept: 0, request_changes: 0, release: 0, handoff: 0 },
};

const VERB: Record<LedgerAction, string> = {
  start: "start",
  pause: "pause",
  progress: "update progress on",
  submit: "submit",
  accept: "accept",
  request_changes: "request changes on",
  release: "release",
  handoff: "hand off",
};

const WHY: Record<AssignmentStatus, string> = {
  PENDING: "it has not been started",
  IN_PROGRESS: "it is in progress",
  IN_REVIEW: "it is in review",
  CHANGES_REQUESTED: "changes were requested on it",
  COMPLETED: "it is completed",
  RELEASED: "it was released",
};

describe("the transition table", () => {
  it("lists every status of the schema", () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...ASSIGNMENT_STATUSES].sort());
  });

  it("says from which statuses each operation starts", () => {
    for (const action of ACTIONS) {
      const from = ASSIGNMENT_STATUSES.filter((s) => ALLOWED[s][action] === 1);
      expect([...allowedFrom(action)].sort(), action).toEqual([...from].sort());
    }
  });

  it("names the open statuses (worked on) and the live ones (holding items)", () => {
    expect([...OPEN_STATUSES].sort()).toEqual(["CHANGES_REQUESTED", "IN_PROGRESS", "PENDING"]);
    expect([...LIVE_STATUSES].sort()).toEqual([
      "CHANGES_REQUESTED",
      "COMPLETED",
      "IN_PROGRESS",
      "IN_REVIEW",
      "PENDING",
    ]);
  });

  it("starts a pending or reworked range on progress, and leaves any other status as it is", () => {
    const after = Object.fromEntries(ASSIGNMENT_STATUSES.map((s) => [s, statusAfterProgress(s)]));
    expect(after).toEqual({
      PENDING: "IN_PROGRESS",
      IN_PROGRESS: "IN_PROGRESS",
      IN_REVIEW: "IN_REVIEW",
      CHANGES_REQUESTED: "IN_PROGRESS",
      COMPLETED: "COMPLETED",
      RELEASED: "RELEASED",
    });
  });

  for (const status of ASSIGNMENT_STATUSES) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[status][action] === 1;
      it(`${action} from ${status}: ${allowed ? "allowed" : "refused"}`, () => {
        expect(canApply(action, status)).toBe(allowed);
        if (allowed) {
          expect(() => assertTransition(action, status, "A7")).not.toThrow();
        } else {
          let error: unknown;
          try {
            assertTransition(action, status, "A7");
          } catch (e) {
            error = e;
          }
          expect(error).toMatchObject({
            name: "DomainError",
            code: "illegal_transition",
            message: `can't ${VERB[action]} A7: ${WHY[status]}`,
            details: { status, action },
          });
        }
      });
    }
  }
});

describe("every status × every operation through the ledger", () => {
  let f: LedgerFixture;
  let life: Promise<unknown> | undefined;
  beforeAll(async () => {
    f = await ledgerFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  /** A fresh range of ANA's, brought into `status` by the operations that lead there. */
  async function rangeIn(status: AssignmentStatus): Promise<{ ref: string; reviewRef: string | null }> {
    // The dataset is made by the first test that needs it, not in a hook: mutation testing ties
    // the lines a hook runs to no test, and tries every test against each of them.
    life ??= f.ledger.createDataset(LEAD, { slug: "life", itemCount: 100_000 });
    await life;
    const { assignment } = await f.ledger.claimNext(ANA, { dataset: "life", size: 10 });
    const ref = assignment.ref;
    if (status === "PENDING") return { ref, reviewRef: null };
    if (status === "RELEASED") {
      await f.ledger.release(ANA, ref);
      return { ref, reviewRef: null };
    }
    await f.ledger.start(ANA, ref);
    if (status === "IN_PROGRESS") return { ref, reviewRef: null };
    const { review } = await f.ledger.submit(ANA, ref, { confirmed: true });
    const reviewRef = review!.ref;
    if (status === "IN_REVIEW") return { ref, reviewRef };
    if (status === "COMPLETED") {
      await f.ledger.recordReview(LEAD, reviewRef, { verdict: "accept", itemsChecked: review!.sampleSize, errors: {} });
    } else {
      await f.ledger.recordReview(LEAD, reviewRef, {
        verdict: "changes",
        itemsChecked: review!.sampleSize,
        errors: {},
        comment: "redo",
      });
    }
    return { ref, reviewRef: null };
  }

  /** The operation as the ledger offers it, by the owner (a lead hands off and decides reviews). */
  function act(action: LedgerAction, target: { ref: string; reviewRef: string | null }) {
    const { ref, reviewRef } = target;
    switch (action) {
      case "start":
        return f.ledger.start(ANA, ref);
      case "pause":
        return f.ledger.pause(ANA, ref);
      case "progress":
        return f.ledger.setProgress(ANA, ref, 1);
      case "submit":
        return f.ledger.submit(ANA, ref, { confirmed: true });
      case "release":
        return f.ledger.release(ANA, ref, { mode: "all" });
      case "handoff":
        return f.ledger.handoff(LEAD, ref, { to: BOB.userId, reason: "rebalancing" });
      case "accept":
        return f.ledger.recordReview(LEAD, reviewRef!, { verdict: "accept", itemsChecked: 1, errors: {} });
      case "request_changes":
        return f.ledger.recordReview(LEAD, reviewRef!, {
          verdict: "changes",
          itemsChecked: 1,
          errors: {},
          comment: "redo",
        });
    }
  }

  /** The status an allowed operation leads to from `from`. */
  const leadsTo = (action: LedgerAction, from: AssignmentStatus): AssignmentStatus =>
    ({
      start: "IN_PROGRESS",
      pause: "PENDING",
      progress: "IN_PROGRESS",
      submit: "IN_REVIEW",
      accept: "COMPLETED",
      request_changes: "CHANGES_REQUESTED",
      release: "RELEASED",
      // a whole range handed to someone else waits for them to start it
      handoff: from === "IN_PROGRESS" ? "PENDING" : from,
    })[action] as AssignmentStatus;

  const row = async (ref: string) => {
    const a = await f.ledger.getAssignment(TEAM, ref);
    return { status: a.status, itemsDone: a.itemsDone, assigneeId: a.assigneeId, first: a.first, last: a.last };
  };
  const auditCount = () => f.prisma.auditEvent.count({ where: { teamId: TEAM } });

  for (const status of ASSIGNMENT_STATUSES) {
    it(`from ${status}`, async () => {
      const shared = await rangeIn(status);
      expect((await row(shared.ref)).status).toBe(status);
      for (const action of ACTIONS) {
        // Verdicts exist only on a range in review: elsewhere there is no pending review to decide.
        if ((action === "accept" || action === "request_changes") && status !== "IN_REVIEW") continue;
        if (ALLOWED[status][action]) {
          const target = await rangeIn(status);
          await act(action, target);
          const after = await row(target.ref);
          expect(after.status, `${action} from ${status}`).toBe(leadsTo(action, status));
          if (action === "handoff") expect(after.assigneeId).toBe(BOB.userId);
        } else {
          const before = await row(shared.ref);
          const events = await auditCount();
          await expectDomainError(
            act(action, shared),
            "illegal_transition",
            `can't ${VERB[action]} ${shared.ref}: ${WHY[status]}`,
          );
          expect(await row(shared.ref), `${action} from ${status} changed the range`).toEqual(before);
          expect(await auditCount(), `${action} from ${status} wrote an audit event`).toBe(events);
        }
      }
    });
  }
});
