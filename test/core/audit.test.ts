/**
 * The audit trail, operation by operation: every change of the ledger writes
 * the audit events of its kind (one for most, one per step for a change of
 * several steps), by its actor, about what it changed; a refusal, a replay
 * and a read write none. The walk covers every audit kind the core can write
 * (read from its source), so a new kind without a check here fails.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ADMIN,
  ANA,
  actor,
  BOB,
  CAL,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x), { once: true });

/** Every audit kind written under src/core/ledger and src/core/review: the literals of `action:` lines. */
async function auditKindsInSource(): Promise<string[]> {
  const kinds = new Set<string>();
  for (const dir of ["src/core/ledger", "src/core/review"]) {
    for (const file of await readdir(dir)) {
      if (!file.endsWith(".ts")) continue;
      for (const line of (await readFile(join(dir, file), "utf8")).split("\n")) {
        if (!/\baction\??:/.test(line)) continue;
        for (const m of line.matchAll(/"([a-z]+\.[a-z_]+)"/g)) kinds.add(m[1]!);
      }
    }
  }
  return [...kinds].sort();
}

interface Expected {
  action: string;
  actorId: string;
  assignmentId?: number | null;
  handoffId?: number | null;
  reviewId?: number | null;
}

const seen = new Set<string>();
let lastId: number | bigint = 0;

/** Runs `op` and expects exactly `expected` audit events (in order) to have been written by it. */
async function expectAudit<T>(op: () => Promise<T>, expected: Expected[]): Promise<T> {
  const result = await op();
  const written = await f.prisma.auditEvent.findMany({ where: { id: { gt: lastId } }, orderBy: { id: "asc" } });
  lastId = written.at(-1)?.id ?? lastId;
  expect(
    written.map((e) => e.action),
    "the audit kinds written",
  ).toEqual(expected.map((e) => e.action));
  written.forEach((e, i) => {
    expect(e, e.action).toMatchObject({ teamId: TEAM, ...expected[i] });
    seen.add(e.action);
  });
  return result;
}

/** Skips the events of setting-up steps that are not the operation under check. */
async function skipSetUp(): Promise<void> {
  lastId = (await f.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0;
}

/** Expects `op` to be refused, or to change nothing, writing no audit event. */
const expectNoAudit = <T>(op: () => Promise<T>) => expectAudit(op, []);

const id = (ref: string) => Number(ref.slice(1));

describe("one audit event of its kind per change", () => {
  it("walks every operation of the ledger", async () => {
    await skipSetUp();
    const system = "system:review-policy";

    // the workspace, members and datasets
    await expectAudit(
      () => f.ledger.configureWorkspace(ADMIN, { key: "stalled-after", value: 4 }),
      [{ action: "workspace.set", actorId: ADMIN.userId }],
    );
    await expectAudit(
      () => f.ledger.setRole(LEAD, CAL.userId, "REVIEWER"),
      [{ action: "member.role", actorId: LEAD.userId }],
    );
    await expectAudit(
      () => f.ledger.setRole(LEAD, CAL.userId, "ANNOTATOR"),
      [{ action: "member.role", actorId: LEAD.userId }],
    );
    await expectAudit(
      () => f.ledger.setCapacity(LEAD, ANA.userId, 5000),
      [{ action: "member.capacity", actorId: LEAD.userId }],
    );
    const cats = await expectAudit(
      () => f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 }),
      [{ action: "dataset.add", actorId: LEAD.userId }],
    );
    expect(cats.dataset.slug).toBe("cats");
    await expectAudit(
      () => f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 }),
      [{ action: "dataset.set", actorId: LEAD.userId }],
    );
    await expectAudit(
      () => f.ledger.setRole(LEAD, BOB.userId, "REVIEWER", { dataset: "cats" }),
      [{ action: "member.dataset_role", actorId: LEAD.userId }],
    );
    await expectAudit(
      () => f.ledger.configureDataset(LEAD, "cats", { key: "instructions", value: "Box every cat." }),
      [{ action: "dataset.set", actorId: LEAD.userId }],
    );
    await expectAudit(
      () => f.ledger.acknowledgeInstructions(ANA, "cats", 1),
      [{ action: "instructions.acknowledge", actorId: ANA.userId }],
    );
    await expectNoAudit(() => f.ledger.acknowledgeInstructions(ANA, "cats", 1)); // already recorded
    for (const who of [BOB, CAL]) {
      await expectAudit(
        () => f.ledger.acknowledgeInstructions(who, "cats", 1),
        [{ action: "instructions.acknowledge", actorId: who.userId }],
      );
    }

    // claims and progress
    const a1 = await expectAudit(
      () => f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 20 }),
      [{ action: "assignment.claim", actorId: ANA.userId, assignmentId: 1 }],
    );
    expect(a1.assignment.ref).toBe("A1");
    await expectAudit(
      () => f.ledger.claimNext(ANA, { dataset: "cats", size: 20 }),
      [{ action: "assignment.claim", actorId: ANA.userId, assignmentId: 2 }],
    );
    await expectAudit(
      () => f.ledger.assign(LEAD, { dataset: "cats", first: 101, last: 130, assigneeId: BOB.userId }),
      [{ action: "assignment.assign", actorId: LEAD.userId, assignmentId: 3 }],
    );
    await expectAudit(
      () => f.ledger.start(ANA, "A1"),
      [{ action: "assignment.start", actorId: ANA.userId, assignmentId: 1 }],
    );
    await expectAudit(
      () => f.ledger.setProgress(ANA, "A1", 5),
      [{ action: "assignment.progress", actorId: ANA.userId, assignmentId: 1 }],
    );
    await expectAudit(
      () => f.ledger.pause(ANA, "A1"),
      [{ action: "assignment.pause", actorId: ANA.userId, assignmentId: 1 }],
    );
    await expectAudit(
      () => f.ledger.updateProgress(ANA, "A1", { count: 8, step: "start" }),
      [
        { action: "assignment.start", actorId: ANA.userId, assignmentId: 1 },
        { action: "assignment.progress", actorId: ANA.userId, assignmentId: 1 },
      ],
    );
    await expectAudit(
      () => f.ledger.setDueDate(LEAD, "A1", "2026-12-24"),
      [{ action: "assignment.due", actorId: LEAD.userId, assignmentId: 1 }],
    );
    // A proposal changes nothing until a lead accepts it; declining changes nothing either.
    await expectNoAudit(() => f.ledger.proposeDueDate(ANA, "A1", "2026-12-31"));
    await expectNoAudit(() => f.ledger.declineDueProposal(LEAD, "A1", "2026-12-24"));

    // submit and review: the review opened by the policy, then the submit; each verdict
    const s1 = await expectAudit(
      () => f.ledger.submit(ANA, "A1", { confirmed: true }),
      [
        { action: "review.open", actorId: system, assignmentId: 1, reviewId: 1 },
        { action: "assignment.submit", actorId: ANA.userId, assignmentId: 1 },
      ],
    );
    const sample = s1.review!.sampleSize;
    const reviewer = actor(s1.review!.reviewerId!);
    await expectAudit(
      () =>
        f.ledger.recordReview(reviewer, s1.review!.ref, {
          verdict: "changes",
          itemsChecked: sample,
          errors: {},
          comment: "two cats missed",
        }),
      [{ action: "review.request_changes", actorId: reviewer.userId, assignmentId: 1, reviewId: 1 }],
    );
    const s2 = await expectAudit(
      () => f.ledger.submit(ANA, "A1"),
      [
        { action: "review.open", actorId: system, assignmentId: 1, reviewId: 2 },
        { action: "assignment.submit", actorId: ANA.userId, assignmentId: 1 },
      ],
    );
    await expectAudit(
      () => f.ledger.recordReview(reviewer, s2.review!.ref, { verdict: "accept", itemsChecked: sample, errors: {} }),
      [{ action: "review.accept", actorId: reviewer.userId, assignmentId: 1, reviewId: 2 }],
    );

    // handoffs: a request, then its approval (applied, then approved); a rejection; a withdrawal; a lead's own
    const h1 = await expectAudit(
      () => f.ledger.handoff(ANA, "A2", { to: CAL.userId, range: { first: 31, last: 40 }, reason: "too many" }),
      [{ action: "handoff.request", actorId: ANA.userId, assignmentId: 2, handoffId: 1 }],
    );
    await expectAudit(
      () => f.ledger.decideHandoff(LEAD, h1.handoff.ref, { approve: true }),
      [
        { action: "handoff.apply", actorId: LEAD.userId, assignmentId: 2, handoffId: 1 },
        { action: "handoff.approve", actorId: LEAD.userId, assignmentId: 2, handoffId: 1 },
      ],
    );
    const h2 = await expectAudit(
      () => f.ledger.handoff(ANA, "A2", { to: BOB.userId, reason: "still too many" }),
      [{ action: "handoff.request", actorId: ANA.userId, assignmentId: 2, handoffId: 2 }],
    );
    await expectAudit(
      () => f.ledger.decideHandoff(LEAD, h2.handoff.ref, { approve: false, comment: "keep it" }),
      [{ action: "handoff.reject", actorId: LEAD.userId, assignmentId: 2, handoffId: 2 }],
    );
    const h3 = await expectAudit(
      () => f.ledger.handoff(ANA, "A2", { to: BOB.userId, reason: "third try" }),
      [{ action: "handoff.request", actorId: ANA.userId, assignmentId: 2, handoffId: 3 }],
    );
    await expectAudit(
      () => f.ledger.cancelHandoff(ANA, h3.handoff.ref),
      [{ action: "handoff.cancel", actorId: ANA.userId, assignmentId: 2, handoffId: 3 }],
    );
    await expectAudit(
      () => f.ledger.handoff(LEAD, "A3", { to: CAL.userId, reason: "Bob is away" }),
      [
        { action: "handoff.direct", actorId: LEAD.userId, assignmentId: 3, handoffId: 4 },
        { action: "handoff.apply", actorId: LEAD.userId, assignmentId: 3, handoffId: 4 },
      ],
    );

    // releases: with nothing done, keeping the done items, discarding them; a pending request goes with its range
    await f.ledger.setProgress(ANA, "A2", 4);
    await skipSetUp();
    await expectAudit(
      () => f.ledger.release(ANA, "A2", { mode: "unstarted" }),
      [{ action: "assignment.release", actorId: ANA.userId, assignmentId: 2 }],
    );
    await skipSetUp();
    const a5 = (await f.ledger.claimNext(BOB, { dataset: "cats", size: 10 })).assignment.ref;
    await f.ledger.setProgress(BOB, a5, 3);
    await f.ledger.handoff(BOB, a5, { to: ANA.userId, reason: "swap" });
    await skipSetUp();
    await expectAudit(
      () => f.ledger.release(BOB, a5, { mode: "all" }),
      [{ action: "assignment.release", actorId: BOB.userId, assignmentId: id(a5) }],
    );
    const a6 = (await f.ledger.claimNext(CAL, { dataset: "cats", size: 10 })).assignment.ref;
    await skipSetUp();
    await expectAudit(
      () => f.ledger.release(LEAD, a6),
      [{ action: "assignment.release", actorId: LEAD.userId, assignmentId: id(a6) }],
    );

    // a submit the policy does not review: one event, no review
    await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 });
    await f.ledger.configureDataset(LEAD, "cats", { key: "review", value: "first-k" });
    const a7 = (await f.ledger.claimNext(ANA, { dataset: "cats", size: 10 })).assignment.ref;
    await skipSetUp();
    await expectAudit(
      () => f.ledger.submit(ANA, a7, { confirmed: true }),
      [{ action: "assignment.submit", actorId: ANA.userId, assignmentId: id(a7) }],
    );

    // replays, refusals and reads write nothing
    await expectAudit(
      () => f.ledger.claim(BOB, { dataset: "cats", first: 901, last: 910 }, { idempotencyKey: "k1" }),
      [{ action: "assignment.claim", actorId: BOB.userId }],
    );
    await expectNoAudit(() =>
      f.ledger.claim(BOB, { dataset: "cats", first: 901, last: 910 }, { idempotencyKey: "k1" }),
    );
    await expectNoAudit(() =>
      expectDomainError(f.ledger.claim(CAL, { dataset: "cats", first: 905, last: 920 }), "conflict"),
    );
    await expectNoAudit(() => expectDomainError(f.ledger.setRole(ANA, CAL.userId, "REVIEWER"), "forbidden"));
    await expectNoAudit(async () => {
      await f.ledger.getAssignment(TEAM, "A1");
      await f.ledger.listAssignments(TEAM);
      await f.ledger.coverage(TEAM, "cats");
      await f.ledger.workload(TEAM);
      await f.ledger.reviewQueue(TEAM, REVIEWER.userId);
      await f.ledger.pendingHandoffs(TEAM);
      await f.ledger.getMember(ANA);
      await f.ledger.listMembers(TEAM);
      await f.ledger.updateProfile(TEAM, ANA.userId, { displayName: "Ana", timezone: "Europe/Berlin" });
    });

    // Every kind the core writes was walked.
    expect([...seen].sort()).toEqual(await auditKindsInSource());
  });
});
