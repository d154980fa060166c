/** Item ranges: overlap and containment at their edges, the checks of a range, done items of a part, splits and runs. */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.ts";
import {
  checkRangeInside,
  contains,
  doneWithin,
  formatRange,
  intersection,
  itemRuns,
  overlaps,
  rangeSize,
  splitAround,
} from "../../src/core/ranges.ts";
import { thrown } from "../support/thrown.ts";

const r = (first: number, last: number) => ({ first, last });
const refusal = (f: () => unknown): string => thrown(DomainError, f).message;

describe("ranges", () => {
  it("overlap when they share an item, even only their edge", () => {
    expect(overlaps(r(1, 10), r(10, 20))).toBe(true);
    expect(overlaps(r(10, 20), r(1, 10))).toBe(true);
    expect(overlaps(r(5, 5), r(5, 5))).toBe(true);
    expect(overlaps(r(1, 9), r(10, 20))).toBe(false);
    expect(overlaps(r(10, 20), r(1, 9))).toBe(false);
    expect(intersection(r(1, 10), r(10, 20))).toEqual(r(10, 10));
    expect(intersection(r(1, 9), r(10, 20))).toBeNull();
  });

  it("contain another up to their very edges, and not one item past them", () => {
    expect(contains(r(1, 10), r(1, 10))).toBe(true);
    expect(contains(r(1, 10), r(2, 9))).toBe(true);
    expect(contains(r(1, 10), r(1, 11))).toBe(false);
    expect(contains(r(2, 10), r(1, 10))).toBe(false);
  });

  it("are written with an en dash, or as one number, and counted inclusively", () => {
    expect(formatRange(r(120, 180))).toBe("120–180");
    expect(formatRange(r(7, 7))).toBe("7");
    expect(rangeSize(r(120, 180))).toBe(61);
  });
});

describe("checkRangeInside", () => {
  it("takes a range of one item and one that ends on the last item", () => {
    expect(() => checkRangeInside(r(7, 7), 100, "cats")).not.toThrow();
    expect(() => checkRangeInside(r(1, 100), 100, "cats")).not.toThrow();
  });

  it("refuses each bad range with its own sentence", () => {
    expect(refusal(() => checkRangeInside(r(1.5, 3), 100, "cats"))).toBe("item numbers must be whole numbers");
    expect(refusal(() => checkRangeInside(r(1, 2 ** 53), 100, "cats"))).toBe("item numbers must be whole numbers");
    expect(refusal(() => checkRangeInside(r(0, 3), 100, "cats"))).toBe(
      "items are numbered from 1; 0 is not an item of cats",
    );
    expect(refusal(() => checkRangeInside(r(9, 8), 100, "cats"))).toBe(
      "the range 9-8 ends before it starts; write it as 8-9",
    );
    expect(refusal(() => checkRangeInside(r(90, 101), 100, "cats"))).toBe(
      "cats has 100 items (1–100); 90–101 goes past the end",
    );
  });
});

describe("doneWithin", () => {
  it("counts the done items (from the range's first) that fall in a part", () => {
    const range = r(100, 199);
    expect(doneWithin(range, 0, r(100, 109))).toBe(0);
    expect(doneWithin(range, 10, r(100, 109))).toBe(10);
    expect(doneWithin(range, 10, r(109, 120))).toBe(1);
    expect(doneWithin(range, 10, r(110, 120))).toBe(0);
    expect(doneWithin(range, 100, r(150, 159))).toBe(10);
  });
});

describe("splitAround", () => {
  it("keeps the parts before and after the moved one, and none where it reaches the edge", () => {
    expect(splitAround(r(1, 10), r(4, 6))).toEqual({ before: r(1, 3), moved: r(4, 6), after: r(7, 10) });
    expect(splitAround(r(1, 10), r(1, 6))).toEqual({ before: null, moved: r(1, 6), after: r(7, 10) });
    expect(splitAround(r(1, 10), r(4, 10))).toEqual({ before: r(1, 3), moved: r(4, 10), after: null });
    expect(splitAround(r(1, 10), r(1, 10))).toEqual({ before: null, moved: r(1, 10), after: null });
    expect(splitAround(r(1, 10), r(9, 9))).toEqual({ before: r(1, 8), moved: r(9, 9), after: r(10, 10) });
  });

  it("refuses a part that is not inside the range", () => {
    expect(refusal(() => splitAround(r(1, 10), r(8, 11)))).toBe("8–11 is not inside 1–10");
  });
});

describe("itemRuns", () => {
  it("joins consecutive items and skips repeats", () => {
    expect(itemRuns([3, 7, 8, 9])).toEqual([r(3, 3), r(7, 9)]);
    expect(itemRuns([1, 1, 2, 2, 4])).toEqual([r(1, 2), r(4, 4)]);
    expect(itemRuns([5, 5])).toEqual([r(5, 5)]);
    expect(itemRuns([5, 6, 6, 8])).toEqual([r(5, 6), r(8, 8)]);
    expect(itemRuns([])).toEqual([]);
  });
});
