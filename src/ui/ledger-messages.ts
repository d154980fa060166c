/** /ledger answers: coverage and status, help, datasets, roles, capacity, export. */

import type { KnownBlock } from "@slack/types";
import type { Coverage } from "../core/ledger/queries.ts";
import { DATASET_SETTINGS } from "../core/ledger/settings.ts";
import { WORKSPACE_SETTINGS, type WorkspaceView } from "../core/ledger/workspace.ts";
import { formatRange } from "../core/ranges.ts";
import { formatMinutes } from "../core/time.ts";
import type { DatasetView, MemberView, Role } from "../core/types.ts";
import type { AnnotatorLoad } from "../core/workload.ts";
import { channelMention, context, esc, header, mention, plural, progressBar, section } from "./format.ts";
import { type Message, msg } from "./message.ts";

export function loadLines(load: AnnotatorLoad[]): string {
  if (load.length === 0) return "_nobody holds open items_";
  return load
    .slice(0, 15)
    .map(
      (l) =>
        `${mention(l.userId)} ${plural(l.remainingItems, "item")} left · ${l.daysOfWork} d at ${l.capacityPerWeek}/wk`,
    )
    .join("\n");
}

export function coverageMessage(c: Coverage): Message {
  const d = c.dataset;
  const pct = (n: number) => `${Math.round((n / c.itemCount) * 1000) / 10}%`;
  const gaps = c.gaps.slice(0, 8).map(formatRange).join(", ");
  const blocks: KnownBlock[] = [
    header(`${d.title} (${d.slug})`),
    section(
      [
        `*${plural(c.itemCount, d.itemNoun)}* · claimed ${c.claimedItems.toLocaleString("en-US")} (${pct(c.claimedItems)}) · done ${c.doneItems.toLocaleString("en-US")} (${pct(c.doneItems)}) · reviewed ${c.completedItems.toLocaleString("en-US")} (${pct(c.completedItems)}) · free ${c.freeItems.toLocaleString("en-US")} (${pct(c.freeItems)})`,
        `${progressBar(c.doneItems, c.itemCount, 20)} done`,
        c.gapCount
          ? `Free: ${gaps}${c.gapCount > 8 ? ` and ${c.gapCount - 8} more gaps` : ""}`
          : "Every item is claimed.",
      ].join("\n"),
    ),
    section(`*Load*\n${loadLines(c.load)}`),
    ...(d.instructions
      ? [
          section(
            `*Instructions* v${d.instructions.version}: ${
              c.unacknowledged.length
                ? `not yet acknowledged by ${c.unacknowledged
                    .slice(0, 20)
                    .map(mention)
                    .join(", ")}${c.unacknowledged.length > 20 ? ` and ${c.unacknowledged.length - 20} more` : ""}`
                : "acknowledged by everyone working on it"
            }`,
          ),
        ]
      : []),
    ...(c.stalled.length
      ? [
          section(
            `*Stalled* (no progress for ${plural(c.stalledAfterDays, "day")} or more): ${c.stalled
              .slice(0, 15)
              .map((x) => `*${x.ref}* ${mention(x.assigneeId)} ${plural(x.idleDays, "day")}`)
              .join(", ")}${c.stalled.length > 15 ? ` and ${c.stalled.length - 15} more` : ""}`,
          ),
        ]
      : []),
    context(
      `${c.rangesByStatus.IN_PROGRESS} in progress · ${c.rangesByStatus.PENDING} pending · ${c.rangesByStatus.IN_REVIEW} in review · ${c.rangesByStatus.CHANGES_REQUESTED} in rework · ${c.rangesByStatus.COMPLETED} completed`,
      c.overdueRanges ? `:warning: ${plural(c.overdueRanges, "overdue range")}` : "nothing overdue",
      c.forecastFinish
        ? `forecast finish ${c.forecastFinish} at ${c.itemsPerDay}/day`
        : "no forecast yet (no progress in the last 14 days)",
      limitsLine(d),
    ),
  ];
  return msg(`${d.slug}: ${pct(c.doneItems)} done, ${c.freeItems} free`, blocks);
}

export function statusOverviewMessage(datasets: Coverage[], load: AnnotatorLoad[]): Message {
  if (datasets.length === 0) {
    return msg("No datasets yet", [
      section(
        `No datasets yet. A lead adds one with \`${esc("/ledger dataset add <slug> <items> [#channel] [title…]")}\`.`,
      ),
    ]);
  }
  const lines = datasets.map(
    (c) =>
      `*${esc(c.dataset.slug)}* ${progressBar(c.doneItems, c.itemCount)} · ${c.freeItems.toLocaleString("en-US")} free · ${c.overdueRanges} overdue · ${c.forecastFinish ? `finish ~${c.forecastFinish}` : "no forecast"}`,
  );
  return msg("Ledger status", [
    header("Ledger status"),
    section(lines.join("\n")),
    section(`*Load*\n${loadLines(load.filter((l) => l.remainingItems > 0))}`),
  ]);
}

const HELP: [string, string, string][] = [
  ["/claim", "cats 101-200 due 2026-12-01 first pass", "claim items 101–200 of cats (or `/claim` for a form)"],
  ["/claim", "cats next 50", "claim the lowest free 50 items of cats"],
  ["/progress", "A17 40", "set items done on A17"],
  ["/progress", "A17 done", "submit A17 for review (also start, pause); with items left it asks first"],
  ["/progress", "A17 done confirm", "submit A17 with items left as all done (or state the count: `A17 50 done`)"],
  [
    "/handoff",
    "A17 @ana 151-200 done 10 out sick",
    "hand items 151–200 of A17 to @ana (or pool); `done 10`: 10 of A17's done items are in 151–200 (else counted from the start of the range)",
  ],
  ["/release", "A17 not my language", "give A17's items back; with items done it asks first"],
  [
    "/release",
    "A17 confirm",
    "keep A17's done items (from its start) with their owner and free the rest; `all` frees everything, discarding them",
  ],
  ["/mywork", "", "your ranges with buttons"],
  ["/review", "A17", "your review queue, or review A17"],
  ["/ledger", "status cats public", "coverage, load, overdue and forecast"],
  ["/ledger", "dataset add cats 5000 #labelling Cat photos", "add a dataset (leads)"],
  ["/ledger", "dataset set cats sample 10%", `change a setting: ${Object.keys(DATASET_SETTINGS).join(", ")} (leads)`],
  [
    "/ledger",
    "dataset set cats max-claim 500",
    "the most items one claim may take; `max-days 5` the most days of work one person may hold (`none` clears; leads)",
  ],
  [
    "/ledger",
    "dataset set cats instructions https://wiki/cats",
    "publish a new version of the instructions; holders of ranges acknowledge it (leads)",
  ],
  ["/ledger", "assign cats 1-100 @ana due 2026-12-01", "assign a range (leads; may exceed the claim limits)"],
  ["/ledger", "role @ana reviewer", "grant a role (admins; leads may grant reviewer)"],
  ["/ledger", "capacity @ana 1500", "items per week (leads)"],
  ["/ledger", "export cats", "the ledger as a CSV file"],
  ["/ledger", "export cats reviews", "every review round as a CSV file: errors by category, gold items, notes"],
  ["/ledger", "qa cats weeks 8", "QA numbers of a dataset (reviewers and leads); `qa me` for your own"],
  [
    "/ledger",
    "jobs",
    "scheduled jobs: last and next runs, the outbox (leads); `jobs run overdue` runs one now (admins)",
  ],
  [
    "/ledger",
    "webhook add https://hooks.example.com/rk review.decided",
    "push ledger events to a receiver; `webhook list`, `webhook remove 3` (admins)",
  ],
];

export function helpMessage(): Message {
  const lines = HELP.map(([c, args, what]) => `\`${c}${args ? ` ${args}` : ""}\` — ${what}`);
  return msg("rangekeeper commands", [
    header("rangekeeper commands"),
    section(lines.join("\n")),
    context("Every range has a reference like A17; every command accepts it."),
  ]);
}

/** A dataset's claim limits, as one line. */
export function limitsLine(d: Pick<DatasetView, "maxClaim" | "maxDays">): string {
  if (d.maxClaim === null && d.maxDays === null) return "no claim limits";
  const parts = [
    ...(d.maxClaim !== null ? [`at most ${d.maxClaim.toLocaleString("en-US")} items a claim`] : []),
    ...(d.maxDays !== null ? [`at most ${plural(d.maxDays, "day")} of work a person`] : []),
  ];
  return `claims: ${parts.join(", ")}`;
}

export function datasetMessage(d: DatasetView, headline: string, more: readonly string[] = []): Message {
  const facts = [
    `${plural(d.itemCount, d.itemNoun)} · batch ${d.batchSize}`,
    `review: first ${d.reviewFirstK} range(s) in full, then ${d.reviewEveryRange ? `${Math.round(d.reviewSampleRate * 1000) / 10}% sampled` : "none"}`,
    d.goldItems.length ? `${plural(d.goldItems.length, "gold item")}` : "no gold items",
    d.channelId ? `digests in ${channelMention(d.channelId)}` : "no channel",
    limitsLine(d),
  ];
  return msg(headline, [
    section(`:card_index_dividers: ${headline}`),
    context(
      ...facts,
      `errors: ${esc(d.errorTaxonomy.join(", "))}`,
      ...(d.instructions ? [`instructions v${d.instructions.version}`] : []),
    ),
    ...more.map((line) => section(line)),
  ]);
}

const ROLE_WORD: Record<Role, string> = {
  ANNOTATOR: "an annotator",
  REVIEWER: "a reviewer",
  LEAD: "a lead",
  ADMIN: "an admin",
};

export function roleMessage(userId: string, role: Role, dataset: string | null): Message {
  const text = `${mention(userId)} is now ${ROLE_WORD[role]}${dataset ? ` on ${esc(dataset)}` : ""}.`;
  return msg(text, [section(`:bust_in_silhouette: ${text}`)]);
}

export function capacityMessage(m: MemberView): Message {
  const text = `${mention(m.userId)} can do ${plural(m.capacityPerWeek ?? 0, "item")} per week.`;
  return msg(text, [section(`:bar_chart: ${text}`)]);
}

export function exportedMessage(slug: string, rows: number, what: "ledger" | "reviews" = "ledger"): Message {
  const sent =
    what === "reviews"
      ? `the reviews of *${esc(slug)}* as CSV (${plural(rows, "row")}, one per review round)`
      : `the ledger of *${esc(slug)}* as CSV (${plural(rows, "row")})`;
  return msg(what === "reviews" ? `Exported the reviews of ${slug}` : `Exported ${slug}`, [
    section(`:page_facing_up: Sent you ${sent}.`),
  ]);
}

const DAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Mon–Fri", "Mon, Wed, Fri", "every day". */
export function formatDays(days: readonly number[]): string {
  const sorted = [...days].sort();
  if (sorted.length === 7) return "every day";
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2) return `${DAY[sorted[0]! - 1]}–${DAY[sorted.at(-1)! - 1]}`;
  return sorted.map((d) => DAY[d - 1]).join(", ");
}

export function workspaceMessage(w: WorkspaceView, headline: string): Message {
  const lines = [
    `*Time zone*: ${esc(w.timezone)}${w.timezoneIsDefault ? " (the configured default)" : ""}`,
    `*Working hours*: ${formatMinutes(w.hours.start)}–${formatMinutes(w.hours.end)}, ${formatDays(w.hours.days)}, in each person's own zone`,
    `*Escalate overdue ranges to leads after*: ${plural(w.escalateAfterDays, "day")}`,
    `*Stalled after*: ${plural(w.stalledAfterDays, "day")} without progress`,
  ];
  return msg(headline, [
    section(`:gear: ${headline}`),
    section(lines.join("\n")),
    context(
      `Change one with \`/ledger workspace set <key> <value>\` (admins): ${Object.keys(WORKSPACE_SETTINGS).join(", ")}.`,
    ),
  ]);
}
