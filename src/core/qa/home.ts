/**
 * The QA numbers App Home shows: a person's own accuracy and first-pass rate
 * over the last four weeks, dataset by dataset, and for leads the summary of
 * the datasets the team is working on. App Home is published again after
 * every change, and a dataset's summary reads every range and review of the
 * dataset, so those summaries are kept for a few minutes (and never across
 * the start of a new ISO week) and shown with the time they were made.
 */
import type { LedgerContext } from "../ledger/context.ts";
import { workspaceSchedule } from "../outbox.ts";
import type { Actor } from "../types.ts";
import { type MyQaLine, myQaReport, periodOf } from "./report.ts";
import { type DatasetSummary, qaSummary } from "./summary.ts";
import { isoWeekOf } from "./weeks.ts";

/** The weeks App Home looks back, this one included. */
export const HOME_QA_WEEKS = 4;
/** The datasets a lead's App Home sums up: those whose ranges changed most recently. */
export const HOME_QA_DATASETS = 5;

export interface HomeDatasetQa {
  slug: string;
  title: string;
  itemNoun: string;
  summary: DatasetSummary;
  /** when the numbers were made */
  asOf: Date;
}

export interface HomeQa {
  weeks: number;
  timeZone: string;
  /** my own numbers, per dataset I completed items in or had work reviewed in */
  mine: MyQaLine[];
  /** for leads: the most recently active datasets' summaries */
  datasets: HomeDatasetQa[];
}

/**
 * Dataset summaries kept for `maxAgeMs` at most, per dataset and ISO week (a
 * new week starts afresh), in this process. A summary being made is shared by
 * the callers that ask for it meanwhile.
 */
export class QaSummaryCache {
  private readonly entries = new Map<string, { at: number; value: Promise<DatasetSummary> }>();

  readonly maxAgeMs: number;

  constructor(maxAgeMs = 5 * 60_000) {
    this.maxAgeMs = maxAgeMs;
  }

  get(datasetId: number, week: string, now: Date, make: () => Promise<DatasetSummary>): Promise<DatasetSummary> {
    const key = `${datasetId}:${week}`;
    const hit = this.entries.get(key);
    if (hit && now.getTime() - hit.at < this.maxAgeMs && now.getTime() >= hit.at) return hit.value;
    for (const [k, e] of this.entries) if (now.getTime() - e.at >= this.maxAgeMs) this.entries.delete(k);
    const value = make();
    this.entries.set(key, { at: now.getTime(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  /** When the summary of `datasetId` in `week` was made, if it is kept. */
  madeAt(datasetId: number, week: string): Date | null {
    const e = this.entries.get(`${datasetId}:${week}`);
    return e ? new Date(e.at) : null;
  }
}

/** The QA numbers of `actor`'s App Home; `lead` adds the summaries of the datasets the team works on. */
export async function homeQa(ctx: LedgerContext, cache: QaSummaryCache, actor: Actor, lead: boolean): Promise<HomeQa> {
  const span = { weeks: HOME_QA_WEEKS };
  const mine = await myQaReport(ctx, actor, span);
  const datasets: HomeDatasetQa[] = [];
  if (lead) {
    const r = ctx.store.read;
    const { timezone } = await workspaceSchedule(ctx, r, actor.teamId);
    const now = ctx.config.clock();
    const period = periodOf(span, now, timezone);
    const week = isoWeekOf(now, timezone).key;
    for (const d of await r.datasets.recentlyActive(actor.teamId, period.from, HOME_QA_DATASETS)) {
      const summary = await cache.get(d.id, week, now, async () => {
        const [assignments, reviews] = await Promise.all([
          r.assignments.allOfDataset(d.id),
          r.reviews.factsOfDataset(d.id),
        ]);
        return qaSummary({ dataset: d, assignments, reviews, period, now, timeZone: timezone }).dataset;
      });
      datasets.push({
        slug: d.slug,
        title: d.title,
        itemNoun: d.itemNoun,
        summary,
        asOf: cache.madeAt(d.id, week) ?? now,
      });
    }
  }
  return { weeks: HOME_QA_WEEKS, timeZone: mine.timeZone, mine: mine.datasets, datasets };
}
