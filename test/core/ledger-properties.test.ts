/**
 * Property: whatever sequence of claims, progress, handoffs (requested,
 * decided or made by a lead) and releases several people send, the ledger
 * keeps its invariants after every step:
 *   - no two live ranges share an item;
 *   - the free spans are exactly the items of the dataset no live range holds;
 *   - every range's items done are within 0..its size;
 *   - a change that succeeds writes its audit events (one, or one per step of a
 *     change of two steps), and a refusal writes none and changes nothing.
 * Each run works on a dataset of its own; the runs together must have made
 * enough changes of every kind, so the property cannot hold by refusing all.
 *
 * RK_PROPERTY_SEED and RK_PROPERTY_RUNS replay another seed or run longer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import type { Actor } from "../../src/core/types.ts";
import { ANA, BOB, CAL, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

const SEED = Number(process.env.RK_PROPERTY_SEED ?? 20_261_130);
const RUNS = Number(process.env.RK_PROPERTY_RUNS ?? 8);
const ITEMS = 200;
const PEOPLE: Actor[] = [ANA, BOB, CAL];

type Step =
  | { kind: "claim"; who: number; first: number; size: number }
  | { kind: "claimNext"; who: number; size: number }
  | { kind: "progress"; pick: number; byLead: boolean; done: number }
  | { kind: "release"; pick: number; byLead: boolean; all: boolean }
  | { kind: "handoff"; pick: number; byLead: boolean; from: number; to: number; recipient: number }
  | { kind: "decide"; pick: number; approve: boolean };

const who = fc.nat({ max: PEOPLE.length - 1 });
const pick = fc.nat({ max: 1000 });
const STEP: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("claim"),
      who,
      first: fc.integer({ min: 1, max: ITEMS + 5 }),
      size: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("claimNext"), who, size: fc.integer({ min: 1, max: 40 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("progress"), pick, byLead: fc.boolean(), done: fc.nat({ max: 45 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release"), pick, byLead: fc.boolean(), all: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("handoff"),
      pick,
      byLead: fc.boolean(),
      from: fc.nat({ max: 40 }),
      to: fc.nat({ max: 40 }),
      // PEOPLE.length: back to the pool
      recipient: fc.nat({ max: PEOPLE.length }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("decide"), pick, approve: fc.boolean() }) },
) as fc.Arbitrary<Step>;

let f: LedgerFixture;
useLedgerFixture((x) => (f = x), { once: true });

const succeeded: Record<Step["kind"], number> = {
  claim: 0,
  claimNext: 0,
  progress: 0,
  release: 0,
  handoff: 0,
  decide: 0,
};
const refused: Record<string, number> = {};
let runs = 0;

async function state(datasetId: number) {
  const [ranges, spans, audit] = await Promise.all([
    f.prisma.assignment.findMany({ where: { datasetId }, orderBy: { id: "asc" } }),
    f.prisma.freeSpan.findMany({
      where: { datasetId },
      orderBy: { first: "asc" },
      select: { first: true, last: true },
    }),
    f.prisma.auditEvent.count({ where: { teamId: TEAM } }),
  ]);
  return { ranges, spans, audit };
}
type State = Awaited<ReturnType<typeof state>>;

function expectInvariants(s: State, where: string): void {
  const live = s.ranges.filter((a) => a.status !== "RELEASED").sort((a, b) => a.first - b.first);
  const complement: { first: number; last: number }[] = [];
  let next = 1;
  for (const a of live) {
    expect(a.first, `${where}: A${a.id} overlaps the range before it`).toBeGreaterThanOrEqual(next);
    if (a.first > next) complement.push({ first: next, last: a.first - 1 });
    next = a.last + 1;
  }
  expect(next - 1, `${where}: a live range past the dataset's end`).toBeLessThanOrEqual(ITEMS);
  if (next <= ITEMS) complement.push({ first: next, last: ITEMS });
  expect(s.spans, `${where}: free spans`).toEqual(complement);
  for (const a of s.ranges) {
    expect(a.itemsDone, `${where}: items done of A${a.id}`).toBeGreaterThanOrEqual(0);
    expect(a.itemsDone, `${where}: items done of A${a.id}`).toBeLessThanOrEqual(a.last - a.first + 1);
  }
}

/** Runs one step; returns the audit events a success must have written, or null when the ledger refused it. */
async function run(step: Step, slug: string, datasetId: number): Promise<number | null> {
  const open = await f.prisma.assignment.findMany({
    where: { datasetId, status: { in: ["PENDING", "IN_PROGRESS"] } },
    orderBy: { id: "asc" },
  });
  const target = open.length
    ? open[step.kind === "claim" || step.kind === "claimNext" ? 0 : step.pick % open.length]
    : undefined;
  const byOwnerOrLead = (byLead: boolean): Actor => (byLead ? LEAD : { teamId: TEAM, userId: target!.assigneeId });
  try {
    switch (step.kind) {
      case "claim":
        await f.ledger.claim(PEOPLE[step.who]!, { dataset: slug, first: step.first, last: step.first + step.size - 1 });
        return 1;
      case "claimNext":
        await f.ledger.claimNext(PEOPLE[step.who]!, { dataset: slug, size: step.size });
        return 1;
      case "progress":
        if (!target) return null;
        await f.ledger.setProgress(byOwnerOrLead(step.byLead), target.id, step.done);
        return 1;
      case "release":
        if (!target) return null;
        await f.ledger.release(byOwnerOrLead(step.byLead), target.id, { mode: step.all ? "all" : "unstarted" });
        return 1;
      case "handoff": {
        if (!target) return null;
        const size = target.last - target.first + 1;
        const a = target.first + (step.from % size);
        const b = target.first + (step.to % size);
        const recipient = PEOPLE[step.recipient];
        const outcome = await f.ledger.handoff(byOwnerOrLead(step.byLead), target.id, {
          to: recipient ? recipient.userId : null,
          range: { first: Math.min(a, b), last: Math.max(a, b) },
          reason: "rebalancing",
        });
        // a lead's handoff is made and applied at once; an owner's is a request
        return outcome.applied ? 2 : 1;
      }
      case "decide": {
        const pending = await f.prisma.handoffRequest.findMany({
          where: { teamId: TEAM, status: "PENDING", assignment: { datasetId } },
          orderBy: { id: "asc" },
        });
        if (!pending.length) return null;
        const h = pending[step.pick % pending.length]!;
        await f.ledger.decideHandoff(LEAD, h.id, step.approve ? { approve: true } : { approve: false, comment: "no" });
        // an approval applies the handoff, then records the decision
        return step.approve ? 2 : 1;
      }
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const key = `${step.kind}: ${e.code}`;
    refused[key] = (refused[key] ?? 0) + 1;
    return null;
  }
}

describe("random sequences of changes by several people", () => {
  // a bounded number of runs, each of at most 30 steps: longer than one test, never unbounded
  it("keep the ledger's invariants after every step", { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(STEP, { minLength: 15, maxLength: 30 }), async (steps) => {
        runs += 1;
        const slug = `prop-${runs}`;
        const { dataset } = await f.ledger.createDataset(LEAD, { slug, itemCount: ITEMS });
        let before = await state(dataset.id);
        for (const [i, step] of steps.entries()) {
          const audited = await run(step, slug, dataset.id);
          const after = await state(dataset.id);
          const where = `step ${i} (${JSON.stringify(step)})`;
          expectInvariants(after, where);
          if (audited === null) {
            expect(after.ranges, `${where} was refused but changed ranges`).toEqual(before.ranges);
            expect(after.audit, `${where} was refused but audited`).toBe(before.audit);
          } else {
            succeeded[step.kind] += 1;
            expect(after.audit - before.audit, `${where}: audit events`).toBe(audited);
          }
          before = after;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Enough of every kind of change went through for the invariants to mean something.
    const atLeast = Math.max(1, Math.floor(RUNS / 2));
    expect(succeeded, JSON.stringify({ succeeded, refused })).toMatchObject({
      claim: expect.toSatisfy((n: number) => n >= 2 * atLeast),
      claimNext: expect.toSatisfy((n: number) => n >= atLeast),
      progress: expect.toSatisfy((n: number) => n >= 2 * atLeast),
      release: expect.toSatisfy((n: number) => n >= atLeast),
      handoff: expect.toSatisfy((n: number) => n >= atLeast),
      decide: expect.toSatisfy((n: number) => n >= 1),
    });
  });
});
