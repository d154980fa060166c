/**
 * `/ledger qa`: a dataset's QA summary for the last weeks or since a date, in
 * the team's zone, read from the ledger for the people who judge the work
 * (its reviewers and leads).
 */
import { Temporal } from "temporal-polyfill";
import { forbidden, invalid } from "../errors.ts";
import { type LedgerContext, roleOf } from "../ledger/context.ts";
import { requireDataset } from "../ledger/datasets.ts";
import { workspaceSchedule } from "../outbox.ts";
import { atLeast } from "../roles.ts";
import type { Actor } from "../types.ts";
import { type DatasetAgreement, datasetAgreement, type GoldLabelAccuracy, goldLabelAccuracy } from "./agreement.ts";
import { type AnnotatorSummary, type QaSummary, qaSummary } from "./summary.ts";
import { isoWeekOf, type Period, shiftWeek, weekPeriod } from "./weeks.ts";

/** The span a report covers: the last N ISO weeks (this one included), or since a date. */
export type QaSpan = { weeks: number } | { since: string };

/** The most weeks a report looks back. */
export const QA_MAX_WEEKS = 52;

export interface QaReport {
  dataset: string;
  title: string;
  timeZone: string;
  span: QaSpan;
  summary: QaSummary;
  /** agreement over the labels given in the period (null: no labels) */
  agreement: DatasetAgreement | null;
  /** the period's labels of gold items against their known answers (null: none) */
  goldLabels: GoldLabelAccuracy | null;
}

/**
 * The period of `span` in `tz`, up to the end of the current ISO week (so
 * that what happened at `now` itself is in it); a date in the future or a
 * number of weeks out of range is refused.
 */
export function periodOf(span: QaSpan, now: Date, tz: string): Period {
  const current = isoWeekOf(now, tz);
  const to = weekPeriod(current, tz).to;
  if ("weeks" in span) {
    if (!Number.isSafeInteger(span.weeks) || span.weeks < 1 || span.weeks > QA_MAX_WEEKS)
      throw invalid(`weeks must be between 1 and ${QA_MAX_WEEKS}, not ${span.weeks}`);
    const first = shiftWeek(current, -(span.weeks - 1));
    return { from: weekPeriod(first, tz).from, to };
  }
  let day: Temporal.PlainDate;
  try {
    day = Temporal.PlainDate.from(span.since); // a date that does not exist is refused, not moved
  } catch {
    throw invalid(`"${span.since}" is not a date; write it as YYYY-MM-DD`);
  }
  const from = new Date(day.toZonedDateTime({ timeZone: tz }).epochMilliseconds);
  if (from > now) throw invalid(`${span.since} is in the future; give a date up to today`);
  return { from, to };
}

/** The QA summary of dataset `slug` over `span`: for its reviewers and leads (and admins). */
export async function qaReport(ctx: LedgerContext, actor: Actor, slug: string, span: QaSpan): Promise<QaReport> {
  const r = ctx.store.read;
  const d = await requireDataset(r, actor.teamId, slug);
  if (!atLeast(await roleOf(ctx, r, actor, d.id, { register: false }), "REVIEWER"))
    throw forbidden(`only reviewers and leads see the QA numbers of ${d.slug}; /ledger qa me shows yours`);
  const { timezone } = await workspaceSchedule(ctx, r, actor.teamId);
  const now = ctx.config.clock();
  const period = periodOf(span, now, timezone);
  const [assignments, reviews, labels, gold] = await Promise.all([
    r.assignments.allOfDataset(d.id),
    r.reviews.factsOfDataset(d.id),
    r.labels.ofDataset(d.id, period.from, period.to),
    r.labels.goldOf(d.id),
  ]);
  const rows = labels.map((l) => ({ item: l.item, rater: l.annotatorId, label: l.label }));
  return {
    dataset: d.slug,
    title: d.title,
    timeZone: timezone,
    span,
    summary: qaSummary({ dataset: d, assignments, reviews, period, now, timeZone: timezone }),
    agreement: datasetAgreement(rows),
    goldLabels: goldLabelAccuracy(rows, new Map(gold.map((g) => [g.item, g.label]))),
  };
}

/** One dataset's numbers of one person. */
export interface MyQaLine {
  dataset: string;
  title: string;
  mine: AnnotatorSummary;
}

export interface MyQaReport {
  timeZone: string;
  span: QaSpan;
  /** datasets where the person completed items or had work reviewed in the period */
  datasets: MyQaLine[];
}

/** `/ledger qa me`: a person's own numbers over `span`, dataset by dataset (anyone may see their own). */
export async function myQaReport(ctx: LedgerContext, actor: Actor, span: QaSpan): Promise<MyQaReport> {
  const r = ctx.store.read;
  const { timezone } = await workspaceSchedule(ctx, r, actor.teamId);
  const now = ctx.config.clock();
  const period = periodOf(span, now, timezone);
  const [assignments, reviews] = await Promise.all([
    r.assignments.ofAssignee(actor.teamId, actor.userId),
    r.reviews.factsOfAnnotator(actor.teamId, actor.userId),
  ]);
  const datasetIds = [
    ...new Set([...assignments.map((a) => a.datasetId), ...reviews.map((v) => v.assignment.datasetId)]),
  ];
  const datasets: MyQaLine[] = [];
  for (const id of datasetIds) {
    const d = await r.datasets.findById(id);
    if (!d) continue;
    // Of the person's own work only: they are its one annotator, listed when they completed
    // items or had work reviewed in the period.
    const s = qaSummary({ dataset: d, assignments, reviews, period, now, timeZone: timezone });
    const mine = s.annotators.find((a) => a.annotatorId === actor.userId);
    if (mine) datasets.push({ dataset: d.slug, title: d.title, mine });
  }
  return { timeZone: timezone, span, datasets };
}
