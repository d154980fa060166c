/** What scheduled jobs send: overdue reminders to owners and leads, and the daily overdue summary of a dataset channel. */
import type { KnownBlock } from "@slack/types";
import type { Imbalance, SuggestedMove } from "../core/jobs/imbalance.ts";
import type { OverdueRange } from "../core/jobs/overdue.ts";
import type { StalledRange } from "../core/jobs/stalled.ts";
import { formatRange } from "../core/ranges.ts";
import { button, context, divider, esc, mention, plural, progressBar, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";

/** Ranges listed in full in one message (each takes two blocks of Slack's 50). */
const LISTED = 15;

const late = (days: number) => plural(days, "day");

function rangeLine(x: OverdueRange, showOwner: boolean): string {
  const owner = showOwner ? ` ${mention(x.ownerId)}` : "";
  return `*${x.ref}*${owner} · ${esc(x.dataset.title)} ${x.dataset.itemNoun}s ${formatRange(x)} · due ${x.dueDate}, *${late(x.daysLate)} late* · ${progressBar(x.itemsDone, x.size)} ${x.itemsDone}/${x.size}`;
}

/** What an owner can do about a late or stalled range, from the reminder itself. */
const reminderButtons = (ref: string) => [
  button("Update progress", ACTIONS.progress, ref, "primary"),
  button("Ask to hand off", ACTIONS.handoff, ref),
  button("Propose a new date", ACTIONS.proposeDue, ref),
];

const more = (n: number, where: string) => (n > 0 ? [context(`…and ${n} more: ${where}.`)] : []);

export function overdueOwnerMessage(ranges: readonly OverdueRange[]): Message {
  const n = ranges.length;
  const blocks: KnownBlock[] = [
    section(
      n === 1
        ? `:alarm_clock: Your range *${ranges[0]!.ref}* is past its due date.`
        : `:alarm_clock: ${n} of your ranges are past their due dates.`,
    ),
  ];
  for (const x of ranges.slice(0, LISTED)) {
    blocks.push(section(rangeLine(x, false)), {
      type: "actions",
      block_id: `overdue:${x.ref}`,
      elements: reminderButtons(x.ref),
    });
  }
  blocks.push(...more(n - LISTED, "see `/mywork`"));
  blocks.push(
    context("Late because the range is bigger than planned? Hand part of it off, or propose a new date to the leads."),
  );
  return msg(n === 1 ? `${ranges[0]!.ref} is overdue` : `${n} of your ranges are overdue`, blocks);
}

export function overdueLeadMessage(ranges: readonly OverdueRange[], afterDays: number): Message {
  const n = ranges.length;
  const blocks: KnownBlock[] = [
    section(
      `:rotating_light: ${n === 1 ? "A range is" : `${n} ranges are`} overdue by more than ${late(afterDays)}; the owner${n === 1 ? " was" : "s were"} reminded.`,
    ),
  ];
  for (const x of ranges.slice(0, LISTED)) blocks.push(section(rangeLine(x, true)));
  blocks.push(...more(n - LISTED, "see `/ledger status`"));
  return msg(
    n === 1 ? `${ranges[0]!.ref} is overdue by more than ${late(afterDays)}` : `${n} ranges are overdue`,
    blocks,
  );
}

export function overdueChannelMessage(
  dataset: OverdueRange["dataset"],
  ranges: readonly OverdueRange[],
  date: string,
): Message {
  if (ranges.length === 0)
    return msg(`Nothing overdue in ${dataset.title}`, [
      section(`:white_check_mark: *${esc(dataset.title)}*: nothing overdue any more (${date}).`),
    ]);
  const lines = ranges.slice(0, 40).map((x) => `• ${rangeLine(x, true)}`);
  const blocks: KnownBlock[] = [
    section(`:alarm_clock: *Overdue in ${esc(dataset.title)}* (${date}): ${plural(ranges.length, "range")}`),
  ];
  // A section holds 3,000 characters: a few lines each.
  for (let i = 0; i < lines.length; i += 8) blocks.push(section(lines.slice(i, i + 8).join("\n")));
  blocks.push(...more(ranges.length - 40, `see \`/ledger status ${dataset.slug}\``));
  blocks.push(context("Updated through the day as ranges move on."));
  return msg(`${ranges.length} overdue in ${dataset.title}`, blocks);
}

/** A time Slack shows in each reader's own zone and format. */
const when = (d: Date): string =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace("T", " ")} UTC>`;

export interface JobsOverviewView {
  jobs: {
    job: string;
    summary: string;
    expression: string;
    timezone: string;
    next: Date | null;
    last: { slot: Date; status: string; finishedAt: Date | null; detail: unknown } | null;
  }[];
  backlog: { pending: number; waiting: number; sending: number; failed: number; oldestPendingAt: Date | null };
  /** webhook deliveries (none shown when there never were any) */
  webhooks?: { pending: number; waiting: number; sending: number; failed: number; oldestPendingAt: Date | null };
  failed: { key: string; kind: string; recipient: string; error: string | null; at: Date | null }[];
  scheduled: boolean;
}

/** Where a given-up row was going: a person or channel, or a webhook (its recipient is the webhook's id). */
const destination = (f: { kind: string; recipient: string }): string =>
  f.kind === "webhook" ? `webhook ${esc(f.recipient)}` : mention(f.recipient);

function lastRun(last: JobsOverviewView["jobs"][number]["last"]): string {
  if (!last) return "never ran";
  const d = (last.detail ?? {}) as { messages?: number; errors?: string[] };
  const outcome =
    last.status === "RUNNING"
      ? "running"
      : last.status === "FAILED"
        ? `:x: failed (${esc((d.errors ?? []).join("; ").slice(0, 200) || "see the logs")})`
        : `:white_check_mark: ${plural(d.messages ?? 0, "message")} decided`;
  return `last ${when(last.finishedAt ?? last.slot)}: ${outcome}`;
}

export function jobsMessage(o: JobsOverviewView): Message {
  const zone = o.jobs[0]?.timezone ?? "UTC";
  const blocks: KnownBlock[] = [section(`*Scheduled jobs* (schedules in ${esc(zone)})`)];
  for (const j of o.jobs) {
    blocks.push(
      section(
        `*${j.job}* \`${esc(j.expression)}\`: ${esc(j.summary)}.\n${lastRun(j.last)} · next ${j.next ? when(j.next) : "not within a week"}`,
      ),
    );
  }
  const b = o.backlog;
  const held = b.waiting ? ` (${b.waiting} held for working hours or a retry)` : "";
  blocks.push(
    section(
      `*Outbox*: ${plural(b.pending, "message")} waiting${held}, ${b.sending} being sent, ${b.failed} given up${b.oldestPendingAt && b.pending + b.sending ? `; oldest from ${when(b.oldestPendingAt)}` : ""}.`,
    ),
  );
  const w = o.webhooks;
  if (w && w.pending + w.sending + w.failed > 0) {
    const retrying = w.waiting ? ` (${w.waiting} waiting for a retry)` : "";
    blocks.push(
      section(
        `*Webhooks*: ${w.pending.toLocaleString("en-US")} ${w.pending === 1 ? "delivery" : "deliveries"} waiting${retrying}, ${w.sending} being sent, ${w.failed} given up${w.oldestPendingAt && w.pending + w.sending ? `; oldest from ${when(w.oldestPendingAt)}` : ""}.`,
      ),
    );
  }
  if (o.failed.length)
    blocks.push(
      context(
        o.failed
          .map((f) => `:warning: ${esc(f.kind)} to ${destination(f)}: ${esc(f.error ?? "unknown error")}`)
          .join("\n"),
      ),
    );
  if (!o.scheduled)
    blocks.push(context("Schedules do not run in this process; run a job with `/ledger jobs run <job>`."));
  return msg("Scheduled jobs", blocks);
}

export interface JobRunView {
  job: string;
  outcome: "succeeded" | "failed" | "skipped" | "dry-run";
  reason?: string;
  workspaces: number;
  facts: number;
  messages: { kind: string }[];
}

export function jobRunMessage(r: JobRunView): Message {
  const kinds = [...new Set(r.messages.map((m) => m.kind))]
    .map((k) => `${r.messages.filter((m) => m.kind === k).length} ${k.replace(/_/g, " ")}`)
    .join(", ");
  const decided =
    r.messages.length === 0
      ? "nothing new to tell"
      : `${plural(r.messages.length, "message")} decided (${kinds}); each goes out now, or when its recipient's working hours open`;
  const text =
    r.outcome === "failed"
      ? `:x: *${r.job}* failed: ${esc(r.reason ?? "see the logs")}`
      : r.outcome === "skipped"
        ? `:fast_forward: *${r.job}* did not run: ${esc(r.reason ?? "")}`
        : `:white_check_mark: Ran *${r.job}*: ${decided}.`;
  return msg(`${r.job}: ${r.outcome}`, [section(text)]);
}

export function stalledOwnerMessage(ranges: readonly StalledRange[], afterDays: number): Message {
  const n = ranges.length;
  const blocks: KnownBlock[] = [
    section(
      n === 1
        ? `:hourglass: No progress on *${ranges[0]!.ref}* for ${late(ranges[0]!.idleDays)}. Stuck? Record where you are, or hand it on.`
        : `:hourglass: ${n} of your ranges have had no progress for ${afterDays} days or more. Stuck? Record where you are, or hand them on.`,
    ),
  ];
  for (const x of ranges.slice(0, LISTED)) {
    blocks.push(
      section(
        `*${x.ref}* · ${esc(x.dataset.title)} ${x.dataset.itemNoun}s ${formatRange(x)} · ${progressBar(x.itemsDone, x.size)} ${x.itemsDone}/${x.size} · last progress ${when(x.idleSince)}`,
      ),
      {
        type: "actions",
        block_id: `stalled:${x.ref}`,
        elements: reminderButtons(x.ref),
      },
    );
  }
  blocks.push(...more(n - LISTED, "see `/mywork`"));
  return msg(n === 1 ? `No progress on ${ranges[0]!.ref} for a while` : `${n} of your ranges have stalled`, blocks);
}

/** The value of a suggested move's button: ref, from, to and the items. */
export const moveValue = (m: SuggestedMove): string => `${m.ref}:${m.from}:${m.to}:${m.range.first}-${m.range.last}`;

function imbalanceBlocks(i: Imbalance): KnownBlock[] {
  const under = i.under
    .slice(0, 3)
    .map((u) => `${mention(u.userId)} ${u.daysOfWork} days`)
    .join(", ");
  const blocks: KnownBlock[] = [
    section(
      `:scales: *${esc(i.dataset.title)}* is unbalanced: ${mention(i.over.userId)} has *${i.over.daysOfWork} days* of work, more than twice the median (${i.median} days), while ${under} ${i.under.length === 1 ? "has" : "have"} less than a day.`,
    ),
  ];
  if (i.moves.length === 0)
    blocks.push(
      context(
        `${mention(i.over.userId)} holds nothing unstarted to move in ${esc(i.dataset.slug)}; assign new ranges to the others instead.`,
      ),
    );
  for (const m of i.moves) {
    const what = m.whole ? `*${m.ref}* (items ${formatRange(m.range)})` : `items ${formatRange(m.range)} of *${m.ref}*`;
    blocks.push(
      section(
        `Move ${what}, ${plural(m.items, "item")}, from ${mention(m.from)} to ${mention(m.to)}: ${mention(m.from)} ${m.fromDaysAfter} days, ${mention(m.to)} ${m.toDaysAfter} days after.`,
        button("Hand off…", ACTIONS.suggestedMove, moveValue(m)),
      ),
    );
  }
  return blocks;
}

export function imbalanceLeadMessage(list: readonly Imbalance[]): Message {
  const blocks: KnownBlock[] = [];
  for (const [n, i] of list.entries()) blocks.push(...(n ? [divider()] : []), ...imbalanceBlocks(i));
  blocks.push(context("Loads are the items left in open ranges, in working days at each person's capacity."));
  return msg(
    list.length === 1 ? `${list[0]!.dataset.title} is unbalanced` : `${list.length} datasets are unbalanced`,
    blocks,
  );
}
