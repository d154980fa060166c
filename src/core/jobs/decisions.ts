/** What every job's decision shares: its result, and telling each fact once. */
import type { DueAssignment, Repositories } from "../../db/store.ts";
import type { LedgerContext } from "../ledger/context.ts";
import { enqueueIn, type OutgoingMessage } from "../outbox.ts";
import { rangeSize } from "../ranges.ts";
import { assignmentRef } from "../refs.ts";

export interface JobDecision {
  /** messages decided (new DMs and channel posts, and summaries whose content changed) */
  messages: OutgoingMessage[];
  /** facts told in them (e.g. one per range and owner) */
  facts: number;
}

export const groupBy = <T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
};

/** Records facts as told and returns the new ones (a dry run only looks). */
export async function tell<F extends { key: string; detail?: unknown }>(
  r: Repositories,
  teamId: string,
  facts: readonly F[],
  now: Date,
  dryRun: boolean,
): Promise<F[]> {
  if (facts.length === 0) return [];
  const keys = facts.map((f) => f.key);
  if (dryRun) {
    const told = await r.announcements.existing(teamId, keys);
    return facts.filter((f) => !told.has(f.key));
  }
  const fresh = await r.announcements.announce(
    teamId,
    facts.map((f) => ({ key: f.key, detail: f.detail })),
    now,
  );
  return facts.filter((f) => fresh.has(f.key));
}

/**
 * Writes a run's decided messages (unless a dry run only looks) and returns
 * those this run wrote. A message with the key of one already written (by a
 * run of another slot or process that decided the same thing meanwhile) is
 * not written again, and is not this run's to count.
 */
export async function enqueueDecided(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  messages: readonly OutgoingMessage[],
  now: Date,
  dryRun: boolean,
): Promise<OutgoingMessage[]> {
  if (dryRun) return [...messages];
  const written = new Set(await enqueueIn(ctx, r, teamId, messages, now));
  return messages.filter((m) => written.has(m.key));
}

/**
 * One DM per person for the facts newly told to them in a run (whatever
 * their number), held for their working hours; its key names the person and
 * the first fact, so it is written once.
 */
export function messagesPerPerson<F extends { key: string }>(
  fresh: readonly F[],
  personOf: (f: F) => string,
  o: { keyPrefix: string; kind: string; content: (person: string, facts: F[]) => unknown },
): OutgoingMessage[] {
  return [...groupBy(fresh, personOf)].map(([person, list]) => ({
    key: `${o.keyPrefix}:${person}:${list[0]!.key}`,
    kind: o.kind,
    to: { user: person },
    content: o.content(person, list),
    workingHours: true,
  }));
}

/** What a reminder shows of a range. */
export interface RangeInReminder {
  assignmentId: number;
  ref: string;
  dataset: DueAssignment["dataset"];
  first: number;
  last: number;
  size: number;
  itemsDone: number;
  ownerId: string;
}

export const rangeInReminder = (a: DueAssignment): RangeInReminder => ({
  assignmentId: a.id,
  ref: assignmentRef(a.id),
  dataset: a.dataset,
  first: a.first,
  last: a.last,
  size: rangeSize(a),
  itemsDone: a.itemsDone,
  ownerId: a.assigneeId,
});
