/**
 * A dataset's QA summary for a period, and one per annotator and per reviewer
 * in it, built from the rows of `rows.ts` with the metrics of `metrics.ts`:
 * what `/ledger qa` and the weekly digest render.
 */
import { byCodePoint } from "../text.ts";
import { localTime } from "../time.ts";
import {
  accuracy,
  errorPareto,
  type FirstPass,
  type Forecast,
  firstPass,
  forecastFinish,
  goldAccuracy,
  itemsCompleted,
  type Measured,
  type ParetoRow,
  type Remaining,
  remainingItems,
  reviewerLoad,
  type Trend,
  type Turnaround,
  trend,
  turnaround,
} from "./metrics.ts";
import { type AssignmentRow, type DatasetRow, isDecided, type ReviewRow } from "./rows.ts";
import type { Proportion } from "./stats.ts";
import { type IsoWeek, isoWeekOf, type Period, shiftWeek, weekPeriod, weeksOf, within } from "./weeks.ts";

/** The rows of one dataset and the period to sum up. */
export interface QaInput {
  dataset: DatasetRow;
  /** the dataset's ranges (rows of other datasets are ignored) */
  assignments: readonly AssignmentRow[];
  /** the reviews of the dataset's ranges, every round (rows of other datasets are ignored) */
  reviews: readonly ReviewRow[];
  period: Period;
  /** the instant of the summary: the forecast counts from its date, and only full weeks before its week */
  now: Date;
  /** the team's time zone: weeks and dates are local to it */
  timeZone: string;
}

/** Items completed in one ISO week. */
export interface WeekThroughput {
  week: IsoWeek;
  items: number;
}

/** Throughput over the period: its total, week by week, and its last week against the four before. */
export interface Throughput {
  items: number;
  weeks: WeekThroughput[];
  /** the period's last week against the mean of the four weeks before it (only weeks since the first range) */
  trend: Trend;
}

/** How the work of someone (or of a dataset) was judged in review. */
export interface Quality {
  /** reviews decided in the period */
  reviews: number;
  accuracy: Measured<Proportion & { errors: number; clamped: number }>;
  gold: Measured<Proportion>;
  /** over the ranges whose first verdict falls in the period */
  firstPass: FirstPass;
  pareto: ParetoRow[];
}

export interface AnnotatorSummary extends Quality {
  annotatorId: string;
  throughput: Throughput;
}

export interface ReviewerSummary {
  reviewerId: string;
  /** verdicts given in the period */
  decided: number;
  turnaround: Turnaround;
  /** reviews waiting for them now */
  pending: number;
  itemsToCheck: number;
}

export interface DatasetSummary extends Quality {
  datasetId: number;
  period: Period;
  throughput: Throughput;
  remaining: Remaining;
  forecast: Forecast;
  turnaround: Turnaround;
  /** pending reviews nobody holds */
  unassignedReviews: number;
}

/** The full summary: the dataset's, then one per annotator and per reviewer (by id). */
export interface QaSummary {
  dataset: DatasetSummary;
  annotators: AnnotatorSummary[];
  reviewers: ReviewerSummary[];
}

const HISTORY_WEEKS = 4;

/**
 * Up to `count` weeks before `week`, oldest first, leaving out weeks that end
 * before `since` (the first range was taken): a team that began two weeks ago
 * has two weeks of history, not two weeks and two empty ones.
 */
function weeksBefore(week: IsoWeek, count: number, since: Date | null, tz: string): IsoWeek[] {
  if (since === null) return [];
  const weeks: IsoWeek[] = [];
  for (let i = count; i >= 1; i--) {
    const w = shiftWeek(week, -i);
    if (weekPeriod(w, tz).to > since) weeks.push(w);
  }
  return weeks;
}

const earliest = (assignments: readonly AssignmentRow[]): Date | null =>
  assignments.reduce<Date | null>((min, a) => (min === null || a.createdAt < min ? a.createdAt : min), null);

/** Throughput of `assignments` over `period`, week by week, with the trend of its last week. */
export function throughputOf(assignments: readonly AssignmentRow[], period: Period, tz: string): Throughput {
  const inWeek = (w: IsoWeek) => itemsCompleted(assignments, weekPeriod(w, tz));
  const weeks = weeksOf(period, tz).map((week) => ({ week, items: inWeek(week) }));
  const last = weeks.at(-1)?.week ?? isoWeekOf(period.from, tz);
  const history = weeksBefore(last, HISTORY_WEEKS, earliest(assignments), tz).map(inWeek);
  return { items: itemsCompleted(assignments, period), weeks, trend: trend(inWeek(last), history) };
}

/** The reviews decided in `period`. */
const decidedIn = (reviews: readonly ReviewRow[], period: Period) =>
  reviews.filter((r) => isDecided(r) && within(r.decidedAt, period));

/** Every decided review of the ranges whose first verdict (lowest decided round) falls in `period`. */
function reviewsOfRangesFirstDecidedIn(reviews: readonly ReviewRow[], period: Period): ReviewRow[] {
  const first = new Map<number, ReviewRow>();
  for (const r of reviews) {
    if (!isDecided(r)) continue;
    const seen = first.get(r.assignmentId);
    if (!seen || r.round < seen.round) first.set(r.assignmentId, r);
  }
  return reviews.filter((r) => {
    const f = first.get(r.assignmentId);
    return f?.decidedAt != null && within(f.decidedAt, period);
  });
}

/** The quality measures of `reviews` (all rounds) for `period`. */
export function qualityOf(reviews: readonly ReviewRow[], period: Period): Quality {
  const decided = decidedIn(reviews, period);
  return {
    reviews: decided.length,
    accuracy: accuracy(decided),
    gold: goldAccuracy(decided),
    firstPass: firstPass(reviewsOfRangesFirstDecidedIn(reviews, period)),
    pareto: errorPareto(decided),
  };
}

/** The dataset's forecast: its remaining items at the mean of the full weeks before `now`'s week. */
function forecastOf(input: QaInput, assignments: readonly AssignmentRow[], remaining: Remaining): Forecast {
  const tz = input.timeZone;
  const recent = weeksBefore(isoWeekOf(input.now, tz), HISTORY_WEEKS, earliest(assignments), tz).map((w) =>
    itemsCompleted(assignments, weekPeriod(w, tz)),
  );
  return forecastFinish(remaining.total, recent, localTime(input.now, tz).date);
}

/** The summary of a dataset for a period: the dataset's, each annotator's and each reviewer's. */
export function qaSummary(input: QaInput): QaSummary {
  const { dataset, period, timeZone: tz } = input;
  const assignments = input.assignments.filter((a) => a.datasetId === dataset.id);
  const reviews = input.reviews.filter((r) => r.assignment.datasetId === dataset.id);
  const decided = decidedIn(reviews, period);
  const remaining = remainingItems(dataset.itemCount, assignments);
  const load = reviewerLoadOf(reviews);

  const datasetSummary: DatasetSummary = {
    datasetId: dataset.id,
    period,
    throughput: throughputOf(assignments, period, tz),
    remaining,
    forecast: forecastOf(input, assignments, remaining),
    ...qualityOf(reviews, period),
    turnaround: turnaround(decided),
    unassignedReviews: load.unassigned,
  };

  const annotatorIds = new Set<string>();
  for (const a of assignments) {
    if (a.status === "COMPLETED" && a.completedAt !== null && within(a.completedAt, period))
      annotatorIds.add(a.assigneeId);
  }
  for (const r of decided) annotatorIds.add(r.annotatorId);
  const annotators = [...annotatorIds].sort(byCodePoint).map((annotatorId) => ({
    annotatorId,
    throughput: throughputOf(
      assignments.filter((a) => a.assigneeId === annotatorId),
      period,
      tz,
    ),
    ...qualityOf(
      reviews.filter((r) => r.annotatorId === annotatorId),
      period,
    ),
  }));

  const reviewerIds = new Set<string>(load.byReviewer.keys());
  for (const r of decided) if (r.reviewerId !== null) reviewerIds.add(r.reviewerId);
  const reviewers = [...reviewerIds].sort(byCodePoint).map((reviewerId) => {
    const theirs = decided.filter((r) => r.reviewerId === reviewerId);
    const pending = load.byReviewer.get(reviewerId);
    return {
      reviewerId,
      decided: theirs.length,
      turnaround: turnaround(theirs),
      pending: pending?.pending ?? 0,
      itemsToCheck: pending?.itemsToCheck ?? 0,
    };
  });

  return { dataset: datasetSummary, annotators, reviewers };
}

/** The pending reviews per reviewer, and how many nobody holds. */
function reviewerLoadOf(reviews: readonly ReviewRow[]) {
  const { reviewers, unassigned } = reviewerLoad(reviews);
  return { byReviewer: new Map(reviewers.map((l) => [l.reviewerId, l])), unassigned: unassigned.pending };
}
