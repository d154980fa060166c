import { invalid } from "./errors.ts";
import type { Range } from "./types.ts";

/** "120–180", or "120" for a one-item range. */
export const formatRange = ({ first, last }: Range): string => (first === last ? `${first}` : `${first}–${last}`);

export const rangeSize = ({ first, last }: Range): number => last - first + 1;

export const overlaps = (a: Range, b: Range): boolean => a.first <= b.last && b.first <= a.last;

export const contains = (outer: Range, inner: Range): boolean => outer.first <= inner.first && inner.last <= outer.last;

export const intersection = (a: Range, b: Range): Range | null =>
  overlaps(a, b) ? { first: Math.max(a.first, b.first), last: Math.min(a.last, b.last) } : null;

/** Checks a range against a dataset of `itemCount` items (numbered 1..itemCount). */
export function checkRangeInside(range: Range, itemCount: number, datasetSlug: string): void {
  if (!Number.isSafeInteger(range.first) || !Number.isSafeInteger(range.last)) {
    throw invalid("item numbers must be whole numbers");
  }
  if (range.first < 1) throw invalid(`items are numbered from 1; ${range.first} is not an item of ${datasetSlug}`);
  if (range.last < range.first) {
    throw invalid(
      `the range ${range.first}-${range.last} ends before it starts; write it as ${range.last}-${range.first}`,
    );
  }
  if (range.last > itemCount) {
    throw invalid(`${datasetSlug} has ${itemCount} items (1–${itemCount}); ${formatRange(range)} goes past the end`);
  }
}

/**
 * Items done are a count, and annotators work a range from its first item on:
 * the done items of a range are first..first+done-1. This gives the done count
 * of any part of the range.
 */
export function doneWithin(range: Range, itemsDone: number, part: Range): number {
  const lastDone = range.first + itemsDone - 1;
  if (lastDone < part.first) return 0;
  return Math.min(lastDone, part.last) - part.first + 1;
}

export interface SplitParts {
  /** items before the moved part, kept by the owner */
  before: Range | null;
  moved: Range;
  /** items after the moved part, kept by the owner */
  after: Range | null;
}

/** Splits `range` around the sub-range `moved` (which must lie inside it). */
export function splitAround(range: Range, moved: Range): SplitParts {
  if (!contains(range, moved)) {
    throw invalid(`${formatRange(moved)} is not inside ${formatRange(range)}`);
  }
  return {
    before: moved.first > range.first ? { first: range.first, last: moved.first - 1 } : null,
    moved,
    after: moved.last < range.last ? { first: moved.last + 1, last: range.last } : null,
  };
}

/** Sorted distinct items as runs of consecutive ones: [3, 7, 8, 9] → 3, 7–9. */
export function itemRuns(items: readonly number[]): Range[] {
  const runs: Range[] = [];
  for (const i of items) {
    const last = runs[runs.length - 1];
    if (last && i === last.last + 1) last.last = i;
    else if (!last || i > last.last) runs.push({ first: i, last: i });
  }
  return runs;
}
