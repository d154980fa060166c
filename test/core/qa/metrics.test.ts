/** The QA metrics over plain rows, against hand-computed cases. */
import { describe, expect, it } from "vitest";
import {
  accuracy,
  errorPareto,
  firstPass,
  forecastFinish,
  goldAccuracy,
  itemsCompleted,
  remainingItems,
  reviewerLoad,
  trend,
  turnaround,
} from "../../../src/core/qa/metrics.ts";
import { wilson } from "../../../src/core/qa/stats.ts";
import { range, review } from "../fixtures/qa-rows.ts";

const at = (iso: string) => new Date(iso);
const december = { from: at("2026-12-01T00:00:00Z"), to: at("2027-01-01T00:00:00Z") };

describe("items completed in a period", () => {
  it("sums the sizes of the ranges completed in it, its start included and its end excluded", () => {
    const rows = [
      range({ first: 1, last: 10, completedAt: at("2026-12-01T00:00:00Z") }), // 10, at the start
      range({ first: 11, last: 15, completedAt: at("2026-12-31T23:59:59Z") }), // 5
      range({ first: 16, last: 40, completedAt: at("2027-01-01T00:00:00Z") }), // at the end: next period
      range({ first: 41, last: 50, completedAt: at("2026-11-30T23:59:59Z") }), // before
      range({ first: 51, last: 60, status: "IN_REVIEW", itemsDone: 10 }), // done, not completed
      range({ first: 61, last: 70, status: "RELEASED", completedAt: at("2026-12-05T00:00:00Z") }),
    ];
    expect(itemsCompleted(rows, december)).toBe(15);
  });
  it("is 0 for no rows and 1 for a one-item range", () => {
    expect(itemsCompleted([], december)).toBe(0);
    expect(itemsCompleted([range({ first: 7, last: 7, completedAt: at("2026-12-02T00:00:00Z") })], december)).toBe(1);
  });
});

describe("the trend against the previous weeks", () => {
  it("gives the mean of the earlier weeks, the difference and the ratio", () => {
    expect(trend(12, [10, 8, 6, 0])).toEqual({ kind: "trend", current: 12, baseline: 6, difference: 6, ratio: 2 });
    expect(trend(3, [6])).toEqual({ kind: "trend", current: 3, baseline: 6, difference: -3, ratio: 0.5 });
  });
  it("says there is no history when there are no earlier weeks", () => {
    expect(trend(5, [])).toEqual({ kind: "no-history", current: 5 });
  });
  it("has no ratio against a baseline of 0, but still a difference", () => {
    expect(trend(5, [0, 0])).toEqual({ kind: "trend", current: 5, baseline: 0, difference: 5, ratio: null });
  });
});

describe("what is left of a dataset", () => {
  it("counts free items and the items of held ranges not completed; released ranges are free again", () => {
    const rows = [
      range({ first: 1, last: 10, status: "COMPLETED" }),
      range({ first: 11, last: 30, status: "IN_PROGRESS", itemsDone: 4 }),
      range({ first: 31, last: 40, status: "RELEASED" }),
      range({ first: 41, last: 45, status: "IN_REVIEW" }),
    ];
    expect(remainingItems(100, rows)).toEqual({ free: 65, inFlight: 25, total: 90 });
  });
  it("is the whole dataset with no ranges, and nothing when all is completed", () => {
    expect(remainingItems(100, [])).toEqual({ free: 100, inFlight: 0, total: 100 });
    expect(remainingItems(1, [range({ first: 1, last: 1 })])).toEqual({ free: 0, inFlight: 0, total: 0 });
  });
});

describe("the forecast finish date", () => {
  it("divides what is left by the mean of recent weeks, rounding up to whole days", () => {
    // 10 left at 20 a week: half a week, 3.5 days → 4 days after 2026-12-30.
    expect(forecastFinish(10, [30, 10], "2026-12-30")).toEqual({
      kind: "forecast",
      perWeek: 20,
      remaining: 10,
      weeks: 0.5,
      finish: "2027-01-03",
    });
    // 100 left at 25 a week: 4 weeks exactly.
    expect(forecastFinish(100, [25], "2026-12-01")).toMatchObject({ weeks: 4, finish: "2026-12-29" });
  });
  it("gives no forecast without recent throughput", () => {
    expect(forecastFinish(10, [0, 0, 0, 0], "2026-12-30")).toEqual({
      kind: "no-forecast",
      reason: "no recent throughput",
    });
    expect(forecastFinish(10, [], "2026-12-30")).toMatchObject({ kind: "no-forecast" });
  });
  it("says finished when nothing is left, whatever the pace", () => {
    expect(forecastFinish(0, [], "2026-12-30")).toEqual({ kind: "finished" });
  });
});

describe("accuracy from reviews", () => {
  it("is weighted by items checked: 1 error in 10 plus 0 in 90 is 99 %, not the 95 % of a mean of ratios", () => {
    const a = accuracy([review({ itemsChecked: 10, errors: { label: 1 } }), review({ itemsChecked: 90 })]);
    expect(a).toEqual({ kind: "measured", ...wilson(99, 100), errors: 1, clamped: 0 });
    expect(a.kind === "measured" && a.value).toBe(0.99);
  });
  it("sums the errors of every category, and counts verdicts asking for changes too", () => {
    const a = accuracy([
      review({ itemsChecked: 20, errors: { label: 2, box: 3 }, status: "CHANGES_REQUESTED" }),
      review({ itemsChecked: 30, errors: { box: 5 } }),
    ]);
    expect(a).toMatchObject({ kind: "measured", value: 0.8, successes: 40, trials: 50, errors: 10 });
  });
  it("carries a wider interval for 5 items than for 500 at the same accuracy", () => {
    const small = accuracy([review({ itemsChecked: 5 })]);
    const large = accuracy([review({ itemsChecked: 500 })]);
    if (small.kind !== "measured" || large.kind !== "measured") throw new Error("measured");
    expect(small.value).toBe(1);
    expect(large.value).toBe(1);
    expect(small.low).toBeCloseTo(0.5655, 4);
    expect(large.low).toBeCloseTo(0.9924, 4);
  });
  it("never goes negative: more errors than items checked count as all wrong, and are reported", () => {
    const a = accuracy([review({ itemsChecked: 5, errors: { label: 7 } }), review({ itemsChecked: 5 })]);
    expect(a).toMatchObject({ kind: "measured", value: 0.5, errors: 5, clamped: 1 });
    const only = accuracy([review({ itemsChecked: 5, errors: { label: 7 } })]);
    expect(only).toMatchObject({ value: 0, low: 0, clamped: 1 });
  });
  it("leaves out pending and cancelled reviews and those with no items checked", () => {
    const rows = [
      review({ status: "PENDING", decidedAt: null, itemsChecked: null }),
      review({ status: "CANCELLED", itemsChecked: 10, errors: { label: 10 } }),
      review({ itemsChecked: 0 }),
      review({ itemsChecked: null }),
    ];
    expect(accuracy(rows)).toEqual({ kind: "no-data" });
    expect(accuracy([])).toEqual({ kind: "no-data" });
  });
  it("counts a review whose errors equal its items as all wrong, not clamped, and one with errors but no items not at all", () => {
    const a = accuracy([
      review({ itemsChecked: 4, errors: { label: 4 } }),
      review({ itemsChecked: 0, errors: { label: 2 } }),
      review({ itemsChecked: 6 }),
    ]);
    expect(a).toMatchObject({ kind: "measured", successes: 6, trials: 10, errors: 4, clamped: 0 });
  });
  it("reads a negative error count as none", () => {
    expect(accuracy([review({ itemsChecked: 10, errors: { label: -3, box: 1 } })])).toMatchObject({
      value: 0.9,
      errors: 1,
    });
    expect(errorPareto([review({ errors: { label: -3, box: 1 } })])).toEqual([
      { category: "box", count: 1, share: 1, cumulative: 1 },
    ]);
  });
  it("of one item is 0 or 1", () => {
    expect(accuracy([review({ itemsChecked: 1 })])).toMatchObject({ value: 1, trials: 1 });
    expect(accuracy([review({ itemsChecked: 1, errors: { box: 1 } })])).toMatchObject({ value: 0, trials: 1 });
  });
});

describe("gold accuracy", () => {
  it("is Σ gold correct ÷ Σ gold checked with its interval", () => {
    const g = goldAccuracy([
      review({ goldChecked: 10, goldCorrect: 9 }),
      review({ goldChecked: 5, goldCorrect: 5 }),
      review({ goldChecked: 0, goldCorrect: 0 }),
    ]);
    expect(g).toEqual({ kind: "measured", ...wilson(14, 15) });
  });
  it("clamps gold correct to gold checked, and has no data without gold", () => {
    expect(goldAccuracy([review({ goldChecked: 3, goldCorrect: 4 })])).toMatchObject({ value: 1, successes: 3 });
    expect(goldAccuracy([review()])).toEqual({ kind: "no-data" });
    expect(goldAccuracy([])).toEqual({ kind: "no-data" });
    expect(goldAccuracy([review({ status: "PENDING", decidedAt: null, goldChecked: 2 })])).toEqual({
      kind: "no-data",
    });
  });
});

describe("first-pass acceptance", () => {
  it("counts ranges accepted at their first verdict, and the rounds sent back per range", () => {
    const rows = [
      review({ assignmentId: 1, round: 1, status: "ACCEPTED" }),
      // sent back twice, then accepted (rows in any order)
      review({ assignmentId: 2, round: 3, status: "ACCEPTED" }),
      review({ assignmentId: 2, round: 1, status: "CHANGES_REQUESTED" }),
      review({ assignmentId: 2, round: 2, status: "CHANGES_REQUESTED" }),
      // round 1 cancelled: its first verdict is round 2's
      review({ assignmentId: 3, round: 1, status: "CANCELLED" }),
      review({ assignmentId: 3, round: 2, status: "ACCEPTED" }),
      // no verdict yet: not counted
      review({ assignmentId: 4, round: 1, status: "PENDING", decidedAt: null }),
    ];
    expect(firstPass(rows)).toEqual({ ranges: 3, acceptedFirst: 2, rate: 2 / 3, reworkMean: 2 / 3, reworkMax: 2 });
  });
  it("has no rate for no verdicts, and 0 for one range sent back and still open", () => {
    expect(firstPass([])).toEqual({ ranges: 0, acceptedFirst: 0, rate: null, reworkMean: null, reworkMax: null });
    expect(firstPass([review({ status: "CHANGES_REQUESTED" })])).toEqual({
      ranges: 1,
      acceptedFirst: 0,
      rate: 0,
      reworkMean: 1,
      reworkMax: 1,
    });
  });
});

describe("the error Pareto", () => {
  it("sorts categories by count, ties by name, with shares and cumulative shares", () => {
    const rows = [
      review({ errors: { label: 3, box: 1 } }),
      review({ errors: { box: 2, missing: 1, label: 0 }, status: "CHANGES_REQUESTED" }),
      review({ errors: { zeta: 1 } }),
      review({ errors: { zeta: 9 }, status: "PENDING", decidedAt: null }),
    ];
    expect(errorPareto(rows)).toEqual([
      { category: "box", count: 3, share: 0.375, cumulative: 0.375 },
      { category: "label", count: 3, share: 0.375, cumulative: 0.75 },
      { category: "missing", count: 1, share: 0.125, cumulative: 0.875 },
      { category: "zeta", count: 1, share: 0.125, cumulative: 1 },
    ]);
  });
  it("is empty without errors, and one category is all of them", () => {
    expect(errorPareto([])).toEqual([]);
    expect(errorPareto([review()])).toEqual([]);
    expect(errorPareto([review({ errors: { label: 2 } })])).toEqual([
      { category: "label", count: 2, share: 1, cumulative: 1 },
    ]);
  });
  it("leaves out categories counted zero times, and orders categories as common by name, whatever order they come in", () => {
    const rows = errorPareto([
      review({ errors: { "wrong class": 0, zebra: 2, missing: 2 } }),
      review({ errors: { box: 2, "wrong class": 0 } }),
    ]);
    expect(rows.map((r) => [r.category, r.count])).toEqual([
      ["box", 2],
      ["missing", 2],
      ["zebra", 2],
    ]);
  });
});

describe("review turnaround", () => {
  const decided = (hours: number) =>
    review({
      createdAt: at("2026-12-01T00:00:00Z"),
      decidedAt: new Date(Date.parse("2026-12-01T00:00:00Z") + hours * 3_600_000),
    });
  it("gives the median and the nearest-rank p90 of hours from submission to verdict", () => {
    const rows = [decided(4), decided(1), decided(10), decided(2), decided(3)];
    expect(turnaround(rows)).toEqual({ reviews: 5, medianHours: 3, p90Hours: 10 });
    expect(turnaround([decided(1), decided(2), decided(3), decided(4)])).toEqual({
      reviews: 4,
      medianHours: 2.5,
      p90Hours: 4,
    });
  });
  it("leaves out reviews without a verdict, and has no figures for none", () => {
    const rows = [review({ status: "PENDING", decidedAt: null }), review({ status: "CANCELLED" })];
    expect(turnaround(rows)).toEqual({ reviews: 0, medianHours: null, p90Hours: null });
  });
  it("of one review is its own time", () => {
    expect(turnaround([decided(0.5)])).toEqual({ reviews: 1, medianHours: 0.5, p90Hours: 0.5 });
  });
});

describe("reviewer load", () => {
  it("counts pending reviews and items to check per reviewer, most items first, the unheld apart", () => {
    const pending = { status: "PENDING" as const, decidedAt: null };
    const rows = [
      review({ ...pending, reviewerId: "U_A", sampleSize: 20 }),
      review({ ...pending, reviewerId: "U_A", sampleSize: 10 }),
      review({ ...pending, reviewerId: "U_B", sampleSize: 40 }),
      review({ ...pending, reviewerId: "U_C", sampleSize: 30 }),
      review({ ...pending, reviewerId: null, sampleSize: 5 }),
      review({ reviewerId: "U_B", sampleSize: 99 }), // decided
      review({ reviewerId: "U_D", status: "CANCELLED", sampleSize: 99 }),
    ];
    expect(reviewerLoad(rows)).toEqual({
      reviewers: [
        { reviewerId: "U_B", pending: 1, itemsToCheck: 40 },
        { reviewerId: "U_A", pending: 2, itemsToCheck: 30 },
        { reviewerId: "U_C", pending: 1, itemsToCheck: 30 },
      ],
      unassigned: { pending: 1, itemsToCheck: 5 },
    });
  });
  it("is empty for no pending reviews", () => {
    expect(reviewerLoad([])).toEqual({ reviewers: [], unassigned: { pending: 0, itemsToCheck: 0 } });
  });
  it("breaks ties on items by the most reviews, then by reviewer id, whatever order the reviews come in", () => {
    const pending = (reviewerId: string, sampleSize: number) =>
      review({ status: "PENDING", decidedAt: null, itemsChecked: null, reviewerId, sampleSize });
    const { reviewers } = reviewerLoad([
      pending("UMAY", 10),
      pending("UZED", 10),
      pending("UBEA", 5),
      pending("UBEA", 5),
      pending("UALF", 10),
    ]);
    expect(reviewers.map((r) => [r.reviewerId, r.pending, r.itemsToCheck])).toEqual([
      ["UBEA", 2, 10],
      ["UALF", 1, 10],
      ["UMAY", 1, 10],
      ["UZED", 1, 10],
    ]);
  });
});
