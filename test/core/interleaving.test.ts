/**
 * Changes racing each other on one ledger. On PostgreSQL the operations of
 * a Promise.all run in parallel transactions; on PGlite (one connection)
 * they interleave between awaits and their transactions take turns. Either
 * way exactly one of two conflicting changes wins and the other is refused
 * with a sentence, never a raw database error. The order in which a change
 * takes its locks (what makes the races safe on PostgreSQL) is checked
 * directly, so a lock that goes missing fails on PGlite too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import { AssignmentRepository } from "../../src/db/repositories/assignments.ts";
import { DatasetRepository } from "../../src/db/repositories/datasets.ts";
import { HandoffRepository } from "../../src/db/repositories/handoffs.ts";
import { ReviewRepository } from "../../src/db/repositories/reviews.ts";
import {
  ANA,
  BOB,
  CAL,
  expectDomainError,
  LEAD,
  LEAD2,
  type LedgerFixture,
  ledgerFixture,
  REVIEWER,
  TEAM,
} from "../support/ledger.ts";

let f: LedgerFixture;
let datasets = 0;
beforeAll(async () => {
  f = await ledgerFixture();
});
afterAll(async () => {
  await f?.dispose();
});

/** A new dataset of `items` items; returns its slug and id. */
async function dataset(items: number): Promise<{ slug: string; id: number }> {
  datasets += 1;
  const slug = `race-${datasets}`;
  const { dataset: d } = await f.ledger.createDataset(LEAD, { slug, itemCount: items });
  return { slug, id: d.id };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** Runs the operations at once; every refusal must be a domain error. */
async function race<T>(ops: (() => Promise<T>)[]): Promise<Settled<T>[]> {
  const results = await Promise.allSettled(ops.map((op) => op()));
  return results.map((r) => {
    if (r.status === "fulfilled") return { ok: true, value: r.value };
    expect(r.reason, String(r.reason)).toBeInstanceOf(DomainError);
    return { ok: false, error: r.reason as DomainError };
  });
}

const wins = <T>(s: Settled<T>[]) => s.filter((r): r is { ok: true; value: T } => r.ok).map((r) => r.value);
const losses = <T>(s: Settled<T>[]) =>
  s.filter((r): r is { ok: false; error: DomainError } => !r.ok).map((r) => r.error);

/** No item held twice; the free spans are the rest. */
async function expectConsistent(datasetId: number, items: number) {
  const live = await f.prisma.assignment.findMany({
    where: { datasetId, status: { not: "RELEASED" } },
    orderBy: { first: "asc" },
  });
  const free: { first: number; last: number }[] = [];
  let next = 1;
  for (const a of live) {
    expect(a.first, `A${a.id} overlaps the range before it`).toBeGreaterThanOrEqual(next);
    if (a.first > next) free.push({ first: next, last: a.first - 1 });
    next = a.last + 1;
  }
  if (next <= items) free.push({ first: next, last: items });
  expect(
    await f.prisma.freeSpan.findMany({
      where: { datasetId },
      orderBy: { first: "asc" },
      select: { first: true, last: true },
    }),
  ).toEqual(free);
}

const auditOf = (action: string, where: Record<string, unknown> = {}) =>
  f.prisma.auditEvent.count({ where: { teamId: TEAM, action, ...where } });

describe("changes racing on one ledger", () => {
  it("claims of the next free range at once: each item once, the rest told nothing is left", async () => {
    const d = await dataset(100);
    const people = [ANA, BOB, CAL];
    const settled = await race(
      Array.from({ length: 16 }, (_, i) => () => f.ledger.claimNext(people[i % 3]!, { dataset: d.slug, size: 10 })),
    );
    const won = wins(settled);
    expect(won).toHaveLength(10);
    expect(won.map((w) => w.assignment.first).sort((a, b) => a - b)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
    for (const e of losses(settled)) {
      expect(e.code).toBe("conflict");
      expect(e.message).toMatch(
        new RegExp(`^(every item of ${d.slug} is already claimed|those items were taken by someone else a moment ago)`),
      );
    }
    expect(await auditOf("assignment.claim", { datasetId: d.id })).toBe(10);
    await expectConsistent(d.id, 100);
  });

  it("explicit claims of overlapping ranges at once: one holds each item, the others are told who", async () => {
    const d = await dataset(100);
    const settled = await race([
      () => f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 30 }),
      () => f.ledger.claim(BOB, { dataset: d.slug, first: 20, last: 50 }),
      () => f.ledger.claim(CAL, { dataset: d.slug, first: 25, last: 26 }),
      () => f.ledger.claim(ANA, { dataset: d.slug, first: 60, last: 70 }),
    ]);
    const won = wins(settled);
    // 60–70 never collides; exactly one of the three overlapping claims wins.
    expect(won).toHaveLength(2);
    expect(won.some((w) => w.assignment.first === 60)).toBe(true);
    for (const e of losses(settled)) {
      expect(e.code).toBe("conflict");
      expect(e.message).toMatch(/are already held by|taken by someone else a moment ago/);
    }
    await expectConsistent(d.id, 100);
  });

  it("two leads decide the same handoff request at once: one decision, the other told who decided", async () => {
    const d = await dataset(100);
    const { assignment } = await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 40 });
    const { handoff } = await f.ledger.handoff(ANA, assignment.ref, {
      to: BOB.userId,
      range: { first: 21, last: 40 },
      reason: "too much",
    });
    const settled = await race([
      () => f.ledger.decideHandoff(LEAD, handoff.ref, { approve: true }),
      () => f.ledger.decideHandoff(LEAD2, handoff.ref, { approve: false, comment: "keep it" }),
    ]);
    expect(wins(settled)).toHaveLength(1);
    const [lost] = losses(settled);
    const decided = await f.ledger.getHandoff(TEAM, handoff.ref);
    expect(lost!.code).toBe("conflict");
    expect(lost!.message).toBe(`${handoff.ref} was already ${decided.status.toLowerCase()} by @${decided.decidedById}`);
    const applied = await auditOf("handoff.apply", { handoffId: handoff.id });
    expect(applied).toBe(decided.status === "APPROVED" ? 1 : 0);
    await expectConsistent(d.id, 100);
  });

  it("a release and the approval of a handoff of the same range at once: one or the other, never both", async () => {
    const d = await dataset(100);
    const { assignment } = await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 40 });
    const { handoff } = await f.ledger.handoff(ANA, assignment.ref, { to: BOB.userId, reason: "leaving" });
    const [released, approved] = await race<unknown>([
      () => f.ledger.release(ANA, assignment.ref),
      () => f.ledger.decideHandoff(LEAD, handoff.ref, { approve: true }),
    ]);
    const a = await f.ledger.getAssignment(TEAM, assignment.ref);
    if (released!.ok) {
      // released first: the request went with the range
      expect(approved).toMatchObject({ ok: false, error: { code: "conflict" } });
      expect((await f.ledger.getHandoff(TEAM, handoff.ref)).status).toBe("CANCELLED");
      expect(a.status).toBe("RELEASED");
    } else {
      // approved first: the range is Bob's, and Ana may no longer release it
      expect(approved!.ok).toBe(true);
      expect(released).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(a).toMatchObject({ status: "PENDING", assigneeId: BOB.userId });
    }
    await expectConsistent(d.id, 100);
  });

  it("the reviewer and a lead decide the same review at once: one verdict", async () => {
    const d = await dataset(100);
    const { assignment } = await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 10 });
    const { review } = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
    const reviewer = review!.reviewerId === REVIEWER.userId ? REVIEWER : LEAD2;
    const settled = await race<unknown>([
      () => f.ledger.recordReview(reviewer, review!.ref, { verdict: "accept", itemsChecked: 10, errors: {} }),
      () =>
        f.ledger.recordReview(LEAD, review!.ref, {
          verdict: "changes",
          itemsChecked: 10,
          errors: {},
          comment: "redo",
        }),
    ]);
    expect(wins(settled)).toHaveLength(1);
    expect(losses(settled)[0]!.message).toMatch(/was already decided/);
    const decisions =
      (await auditOf("review.accept", { reviewId: review!.id })) +
      (await auditOf("review.request_changes", { reviewId: review!.id }));
    expect(decisions).toBe(1);
  });

  it("the same request twice at once (a double click): applied once, the other gets the same answer", async () => {
    const d = await dataset(100);
    const settled = await race([
      () => f.ledger.claim(ANA, { dataset: d.slug, first: 5, last: 9 }, { idempotencyKey: "double-click" }),
      () => f.ledger.claim(ANA, { dataset: d.slug, first: 5, last: 9 }, { idempotencyKey: "double-click" }),
    ]);
    const won = wins(settled);
    // On PostgreSQL the second may also lose the race for the key itself: refused, nothing changed.
    expect(won.filter((w) => !w.replayed)).toHaveLength(1);
    for (const w of won) expect(w.assignment.ref).toBe(won[0]!.assignment.ref);
    for (const e of losses(settled)) expect(e.code).toBe("conflict");
    expect(await f.prisma.assignment.count({ where: { datasetId: d.id } })).toBe(1);
    expect(await auditOf("assignment.claim", { datasetId: d.id })).toBe(1);
  });

  it("progress and a release-all of the same range at once: the release never discards a count it did not see", async () => {
    const d = await dataset(100);
    const { assignment } = await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 20 });
    await f.ledger.setProgress(ANA, assignment.ref, 5);
    const [progress, release] = await race<unknown>([
      () => f.ledger.setProgress(ANA, assignment.ref, 12),
      () => f.ledger.release(LEAD, assignment.ref, { mode: "all", expectDone: 5 }),
    ]);
    const a = await f.ledger.getAssignment(TEAM, assignment.ref);
    if (release!.ok) {
      // released first, with the 5 it was shown; the progress then finds the range released
      expect(a.status).toBe("RELEASED");
      expect(progress).toMatchObject({ ok: false, error: { code: "illegal_transition" } });
    } else {
      // counted first: the release asks again with the new count, and nothing is freed
      expect(progress!.ok).toBe(true);
      expect(release).toMatchObject({
        ok: false,
        error: { code: "invalid", details: { itemsDone: 12, shownDone: 5 } },
      });
      expect(a).toMatchObject({ status: "IN_PROGRESS", itemsDone: 12 });
    }
    await expectConsistent(d.id, 100);
  });
});

describe("the order in which changes take their locks", () => {
  let log: string[] = [];
  beforeAll(() => {
    const trace = (cls: { prototype: object }, method: string, label: string) => {
      const proto = cls.prototype as Record<string, (...args: unknown[]) => unknown>;
      const original = proto[method]!;
      vi.spyOn(proto, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
        log.push(label);
        return original.apply(this, args);
      });
    };
    trace(DatasetRepository, "lock", "lock dataset");
    trace(DatasetRepository, "update", "update dataset");
    trace(AssignmentRepository, "lock", "lock range");
    trace(AssignmentRepository, "lowestFreeSpan", "find lowest free span");
    trace(AssignmentRepository, "overlappingLive", "find overlapping ranges");
    trace(AssignmentRepository, "create", "create range");
    trace(AssignmentRepository, "update", "update range");
    trace(HandoffRepository, "lock", "lock handoff");
    trace(ReviewRepository, "lock", "lock review");
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });
  afterEach(() => {
    log = [];
  });

  /** The traced steps `op` takes, in order. */
  async function steps(op: () => Promise<unknown>): Promise<string[]> {
    log = [];
    await op();
    return log;
  }

  it("a claim of the next free range locks the dataset before it looks for free items", async () => {
    const d = await dataset(100);
    expect(await steps(() => f.ledger.claimNext(ANA, { dataset: d.slug, size: 10 }))).toEqual([
      "lock dataset",
      "find lowest free span",
      "create range",
    ]);
  });

  it("a claim of a range locks the dataset before it looks for ranges holding its items", async () => {
    const d = await dataset(100);
    expect(await steps(() => f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 10 }))).toEqual([
      "lock dataset",
      "find overlapping ranges",
      "create range",
    ]);
  });

  it("a release and a handoff lock the dataset, then the range, before they change it", async () => {
    const d = await dataset(100);
    const a = (await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 40 })).assignment.ref;
    expect(
      await steps(() => f.ledger.handoff(LEAD, a, { to: BOB.userId, range: { first: 31, last: 40 }, reason: "r" })),
    ).toEqual(["lock dataset", "lock range", "update range", "create range"]);
    expect(await steps(() => f.ledger.release(ANA, a))).toEqual(["lock dataset", "lock range", "update range"]);
  });

  it("a handoff decision locks the dataset, the request, then the range", async () => {
    const d = await dataset(100);
    const a = (await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 40 })).assignment.ref;
    const h = (await f.ledger.handoff(ANA, a, { to: BOB.userId, reason: "r" })).handoff.ref;
    expect(await steps(() => f.ledger.decideHandoff(LEAD, h, { approve: true }))).toEqual([
      "lock dataset",
      "lock handoff",
      "lock range",
      "update range",
    ]);
  });

  it("a progress update locks its range; a verdict locks its review; a setting locks its dataset", async () => {
    const d = await dataset(100);
    const a = (await f.ledger.claim(ANA, { dataset: d.slug, first: 1, last: 10 })).assignment.ref;
    expect(await steps(() => f.ledger.setProgress(ANA, a, 3))).toEqual(["lock range", "update range"]);
    const { review } = await f.ledger.submit(ANA, a, { confirmed: true });
    expect(
      await steps(() => f.ledger.recordReview(LEAD, review!.ref, { verdict: "accept", itemsChecked: 10, errors: {} })),
    ).toEqual(["lock review", "update range"]);
    expect(await steps(() => f.ledger.configureDataset(LEAD, d.slug, { key: "batch", value: 5 }))).toEqual([
      "lock dataset",
      "update dataset",
    ]);
  });

  it("a refused change takes its locks and changes nothing", async () => {
    const d = await dataset(10);
    await f.ledger.claim(BOB, { dataset: d.slug, first: 1, last: 10 });
    expect(
      await steps(() =>
        expectDomainError(f.ledger.claimNext(ANA, { dataset: d.slug, size: 1 }), "conflict", /already claimed/),
      ),
    ).toEqual(["lock dataset", "find lowest free span"]);
  });
});
