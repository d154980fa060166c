/** The statistics under the QA metrics: Wilson intervals, the median and the nearest-rank percentile. */
import { describe, expect, it } from "vitest";
import { mean, median, percentileNearestRank, wilson, Z_95 } from "../../../src/core/qa/stats.ts";

describe("the Wilson score interval", () => {
  it("keeps 5 of 5 wide and 500 of 500 narrow", () => {
    const small = wilson(5, 5);
    expect(small.value).toBe(1);
    // n/(n+z²) for p = 1: 5/8.841459
    expect(small.low).toBeCloseTo(0.56552, 5);
    expect(small.high).toBe(1);
    const large = wilson(500, 500);
    expect(large.low).toBeCloseTo(500 / (500 + Z_95 * Z_95), 10);
    expect(large.low).toBeCloseTo(0.99238, 5);
  });
  it("matches the textbook interval of 8 of 10", () => {
    const p = wilson(8, 10);
    expect(p.value).toBe(0.8);
    expect(p.low).toBeCloseTo(0.4902, 4);
    expect(p.high).toBeCloseTo(0.9433, 4);
  });
  it("stays in [0, 1] at 0 successes, and clamps successes into [0, trials]", () => {
    const none = wilson(0, 1);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(Z_95 ** 2 / (1 + Z_95 ** 2), 10);
    expect(wilson(7, 5)).toMatchObject({ value: 1, successes: 5 });
    expect(wilson(-2, 5)).toMatchObject({ value: 0, successes: 0 });
  });
  it("refuses a sample of no trials", () => {
    expect(() => wilson(0, 0)).toThrow(RangeError);
    expect(() => wilson(0, 0)).toThrow("a proportion needs at least one trial");
    expect(() => wilson(1, Number.NaN)).toThrow("a proportion needs at least one trial");
  });
  it("ends at exactly 1 when every trial succeeded, whatever the count", () => {
    for (const n of [1, 2, 3, 6, 7, 10, 13, 49, 99, 1000, 12345]) expect(wilson(n, n).high, String(n)).toBe(1);
  });
});

describe("mean, median and nearest-rank percentile", () => {
  it("have no value for no values", () => {
    expect(mean([])).toBeNull();
    expect(median([])).toBeNull();
    expect(percentileNearestRank([], 90)).toBeNull();
  });
  it("of one value are that value", () => {
    expect(mean([7])).toBe(7);
    expect(median([7])).toBe(7);
    expect(percentileNearestRank([7], 0)).toBe(7);
    expect(percentileNearestRank([7], 90)).toBe(7);
  });
  it("take the middle of an odd count and the mean of the two middles of an even count, in any order", () => {
    expect(median([10, 1, 3, 2, 4])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("p90 is the ⌈0.9·n⌉-th smallest value, never interpolated", () => {
    expect(percentileNearestRank([1, 2, 3, 4, 10], 90)).toBe(10); // rank ⌈4.5⌉ = 5
    expect(percentileNearestRank([4, 3, 2, 1], 90)).toBe(4); // rank ⌈3.6⌉ = 4
    expect(percentileNearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9); // rank 9
    expect(percentileNearestRank([1, 2, 3, 4], 50)).toBe(2); // rank 2, where the median says 2.5
    expect(percentileNearestRank([5, 1, 9], 0)).toBe(1);
    expect(percentileNearestRank([5, 1, 9], 100)).toBe(9);
  });
  it("refuses a percentile outside 0…100", () => {
    expect(() => percentileNearestRank([1], 101)).toThrow(RangeError);
    expect(() => percentileNearestRank([1], -1)).toThrow(RangeError);
    expect(() => percentileNearestRank([1], 100.5)).toThrow("a percentile is between 0 and 100");
  });
});
