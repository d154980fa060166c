/**
 * The overdue job's decisions. A range is overdue once its due date has
 * ended in its owner's time zone. Each owner is told once per range and due
 * date (moving the due date starts over for the new date); the dataset's
 * leads are told once per range and due date when it is late by more than
 * the workspace's `escalateAfterDays`; each dataset channel gets one summary
 * a day (the team's day), kept up to date in place by later runs. What a run
 * tells one person is one message, whatever the number of ranges.
 */
import type { DueAssignment, Repositories } from "../../db/store.ts";
import { addDays, daysBetween, formatIsoDate, isValidTimezone, todayIn } from "../dates.ts";
import { type LedgerContext, leadsOf } from "../ledger/context.ts";
import { type OutgoingMessage, workspaceSchedule } from "../outbox.ts";
import {
  enqueueDecided,
  groupBy,
  type JobDecision,
  messagesPerPerson,
  type RangeInReminder,
  rangeInReminder,
  tell,
} from "./decisions.ts";

export type { JobDecision } from "./decisions.ts";

export interface OverdueRange extends RangeInReminder {
  /** YYYY-MM-DD */
  dueDate: string;
  /** whole days since the due date, in the owner's zone (1 the day after) */
  daysLate: number;
}

/** Open ranges whose due date has ended in their owner's zone at `now`, most late first. */
export function overdueRanges(
  candidates: readonly DueAssignment[],
  zoneOf: (userId: string) => string,
  now: Date,
): OverdueRange[] {
  const out: OverdueRange[] = [];
  for (const a of candidates) {
    if (!a.dueDate) continue;
    const due = formatIsoDate(a.dueDate);
    const daysLate = daysBetween(due, todayIn(zoneOf(a.assigneeId), "UTC", now));
    if (daysLate < 1) continue;
    out.push({ ...rangeInReminder(a), dueDate: due, daysLate });
  }
  return out.sort((x, y) => y.daysLate - x.daysLate || x.assignmentId - y.assignmentId);
}

/**
 * The open ranges of a workspace overdue at `now`, each in its owner's zone
 * (`teamZone` for owners without a valid one of their own).
 */
export async function overdueAt(r: Repositories, teamId: string, teamZone: string, now: Date): Promise<OverdueRange[]> {
  // No zone is more than a day ahead of UTC: a due date before tomorrow (UTC) may have ended somewhere.
  const tomorrow = new Date(`${addDays(formatIsoDate(now), 1)}T00:00:00Z`);
  const candidates = await r.assignments.openDueBefore(teamId, tomorrow);
  const zones = await r.members.timezones(
    teamId,
    candidates.map((a) => a.assigneeId),
  );
  const zoneOf = (u: string) => {
    const z = zones.get(u);
    return z && isValidTimezone(z) ? z : teamZone;
  };
  return overdueRanges(candidates, zoneOf, now);
}

/** How the job's messages look: pure functions from the decisions to message content (Block Kit, elsewhere). */
export interface OverdueRender {
  /** to an owner: their ranges newly overdue */
  owner(ownerId: string, ranges: readonly OverdueRange[]): unknown;
  /** to a lead: ranges late by more than `afterDays` */
  lead(leadId: string, ranges: readonly OverdueRange[], afterDays: number): unknown;
  /** in a dataset channel: every overdue range of the dataset today (none: caught up) */
  channel(dataset: OverdueRange["dataset"], ranges: readonly OverdueRange[], date: string): unknown;
}

/**
 * Decides and writes (unless `dryRun`) the overdue messages of one workspace
 * at `now`, in one transaction: the facts told, the outbox rows, and the
 * channel summaries' new content commit together.
 */
export async function runOverdue(
  ctx: LedgerContext,
  teamId: string,
  now: Date,
  render: OverdueRender,
  o: { dryRun: boolean },
): Promise<JobDecision> {
  await ctx.store.ensureWorkspace(teamId);
  return ctx.store.transaction(async (r) => {
    const schedule = await workspaceSchedule(ctx, r, teamId);
    const ranges = await overdueAt(r, teamId, schedule.timezone, now);
    const messages: OutgoingMessage[] = [];
    let facts = 0;

    // Owners: each range once per due date.
    const ownerFacts = ranges.map((x) => ({ key: `overdue:${x.ref}:${x.dueDate}:${x.ownerId}`, x }));
    const newOwner = await tell(r, teamId, ownerFacts, now, o.dryRun);
    facts += newOwner.length;
    messages.push(
      ...messagesPerPerson(newOwner, (f) => f.x.ownerId, {
        keyPrefix: "overdue-dm",
        kind: "overdue_dm",
        content: (owner, list) =>
          render.owner(
            owner,
            list.map((f) => f.x),
          ),
      }),
    );

    // Leads: ranges late by more than escalateAfterDays, once per range, due date and lead.
    const late = ranges.filter((x) => x.daysLate > schedule.escalateAfterDays);
    const leadFacts: { key: string; x: OverdueRange; lead: string }[] = [];
    const leadsByDataset = new Map<number, string[]>();
    for (const x of late) {
      let leads = leadsByDataset.get(x.dataset.id);
      if (!leads) {
        leads = await leadsOf(ctx, r, teamId, x.dataset.id);
        leadsByDataset.set(x.dataset.id, leads);
      }
      for (const lead of leads)
        if (lead !== x.ownerId) leadFacts.push({ key: `overdue-escalation:${x.ref}:${x.dueDate}:${lead}`, x, lead });
    }
    const newLead = await tell(r, teamId, leadFacts, now, o.dryRun);
    facts += newLead.length;
    messages.push(
      ...messagesPerPerson(newLead, (f) => f.lead, {
        keyPrefix: "overdue-lead",
        kind: "overdue_escalation",
        content: (lead, list) =>
          render.lead(
            lead,
            list.map((f) => f.x),
            schedule.escalateAfterDays,
          ),
      }),
    );

    // Channels: one summary a day per dataset with a channel, updated in place.
    const today = todayIn(schedule.timezone, "UTC", now);
    const byDataset = groupBy(ranges, (x) => x.dataset.id);
    // Today's summaries so far, each updated in place; one whose ranges are all done or moved since says so.
    const summaries = new Set(await r.outbox.keysWithPrefixOn(teamId, "overdue-summary:", today));
    const datasets = new Map(ranges.map((x) => [x.dataset.id, x.dataset]));
    for (const key of summaries) {
      const id = Number(key.split(":")[1]);
      if (!datasets.has(id)) {
        const d = await r.datasets.findById(id);
        if (d) datasets.set(id, { id, slug: d.slug, title: d.title, itemNoun: d.itemNoun, channelId: d.channelId });
      }
    }
    for (const [id, d] of datasets) {
      if (!d.channelId) continue;
      const key = `overdue-summary:${id}:${today}`;
      // None left: a dataset read from one of today's summaries, which is to say so.
      const list = byDataset.get(id) ?? [];
      const content = render.channel(d, list, today);
      // Today's summary already posted: its new content replaces the old, unless it is the same.
      if (summaries.has(key) && !o.dryRun && (await r.outbox.replaceContent(teamId, key, content, now)) === "unchanged")
        continue;
      messages.push({ key, kind: "overdue_summary", to: { channel: d.channelId }, content, workingHours: true });
    }

    // Summaries updated in place are written already (their keys are taken); the rest count if this run wrote them.
    const written = new Set((await enqueueDecided(ctx, r, teamId, messages, now, o.dryRun)).map((m) => m.key));
    return { messages: messages.filter((m) => summaries.has(m.key) || written.has(m.key)), facts };
  });
}
