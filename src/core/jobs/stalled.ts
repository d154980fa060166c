/**
 * The stalled job's decisions. A range in progress with no progress for the
 * workspace's `stalledAfterDays` is stalled; its owner gets one nudge per
 * stall episode (recording progress ends the episode, so a later stall is a
 * new one). What a run tells one person is one message.
 */
import type { DueAssignment } from "../../db/store.ts";
import type { LedgerContext } from "../ledger/context.ts";
import { workspaceSchedule } from "../outbox.ts";
import {
  enqueueDecided,
  type JobDecision,
  messagesPerPerson,
  type RangeInReminder,
  rangeInReminder,
  tell,
} from "./decisions.ts";

export interface StalledRange extends RangeInReminder {
  /** when progress was last recorded (or the range started) */
  idleSince: Date;
  /** whole days since then */
  idleDays: number;
}

const DAY_MS = 86_400_000;

/** Ranges of `candidates` idle for at least `afterDays` at `now`, longest idle first. */
export function stalledRanges(candidates: readonly DueAssignment[], afterDays: number, now: Date): StalledRange[] {
  const out: StalledRange[] = [];
  for (const a of candidates) {
    const idleSince = a.lastProgressAt ?? a.startedAt;
    if (!idleSince) continue;
    const idleDays = Math.floor((now.getTime() - idleSince.getTime()) / DAY_MS);
    if (idleDays < afterDays) continue;
    out.push({ ...rangeInReminder(a), idleSince, idleDays });
  }
  return out.sort((x, y) => y.idleDays - x.idleDays || x.assignmentId - y.assignmentId);
}

export interface StalledRender {
  /** to an owner: their ranges newly stalled */
  owner(ownerId: string, ranges: readonly StalledRange[], afterDays: number): unknown;
}

/** Decides and writes (unless `dryRun`) the stalled nudges of one workspace at `now`, in one transaction. */
export async function runStalled(
  ctx: LedgerContext,
  teamId: string,
  now: Date,
  render: StalledRender,
  o: { dryRun: boolean },
): Promise<JobDecision> {
  await ctx.store.ensureWorkspace(teamId);
  return ctx.store.transaction(async (r) => {
    const schedule = await workspaceSchedule(ctx, r, teamId);
    const before = new Date(now.getTime() - schedule.stalledAfterDays * DAY_MS);
    const ranges = stalledRanges(
      await r.assignments.inProgressIdleSince(teamId, before),
      schedule.stalledAfterDays,
      now,
    );
    // One episode per range and last progress: progress since starts a new one.
    const facts = ranges.map((x) => ({ key: `stalled:${x.ref}:${x.idleSince.toISOString()}`, x }));
    const fresh = await tell(r, teamId, facts, now, o.dryRun);
    const messages = messagesPerPerson(fresh, (f) => f.x.ownerId, {
      keyPrefix: "stalled-dm",
      kind: "stalled_dm",
      content: (owner, list) =>
        render.owner(
          owner,
          list.map((f) => f.x),
          schedule.stalledAfterDays,
        ),
    });
    return { messages: await enqueueDecided(ctx, r, teamId, messages, now, o.dryRun), facts: fresh.length };
  });
}
