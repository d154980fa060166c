/**
 * The small statistics the QA metrics share: a proportion with its Wilson
 * score interval, the median, and the nearest-rank percentile.
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959964;

/** A share of successes out of a sample, with its 95 % Wilson score interval (all in [0, 1]). */
export interface Proportion {
  /** successes ÷ trials */
  value: number;
  successes: number;
  trials: number;
  low: number;
  high: number;
}

/**
 * The Wilson score interval of `successes` out of `trials` (trials > 0):
 * (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n). Unlike p ± z·√(p(1−p)/n)
 * it stays inside [0, 1] and stays wide on a small sample, so 5 of 5 does not
 * read like 500 of 500. Successes are clamped into [0, trials].
 */
export function wilson(successes: number, trials: number, z: number = Z_95): Proportion {
  if (!(trials > 0)) throw new RangeError("a proportion needs at least one trial");
  const s = Math.min(Math.max(successes, 0), trials);
  const p = s / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At p = 0 (p = 1) the bound is 0 (1) exactly; the float arithmetic may miss it by an ulp.
  const low = s === 0 ? 0 : Math.max(0, centre - half);
  const high = s === trials ? 1 : Math.min(1, centre + half);
  return { value: p, successes: s, trials, low, high };
}

/** The arithmetic mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** The median: the middle value, or the mean of the two middle values of an even count; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = ascending(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The nearest-rank percentile: the smallest value such that at least `p` % of
 * the values are at or below it, i.e. the ⌈p/100 · n⌉-th smallest (the first
 * for p = 0). Always one of the values, never interpolated; null for no values.
 */
export function percentileNearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError("a percentile is between 0 and 100");
  const s = ascending(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1]!;
}
