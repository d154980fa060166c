/**
 * The QA metrics of a dataset, an annotator or a reviewer: pure functions over
 * the rows of `rows.ts` (the caller picks whose rows and which period).
 */
import { Temporal } from "temporal-polyfill";
import { byCodePoint } from "../text.ts";
import { type AssignmentRow, isDecided, type ReviewRow, sizeOf } from "./rows.ts";
import { mean, median, type Proportion, percentileNearestRank, wilson } from "./stats.ts";
import { type Period, within } from "./weeks.ts";

// ── throughput ─────────────────────────────────────────────────────────────

/** Items completed in `period`: the sizes of the ranges whose completion falls in it. */
export function itemsCompleted(assignments: readonly AssignmentRow[], period: Period): number {
  let items = 0;
  for (const a of assignments) {
    if (a.status === "COMPLETED" && a.completedAt !== null && within(a.completedAt, period)) items += sizeOf(a);
  }
  return items;
}

/** A period's throughput against the mean of the periods before it. */
export type Trend =
  | { kind: "no-history"; current: number }
  | {
      kind: "trend";
      current: number;
      /** the mean of the earlier periods */
      baseline: number;
      /** current − baseline */
      difference: number;
      /** current ÷ baseline; null when the baseline is 0 */
      ratio: number | null;
    };

/** `current` against the mean of `history` (the previous weeks, at most four by convention); "no history" for none. */
export function trend(current: number, history: readonly number[]): Trend {
  const baseline = mean(history);
  if (baseline === null) return { kind: "no-history", current };
  return {
    kind: "trend",
    current,
    baseline,
    difference: current - baseline,
    ratio: baseline > 0 ? current / baseline : null,
  };
}

/** What is left of a dataset: items no range holds, and items of ranges held but not completed. */
export interface Remaining {
  free: number;
  inFlight: number;
  total: number;
}

/** The items of a dataset of `itemCount` items still free or in flight, given its ranges. */
export function remainingItems(itemCount: number, assignments: readonly AssignmentRow[]): Remaining {
  let held = 0;
  let inFlight = 0;
  for (const a of assignments) {
    if (a.status === "RELEASED") continue;
    held += sizeOf(a);
    if (a.status !== "COMPLETED") inFlight += sizeOf(a);
  }
  const free = Math.max(0, itemCount - held);
  return { free, inFlight, total: free + inFlight };
}

/** When a dataset should be finished at its recent pace. */
export type Forecast =
  | { kind: "finished" }
  | { kind: "no-forecast"; reason: "no recent throughput" }
  | {
      kind: "forecast";
      /** items per week: the mean of the recent weeks */
      perWeek: number;
      remaining: number;
      weeks: number;
      /** the calendar date (YYYY-MM-DD) the last item should be done */
      finish: string;
    };

/**
 * The finish date of `remaining` items at the mean of `recentWeeks` (items
 * completed per week), counted in whole days from `today` (YYYY-MM-DD) and
 * rounded up: 10 items left at 20 a week is 3.5 days, so 4 days after today.
 */
export function forecastFinish(remaining: number, recentWeeks: readonly number[], today: string): Forecast {
  if (remaining <= 0) return { kind: "finished" };
  const perWeek = mean(recentWeeks);
  if (perWeek === null || perWeek <= 0) return { kind: "no-forecast", reason: "no recent throughput" };
  const weeks = remaining / perWeek;
  // remaining × 7 ÷ perWeek rather than weeks × 7: 130 ÷ 17.5 × 7 is 52.000…01 in floating point.
  const finish = Temporal.PlainDate.from(today)
    .add({ days: Math.ceil((remaining * 7) / perWeek) })
    .toString();
  return { kind: "forecast", perWeek, remaining, weeks, finish };
}

// ── accuracy ───────────────────────────────────────────────────────────────

/** A share measured on a sample, or "no data" when nothing was measured. */
export type Measured<T> = { kind: "no-data" } | ({ kind: "measured" } & T);

/** The errors of one review, each category's count clamped to ≥ 0. */
function errorCount(r: Pick<ReviewRow, "errors">): number {
  let n = 0;
  for (const count of Object.values(r.errors)) n += Math.max(0, count);
  return n;
}

/**
 * Accuracy of the decided reviews: 1 − Σ errors ÷ Σ items checked, weighted by
 * items checked (a review of 500 items weighs 100 times one of 5), with its
 * 95 % Wilson interval. A review counting more errors than items checked
 * counts as all wrong (its errors are clamped to its items), and is counted in
 * `clamped`; reviews without items checked are left out.
 */
export function accuracy(reviews: readonly ReviewRow[]): Measured<Proportion & { errors: number; clamped: number }> {
  let checked = 0;
  let errors = 0;
  let clamped = 0;
  for (const r of reviews) {
    if (!isDecided(r) || r.itemsChecked === null || r.itemsChecked <= 0) continue;
    const e = errorCount(r);
    if (e > r.itemsChecked) clamped++;
    checked += r.itemsChecked;
    errors += Math.min(e, r.itemsChecked);
  }
  if (checked === 0) return { kind: "no-data" };
  return { kind: "measured", ...wilson(checked - errors, checked), errors, clamped };
}

/** Gold accuracy of the decided reviews: Σ gold correct ÷ Σ gold checked (correct clamped to checked), with its Wilson interval. */
export function goldAccuracy(reviews: readonly ReviewRow[]): Measured<Proportion> {
  let checked = 0;
  let correct = 0;
  for (const r of reviews) {
    if (!isDecided(r) || r.goldChecked <= 0) continue;
    checked += r.goldChecked;
    correct += Math.min(Math.max(r.goldCorrect, 0), r.goldChecked);
  }
  if (checked === 0) return { kind: "no-data" };
  return { kind: "measured", ...wilson(correct, checked) };
}

// ── first-pass acceptance ──────────────────────────────────────────────────

/** How ranges fared in review: accepted at their first verdict, and how many times they were sent back. */
export interface FirstPass {
  /** ranges with at least one verdict */
  ranges: number;
  /** of those, ranges whose first verdict was an acceptance */
  acceptedFirst: number;
  /** acceptedFirst ÷ ranges; null for no ranges */
  rate: number | null;
  /** rework rounds (verdicts asking for changes) per range: mean and most; null for no ranges */
  reworkMean: number | null;
  reworkMax: number | null;
}

/**
 * First-pass acceptance over the ranges of `reviews`: a range's first verdict
 * is its decided review of the lowest round (a cancelled or pending round does
 * not count); its rework rounds are its verdicts asking for changes.
 */
export function firstPass(reviews: readonly ReviewRow[]): FirstPass {
  const byRange = new Map<number, { first: ReviewRow; rework: number }>();
  for (const r of reviews) {
    if (!isDecided(r)) continue;
    const entry = byRange.get(r.assignmentId);
    const rework = r.status === "CHANGES_REQUESTED" ? 1 : 0;
    if (!entry) byRange.set(r.assignmentId, { first: r, rework });
    else {
      entry.rework += rework;
      if (r.round < entry.first.round) entry.first = r;
    }
  }
  const ranges = [...byRange.values()];
  const acceptedFirst = ranges.filter((e) => e.first.status === "ACCEPTED").length;
  const rework = ranges.map((e) => e.rework);
  return {
    ranges: ranges.length,
    acceptedFirst,
    rate: ranges.length > 0 ? acceptedFirst / ranges.length : null,
    reworkMean: mean(rework),
    reworkMax: rework.length > 0 ? Math.max(...rework) : null,
  };
}

// ── error Pareto ───────────────────────────────────────────────────────────

/** One category of the error Pareto. */
export interface ParetoRow {
  category: string;
  count: number;
  /** count ÷ all errors */
  share: number;
  /** the shares of this category and every one above it */
  cumulative: number;
}

/**
 * Errors of the decided reviews by taxonomy category, most first (ties in
 * the order of the names' code points), with each one's share and the
 * cumulative share; categories without errors are left out.
 */
export function errorPareto(reviews: readonly ReviewRow[]): ParetoRow[] {
  const counts = new Map<string, number>();
  for (const r of reviews) {
    if (!isDecided(r)) continue;
    for (const [category, n] of Object.entries(r.errors)) {
      if (n > 0) counts.set(category, (counts.get(category) ?? 0) + n);
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const sorted = [...counts.entries()].sort(([a, x], [b, y]) => y - x || byCodePoint(a, b));
  let running = 0;
  return sorted.map(([category, count]) => {
    running += count;
    return { category, count, share: count / total, cumulative: running / total };
  });
}

// ── turnaround and load ────────────────────────────────────────────────────

/** Hours from a review's opening (the range's submission) to its verdict. */
export interface Turnaround {
  reviews: number;
  /** null for no reviews */
  medianHours: number | null;
  /** the nearest-rank 90th percentile; null for no reviews */
  p90Hours: number | null;
}

const HOUR = 3_600_000;

/** Review turnaround of the decided reviews: median and nearest-rank p90 of the hours from submission to verdict. */
export function turnaround(reviews: readonly ReviewRow[]): Turnaround {
  const hours: number[] = [];
  for (const r of reviews) {
    if (isDecided(r)) hours.push(Math.max(0, r.decidedAt.getTime() - r.createdAt.getTime()) / HOUR);
  }
  return { reviews: hours.length, medianHours: median(hours), p90Hours: percentileNearestRank(hours, 90) };
}

/** What waits for one reviewer. */
export interface ReviewerLoad {
  reviewerId: string;
  pending: number;
  /** the sample sizes of the pending reviews */
  itemsToCheck: number;
}

/**
 * The pending reviews per reviewer, most items to check first (ties: most
 * reviews, then reviewer id); pending reviews nobody holds are counted apart.
 */
export function reviewerLoad(reviews: readonly ReviewRow[]): {
  reviewers: ReviewerLoad[];
  unassigned: Omit<ReviewerLoad, "reviewerId">;
} {
  const loads = new Map<string, ReviewerLoad>();
  const unassigned = { pending: 0, itemsToCheck: 0 };
  for (const r of reviews) {
    if (r.status !== "PENDING") continue;
    let load: Omit<ReviewerLoad, "reviewerId"> = unassigned;
    if (r.reviewerId !== null) {
      const theirs = loads.get(r.reviewerId) ?? { reviewerId: r.reviewerId, pending: 0, itemsToCheck: 0 };
      loads.set(r.reviewerId, theirs);
      load = theirs;
    }
    load.pending++;
    load.itemsToCheck += r.sampleSize;
  }
  const reviewers = [...loads.values()].sort(
    (a, b) => b.itemsToCheck - a.itemsToCheck || b.pending - a.pending || byCodePoint(a.reviewerId, b.reviewerId),
  );
  return { reviewers, unassigned };
}
