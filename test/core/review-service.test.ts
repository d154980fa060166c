/**
 * The review service at its edges: who gets a review by load, what an
 * opened and a decided review write down, each refusal's sentence (a review
 * that does not exist, one already decided in each way, a range no longer in
 * review), the bounds of a verdict's numbers, who is registered by a look,
 * and the sample list as CSV.
 */
import { describe, expect, it } from "vitest";
import {
  ADMIN,
  ANA,
  actor,
  auditOf,
  BOB,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const members = async () => (await f.ledger.listMembers(TEAM)).map((m) => m.userId);
const audit = (action: string) => auditOf(f, action, ["actorId", "reviewId", "before", "after", "reason"]);

/** Dataset "cats" (1,000 items, categories "box" and "class", gold items 3 and 7). */
async function cats(o: { sampled?: boolean } = {}) {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
  await f.ledger.configureDataset(LEAD, "cats", { key: "taxonomy", value: ["box", "class"] });
  await f.ledger.configureDataset(LEAD, "cats", {
    key: "gold",
    value: [
      { first: 3, last: 3 },
      { first: 7, last: 7 },
    ],
  });
  // Sampled: no range reviewed in full, a tenth of each range.
  if (o.sampled) await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 });
}

/** ANA's range `first`–`last`, submitted; its review. */
async function submitted(first: number, last: number) {
  const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first, last });
  const s = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
  return { ref: assignment.ref, review: s.review! };
}

describe("opening a review", () => {
  it("goes to the dedicated reviewer with the least waiting, and writes who, which round and the sample", async () => {
    await cats();
    await f.ledger.setRole(ADMIN, "UREV2", "REVIEWER");
    const first = await submitted(1, 10);
    expect(first.review.reviewerId).toBe(REVIEWER.userId); // "UREV" before "UREV2" when neither has any
    // REVIEWER has 10 items waiting now: the next (sampled, one item) goes to UREV2.
    const second = await submitted(11, 20);
    expect(second.review.reviewerId).toBe("UREV2");
    expect(await audit("review.open")).toEqual([
      {
        actorId: "system:review-policy",
        reviewId: 1,
        before: null,
        after: { reviewerId: REVIEWER.userId, round: 1, sampleSize: 10, full: true },
        reason: null,
      },
      {
        actorId: "system:review-policy",
        reviewId: 2,
        before: null,
        after: { reviewerId: "UREV2", round: 1, sampleSize: 1, full: false },
        reason: null,
      },
    ]);
  });
});

describe("a reviewer's queue", () => {
  it("holds their own pending reviews only, not another reviewer's, nor a lead's", async () => {
    await cats();
    await f.ledger.setRole(ADMIN, "UREV2", "REVIEWER");
    const first = await submitted(1, 10);
    const second = await submitted(11, 20);
    expect([first.review.reviewerId, second.review.reviewerId]).toEqual([REVIEWER.userId, "UREV2"]);
    expect((await f.ledger.reviewQueue(TEAM, REVIEWER.userId)).map((r) => r.ref)).toEqual([first.review.ref]);
    expect((await f.ledger.reviewQueue(TEAM, "UREV2")).map((r) => r.ref)).toEqual([second.review.ref]);
    // A lead's and an admin's, who review too: in their queues, not in the reviewers'.
    const third = await submitted(21, 30);
    const fourth = await submitted(31, 40);
    expect([third.review.reviewerId, fourth.review.reviewerId]).toEqual([ADMIN.userId, LEAD.userId]);
    expect((await f.ledger.reviewQueue(TEAM, REVIEWER.userId)).map((r) => r.ref)).toEqual([first.review.ref]);
    expect((await f.ledger.reviewQueue(TEAM, LEAD.userId)).map((r) => r.ref)).toEqual([fourth.review.ref]);
  });
});

describe("deciding a review", () => {
  it("names a review that does not exist", async () => {
    await cats();
    const sentence = "there is no such review (R9)";
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, "R9", { verdict: "accept", itemsChecked: 1, errors: {} }),
      "not_found",
      sentence,
    );
    await expectDomainError(f.ledger.checkMayDecideReview(REVIEWER, "R9"), "not_found", sentence);
    await expectDomainError(f.ledger.getReview(TEAM, "R9"), "not_found", sentence);
  });

  it("is not found from another workspace, where its number names nothing", async () => {
    await cats();
    const { review } = await submitted(1, 10);
    const elsewhere = actor(ADMIN.userId, { teamId: "T0OTHER" });
    const sentence = `there is no such review (${review.ref})`;
    await expectDomainError(
      f.ledger.recordReview(elsewhere, review.ref, { verdict: "accept", itemsChecked: 1, errors: {} }),
      "not_found",
      sentence,
    );
    await expectDomainError(f.ledger.getReview("T0OTHER", review.ref), "not_found", sentence);
    expect(await f.ledger.getReview(TEAM, review.ref)).toMatchObject({ ref: review.ref, status: "PENDING" });
  });

  it("says how and by whom a review was already decided, or that it was called off", async () => {
    await cats();
    const a = await submitted(1, 10);
    await f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: {} });
    const again = () => f.ledger.recordReview(LEAD, a.review.ref, { verdict: "accept", itemsChecked: 1, errors: {} });
    const e = await expectDomainError(
      again(),
      "conflict",
      "the review of A1 (round 1) was already decided: accepted by @UREV on 2026-11-23",
    );
    expect(e.details).toEqual({ status: "ACCEPTED" });
    // A review called off (by a path other than a verdict) names nobody.
    const b = await submitted(11, 20);
    await f.prisma.review.update({ where: { id: b.review.id }, data: { status: "CANCELLED" } });
    await expectDomainError(
      f.ledger.checkMayDecideReview(REVIEWER, b.review.ref),
      "conflict",
      "the review of A2 (round 1) was already decided: called off",
    );
    // Decided without an assigned reviewer: by nobody named.
    await f.prisma.review.update({
      where: { id: b.review.id },
      data: { status: "ACCEPTED", reviewerId: null, decidedAt: new Date("2026-11-24T09:00:00Z") },
    });
    await expectDomainError(
      f.ledger.checkMayDecideReview(REVIEWER, b.review.ref),
      "conflict",
      "the review of A2 (round 1) was already decided: accepted on 2026-11-24",
    );
  });

  it("refuses a verdict on a range that left review by another path, naming the verdict", async () => {
    await cats();
    const a = await submitted(1, 10);
    await f.prisma.assignment.update({ where: { id: a.review.assignmentId }, data: { status: "COMPLETED" } });
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: {} }),
      "illegal_transition",
      "can't accept A1: it is completed",
    );
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "changes", itemsChecked: 10, errors: {}, comment: "x" }),
      "illegal_transition",
      "can't request changes on A1: it is completed",
    );
  });

  it("bounds items checked by the sample, smaller than the range", async () => {
    await cats({ sampled: true });
    const a = await submitted(101, 200);
    expect(a.review).toMatchObject({ sampleFull: false, sampleSize: 10 });
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "accept", itemsChecked: 11, errors: {} }),
      "invalid",
      "items checked must be between 1 and 10 (the sample of A1 in review round 1)",
    );
  });

  it("takes zero errors of a category and leaves them out; refuses a negative count and names the categories", async () => {
    await cats();
    const a = await submitted(1, 10);
    const neg = await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: { box: -1 } }),
      "invalid",
      'the count of "box" errors must be a whole number ≥ 0',
    );
    expect(neg.details).toEqual({ field: "errors.box" });
    await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: { dog: 1 } }),
      "invalid",
      '"dog" is not an error category of cats; categories: box, class',
    );
    const ok = await f.ledger.recordReview(REVIEWER, a.review.ref, {
      verdict: "accept",
      itemsChecked: 10,
      errors: { box: 0, class: 2 },
      comment: "  two classes off  ",
    });
    expect(ok.review).toMatchObject({
      errors: { class: 2 },
      comment: "two classes off",
      goldChecked: 2,
      goldCorrect: 2,
    });
    expect(await audit("review.accept")).toEqual([
      {
        actorId: REVIEWER.userId,
        reviewId: 1,
        before: { status: "IN_REVIEW" },
        after: { status: "COMPLETED", itemsChecked: 10, errors: { class: 2 }, goldCorrect: 2 },
        reason: "two classes off",
      },
    ]);
  });

  it("is a change of its own kind: a verdict's key cannot be another change's", async () => {
    await cats();
    const a = await submitted(1, 10);
    await f.ledger.setCapacity(LEAD, ANA.userId, 50, { idempotencyKey: "k1" });
    await expectKeyUsedFor(
      f.ledger.recordReview(
        REVIEWER,
        a.review.ref,
        { verdict: "accept", itemsChecked: 10, errors: {} },
        { idempotencyKey: "k1" },
      ),
      "k1",
      "member.capacity",
    );
    await f.ledger.recordReview(
      REVIEWER,
      a.review.ref,
      { verdict: "accept", itemsChecked: 10, errors: {} },
      { idempotencyKey: "k2" },
    );
    await expectKeyUsedFor(f.ledger.setCapacity(LEAD, ANA.userId, 60, { idempotencyKey: "k2" }), "k2", "review.decide");
  });

  it("leaves an unassigned review to leads, who become its reviewer, and tells a reviewer or anyone else so", async () => {
    await cats();
    const a = await submitted(1, 10);
    await f.prisma.review.update({ where: { id: a.review.id }, data: { reviewerId: null } });
    for (const who of [BOB, REVIEWER]) {
      await expectDomainError(
        f.ledger.checkMayDecideReview(who, a.review.ref),
        "forbidden",
        `the review of A1 (round 1) has no reviewer yet; only a lead can decide it`,
      );
    }
    const ok = await f.ledger.recordReview(LEAD, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: {} });
    expect(ok.review.reviewerId).toBe(LEAD.userId);
  });

  it("asks for a comment when sending back, naming the field", async () => {
    await cats();
    const a = await submitted(1, 10);
    const e = await expectDomainError(
      f.ledger.recordReview(REVIEWER, a.review.ref, { verdict: "changes", itemsChecked: 10, errors: {}, comment: " " }),
      "invalid",
      "say what to change: a comment is required when requesting changes",
    );
    expect(e.details).toEqual({ field: "comment" });
  });

  it("registers a Slack admin who decides, and nobody for a look", async () => {
    await cats();
    const a = await submitted(1, 10);
    const looker = actor("USLACK1", { workspaceAdmin: true });
    await f.ledger.checkMayDecideReview(looker, a.review.ref);
    const seen = await f.ledger.reviewToDecide(looker, a.review.ref);
    expect(seen.review).toMatchObject({ ref: a.review.ref, status: "PENDING" });
    expect(seen.assignment).toMatchObject({ ref: "A1", first: 1, last: 10, status: "IN_REVIEW" });
    expect(seen.dataset).toMatchObject({ slug: "cats", errorTaxonomy: ["box", "class"] });
    expect((await f.ledger.reviewSampleCsv(looker, (await submitted(101, 200)).review.ref)).items).toBeGreaterThan(0);
    expect(await members()).not.toContain("USLACK1");
    const decider = actor("USLACK2", { workspaceAdmin: true });
    await f.ledger.recordReview(decider, a.review.ref, { verdict: "accept", itemsChecked: 10, errors: {} });
    expect(await members()).toContain("USLACK2");
  });
});

describe("the review queue", () => {
  it("holds a reviewer's own reviews, and the unassigned ones only when asked", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    // REVIEWER's own range: the bootstrap admin gets it; demote the admin's to unassigned.
    const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const s = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
    await f.prisma.review.update({ where: { id: s.review!.id }, data: { reviewerId: null } });
    expect(await f.ledger.reviewQueue(TEAM, REVIEWER.userId)).toEqual([]);
    expect((await f.ledger.reviewQueue(TEAM, REVIEWER.userId, true)).map((r) => r.ref)).toEqual([s.review!.ref]);
  });
});

describe("the sample list", () => {
  it("is the sampled items as CSV, gold items marked, for the reviewer and for reviewers and leads", async () => {
    await cats({ sampled: true });
    await f.ledger.configureDataset(LEAD, "cats", {
      key: "gold",
      value: Array.from({ length: 100 }, (_, i) => ({ first: i + 101, last: i + 101 })).filter((_, i) => i % 2 === 0),
    });
    const a = await submitted(101, 200);
    const items = a.review.sampleItems;
    const want = `item,gold\r\n${items.map((i) => `${i},${i % 2 === 1 ? "yes" : "no"}`).join("\r\n")}\r\n`;
    for (const who of [REVIEWER, LEAD, ADMIN]) {
      expect(await f.ledger.reviewSampleCsv(who, a.review.ref)).toEqual({
        csv: want,
        items: items.length,
        ref: a.review.ref,
        assignmentRef: "A1",
      });
    }
    expect(items.length).toBeGreaterThan(10); // the sample, and every gold item of the range
    expect(want).toContain(",yes");
    expect(want).toContain(",no");
    await expectDomainError(
      f.ledger.reviewSampleCsv(BOB, a.review.ref),
      "forbidden",
      `only reviewers and leads can see the sample of ${a.review.ref} of A1`,
    );
  });

  it("is the assigned reviewer's even when they are no longer a reviewer", async () => {
    await cats({ sampled: true });
    const a = await submitted(101, 200);
    await f.ledger.setRole(ADMIN, REVIEWER.userId, "ANNOTATOR");
    expect((await f.ledger.reviewSampleCsv(REVIEWER, a.review.ref)).items).toBe(10);
  });

  it("is not there for a full review, which is every item of the range", async () => {
    await cats();
    const a = await submitted(1, 10);
    await expectDomainError(
      f.ledger.reviewSampleCsv(REVIEWER, a.review.ref),
      "invalid",
      `${a.review.ref} of A1 is a full review: every item of 1–10, with no list to send`,
    );
  });
});
