/**
 * A dataset of 10,000,000 items worked in ranges of millions: every ledger
 * operation keeps to what it changes, and a review's sample is sized by
 * ISO 2859-1 (plus the gold items), never item by item over the range.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADMIN,
  ANA,
  BOB,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

const N = 10_000_000;
const GOLD = [
  { first: 10, last: 20 },
  { first: 5_000_000, last: 5_000_099 },
  { first: 9_999_999, last: 9_999_999 },
];

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "huge", itemCount: N, title: "Ten million frames", itemNoun: "frame" });
  await f.ledger.configureDataset(LEAD, "huge", { key: "gold", value: GOLD });
});
afterEach(async () => {
  await f.dispose();
});

const reviewRow = (id: number) => f.prisma.review.findUniqueOrThrow({ where: { id } });

describe("a dataset of 10,000,000 items", () => {
  it("claims, progresses, submits and reviews ranges of millions of items", async () => {
    const a1 = await f.ledger.claim(ANA, { dataset: "huge", first: 1, last: 3_000_000 });
    expect(a1.assignment).toMatchObject({ ref: "A1", size: 3_000_000 });
    const a2 = await f.ledger.claimNext(ANA, { dataset: "huge", size: 4_000_000 });
    expect(a2.assignment).toMatchObject({ ref: "A2", first: 3_000_001, last: 7_000_000 });
    await f.ledger.setProgress(ANA, "A1", 2_999_999);

    // The annotator's first range: a full review, counted, not listed.
    const s1 = await f.ledger.submit(ANA, "A1", { idempotencyKey: "done-a1", confirmed: true });
    expect(s1.assignment).toMatchObject({ status: "IN_REVIEW", itemsDone: 3_000_000 });
    expect(s1.review).toMatchObject({ sampleFull: true, sampleSize: 3_000_000, sampleItems: [] });
    const row1 = await reviewRow(s1.review!.id);
    expect(row1).toMatchObject({ sampleFull: true, sampleSize: 3_000_000, sampleItems: [] });
    // the stored result of the request holds no list of items either
    const key = await f.prisma.idempotencyKey.findFirstOrThrow({ where: { key: "done-a1" } });
    expect(JSON.stringify(key.result).length).toBeLessThan(5_000);
    // a repeat of the request changes nothing and answers the same
    const again = await f.ledger.submit(ANA, "A1", { idempotencyKey: "done-a1", confirmed: true });
    expect(again).toMatchObject({ replayed: true, review: { sampleSize: 3_000_000 } });

    // The second: ISO 2859-1 code letter Q (1,250 items) plus the 100 gold items inside it.
    const s2 = await f.ledger.submit(ANA, "A2", { confirmed: true });
    const r2 = s2.review!;
    expect(r2.sampleFull).toBe(false);
    for (const g of [5_000_000, 5_000_050, 5_000_099]) expect(r2.sampleItems).toContain(g);
    expect(r2.sampleItems).not.toContain(10);
    expect(r2.sampleSize).toBe(r2.sampleItems.length);
    expect(r2.sampleSize).toBeGreaterThanOrEqual(1250);
    expect(r2.sampleSize).toBeLessThanOrEqual(1350);
    expect(r2.sampleItems.every((i) => i >= 3_000_001 && i <= 7_000_000)).toBe(true);
    expect((await reviewRow(r2.id)).sampleItems).toEqual(r2.sampleItems);

    // The reviewer's load counts the items of both samples.
    const queue = await f.ledger.reviewQueue(TEAM, r2.reviewerId!);
    expect(queue.map((r) => r.ref)).toContain(r2.ref);
    const reviewer = { teamId: TEAM, userId: r2.reviewerId! };

    // The review form's data, then a verdict checked against the sample's size and its gold items.
    const form = await f.ledger.reviewToDecide(reviewer, r2.ref);
    expect(form.review.sampleSize).toBe(r2.sampleSize);
    await expectDomainError(
      f.ledger.recordReview(reviewer, r2.ref, { verdict: "accept", itemsChecked: r2.sampleSize + 1, errors: {} }),
      "invalid",
      `items checked must be between 1 and ${r2.sampleSize} (the sample of A2 in review round 1)`,
    );
    await expectDomainError(
      f.ledger.recordReview(reviewer, r2.ref, { verdict: "accept", itemsChecked: 10, errors: {}, goldCorrect: 101 }),
      "invalid",
      "gold items right must be between 0 and 100 (the gold items in the sample of A2 in review round 1)",
    );
    const changes = await f.ledger.recordReview(reviewer, r2.ref, {
      verdict: "changes",
      itemsChecked: r2.sampleSize,
      errors: { "wrong class": 4 },
      goldCorrect: 97,
      comment: "four frames mislabelled",
    });
    expect(changes.assignment.status).toBe("CHANGES_REQUESTED");
    expect(await reviewRow(r2.id)).toMatchObject({ goldChecked: 100, goldCorrect: 97, status: "CHANGES_REQUESTED" });
    // the fix goes back over the same items
    await f.ledger.start(ANA, "A2");
    const fix = await f.ledger.submit(ANA, "A2", { confirmed: true });
    expect(fix.review).toMatchObject({ round: 2, reviewerId: reviewer.userId, sampleItems: r2.sampleItems });

    // A full review's gold items are the range's: all 11 of 10–20.
    const r1Reviewer = { teamId: TEAM, userId: s1.review!.reviewerId! };
    const ok = await f.ledger.recordReview(r1Reviewer, s1.review!.ref, {
      verdict: "accept",
      itemsChecked: 3_000_000,
      errors: {},
    });
    expect(ok.assignment.status).toBe("COMPLETED");
    expect(await reviewRow(s1.review!.id)).toMatchObject({ itemsChecked: 3_000_000, goldChecked: 11, goldCorrect: 11 });
  });

  it("hands off, releases, reports and exports ranges of millions of items", async () => {
    await f.ledger.claim(BOB, { dataset: "huge", first: 1, last: 5_000_000 });
    await f.ledger.setProgress(BOB, "A1", 1_000_000);
    const split = await f.ledger.handoff(LEAD, "A1", {
      to: ANA.userId,
      range: { first: 2_000_001, last: 4_000_000 },
      reason: "share the load",
    });
    expect(split.applied).toBe(true);
    expect(split.moved).toMatchObject({ assigneeId: ANA.userId, first: 2_000_001, last: 4_000_000 });
    const moved = split.moved!.ref;
    await f.ledger.release(ANA, moved, { reason: "not my language" });

    const cov = await f.ledger.coverage(TEAM, "huge");
    expect(cov).toMatchObject({ itemCount: N, claimedItems: 3_000_000, doneItems: 1_000_000, freeItems: 7_000_000 });
    expect(cov.gaps).toEqual([
      { first: 2_000_001, last: 4_000_000 },
      { first: 5_000_001, last: N },
    ]);
    const mine = await f.ledger.listAssignments(TEAM, { assigneeId: BOB.userId });
    expect(mine.map((a) => [a.first, a.last, a.itemsDone])).toEqual([
      [1, 2_000_000, 1_000_000],
      [4_000_001, 5_000_000, 0],
    ]);
    const csv = await f.ledger.exportCsv(ADMIN, "huge");
    expect(csv.rows).toBe(3);
    expect(csv.csv).toContain(`${moved},2000001,4000000,2000000,${ANA.userId},RELEASED,`);
    // the freed items can be claimed again at once
    const next = await f.ledger.claimNext(ANA, { dataset: "huge", size: 2_000_000 });
    expect(next.assignment).toMatchObject({ first: 2_000_001, last: 4_000_000 });
  });
});
