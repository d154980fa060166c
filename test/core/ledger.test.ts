import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import { Ledger } from "../../src/core/ledger/index.ts";
import { seededRandom } from "../../src/core/review/policy.ts";
import { sqlState } from "../../src/db/errors.ts";
import type { Store } from "../../src/db/store.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import {
  ADMIN,
  ANA,
  BOB,
  CAL,
  expectDomainError,
  LEAD,
  LEAD2,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const events = (action?: string) =>
  f.prisma.auditEvent.findMany({ where: { teamId: TEAM, ...(action ? { action } : {}) }, orderBy: { id: "asc" } });

async function cats(items = 1000) {
  return (
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: items, title: "Cat photos", itemNoun: "image" })
  ).dataset;
}

/** FreeSpan must always be exactly 1..N minus the live assignments. */
async function expectFreeSpansConsistent(datasetId: number, itemCount: number) {
  const live = await f.prisma.assignment.findMany({
    where: { datasetId, status: { not: "RELEASED" } },
    orderBy: { first: "asc" },
  });
  const expected: { first: number; last: number }[] = [];
  let next = 1;
  for (const a of live) {
    expect(a.first, "live assignments overlap").toBeGreaterThanOrEqual(next);
    if (a.first > next) expected.push({ first: next, last: a.first - 1 });
    next = a.last + 1;
  }
  if (next <= itemCount) expected.push({ first: next, last: itemCount });
  const spans = await f.prisma.freeSpan.findMany({
    where: { datasetId },
    orderBy: { first: "asc" },
    select: { first: true, last: true },
  });
  expect(spans).toEqual(expected);
}

describe("datasets", () => {
  it("lets leads add and configure datasets, with an audit event each", async () => {
    const d = await cats();
    expect(d).toMatchObject({
      slug: "cats",
      itemCount: 1000,
      itemNoun: "image",
      batchSize: 100,
      reviewSampleRate: 0.1,
    });
    expect(d.errorTaxonomy).toContain("wrong class");
    const set = await f.ledger.configureDataset(LEAD, "cats", { key: "sample", value: 0.25 });
    expect(set.dataset.reviewSampleRate).toBe(0.25);
    expect(
      (
        await f.ledger.configureDataset(LEAD, "cats", {
          key: "gold",
          value: [
            { first: 5, last: 5 },
            { first: 17, last: 17 },
            { first: 40, last: 42 },
            { first: 41, last: 41 },
          ],
        })
      ).dataset.goldItems,
    ).toEqual([5, 17, 40, 41, 42]);
    expect(
      (
        await f.ledger.configureDataset(LEAD, "cats", {
          key: "taxonomy",
          value: ["Missing box", " wrong class", "missing box"],
        })
      ).dataset.errorTaxonomy,
    ).toEqual(["missing box", "wrong class"]);
    expect(
      (await f.ledger.configureDataset(LEAD, "cats", { key: "instructions", value: "https://wiki.example/cats" }))
        .dataset.instructions,
    ).toEqual({
      version: 1,
      text: "https://wiki.example/cats",
      url: "https://wiki.example/cats",
    });
    const audit = await events("dataset.set");
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({ actorId: LEAD.userId, before: { sample: 0.1 }, after: { sample: 0.25 } });
  });

  it("refuses non-leads, duplicates, bad names and values outside the rules, changing nothing", async () => {
    await expectDomainError(
      f.ledger.createDataset(ANA, { slug: "dogs", itemCount: 10 }),
      "forbidden",
      /only leads and admins can add datasets/,
    );
    await cats();
    await expectDomainError(
      f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 10 }),
      "conflict",
      "a dataset named cats already exists",
    );
    await expectDomainError(
      f.ledger.createDataset(LEAD, { slug: "Bad_Name", itemCount: 10 }),
      "invalid",
      /can't be a dataset name/,
    );
    await expectDomainError(f.ledger.createDataset(LEAD, { slug: "ok", itemCount: 0 }), "invalid", /item count/);
    await expectDomainError(
      f.ledger.configureDataset(LEAD, "cats", { key: "sample", value: 1.5 }),
      "invalid",
      /between 0% and 100%/,
    );
    await expectDomainError(f.ledger.configureDataset(ANA, "cats", { key: "title", value: "x" }), "forbidden");
    await expectDomainError(
      f.ledger.configureDataset(LEAD, "dogs", { key: "title", value: "x" }),
      "not_found",
      /there is no dataset "dogs"; datasets: cats/,
    );
    expect(await f.prisma.dataset.count()).toBe(1);
    expect(await events("dataset.set")).toHaveLength(0);
  });

  it("grows the item count freely and shrinks it only over free items", async () => {
    const d = await cats(100);
    await f.ledger.claim(ANA, { dataset: "cats", first: 81, last: 90 });
    await expectDomainError(
      f.ledger.configureDataset(LEAD, "cats", { key: "items", value: 85 }),
      "conflict",
      /A\d+ holds items up to 90/,
    );
    await f.ledger.configureDataset(LEAD, "cats", { key: "items", value: 95 });
    await expectFreeSpansConsistent(d.id, 95);
    await f.ledger.configureDataset(LEAD, "cats", { key: "items", value: 200 });
    await expectFreeSpansConsistent(d.id, 200);
  });
});

describe("claims", () => {
  it("claims an explicit range and refuses an overlapping one, naming who holds what", async () => {
    const d = await cats();
    const a = await f.ledger.claim(ANA, {
      dataset: "cats",
      first: 120,
      last: 180,
      dueDate: "2026-12-01",
      note: "first pass",
    });
    expect(a.assignment).toMatchObject({
      ref: "A1",
      first: 120,
      last: 180,
      size: 61,
      assigneeId: ANA.userId,
      status: "PENDING",
      dueDate: "2026-12-01",
    });
    const held = await expectDomainError(
      f.ledger.claim(BOB, { dataset: "cats", first: 150, last: 200 }),
      "conflict",
      "items 150–180 of cats are already held by @UANA in A1; the lowest free range of 51 items is 1–51",
    );
    // The person is a part of the sentence, not markup: each surface names them its own way.
    expect(held.text).toEqual([
      "items 150–180 of cats are already held by ",
      { kind: "person", userId: ANA.userId },
      " in A1; the lowest free range of 51 items is 1–51",
    ]);
    // The free range it names, for a surface to offer claiming instead.
    expect(held.details).toMatchObject({ dataset: "cats", instead: { first: 1, last: 51 } });
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 100, last: 120 }),
      "conflict",
      /already held by you in A1/,
    );
    expect(await f.prisma.assignment.count()).toBe(1);
    expect(await events("assignment.claim")).toHaveLength(1);
    await expectFreeSpansConsistent(d.id, 1000);
  });

  it("refuses ranges outside 1..N, past due dates, long notes and archived datasets", async () => {
    await cats(100);
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 90, last: 120 }),
      "invalid",
      "cats has 100 items (1–100); 90–120 goes past the end",
    );
    await expectDomainError(f.ledger.claim(ANA, { dataset: "cats", first: 0, last: 5 }), "invalid", /numbered from 1/);
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5, dueDate: "2026-11-01" }),
      "invalid",
      /in the past/,
    );
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5, dueDate: "2026-02-30" }),
      "invalid",
      /not a real date/,
    );
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5, note: "x".repeat(501) }),
      "invalid",
      /keep it under 500/,
    );
    await f.ledger.configureDataset(LEAD, "cats", { key: "archived", value: true });
    await expectDomainError(f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5 }), "invalid", /archived/);
    expect(await f.prisma.assignment.count()).toBe(0);
  });

  it("claims the lowest free range of a size, reusing released gaps", async () => {
    const d = await cats(300);
    const a = await f.ledger.claimNext(ANA, { dataset: "cats" });
    expect([a.assignment.first, a.assignment.last]).toEqual([1, 100]);
    const b = await f.ledger.claimNext(BOB, { dataset: "cats", size: 50 });
    expect([b.assignment.first, b.assignment.last]).toEqual([101, 150]);
    await f.ledger.release(ANA, a.assignment.ref, { reason: "wrong language" });
    const c = await f.ledger.claimNext(CAL, { dataset: "cats", size: 120 });
    expect([c.assignment.first, c.assignment.last]).toEqual([151, 270]);
    const e = await f.ledger.claimNext(CAL, { dataset: "cats", size: 80 });
    expect([e.assignment.first, e.assignment.last]).toEqual([1, 80]);
    await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "cats", size: 40 }),
      "conflict",
      "no free range of 40 items is left in cats; the largest free range is 271–300 (30 items)",
    );
    await expectFreeSpansConsistent(d.id, 300);
  });

  it("lets only leads assign ranges to others", async () => {
    await cats();
    await expectDomainError(
      f.ledger.assign(ANA, { dataset: "cats", first: 1, last: 10, assigneeId: BOB.userId }),
      "forbidden",
      /assign ranges to others/,
    );
    const r = await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 10, assigneeId: BOB.userId });
    expect(r.assignment).toMatchObject({ assigneeId: BOB.userId, status: "PENDING" });
    const [e] = await events("assignment.assign");
    expect(e).toMatchObject({ actorId: LEAD.userId, after: { assigneeId: BOB.userId, first: 1, last: 10 } });
  });
});

describe("idempotency", () => {
  it("applies a repeated request once and returns the first result", async () => {
    await cats();
    const first = await f.ledger.claim(
      ANA,
      { dataset: "cats", first: 1, last: 10 },
      { idempotencyKey: "cmd:trigger-1" },
    );
    const again = await f.ledger.claim(
      ANA,
      { dataset: "cats", first: 1, last: 10 },
      { idempotencyKey: "cmd:trigger-1" },
    );
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.assignment).toEqual(first.assignment);
    expect(await f.prisma.assignment.count()).toBe(1);
    expect(await events("assignment.claim")).toHaveLength(1);
    await f.ledger.setProgress(ANA, "A1", 5, { idempotencyKey: "p" });
    await f.ledger.setProgress(ANA, "A1", 5, { idempotencyKey: "p" });
    expect(await events("assignment.progress")).toHaveLength(1);
    await expectDomainError(
      f.ledger.release(ANA, "A1", { idempotencyKey: "p" }),
      "invalid",
      /already used for a different request/,
    );
  });

  it("does not remember a refused request, so it can be retried", async () => {
    await cats(10);
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 5, last: 20 }, { idempotencyKey: "k" }),
      "invalid",
    );
    const ok = await f.ledger.claim(ANA, { dataset: "cats", first: 5, last: 10 }, { idempotencyKey: "k" });
    expect(ok.replayed).toBe(false);
  });
});

describe("progress and status transitions", () => {
  it("starts a pending range on progress, pauses, and refuses illegal moves", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    const p = await f.ledger.setProgress(ANA, "A1", 20);
    expect(p.assignment).toMatchObject({ status: "IN_PROGRESS", itemsDone: 20 });
    expect(p.previous).toEqual({ status: "PENDING", itemsDone: 0 });
    await expectDomainError(
      f.ledger.setProgress(ANA, "A1", 51),
      "invalid",
      "A1 has 50 items; items done must be between 0 and 50",
    );
    await expectDomainError(f.ledger.start(ANA, "A1"), "illegal_transition", "can't start A1: it is in progress");
    expect((await f.ledger.pause(ANA, "A1")).assignment.status).toBe("PENDING");
    await expectDomainError(f.ledger.pause(ANA, "A1"), "illegal_transition", /it has not been started/);
    expect((await f.ledger.start(ANA, "A1")).assignment.status).toBe("IN_PROGRESS");
    const [e] = await events("assignment.progress");
    expect(e).toMatchObject({
      actorId: ANA.userId,
      before: { status: "PENDING", itemsDone: 0 },
      after: { status: "IN_PROGRESS", itemsDone: 20 },
    });
  });

  it("records a count with start or pause as one change: both, or neither", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    // Pausing a range that was never started is refused, and the count given with it is not kept either.
    await expectDomainError(
      f.ledger.updateProgress(ANA, "A1", { count: 5, step: "pause" }),
      "illegal_transition",
      "can't pause A1: it has not been started",
    );
    expect(await f.prisma.assignment.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      status: "PENDING",
      itemsDone: 0,
    });
    expect(await events("assignment.progress")).toHaveLength(0);
    // A count out of bounds refuses the start too.
    await expectDomainError(
      f.ledger.updateProgress(ANA, "A1", { count: 51, step: "start" }),
      "invalid",
      /between 0 and 50/,
    );
    expect(await events("assignment.start")).toHaveLength(0);
    // Start with a count: started first, then counted, one audit event each, in one transaction.
    const started = await f.ledger.updateProgress(ANA, "A1", { count: 5, step: "start" });
    expect(started.assignment).toMatchObject({ status: "IN_PROGRESS", itemsDone: 5 });
    expect((await events()).slice(-2).map((e) => e.action)).toEqual(["assignment.start", "assignment.progress"]);
    // A count with pause: counted, then paused.
    const paused = await f.ledger.updateProgress(ANA, "A1", { count: 12, step: "pause" });
    expect(paused.assignment).toMatchObject({ status: "PENDING", itemsDone: 12 });
    expect((await events()).slice(-2).map((e) => e.action)).toEqual(["assignment.progress", "assignment.pause"]);
  });

  it("lets only the owner or a lead change a range", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    await expectDomainError(
      f.ledger.setProgress(BOB, "A1", 3),
      "forbidden",
      "A1 belongs to @UANA; only they or a lead can update it",
    );
    await expectDomainError(f.ledger.release(BOB, "A1"), "forbidden");
    expect((await f.ledger.setProgress(LEAD, "A1", 3)).assignment.itemsDone).toBe(3);
    await expectDomainError(f.ledger.setProgress(ANA, "A99", 3), "not_found", "there is no assignment A99");
  });

  it("keeps workspaces apart", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    await expectDomainError(f.ledger.setProgress({ teamId: "T0OTHER", userId: ANA.userId }, "A1", 3), "not_found");
    await expectDomainError(
      f.ledger.claim({ teamId: "T0OTHER", userId: ANA.userId }, { dataset: "cats", first: 1, last: 2 }),
      "not_found",
    );
  });

  it("completes a submitted range at once when the policy reviews nothing", async () => {
    await cats();
    await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 });
    await f.ledger.configureDataset(LEAD, "cats", { key: "review", value: "first-k" });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    const s = await f.ledger.submit(ANA, "A1", { confirmed: true });
    expect(s.review).toBeNull();
    expect(s.assignment).toMatchObject({ status: "COMPLETED", itemsDone: 50, reviewRound: 1 });
    await expectDomainError(f.ledger.release(ANA, "A1"), "illegal_transition", "can't release A1: it is completed");
  });
});

describe("review loop", () => {
  it("reviews the first range in full, samples later ones, and sends rework back to the same reviewer", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 40 });
    const s1 = await f.ledger.submit(ANA, "A1", { confirmed: true });
    expect(s1.assignment.status).toBe("IN_REVIEW");
    expect(s1.review).toMatchObject({ reviewerId: REVIEWER.userId, round: 1 });
    expect(s1.review).toMatchObject({ sampleFull: true, sampleSize: 40, sampleItems: [] });

    await expectDomainError(
      f.ledger.recordReview(ANA, s1.review!.ref, { verdict: "accept", itemsChecked: 40, errors: {} }),
      "forbidden",
      /nobody reviews their own range/,
    );
    await expectDomainError(
      f.ledger.recordReview(BOB, s1.review!.ref, { verdict: "accept", itemsChecked: 40, errors: {} }),
      "forbidden",
    );
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, s1.review!.ref, {
        verdict: "changes",
        itemsChecked: 40,
        errors: { "wrong class": 3 },
      }),
      "invalid",
      /a comment is required/,
    );
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, s1.review!.ref, { verdict: "accept", itemsChecked: 40, errors: { typo: 1 } }),
      "invalid",
      /"typo" is not an error category of cats/,
    );
    const changes = await f.ledger.recordReview(REVIEWER, s1.review!.ref, {
      verdict: "changes",
      itemsChecked: 40,
      errors: { "wrong class": 3, "missing label": 1 },
      comment: "boxes on 3 cats are dogs",
    });
    expect(changes.assignment.status).toBe("CHANGES_REQUESTED");
    expect(changes.review.errors).toEqual({ "wrong class": 3, "missing label": 1 });
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, s1.review!.ref, { verdict: "accept", itemsChecked: 1, errors: {} }),
      "conflict",
      /^the review of A1 \(round 1\) was already decided: sent back for changes by .*UREV.* on \d{4}-\d\d-\d\d$/,
    );

    await f.ledger.start(ANA, "A1");
    // Another reviewer with no load appears; the fix still goes to the first one.
    await f.ledger.setRole(ADMIN, CAL.userId, "REVIEWER");
    const s2 = await f.ledger.submit(ANA, "A1", { confirmed: true });
    expect(s2.review).toMatchObject({ reviewerId: REVIEWER.userId, round: 2 });
    expect(s2.review).toMatchObject({ sampleFull: true, sampleSize: 40, sampleItems: [] });
    const ok = await f.ledger.recordReview(REVIEWER, s2.review!.ref, {
      verdict: "accept",
      itemsChecked: 40,
      errors: {},
    });
    expect(ok.assignment.status).toBe("COMPLETED");

    await f.ledger.claim(ANA, { dataset: "cats", first: 101, last: 200 });
    const s3 = await f.ledger.submit(ANA, "A2", { confirmed: true });
    expect(s3.review!.sampleItems).toHaveLength(10);
    expect(s3.review).toMatchObject({ sampleFull: false, sampleSize: 10 });
    expect(s3.review!.reviewerId).toBe(CAL.userId); // least loaded dedicated reviewer
    expect(await events("review.request_changes")).toHaveLength(1);
    expect(await events("review.accept")).toHaveLength(1);
  });

  it("leaves a review unassigned when nobody else can review, and never assigns the annotator", async () => {
    await cats();
    await f.ledger.claim(REVIEWER, { dataset: "cats", first: 1, last: 10 });
    const s = await f.ledger.submit(REVIEWER, "A1", { confirmed: true });
    // The bootstrap admin is the only other eligible reviewer.
    expect(s.review!.reviewerId).toBe(ADMIN.userId);
    const queue = await f.ledger.reviewQueue(TEAM, ADMIN.userId);
    expect(queue.map((r) => r.assignmentRef)).toEqual(["A1"]);
  });
});

describe("handoffs", () => {
  async function setup() {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 101, last: 200 });
    await f.ledger.setProgress(ANA, "A1", 50);
  }

  it("turns an annotator's handoff into a request that a lead approves, splitting the range", async () => {
    await setup();
    const req = await f.ledger.handoff(ANA, "A1", {
      to: BOB.userId,
      range: { first: 141, last: 160 },
      reason: "out sick",
    });
    expect(req.applied).toBe(false);
    expect(req.handoff).toMatchObject({ ref: "H1", status: "PENDING", first: 141, last: 160, toUserId: BOB.userId });
    expect(req.leads).toEqual([ADMIN.userId, LEAD.userId, LEAD2.userId]);
    await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: CAL.userId, reason: "again" }),
      "conflict",
      "A1 already has a handoff request waiting for a lead (H1)",
    );
    await expectDomainError(
      f.ledger.decideHandoff(ANA, "H1", { approve: true }),
      "forbidden",
      /only leads and admins can approve or reject handoffs/,
    );
    await expectDomainError(f.ledger.decideHandoff(BOB, "H1", { approve: true }), "forbidden");
    expect((await f.ledger.getAssignment(TEAM, "A1")).last).toBe(200);

    const ok = await f.ledger.decideHandoff(LEAD, "H1", { approve: true, comment: "fine" });
    expect(ok.applied).toBe(true);
    expect(ok.handoff).toMatchObject({ status: "APPROVED", decidedById: LEAD.userId, decisionComment: "fine" });
    expect(ok.moved).toMatchObject({
      ref: "A3",
      assigneeId: BOB.userId,
      first: 141,
      last: 160,
      itemsDone: 10,
      status: "PENDING",
    });
    expect(ok.kept.map((k) => [k.ref, k.first, k.last, k.itemsDone, k.assigneeId])).toEqual([
      ["A1", 101, 140, 40, ANA.userId],
      ["A2", 161, 200, 0, ANA.userId],
    ]);
    expect(ok.handoff.resultAssignmentId).toBe(ok.moved!.id);
    const second = await expectDomainError(
      f.ledger.decideHandoff(LEAD2, "H1", { approve: false }),
      "conflict",
      "H1 was already approved by @ULEAD",
    );
    expect(second.details).toMatchObject({ status: "APPROVED", decidedById: LEAD.userId });
    const trail = (await events()).filter((e) => e.handoffId === 1).map((e) => e.action);
    expect(trail).toEqual(["handoff.request", "handoff.apply", "handoff.approve"]);
    await expectFreeSpansConsistent(1, 1000);
  });

  it("lets a lead reject with a comment, or approve to another recipient", async () => {
    await setup();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "too much" });
    const no = await f.ledger.decideHandoff(LEAD, "H1", { approve: false, comment: "finish it first" });
    expect(no.handoff).toMatchObject({ status: "REJECTED", decisionComment: "finish it first" });
    expect((await f.ledger.getAssignment(TEAM, "A1")).assigneeId).toBe(ANA.userId);
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "still too much" });
    const other = await f.ledger.decideHandoff(LEAD, "H2", { approve: true, toUserId: CAL.userId });
    expect(other.handoff.toUserId).toBe(CAL.userId);
    // A whole-range handoff keeps the reference and the done items; the new owner starts it.
    expect(other.moved).toMatchObject({ ref: "A1", assigneeId: CAL.userId, itemsDone: 50, status: "PENDING" });
  });

  it("refuses approving one's own request, even as a lead", async () => {
    await cats();
    await f.ledger.setRole(ADMIN, ANA.userId, "LEAD", { dataset: "cats" });
    await f.ledger.claim(BOB, { dataset: "cats", first: 1, last: 10 });
    // BOB asks; ANA leads cats; LEAD (workspace) decides. ANA's own direct handoff is immediate.
    const direct = await f.ledger.handoff(ANA, "A1", { to: CAL.userId, reason: "rebalancing" });
    expect(direct.applied).toBe(true);
    expect(direct.handoff).toMatchObject({ status: "APPROVED", decidedById: ANA.userId });
    await f.ledger.handoff(CAL, "A1", { to: BOB.userId, reason: "back" });
    await expectDomainError(f.ledger.decideHandoff(CAL, "H2", { approve: true }), "forbidden");
    await f.ledger.setRole(ADMIN, CAL.userId, "LEAD");
    await expectDomainError(
      f.ledger.decideHandoff(CAL, "H2", { approve: true }),
      "forbidden",
      /nobody decides their own request/,
    );
  });

  it("returns a whole range or a sub-range to the pool", async () => {
    await setup();
    const part = await f.ledger.handoff(LEAD, "A1", {
      to: null,
      range: { first: 181, last: 200 },
      reason: "cut scope",
    });
    expect(part.applied).toBe(true);
    expect(part.moved).toBeNull();
    expect(part.kept.map((k) => [k.first, k.last])).toEqual([[101, 180]]);
    const again = await f.ledger.claim(BOB, { dataset: "cats", first: 181, last: 200 });
    expect(again.assignment.first).toBe(181);
    const whole = await f.ledger.handoff(LEAD, "A1", { to: null, reason: "reassigning" });
    expect(whole.kept).toEqual([]);
    expect((await f.ledger.getAssignment(TEAM, "A1")).status).toBe("RELEASED");
    await expectFreeSpansConsistent(1, 1000);
  });

  it("refuses a handoff without a reason, outside the range, to the owner, or of a range in review", async () => {
    await setup();
    await expectDomainError(f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "  " }), "invalid", /needs a reason/);
    await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 190, last: 210 }, reason: "x" }),
      "invalid",
      /is not inside A1/,
    );
    await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: ANA.userId, reason: "x" }),
      "invalid",
      "A1 already belongs to @UANA",
    );
    await f.ledger.submit(ANA, "A1", { confirmed: true });
    await expectDomainError(
      f.ledger.handoff(ANA, "A1", { to: BOB.userId, reason: "x" }),
      "illegal_transition",
      /in review/,
    );
    expect(await f.prisma.handoffRequest.count()).toBe(0);
  });

  it("refuses approving a request whose range went to review meanwhile, and lets the requester withdraw", async () => {
    await setup();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "x" });
    await f.ledger.release(ANA, "A1", { mode: "all" });
    expect((await f.ledger.getHandoff(TEAM, "H1")).status).toBe("CANCELLED");
    await f.ledger.claim(ANA, { dataset: "cats", first: 101, last: 200 });
    await f.ledger.handoff(ANA, "A2", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "y" });
    await f.ledger.submit(ANA, "A2", { confirmed: true });
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H2", { approve: true }),
      "illegal_transition",
      "can't hand off A2: it is in review",
    );
    expect((await f.ledger.getHandoff(TEAM, "H2")).status).toBe("PENDING");
    await expectDomainError(f.ledger.cancelHandoff(BOB, "H2"), "forbidden", "only @UANA can withdraw H2");
    expect((await f.ledger.cancelHandoff(ANA, "H2")).handoff.status).toBe("CANCELLED");
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H2", { approve: true }),
      "conflict",
      "H2 was already cancelled",
    );
  });
  it("refuses approving a request whose range changed hands or bounds since it was asked, changing nothing", async () => {
    // No ledger change moves or shrinks a range while a request on it waits (each withdraws or
    // refuses it first); the decision still checks, as the range might have changed by another path.
    await setup();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 200 }, reason: "x" });
    await f.prisma.assignment.update({ where: { id: 1 }, data: { assigneeId: CAL.userId } });
    const before = await events();
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H1", { approve: true }),
      "conflict",
      "A1 changed since H1 was asked (now 101–200, held by @UCAL); reject it and ask again",
    );
    await f.prisma.assignment.update({ where: { id: 1 }, data: { assigneeId: ANA.userId, last: 190 } });
    await expectDomainError(
      f.ledger.decideHandoff(LEAD, "H1", { approve: true }),
      "conflict",
      "A1 changed since H1 was asked (now 101–190, held by @UANA); reject it and ask again",
    );
    expect((await f.ledger.getHandoff(TEAM, "H1")).status).toBe("PENDING");
    expect(await events()).toHaveLength(before.length);
    expect(await f.prisma.assignment.count()).toBe(1);
    // As it says: rejected, and asked again over the range as it is.
    await f.ledger.decideHandoff(LEAD, "H1", { approve: false, comment: "ask again" });
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 181, last: 190 }, reason: "x" });
    expect((await f.ledger.decideHandoff(LEAD, "H2", { approve: true })).moved).toMatchObject({
      first: 181,
      last: 190,
    });
  });
});

describe("work done is never thrown away silently", () => {
  async function halfDone() {
    const d = await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    await f.ledger.setProgress(ANA, "A1", 30);
    return d;
  }

  it("refuses to release a range with items done without a mode, saying what each mode would do", async () => {
    await halfDone();
    const before = await events();
    const e = await expectDomainError(
      f.ledger.release(ANA, "A1"),
      "invalid",
      "A1 has 30 of 50 items done: release only the 20 unstarted items 31–50 and keep 1–30 (counted from the start of the range), or release all 50 and discard the 30 done",
    );
    expect(e.details).toMatchObject({
      confirm: "release",
      itemsDone: 30,
      size: 50,
      keep: { first: 1, last: 30 },
      free: { first: 31, last: 50 },
    });
    expect(await f.ledger.getAssignment(TEAM, "A1")).toMatchObject({ status: "IN_PROGRESS", itemsDone: 30, last: 50 });
    expect(await events()).toHaveLength(before.length);
  });

  it("asks again, releasing nothing, when the count changed since the releaser was shown it", async () => {
    await halfDone();
    await f.ledger.setProgress(ANA, "A1", 35);
    const before = await events();
    const e = await expectDomainError(
      f.ledger.release(LEAD, "A1", { mode: "all", expectDone: 30 }),
      "invalid",
      "A1 changed since you were asked: A1 has 35 of 50 items done: release only the 15 unstarted items 36–50 and keep 1–35 (counted from the start of the range), or release all 50 and discard the 35 done",
    );
    expect(e.details).toMatchObject({ confirm: "release", itemsDone: 35, shownDone: 30, keep: { first: 1, last: 35 } });
    expect(await f.ledger.getAssignment(TEAM, "A1")).toMatchObject({ status: "IN_PROGRESS", itemsDone: 35, last: 50 });
    expect(await events()).toHaveLength(before.length);
    // Shown the count as it is, the release goes through.
    const r = await f.ledger.release(LEAD, "A1", { mode: "all", expectDone: 35 });
    expect(r).toMatchObject({ doneDiscarded: 35, assignment: { status: "RELEASED" } });
  });

  it("releases only the unstarted tail, keeping the done items with their owner, and names the leads", async () => {
    const d = await halfDone();
    await f.ledger.handoff(ANA, "A1", { to: BOB.userId, range: { first: 41, last: 50 }, reason: "too much" });
    const r = await f.ledger.release(ANA, "A1", { mode: "unstarted", reason: "out of time" });
    expect(r.assignment).toMatchObject({ ref: "A1", first: 1, last: 30, itemsDone: 30, status: "IN_PROGRESS" });
    expect(r).toMatchObject({ freed: { first: 31, last: 50 }, doneKept: 30, doneDiscarded: 0 });
    expect(r.leads).toContain(LEAD.userId);
    expect(r.withdrawnHandoffId).not.toBeNull();
    const again = await f.ledger.claim(BOB, { dataset: "cats", first: 31, last: 50 });
    expect(again.assignment.first).toBe(31);
    const [ev] = await events("assignment.release");
    expect(ev).toMatchObject({
      actorId: ANA.userId,
      reason: "out of time",
      before: { first: 1, last: 50, itemsDone: 30 },
      after: { first: 1, last: 30, itemsDone: 30, freed: { first: 31, last: 50 }, doneKept: 30 },
    });
    await expectFreeSpansConsistent(d.id, 1000);
  });

  it("releases everything only when asked to discard the done items, and says how many", async () => {
    const d = await halfDone();
    const r = await f.ledger.release(LEAD, "A1", { mode: "all" });
    expect(r.assignment).toMatchObject({ status: "RELEASED", first: 1, last: 50 });
    expect(r).toMatchObject({ freed: { first: 1, last: 50 }, doneKept: 0, doneDiscarded: 30 });
    const [ev] = await events("assignment.release");
    expect(ev).toMatchObject({ actorId: LEAD.userId, after: { status: "RELEASED", doneDiscarded: 30 } });
    await expectFreeSpansConsistent(d.id, 1000);
  });

  it("releases a range with nothing done as before, and refuses an unstarted tail of a finished range", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 50 });
    const r = await f.ledger.release(ANA, "A1");
    expect(r).toMatchObject({ assignment: { status: "RELEASED" }, doneDiscarded: 0, leads: [] });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.setProgress(ANA, "A2", 10);
    await expectDomainError(
      f.ledger.release(ANA, "A2", { mode: "unstarted" }),
      "invalid",
      "all 10 items of A2 are done, so none is unstarted: submit it, or release all of it and discard them",
    );
  });

  it("submits a range with items left only when confirmed or given the full count", async () => {
    await halfDone();
    const e = await expectDomainError(
      f.ledger.submit(ANA, "A1"),
      "invalid",
      "A1 has 30 of 50 items done; submitting it counts all 50 as done, so confirm that or state the count of 50",
    );
    expect(e.details).toMatchObject({ confirm: "submit", itemsDone: 30, size: 50, field: "count" });
    await expectDomainError(
      f.ledger.submit(ANA, "A1", { count: 41 }),
      "invalid",
      "submitting A1 counts all 50 of its items as done, not 41; record 41 as a count of progress and submit when all 50 are done",
    );
    expect(await f.ledger.getAssignment(TEAM, "A1")).toMatchObject({ status: "IN_PROGRESS", itemsDone: 30 });
    const s = await f.ledger.submit(ANA, "A1", { count: 50 });
    expect(s.assignment).toMatchObject({ status: "IN_REVIEW", itemsDone: 50 });
    const [ev] = await events("assignment.submit");
    expect(ev?.after).toMatchObject({ itemsDone: 50, confirmedFrom: 30 });
    // A range at its full count submits without more.
    await f.ledger.claim(ANA, { dataset: "cats", first: 51, last: 60 });
    await f.ledger.setProgress(ANA, "A2", 10);
    expect((await f.ledger.submit(ANA, "A2")).assignment.itemsDone).toBe(10);
    await f.ledger.claim(ANA, { dataset: "cats", first: 61, last: 70 });
    expect((await f.ledger.submit(ANA, "A3", { confirmed: true })).assignment.itemsDone).toBe(10);
  });

  it("splits done items from the start of the range unless the requester states the handed-off part's count", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.setProgress(ANA, "A1", 60);
    const byRule = await f.ledger.handoff(LEAD, "A1", { to: BOB.userId, range: { first: 51, last: 100 }, reason: "r" });
    expect(byRule.kept.map((k) => [k.first, k.last, k.itemsDone])).toEqual([[1, 50, 50]]);
    expect(byRule.moved).toMatchObject({ first: 51, last: 100, itemsDone: 10 });
    expect(byRule.split).toMatchObject({ stated: false, moved: { itemsDone: 10 } });

    await f.ledger.claim(CAL, { dataset: "cats", first: 101, last: 200 });
    await f.ledger.setProgress(CAL, "A3", 60);
    // An annotator's request keeps the stated split until a lead approves it.
    const req = await f.ledger.handoff(CAL, "A3", {
      to: BOB.userId,
      range: { first: 151, last: 200 },
      reason: "split by hand",
      doneMoved: 25,
    });
    expect(req.handoff.doneMoved).toBe(25);
    expect(req.split.kept).toEqual([{ first: 101, last: 150, itemsDone: 35 }]);
    const ok = await f.ledger.decideHandoff(LEAD, req.handoff.ref, { approve: true });
    expect(ok.moved).toMatchObject({ first: 151, last: 200, itemsDone: 25 });
    expect(ok.kept.map((k) => k.itemsDone)).toEqual([35]);
    const [applied] = (await events("handoff.apply")).slice(-1);
    expect(applied?.after).toMatchObject({ doneMoved: 25, doneStated: true });
  });

  it("refuses a stated split out of bounds or inconsistent with the total done", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.setProgress(ANA, "A1", 60);
    const at = (doneMoved: number) =>
      f.ledger.handoff(LEAD, "A1", { to: BOB.userId, range: { first: 51, last: 100 }, reason: "r", doneMoved });
    const e = await expectDomainError(
      at(51),
      "invalid",
      "51–100 has 50 items; the done items in it must be between 0 and 50",
    );
    expect(e.details.field).toBe("doneMoved");
    await expectDomainError(at(-1), "invalid", /between 0 and 50/);
    await f.ledger.setProgress(ANA, "A1", 20);
    await expectDomainError(at(30), "invalid", "A1 has only 20 items done, so 51–100 cannot hold 30");
    await f.ledger.setProgress(ANA, "A1", 90);
    await expectDomainError(
      at(30),
      "invalid",
      "A1 has 90 items done; with 30 in 51–100, the other 60 do not fit in the 50 items kept",
    );
    expect(await f.ledger.getAssignment(TEAM, "A1")).toMatchObject({ first: 1, last: 100, assigneeId: ANA.userId });
  });
});

describe("due dates", () => {
  it("accepts or declines a proposal only while the date it would replace is still the date", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.setDueDate(LEAD, "A1", "2026-12-01");
    const proposal = await f.ledger.proposeDueDate(ANA, "A1", "2026-12-10");
    expect(proposal).toMatchObject({ due: "2026-12-10", currentDue: "2026-12-01" });
    expect(proposal.leads).toEqual(expect.arrayContaining([LEAD.userId, LEAD2.userId]));
    // Another lead moves the date meanwhile: the proposal no longer stands.
    await f.ledger.setDueDate(LEAD2, "A1", "2026-12-05");
    const before = await events("assignment.due");
    const stale = "the due date of A1 changed since the proposal (it is 2026-12-05 now, not 2026-12-01)";
    await expectDomainError(
      f.ledger.setDueDate(LEAD, "A1", "2026-12-10", { expectDue: "2026-12-01" }),
      "conflict",
      stale,
    );
    await expectDomainError(f.ledger.declineDueProposal(LEAD, "A1", "2026-12-01"), "conflict", stale);
    expect((await f.ledger.getAssignment(TEAM, "A1")).dueDate).toBe("2026-12-05");
    expect(await events("assignment.due")).toHaveLength(before.length);
    await expectDomainError(
      f.ledger.declineDueProposal(ANA, "A1", "2026-12-05"),
      "forbidden",
      "only leads and admins can decide on the due date of A1; you are an annotator",
    );
    await f.ledger.declineDueProposal(LEAD, "A1", "2026-12-05");
    const moved = await f.ledger.setDueDate(LEAD, "A1", "2026-12-10", { expectDue: "2026-12-05" });
    expect(moved).toMatchObject({ previousDue: "2026-12-05", assignment: { dueDate: "2026-12-10" } });
  });
});

describe("coverage and workload", () => {
  it("reports claimed, done, reviewed and free items, gaps, load and a forecast", async () => {
    await cats(1000);
    await f.ledger.setCapacity(LEAD, ANA.userId, 500);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100, dueDate: "2026-11-25" });
    await f.ledger.claim(BOB, { dataset: "cats", first: 201, last: 300 });
    await f.ledger.setProgress(ANA, "A1", 60);
    f.clock.advanceDays(5);
    const c = await f.ledger.coverage(TEAM, "cats");
    expect(c).toMatchObject({
      claimedItems: 200,
      doneItems: 60,
      freeItems: 800,
      gapCount: 2,
      overdueRanges: 1,
      completedItems: 0,
    });
    expect(c.gaps).toEqual([
      { first: 101, last: 200 },
      { first: 301, last: 1000 },
    ]);
    expect(c.load.map((l) => [l.userId, l.remainingItems, l.daysOfWork])).toEqual([
      [BOB.userId, 100, 0.5],
      [ANA.userId, 40, 0.4],
    ]);
    expect(c.itemsPerDay).toBe(4.3);
    expect(c.forecastFinish).toBe("2027-07-06");
    const w = await f.ledger.workload(TEAM);
    expect(w.find((l) => l.userId === ANA.userId)).toMatchObject({ remainingItems: 40, capacityPerWeek: 500 });
    expect(w.find((l) => l.userId === REVIEWER.userId)).toMatchObject({ remainingItems: 0 });
  });
});

describe("members", () => {
  it("lets admins grant lead roles and leads grant reviewer roles only", async () => {
    await expectDomainError(
      f.ledger.setRole(LEAD, ANA.userId, "LEAD"),
      "forbidden",
      /only admins can make someone lead/,
    );
    await expectDomainError(f.ledger.setRole(ANA, BOB.userId, "REVIEWER"), "forbidden");
    expect((await f.ledger.setRole(LEAD, ANA.userId, "REVIEWER")).member.role).toBe("REVIEWER");
    await expectDomainError(
      f.ledger.setRole(LEAD, LEAD2.userId, "ANNOTATOR"),
      "forbidden",
      /only admins can change the role of @ULEAD2/,
    );
    await expectDomainError(f.ledger.setCapacity(ANA, BOB.userId, 100), "forbidden", /set capacities/);
    await expectDomainError(f.ledger.setCapacity(LEAD, BOB.userId, 0), "invalid");
    expect(await f.ledger.effectiveRole({ teamId: TEAM, userId: "USLACKADMIN", workspaceAdmin: true })).toBe("ADMIN");
  });
});

describe("database guarantees", () => {
  it("rejects overlapping live assignments in the database itself, but not released ones", async () => {
    const d = await cats(100);
    await f.ledger.claim(ANA, { dataset: "cats", first: 10, last: 20 });
    const base = { teamId: TEAM, datasetId: d.id, assigneeId: BOB.userId, assignedBy: BOB.userId };
    let err: unknown;
    try {
      await f.prisma.assignment.create({ data: { ...base, first: 15, last: 30 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(sqlState(err)).toBe("23P01");
    await f.prisma.assignment.create({ data: { ...base, first: 15, last: 30, status: "RELEASED" } });
    await expectFreeSpansConsistent(d.id, 100);
  });

  it("keeps the audit trail append-only", async () => {
    await cats();
    const [e] = await events();
    await expect(f.prisma.auditEvent.update({ where: { id: e!.id }, data: { reason: "rewritten" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(f.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await f.prisma.auditEvent.count()).toBeGreaterThan(0);
  });

  // sixty changes, most of which now go through: longer than one test on a busy machine
  it("keeps free spans equal to the complement of live ranges through random operations", {
    timeout: 120_000,
  }, async () => {
    const d = await cats(500);
    const people = [ANA, BOB, CAL];
    // mulberry32: the low bits of a power-of-two LCG cycle too fast to pick among operations
    const random = seededRandom("free spans");
    const rnd = (n: number) => Math.floor(random() * n);
    const done = { claim: 0, claimNext: 0, release: 0, handoff: 0 };
    const refused: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const who = people[rnd(3)]!;
      const op = rnd(4);
      const live = await f.prisma.assignment.findMany({
        where: { datasetId: d.id, status: { in: ["PENDING", "IN_PROGRESS"] } },
      });
      const pick = live[rnd(Math.max(live.length, 1))];
      try {
        if (op === 0 || !pick) {
          const first = 1 + rnd(480);
          await f.ledger.claim(who, { dataset: "cats", first, last: first + rnd(40) });
          done.claim += 1;
        } else if (op === 1) {
          await f.ledger.claimNext(who, { dataset: "cats", size: 1 + rnd(30) });
          done.claimNext += 1;
        } else if (op === 2) {
          await f.ledger.release(LEAD, pick.id);
          done.release += 1;
        } else {
          const first = pick.first + rnd(pick.last - pick.first + 1);
          const last = first + rnd(pick.last - first + 1);
          await f.ledger.handoff(LEAD, pick.id, {
            to: rnd(2) ? null : people[rnd(3)]!.userId,
            range: { first, last },
            reason: "shuffle",
          });
          done.handoff += 1;
        }
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        refused[`${op}: ${e.code}`] = (refused[`${op}: ${e.code}`] ?? 0) + 1;
      }
    }
    // The operations mostly went through: a loop of refusals would check nothing.
    const summary = JSON.stringify({ done, refused });
    expect(done.claim + done.claimNext, summary).toBeGreaterThanOrEqual(15);
    expect(done.release, summary).toBeGreaterThanOrEqual(5);
    expect(done.handoff, summary).toBeGreaterThanOrEqual(5);
    await expectFreeSpansConsistent(d.id, 500);
  });
});

describe("the ledger's front", () => {
  it("takes its defaults when made without a configuration: no admins, 2,000 items a week, UTC, no private webhooks, the real clock", () => {
    const ledger = new Ledger(f.ledger.ctx.store);
    const { clock, ...rest } = ledger.config;
    expect(rest).toEqual({
      bootstrapAdmins: [],
      defaultCapacity: 2000,
      defaultTimezone: "UTC",
      allowPrivateWebhooks: false,
    });
    const before = Date.now();
    const now = clock().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("answers a ping when the database answers, and passes on why not when it does not", async () => {
    await expect(f.ledger.ping()).resolves.toBeUndefined();
    const down = new Error("connection refused");
    const store = { ping: () => Promise.reject(down) } as unknown as Store;
    await expect(new Ledger(store).ping()).rejects.toBe(down);
  });
});
