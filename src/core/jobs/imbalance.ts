/**
 * The imbalance job's decisions. An annotator's load is the items left in
 * their open ranges (every dataset) in working days at their capacity. A
 * dataset is unbalanced when the most loaded of the people working on it
 * has more than twice the median load and another of them has less than a
 * day of work. Its leads are then told who is over and under, with concrete
 * moves: a pending range, or the unstarted tail of one in progress, from the
 * most loaded to the least, with each side's load after. The same imbalance
 * is not told again unless it got worse.
 */
import { formatIsoDate } from "../dates.ts";
import { conflict, notFound } from "../errors.ts";
import { type LedgerContext, leadsOf, requireLead } from "../ledger/context.ts";
import type { OutgoingMessage } from "../outbox.ts";
import { formatRange, rangeSize } from "../ranges.ts";
import { assignmentRef, parseAssignmentRef } from "../refs.ts";
import { byCodePoint } from "../text.ts";
import type { Actor, AssignmentStatus, Range } from "../types.ts";
import { WORKING_DAYS_PER_WEEK } from "../workload.ts";
import { enqueueDecided, groupBy, type JobDecision, tell } from "./decisions.ts";

export interface Person {
  userId: string;
  daysOfWork: number;
  capacityPerWeek: number;
}

export interface MoveCandidate {
  id: number;
  assigneeId: string;
  status: AssignmentStatus;
  first: number;
  last: number;
  itemsDone: number;
}

/** A suggested move: items of one range from one person to another, and both loads after it. */
export interface SuggestedMove {
  ref: string;
  from: string;
  to: string;
  range: Range;
  /** the whole range (pending), or its unstarted tail */
  whole: boolean;
  items: number;
  fromDaysAfter: number;
  toDaysAfter: number;
}

export interface Imbalance {
  dataset: { id: number; slug: string; title: string };
  over: Person;
  under: Person[];
  median: number;
  moves: SuggestedMove[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const days = (items: number, capacityPerWeek: number) => (items * WORKING_DAYS_PER_WEEK) / capacityPerWeek;

/** The part of a range that can move without splitting finished work: all of a pending range, or the unstarted tail. */
export function movablePart(a: MoveCandidate): Range | null {
  if (a.status === "PENDING") return { first: a.first, last: a.last };
  if (a.status !== "IN_PROGRESS" && a.status !== "CHANGES_REQUESTED") return null;
  const first = a.first + a.itemsDone;
  return first <= a.last ? { first, last: a.last } : null;
}

/**
 * Moves that bring the most loaded person towards the least loaded ones:
 * for each of (at most) the two least loaded, the piece whose size is
 * closest to what would level the two (a whole pending range, or the tail of
 * a movable part cut to that size).
 */
export function suggestMoves(
  over: Person,
  under: readonly Person[],
  ranges: readonly MoveCandidate[],
): SuggestedMove[] {
  const moves: SuggestedMove[] = [];
  let overDays = over.daysOfWork;
  const used = new Set<number>();
  for (const u of [...under].sort((a, b) => a.daysOfWork - b.daysOfWork).slice(0, 2)) {
    // Items x level the two: overDays − x·5/capOver = underDays + x·5/capUnder.
    const perItem = WORKING_DAYS_PER_WEEK / over.capacityPerWeek + WORKING_DAYS_PER_WEEK / u.capacityPerWeek;
    const target = Math.floor((overDays - u.daysOfWork) / perItem);
    if (target < 1) break;
    let best: { a: MoveCandidate; range: Range; whole: boolean } | null = null;
    for (const a of ranges) {
      if (a.assigneeId !== over.userId || used.has(a.id)) continue;
      const part = movablePart(a);
      if (!part) continue;
      const size = rangeSize(part);
      const whole = a.status === "PENDING" && size <= target;
      // A pending range that fits moves whole; otherwise the last `target` items of the movable part.
      const range = whole ? part : { first: Math.max(part.first, part.last - target + 1), last: part.last };
      const score = Math.abs(rangeSize(range) - target) - (whole ? 0.5 : 0);
      const bestScore = best ? Math.abs(rangeSize(best.range) - target) - (best.whole ? 0.5 : 0) : Infinity;
      if (score < bestScore) best = { a, range, whole };
    }
    if (!best) break;
    used.add(best.a.id);
    const items = rangeSize(best.range);
    const fromDaysAfter = round1(overDays - days(items, over.capacityPerWeek));
    moves.push({
      ref: assignmentRef(best.a.id),
      from: over.userId,
      to: u.userId,
      range: best.range,
      whole: best.whole,
      items,
      fromDaysAfter,
      toDaysAfter: round1(u.daysOfWork + days(items, u.capacityPerWeek)),
    });
    overDays = fromDaysAfter;
  }
  return moves;
}

/** Who is over and under among `people` (the ones working on a dataset), or null when it is balanced. */
export function imbalanceAmong(people: readonly Person[]): { over: Person; under: Person[]; median: number } | null {
  // One or two people are never unbalanced: the most loaded is at most twice their median.
  if (people.length < 3) return null;
  const sorted = [...people].sort((a, b) => b.daysOfWork - a.daysOfWork || byCodePoint(a.userId, b.userId));
  const over = sorted[0]!;
  const m = median(people.map((p) => p.daysOfWork));
  if (over.daysOfWork < 1 || !(over.daysOfWork > 2 * m)) return null;
  // The one over has a day of work or more, so everyone under a day is someone else.
  const under = sorted.filter((p) => p.daysOfWork < 1);
  return under.length === 0 ? null : { over, under, median: round1(m) };
}

/** The imbalance of a dataset with the moves that would even it out, or null when it is balanced. */
export async function findImbalance(
  dataset: Imbalance["dataset"],
  people: readonly Person[],
  rangesOf: (userId: string) => Promise<readonly MoveCandidate[]> | readonly MoveCandidate[],
): Promise<Imbalance | null> {
  const found = imbalanceAmong(people);
  if (!found) return null;
  return { dataset, ...found, moves: suggestMoves(found.over, found.under, await rangesOf(found.over.userId)) };
}

export interface ImbalanceRender {
  /** to a lead: the worst unbalanced datasets they lead (at most IMBALANCES_PER_MESSAGE) */
  lead(leadId: string, imbalances: readonly Imbalance[]): unknown;
}

/** Datasets told in one message (each takes a few of Slack's 50 blocks). */
export const IMBALANCES_PER_MESSAGE = 10;

/** How recently someone must have worked on a dataset to count as one of its people. */
const ACTIVE_DAYS = 30;

/**
 * Decides and writes (unless `dryRun`) the imbalance messages of one
 * workspace at `now`: per dataset, one message to each lead when it is
 * unbalanced and was not told so already (or it got worse since).
 */
export async function runImbalance(
  ctx: LedgerContext,
  teamId: string,
  now: Date,
  render: ImbalanceRender,
  o: { dryRun: boolean },
): Promise<JobDecision> {
  await ctx.store.ensureWorkspace(teamId);
  return ctx.store.transaction(async (r) => {
    const [remaining, members, active, datasets] = await Promise.all([
      r.assignments.remainingByAssignee(teamId),
      r.members.capacities(teamId),
      r.assignments.activeAssignees(teamId, new Date(now.getTime() - ACTIVE_DAYS * 86_400_000)),
      r.datasets.list(teamId, false),
    ]);
    const capacities = new Map(members.map((m) => [m.userId, m.capacityPerWeek ?? ctx.config.defaultCapacity]));
    const person = (userId: string): Person => {
      const capacityPerWeek = capacities.get(userId) ?? ctx.config.defaultCapacity;
      return { userId, capacityPerWeek, daysOfWork: round1(days(remaining.get(userId) ?? 0, capacityPerWeek)) };
    };
    const datasetById = new Map(datasets.map((d) => [d.id, d]));
    const messages: OutgoingMessage[] = [];
    const candidates: { key: string; detail: unknown; imbalance: Imbalance; leads: string[] }[] = [];
    for (const [datasetId, people] of groupBy(active, (a) => a.datasetId)) {
      const d = datasetById.get(datasetId);
      if (!d) continue; // archived
      const found = await findImbalance(
        { id: datasetId, slug: d.slug, title: d.title },
        people.map((p) => person(p.assigneeId)),
        // Only the most loaded person's ranges can move: read them once it is known who that is.
        (over) => r.assignments.openOf(datasetId, over),
      );
      const prefix = `imbalance:${datasetId}:`;
      const last = await r.announcements.latestWithPrefix(teamId, prefix);
      const told = last?.detail as { over?: string; days?: number; balanced?: boolean } | undefined;
      if (!found) {
        // Balanced again: remembered, so that a new imbalance is told even if milder than the last.
        if (told && !told.balanced && !o.dryRun)
          await r.announcements.announce(
            teamId,
            [{ key: `${prefix}${now.toISOString()}:balanced`, detail: { balanced: true } }],
            now,
          );
        continue;
      }
      const worse =
        !told || told.balanced || told.over !== found.over.userId || found.over.daysOfWork >= (told.days ?? 0) + 1;
      if (!worse) continue;
      candidates.push({
        key: `${prefix}${formatIsoDate(now)}:${found.over.userId}:${found.over.daysOfWork}`,
        detail: { over: found.over.userId, days: found.over.daysOfWork, median: found.median },
        imbalance: found,
        leads: await leadsOf(ctx, r, teamId, datasetId),
      });
    }
    // One message per lead and run, with the worst datasets they lead (Slack's block limit allows a
    // few); the others are told in the runs that follow, as they are still unbalanced then.
    const severity = (i: Imbalance) => i.over.daysOfWork / Math.max(i.median, 0.5);
    candidates.sort((x, y) => severity(y.imbalance) - severity(x.imbalance));
    const byLead = new Map<string, typeof candidates>();
    for (const c of candidates)
      for (const lead of c.leads) {
        const list = byLead.get(lead) ?? [];
        if (list.length < IMBALANCES_PER_MESSAGE) list.push(c);
        byLead.set(lead, list);
      }
    const chosen = new Set([...byLead.values()].flat());
    const fresh = new Set((await tell(r, teamId, [...chosen], now, o.dryRun)).map((c) => c.key));
    for (const [lead, list] of byLead) {
      const mine = list.filter((c) => fresh.has(c.key));
      if (mine.length === 0) continue;
      messages.push({
        key: `imbalance-dm:${lead}:${mine[0]!.key}`,
        kind: "imbalance",
        to: { user: lead },
        content: render.lead(
          lead,
          mine.map((c) => c.imbalance),
        ),
        workingHours: true,
      });
    }
    return { messages: await enqueueDecided(ctx, r, teamId, messages, now, o.dryRun), facts: fresh.size };
  });
}

/**
 * Checks that a suggested move still stands before a lead acts on it: the
 * actor leads the dataset, the range still belongs to `from`, and the items
 * are still unstarted. Returns the assignment's ref.
 */
export async function checkSuggestedMove(
  ctx: LedgerContext,
  actor: Actor,
  move: { ref: string; from: string; range: Range },
): Promise<string> {
  const id = parseAssignmentRef(move.ref);
  const r = ctx.store.read;
  const a = await r.assignments.findInTeam(actor.teamId, id);
  if (!a) throw notFound(`there is no assignment ${move.ref}`);
  await requireLead(ctx, r, actor, "apply a suggested move", a.datasetId);
  const part = movablePart(a);
  const stale = a.assigneeId !== move.from || !part || move.range.first < part.first || move.range.last > part.last;
  if (stale)
    throw conflict(
      `${move.ref} changed since the suggestion: items ${formatRange(move.range)} are no longer unstarted work of the same person, so the loads have changed too`,
    );
  return move.ref;
}
