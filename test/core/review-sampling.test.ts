/**
 * Review samples end to end: what a submit opens is the policy's plan for
 * that range and round (src/core/review/policy.ts), reproducible from the
 * range and round alone, and the sample's size follows the dataset's share
 * rounded up where the share of a range is not a whole number of items.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  goldOfSample,
  isoSampleSize,
  pickReviewer,
  planReview,
  sampleSize,
  seededRandom,
} from "../../src/core/review/policy.ts";
import { ANA, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

/** One sampled submit on a fresh ledger: A1 = items 101–200 of "cats", sampled at 10 %. */
async function sampledSubmit(f: LedgerFixture) {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
  await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 });
  await f.ledger.claim(ANA, { dataset: "cats", first: 101, last: 200 });
  const { review } = await f.ledger.submit(ANA, "A1", { confirmed: true });
  return review!;
}

describe("the sample a submit opens", () => {
  const fixtures: LedgerFixture[] = [];
  afterAll(async () => {
    await Promise.all(fixtures.map((f) => f.dispose()));
  });

  it("is the plan seeded by the range and its round, the same in any ledger, and kept for the rework", async () => {
    const f = await ledgerFixture();
    fixtures.push(f);
    const review = await sampledSubmit(f);
    const a = await f.ledger.getAssignment(TEAM, "A1");
    const plan = planReview(
      { sampleRate: 0.1, firstK: 0, everyRange: true, goldItems: [] },
      { first: 101, last: 200 },
      0,
      `${a.id}:1`,
    );
    expect(plan.sample).toHaveLength(10);
    expect(review).toMatchObject({ sampleFull: false, sampleSize: 10, sampleItems: plan.sample });
    expect((await f.prisma.review.findFirstOrThrow({ where: { id: review.id } })).sampleSeed).toBe(`${a.id}:1`);

    // The same range and round in another ledger: the same items.
    const other = await ledgerFixture();
    fixtures.push(other);
    expect((await sampledSubmit(other)).sampleItems).toEqual(review.sampleItems);

    // Sent back for changes, the second round checks the same items again.
    await f.ledger.recordReview(LEAD, review.ref, {
      verdict: "changes",
      itemsChecked: 10,
      errors: {},
      comment: "check the tails",
    });
    await f.ledger.start(ANA, "A1");
    const round2 = (await f.ledger.submit(ANA, "A1", { confirmed: true })).review!;
    expect(round2).toMatchObject({ round: 2, sampleItems: review.sampleItems, sampleSize: 10 });

    // Another range of the same size draws from its own seed.
    await f.ledger.claim(ANA, { dataset: "cats", first: 301, last: 400 });
    const b = (await f.ledger.submit(ANA, "A2", { confirmed: true })).review!;
    const planB = planReview(
      { sampleRate: 0.1, firstK: 0, everyRange: true, goldItems: [] },
      { first: 301, last: 400 },
      1,
      "2:1",
    );
    expect(b.sampleItems).toEqual(planB.sample);
  });

  describe("sizes where the share is not a whole number of items", () => {
    let f: LedgerFixture;
    let n = 0;
    beforeAll(async () => {
      f = await ledgerFixture();
      fixtures.push(f);
    });

    // [share, range size, expected]: the share rounded up, within ISO 2859-1 level II, at least 1.
    const CASES: [number, number, number][] = [
      [0.07, 33, 3], // 2.31 → 3 (ISO D: 8)
      [0.1, 25, 3], // 2.5 → 3 (ISO C: 5)
      [0.15, 10, 2], // 1.5 → 2 (ISO B: 3)
      [0.1, 30, 3], // 3.0000000000000004 in floating point is still 3
      [0.01, 50, 1], // 0.5 → 1
      [0.5, 100, 20], // 50 capped by ISO F: 20
      [0.34, 7, 2], // 2.38 → 3, capped by ISO A (a lot of 2–8 items): 2
    ];

    for (const [share, size, want] of CASES) {
      it(`${Math.round(share * 100)} % of ${size} items: ${want}`, async () => {
        expect(sampleSize(size, share)).toBe(want);
        n += 1;
        const slug = `share-${n}`;
        await f.ledger.createDataset(LEAD, { slug, itemCount: 1000 });
        await f.ledger.configureDataset(LEAD, slug, { key: "first-k", value: 0 });
        await f.ledger.configureDataset(LEAD, slug, { key: "sample", value: share });
        const { assignment } = await f.ledger.claim(ANA, { dataset: slug, first: 11, last: 10 + size });
        const { review } = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
        expect(review).toMatchObject({ sampleFull: false, sampleSize: want });
        expect(review!.sampleItems).toHaveLength(want);
        expect(new Set(review!.sampleItems).size).toBe(want);
        for (const i of review!.sampleItems) {
          expect(i).toBeGreaterThanOrEqual(11);
          expect(i).toBeLessThanOrEqual(10 + size);
        }
      });
    }

    it("checks only the gold items inside the range when the share is 0", async () => {
      await f.ledger.createDataset(LEAD, { slug: "gold-only", itemCount: 1000 });
      await f.ledger.configureDataset(LEAD, "gold-only", { key: "first-k", value: 0 });
      await f.ledger.configureDataset(LEAD, "gold-only", { key: "sample", value: 0 });
      await f.ledger.configureDataset(LEAD, "gold-only", {
        key: "gold",
        value: [
          { first: 5, last: 5 },
          { first: 15, last: 16 },
        ],
      });
      const { assignment } = await f.ledger.claim(ANA, { dataset: "gold-only", first: 11, last: 40 });
      const { review } = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
      expect(review).toMatchObject({ sampleFull: false, sampleSize: 2, sampleItems: [15, 16] });
    });
  });
});

describe("the sample policy at its edges", () => {
  it("takes ISO 2859-1 level II's sample size at both edges of every lot size up to 3,200", () => {
    const edges: [number, string, number][] = [
      [2, "A", 2],
      [8, "A", 2],
      [9, "B", 3],
      [15, "B", 3],
      [16, "C", 5],
      [25, "C", 5],
      [26, "D", 8],
      [50, "D", 8],
      [51, "E", 13],
      [90, "E", 13],
      [91, "F", 20],
      [150, "F", 20],
      [151, "G", 32],
      [280, "G", 32],
      [281, "H", 50],
      [500, "H", 50],
      [501, "J", 80],
      [1200, "J", 80],
      [1201, "K", 125],
      [3200, "K", 125],
    ];
    for (const [lot, letter, size] of edges) expect(isoSampleSize(lot), `lot of ${lot}`).toEqual({ letter, size });
    // no lot, or a lot of one: all of it, which is nothing or one item
    expect(isoSampleSize(1)).toEqual({ letter: "-", size: 1 });
    expect(isoSampleSize(0)).toEqual({ letter: "-", size: 0 });
    expect(isoSampleSize(-3)).toEqual({ letter: "-", size: 0 });
  });

  it("draws nothing with a share of 0 or from no items, and never more than the range", () => {
    expect(sampleSize(100, 0)).toBe(0);
    expect(sampleSize(100, -0.5)).toBe(0);
    expect(sampleSize(0, 0.5)).toBe(0);
    expect(sampleSize(-5, 0.5)).toBe(0);
    expect(sampleSize(1, 0.01)).toBe(1);
    expect(sampleSize(2, 1)).toBe(2);
    expect(sampleSize(3, 1)).toBe(2); // ISO A
    expect(sampleSize(50, 2)).toBe(8); // a share above 100 % is 100 %: ISO D
  });

  const policy = { sampleRate: 0.1, firstK: 2, everyRange: true, goldItems: [] as number[] };
  const range = { first: 11, last: 60 };

  it("reviews in full while the annotator is within their first K ranges, then samples", () => {
    expect(planReview(policy, range, 1, "s")).toMatchObject({ review: true, full: true, size: 50, sample: [] });
    const sampled = planReview(policy, range, 2, "s");
    expect(sampled).toMatchObject({ review: true, full: false, size: 5 });
    expect(sampled.sample).toHaveLength(5);
    expect([...sampled.sample].sort((a, b) => a - b)).toEqual(sampled.sample);
    for (const i of sampled.sample) {
      expect(i).toBeGreaterThanOrEqual(11);
      expect(i).toBeLessThanOrEqual(60);
    }
    // only the first K: past them, nothing is reviewed
    expect(planReview({ ...policy, everyRange: false }, range, 2, "s")).toMatchObject({ review: false, size: 0 });
    expect(planReview({ ...policy, everyRange: false }, range, 1, "s")).toMatchObject({ review: true, full: true });
  });

  it("with a share of 0 checks exactly the gold items inside the range, edges included; none: no review", () => {
    const gold = { ...policy, sampleRate: 0, goldItems: [10, 11, 30, 60, 61] };
    expect(planReview(gold, range, 2, "s")).toMatchObject({ review: true, full: false, size: 3, sample: [11, 30, 60] });
    expect(planReview({ ...gold, goldItems: [10, 61] }, range, 2, "s")).toMatchObject({
      review: false,
      full: false,
      size: 0,
      sample: [],
    });
  });

  it("names the gold items of a sample: all of the range's in a full review, the listed ones otherwise", () => {
    const gold = [10, 11, 30, 60, 61];
    expect(goldOfSample({ sampleFull: true, sampleItems: [] }, range, gold)).toEqual([11, 30, 60]);
    expect(goldOfSample({ sampleFull: false, sampleItems: [12, 30, 60] }, range, gold)).toEqual([30, 60]);
  });
});

describe("the draw itself, pinned", () => {
  it("a seed always gives the same numbers, and a range and round the same items", () => {
    const random = seededRandom("7:1");
    expect([random(), random(), random()]).toEqual([0.9797943790908903, 0.3592212265357375, 0.6438414037693292]);
    const policy = { sampleRate: 0.1, firstK: 1, everyRange: true, goldItems: [] };
    expect(planReview(policy, { first: 101, last: 200 }, 3, "7:1").sample).toEqual([
      102, 103, 118, 133, 134, 147, 160, 161, 190, 198,
    ]);
  });
});

describe("the reviewer of a submitted range", () => {
  it("at equal load, a dedicated reviewer before a lead or admin, whatever their ids", () => {
    const candidates = [
      { userId: "UA", pendingItems: 0 },
      { userId: "UM", pendingItems: 0, dedicated: true },
      { userId: "UZ", pendingItems: 0, dedicated: false },
    ];
    expect(pickReviewer(candidates, "UANN", null)).toBe("UM");
    expect(pickReviewer([...candidates].reverse(), "UANN", null)).toBe("UM");
    // less load first, then the dedicated, then by id
    expect(pickReviewer([...candidates, { userId: "UB", pendingItems: -1 }], "UANN", null)).toBe("UB");
    expect(pickReviewer([candidates[0]!, candidates[2]!], "UANN", null)).toBe("UA");
  });
});
