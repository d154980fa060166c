/**
 * The weekly digest's decisions. On its slot (Monday 09:00 in the team's zone
 * by default) the digest sums up the ISO week that has just ended, dataset by
 * dataset: a post in each dataset channel with the team's numbers (and two
 * chart images, drawn by the renderer), and one DM to each annotator who
 * completed items or had work reviewed that week with their own numbers,
 * their change from the week before and their most frequent error category.
 * Personal numbers never go to a channel. A dataset with no activity in the
 * week gets no post. Every message is keyed by dataset (or person) and week,
 * so a week is told once, however often the job runs.
 */
import type { DatasetRecord, InstructionRecord } from "../../db/records.ts";
import type { LedgerContext } from "../ledger/context.ts";
import { type OutgoingMessage, workspaceSchedule } from "../outbox.ts";
import { type DatasetAgreement, datasetAgreement, type LabelRow } from "../qa/agreement.ts";
import { itemsCompleted } from "../qa/metrics.ts";
import { type AssignmentRow, isDecided, type ReviewRow } from "../qa/rows.ts";
import { type AnnotatorSummary, type DatasetSummary, qaSummary, qualityOf } from "../qa/summary.ts";
import { type IsoWeek, isoWeekOf, type Period, shiftWeek, weekPeriod, within } from "../qa/weeks.ts";
import { byCodePoint } from "../text.ts";
import { enqueueDecided, type JobDecision } from "./decisions.ts";
import { overdueAt } from "./overdue.ts";

/** Weeks of history the digest's chart shows, the digest's week included. */
export const DIGEST_CHART_WEEKS = 8;

/** What a digest shows of its dataset. */
export interface DigestDataset {
  id: number;
  slug: string;
  title: string;
  itemNoun: string;
  itemCount: number;
  channelId: string | null;
}

/** The instructions a digest points to: their version and link (null: text only, shown by `/ledger instructions`). */
export interface DigestInstructions {
  version: number;
  url: string | null;
}

/** One week of the chart: items completed, ranges first judged, of which accepted at once. */
export interface DigestChartWeek {
  week: string;
  completed: number;
  reviewed: number;
  acceptedFirstPass: number;
}

/** A dataset's post: the week's numbers for the team. */
export interface DatasetDigest {
  dataset: DigestDataset;
  week: IsoWeek;
  timeZone: string;
  /** the dataset's numbers over the week (throughput with its trend, quality, forecast) */
  summary: DatasetSummary;
  /** the last `DIGEST_CHART_WEEKS` weeks, oldest first, the digest's week last */
  chart: DigestChartWeek[];
  /** open ranges past their due date, and ranges in progress with no progress for the stalled days, now */
  overdue: number;
  stalled: number;
  stalledAfterDays: number;
  /** annotators who completed items or had work reviewed in the week */
  activeAnnotators: number;
  /** agreement over the labels given in the week (null: none given) */
  agreement: DatasetAgreement | null;
  instructions: DigestInstructions | null;
}

/** One dataset in a person's digest. */
export interface PersonalDigestLine {
  dataset: DigestDataset;
  /** their numbers in the digest's week */
  week: AnnotatorSummary;
  /** their numbers the week before (null: nothing of theirs was completed or reviewed then) */
  before: AnnotatorSummary | null;
  /** their most frequent error category in the week, and how many */
  topError: { category: string; count: number } | null;
  instructions: DigestInstructions | null;
}

/** A person's DM: their own numbers in each dataset they were active in. */
export interface PersonalDigest {
  userId: string;
  week: IsoWeek;
  timeZone: string;
  lines: PersonalDigestLine[];
}

/** How the digest's messages look: pure functions from the decisions to message content (elsewhere). */
export interface DigestRender {
  channel(d: DatasetDigest): unknown;
  person(p: PersonalDigest): unknown;
}

export const digestKey = (datasetId: number, week: IsoWeek): string => `digest:${datasetId}:${week.key}`;
export const personalDigestKey = (userId: string, week: IsoWeek): string => `digest-dm:${userId}:${week.key}`;

/** The week a digest run at `now` sums up: the last full ISO week before `now`'s, in `tz`. */
export const digestWeekOf = (now: Date, tz: string): IsoWeek => shiftWeek(isoWeekOf(now, tz), -1);

/** True when anything happened to the dataset in `period`: a range taken or completed, a review opened or decided. */
export function hadActivity(assignments: readonly AssignmentRow[], reviews: readonly ReviewRow[], period: Period) {
  return (
    assignments.some((a) => within(a.createdAt, period) || (a.completedAt !== null && within(a.completedAt, period))) ||
    reviews.some((r) => within(r.createdAt, period) || (isDecided(r) && within(r.decidedAt, period)))
  );
}

/** The chart's weeks: `DIGEST_CHART_WEEKS` weeks through `week`, oldest first. */
export function chartWeeks(
  assignments: readonly AssignmentRow[],
  reviews: readonly ReviewRow[],
  week: IsoWeek,
  tz: string,
): DigestChartWeek[] {
  const out: DigestChartWeek[] = [];
  for (let i = DIGEST_CHART_WEEKS - 1; i >= 0; i--) {
    const w = shiftWeek(week, -i);
    const period = weekPeriod(w, tz);
    const { firstPass } = qualityOf(reviews, period);
    out.push({
      week: w.key,
      completed: itemsCompleted(assignments, period),
      reviewed: firstPass.ranges,
      acceptedFirstPass: firstPass.acceptedFirst,
    });
  }
  return out;
}

/** The digest of one dataset for `week`, and the lines of its active annotators' DMs; null when nothing happened. */
export function datasetDigest(input: {
  dataset: DatasetRecord;
  assignments: readonly AssignmentRow[];
  reviews: readonly ReviewRow[];
  /** the labels given in the week */
  labels: readonly LabelRow[];
  week: IsoWeek;
  now: Date;
  timeZone: string;
  overdue: number;
  stalled: number;
  stalledAfterDays: number;
  instructions: InstructionRecord | null;
}): { digest: DatasetDigest; lines: Map<string, PersonalDigestLine> } | null {
  const { dataset: d, assignments, reviews, week, timeZone } = input;
  const period = weekPeriod(week, timeZone);
  if (!hadActivity(assignments, reviews, period) && input.labels.length === 0) return null;
  const summary = qaSummary({ dataset: d, assignments, reviews, period, now: input.now, timeZone });
  const before = qaSummary({
    dataset: d,
    assignments,
    reviews,
    period: weekPeriod(shiftWeek(week, -1), timeZone),
    now: input.now,
    timeZone,
  });
  const dataset: DigestDataset = {
    id: d.id,
    slug: d.slug,
    title: d.title,
    itemNoun: d.itemNoun,
    itemCount: d.itemCount,
    channelId: d.channelId,
  };
  const instructions = input.instructions ? { version: input.instructions.version, url: input.instructions.url } : null;
  const lines = new Map<string, PersonalDigestLine>();
  // A summary lists the annotators who completed items or had work reviewed in its period: the active ones.
  const annotators = summary.annotators;
  for (const a of annotators) {
    const prior = before.annotators.find((b) => b.annotatorId === a.annotatorId);
    const top = a.pareto[0];
    lines.set(a.annotatorId, {
      dataset,
      week: a,
      before: prior ?? null,
      topError: top ? { category: top.category, count: top.count } : null,
      instructions,
    });
  }
  return {
    digest: {
      dataset,
      week,
      timeZone,
      summary: summary.dataset,
      chart: chartWeeks(assignments, reviews, week, timeZone),
      overdue: input.overdue,
      stalled: input.stalled,
      stalledAfterDays: input.stalledAfterDays,
      activeAnnotators: annotators.length,
      agreement: datasetAgreement(input.labels),
      instructions,
    },
    lines,
  };
}

const DAY_MS = 86_400_000;

/**
 * Decides and writes (unless `dryRun`) the digest of one workspace for the
 * week before `now`'s. Each dataset is read on its own (its ranges and
 * reviews, never the workspace's at once) and rendered outside any
 * transaction; each post is written as soon as it is made, the DMs together at
 * the end. A post already written for the week is neither rendered nor
 * written again.
 */
export async function runDigest(
  ctx: LedgerContext,
  teamId: string,
  now: Date,
  render: DigestRender,
  o: { dryRun: boolean },
): Promise<JobDecision> {
  await ctx.store.ensureWorkspace(teamId);
  const r = ctx.store.read;
  const schedule = await workspaceSchedule(ctx, r, teamId);
  const tz = schedule.timezone;
  const week = digestWeekOf(now, tz);

  // Overdue ranges now, counted per dataset (as the overdue job sees them).
  const overdue = countBy(await overdueAt(r, teamId, tz, now), (x) => x.dataset.id);
  // Stalled: in progress with no progress for the stalled days (as the stalled job sees them).
  const stalled = await r.assignments.idleCountByDataset(
    teamId,
    new Date(now.getTime() - schedule.stalledAfterDays * DAY_MS),
  );

  const datasets = await r.datasets.list(teamId, false);
  const posted = await r.outbox.existingKeys(
    teamId,
    datasets.map((d) => digestKey(d.id, week)),
  );
  const messages: OutgoingMessage[] = [];
  const personal = new Map<string, PersonalDigestLine[]>();
  const period = weekPeriod(week, tz);
  for (const d of datasets) {
    const [assignments, reviews, labels] = await Promise.all([
      r.assignments.allOfDataset(d.id),
      r.reviews.factsOfDataset(d.id),
      r.labels.ofDataset(d.id, period.from, period.to),
    ]);
    const decided = datasetDigest({
      dataset: d,
      assignments,
      reviews,
      labels: labels.map((l) => ({ item: l.item, rater: l.annotatorId, label: l.label })),
      week,
      now,
      timeZone: tz,
      overdue: overdue.get(d.id) ?? 0,
      stalled: stalled.get(d.id) ?? 0,
      stalledAfterDays: schedule.stalledAfterDays,
      instructions: await r.datasets.latestInstruction(d.id),
    });
    if (!decided) continue;
    for (const [user, line] of decided.lines) {
      const list = personal.get(user);
      if (list) list.push(line);
      else personal.set(user, [line]);
    }
    const key = digestKey(d.id, week);
    if (!d.channelId || posted.has(key)) continue;
    const post: OutgoingMessage = {
      key,
      kind: "digest",
      to: { channel: d.channelId },
      content: render.channel(decided.digest),
      workingHours: true,
    };
    // Written at once (its images are the bulk of the run's memory); its key keeps it single.
    messages.push(...(await ctx.store.transaction((tx) => enqueueDecided(ctx, tx, teamId, [post], now, o.dryRun))));
  }
  const told = await r.outbox.existingKeys(
    teamId,
    [...personal.keys()].map((u) => personalDigestKey(u, week)),
  );
  const dms: OutgoingMessage[] = [];
  for (const [userId, lines] of [...personal].sort(([a], [b]) => byCodePoint(a, b))) {
    const key = personalDigestKey(userId, week);
    if (told.has(key)) continue;
    dms.push({
      key,
      kind: "digest_dm",
      to: { user: userId },
      content: render.person({ userId, week, timeZone: tz, lines }),
      workingHours: true,
    });
  }
  if (dms.length > 0)
    messages.push(...(await ctx.store.transaction((tx) => enqueueDecided(ctx, tx, teamId, dms, now, o.dryRun))));
  return { messages, facts: messages.length };
}

function countBy<T>(items: readonly T[], key: (t: T) => number): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}
