/**
 * The handoff repository's reads and its row lock: a workspace's pending
 * requests in the order they were made, up to a limit; and a decision on a
 * request another transaction is deciding, on PostgreSQL with a second
 * connection.
 */
import { describe, expect, it } from "vitest";
import { usingPostgres } from "../../support/db.ts";
import { whileAnotherHolds } from "../../support/late-commit.ts";
import {
  ANA,
  BOB,
  CAL,
  dayAt,
  expectDomainError,
  LEAD,
  LEAD2,
  type LedgerFixture,
  TEAM,
  useLedgerFixture,
} from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** ANA's range `first`–`last` of "cats", asked on day `day` to go to `to`; the request's id. */
async function requested(first: number, last: number, day: number, to = BOB.userId): Promise<number> {
  f.clock.now = dayAt(day);
  const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first, last });
  return (await f.ledger.handoff(ANA, assignment.ref, { to, reason: "away" })).handoff.id;
}

describe("a workspace's pending handoff requests", () => {
  it("come in the order they were asked, not yet decided, up to the limit", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const later = await requested(1, 10, 25);
    const earliest = await requested(11, 20, 23, CAL.userId);
    const decided = await requested(21, 30, 22);
    const middle = await requested(31, 40, 24);
    await f.ledger.decideHandoff(LEAD, decided, { approve: false, comment: "no" });
    const pending = async (limit: number) => (await f.repos.handoffs.pending(TEAM, limit)).map((h) => h.id);
    expect(await pending(50)).toEqual([earliest, middle, later]);
    expect(await pending(2)).toEqual([earliest, middle]);
  });
});

describe("a range's pending request", () => {
  it("is found while it waits, and cancelled with the range's other pending ones only", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const waiting = await requested(1, 10, 23);
    const other = await requested(11, 20, 23);
    const [a1, a2] = [
      (await f.ledger.getHandoff(TEAM, waiting)).assignmentId,
      (await f.ledger.getHandoff(TEAM, other)).assignmentId,
    ];
    expect(await f.repos.handoffs.pendingFor(a1)).toMatchObject({ id: waiting, status: "PENDING" });
    expect(await f.repos.handoffs.cancelPendingFor(a1, dayAt(24), "released")).toBe(1);
    expect(await f.repos.handoffs.pendingFor(a1)).toBeNull();
    expect(await f.repos.handoffs.findInTeam(TEAM, waiting)).toMatchObject({
      status: "CANCELLED",
      decidedAt: dayAt(24),
      decisionComment: "released",
    });
    expect(await f.repos.handoffs.pendingFor(a2)).toMatchObject({ id: other, status: "PENDING" });
    expect(await f.repos.handoffs.cancelPendingFor(a1, dayAt(25), "again")).toBe(0);
  });
});

describe.skipIf(!usingPostgres())("a decision on a request another transaction is deciding", () => {
  it("waits for it, then reads the request again and finds it decided", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const id = await requested(1, 10, 23);
    const decision = whileAnotherHolds(
      f.db,
      async (r) => {
        await r.handoffs.lock(id);
        await r.handoffs.update(id, {
          status: "REJECTED",
          decidedById: LEAD2.userId,
          decidedAt: dayAt(23),
          decisionComment: "not now",
        });
      },
      () => f.ledger.decideHandoff(LEAD, id, { approve: true }),
    );
    await expectDomainError(decision, "conflict", "H1 was already rejected by @ULEAD2");
    expect(await f.ledger.getHandoff(TEAM, id)).toMatchObject({ status: "REJECTED", decidedById: LEAD2.userId });
    expect(await f.ledger.getAssignment(TEAM, "A1")).toMatchObject({ assigneeId: ANA.userId });
  });
});
