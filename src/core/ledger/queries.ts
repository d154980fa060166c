import { addDays, dateIn } from "../dates.ts";
import { assignmentRef } from "../refs.ts";
import { LIVE_STATUSES, OPEN_STATUSES } from "../transitions.ts";
import type { AssignmentStatus, AssignmentView, DatasetView, Range } from "../types.ts";
import { assignmentView, STATUS_ORDER } from "../views.ts";
import { type AnnotatorLoad, computeWorkload } from "../workload.ts";
import type { LedgerContext } from "./context.ts";
import { getDataset } from "./datasets.ts";
import { unacknowledged } from "./instructions.ts";

export interface AssignmentFilter {
  assigneeId?: string;
  dataset?: string;
  statuses?: readonly AssignmentStatus[];
  limit?: number;
}

/** Assignments, most actionable first (in progress, rework, pending, in review, completed). */
export async function listAssignments(
  ctx: LedgerContext,
  teamId: string,
  f: AssignmentFilter = {},
): Promise<AssignmentView[]> {
  const rows = await ctx.store.read.assignments.list(teamId, {
    assigneeId: f.assigneeId,
    dataset: f.dataset,
    statuses: f.statuses ?? LIVE_STATUSES,
    limit: f.limit ?? 200,
  });
  return rows.map((a) => assignmentView(a, a.dataset)).sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

export interface Coverage {
  dataset: DatasetView;
  itemCount: number;
  /** items held by live assignments */
  claimedItems: number;
  /** items marked done in live assignments */
  doneItems: number;
  inReviewItems: number;
  /** items of accepted (COMPLETED) ranges */
  completedItems: number;
  freeItems: number;
  /** free spans, lowest first (at most 50) */
  gaps: Range[];
  gapCount: number;
  rangesByStatus: Record<AssignmentStatus, number>;
  overdueRanges: number;
  /** ranges in progress with no progress for the workspace's stalled days, longest idle first */
  stalled: { ref: string; assigneeId: string; idleDays: number }[];
  stalledAfterDays: number;
  load: AnnotatorLoad[];
  /** people working on the dataset who have not acknowledged its current instructions */
  unacknowledged: string[];
  /** items done per day over the last 14 days */
  itemsPerDay: number;
  /** YYYY-MM-DD when the remaining items would be done at that pace; null without recent progress */
  forecastFinish: string | null;
  today: string;
}

const FORECAST_WINDOW_DAYS = 14;

/**
 * Items done recorded by progress and submit events: the sum of each event's increase.
 * Every such event records the range before and after the change.
 */
function itemsDoneIn(changes: readonly { before: unknown; after: unknown }[]): number {
  let done = 0;
  for (const e of changes) {
    const before = (e.before as { itemsDone: number }).itemsDone;
    const after = (e.after as { itemsDone: number }).itemsDone;
    done += Math.max(0, after - before);
  }
  return done;
}

/** Coverage of a dataset: what is claimed, done, reviewed and free; who holds how much; when it will be finished. */
export async function coverage(ctx: LedgerContext, teamId: string, slug: string): Promise<Coverage> {
  const dataset = await getDataset(ctx, teamId, slug);
  const r = ctx.store.read;
  const now = ctx.config.clock();
  const today = dateIn(ctx.config.defaultTimezone, now);
  const since = new Date(now.getTime() - FORECAST_WINDOW_DAYS * 86_400_000);
  const [live, spans, members, progress, workspace] = await Promise.all([
    r.assignments.liveLoad(dataset.id),
    r.assignments.freeSpans(dataset.id),
    r.members.capacities(teamId),
    r.audit.changesSince(dataset.id, ["assignment.progress", "assignment.submit"], since),
    r.workspaces.get(teamId),
  ]);
  // A dataset belongs to a registered workspace (a foreign key), so its settings are there.
  const stalledAfterDays = workspace!.stalledAfterDays;
  const stalled: Coverage["stalled"] = [];
  const rangesByStatus = Object.fromEntries(
    (["PENDING", "IN_PROGRESS", "IN_REVIEW", "CHANGES_REQUESTED", "COMPLETED", "RELEASED"] as const).map((s) => [s, 0]),
  ) as Record<AssignmentStatus, number>;
  let claimedItems = 0;
  let doneItems = 0;
  let inReviewItems = 0;
  let completedItems = 0;
  let overdueRanges = 0;
  for (const a of live) {
    const size = a.last - a.first + 1;
    rangesByStatus[a.status] += 1;
    claimedItems += size;
    doneItems += a.itemsDone;
    if (a.status === "IN_REVIEW") inReviewItems += size;
    if (a.status === "COMPLETED") completedItems += size;
    if (a.dueDate && OPEN_STATUSES.includes(a.status) && a.dueDate.toISOString().slice(0, 10) < today)
      overdueRanges += 1;
    const idleSince = a.lastProgressAt ?? a.startedAt;
    if (a.status === "IN_PROGRESS" && idleSince) {
      const idleDays = Math.floor((now.getTime() - idleSince.getTime()) / 86_400_000);
      if (idleDays >= stalledAfterDays) stalled.push({ ref: assignmentRef(a.id), assigneeId: a.assigneeId, idleDays });
    }
  }
  stalled.sort((x, y) => y.idleDays - x.idleDays);
  const freeItems = spans.reduce((n, s) => n + s.last - s.first + 1, 0);
  const recentDone = itemsDoneIn(progress);
  const itemsPerDay = Math.round((recentDone / FORECAST_WINDOW_DAYS) * 10) / 10;
  const remaining = dataset.itemCount - doneItems;
  const forecastFinish =
    remaining <= 0
      ? today
      : itemsPerDay > 0
        ? addDays(today, Math.ceil(remaining / (recentDone / FORECAST_WINDOW_DAYS)))
        : null;
  const people = new Map<string, number>();
  const holders = new Set(live.map((a) => a.assigneeId));
  for (const m of members)
    if (holders.has(m.userId)) people.set(m.userId, m.capacityPerWeek ?? ctx.config.defaultCapacity);
  return {
    dataset,
    itemCount: dataset.itemCount,
    claimedItems,
    doneItems,
    inReviewItems,
    completedItems,
    freeItems,
    gaps: spans.slice(0, 50),
    gapCount: spans.length,
    rangesByStatus,
    overdueRanges,
    stalled,
    stalledAfterDays,
    load: computeWorkload(live, people, ctx.config.defaultCapacity),
    unacknowledged: await unacknowledged(r, dataset.id, dataset.instructions?.version ?? null),
    itemsPerDay,
    forecastFinish,
    today,
  };
}

/** Workload of every member of a workspace (everyone, including those who hold nothing). */
export async function workload(ctx: LedgerContext, teamId: string): Promise<AnnotatorLoad[]> {
  const r = ctx.store.read;
  const [open, members] = await Promise.all([r.assignments.openLoad(teamId), r.members.capacities(teamId)]);
  const people = new Map(members.map((m) => [m.userId, m.capacityPerWeek ?? ctx.config.defaultCapacity]));
  return computeWorkload(open, people, ctx.config.defaultCapacity);
}
