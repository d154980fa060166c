/** Replies and notifications: pure functions from domain results to Slack messages. */
import type { KnownBlock } from "@slack/types";
import type { Coverage } from "../core/ledger/queries.js";
import { formatRange } from "../core/ranges.js";
import type { AnnotatorLoad } from "../core/workload.js";
import type { AssignmentView, DatasetView, HandoffView, MemberView, ReviewView, Role } from "../core/types.js";
import { DATASET_SETTINGS } from "../core/ledger/settings.js";
import { plainText, type Text } from "../core/text.js";
import { mrkdwn } from "./text.js";
import { assignmentCard, assignmentActions } from "./assignment.js";
import { ACTIONS } from "./ids.js";
import { assignmentTitle, button, channelMention, context, divider, esc, header, mention, plain, plural, progressBar, section } from "./format.js";

export interface Message {
  /** notification and accessibility text */
  text: string;
  blocks: KnownBlock[];
}

const msg = (text: string, blocks: KnownBlock[]): Message => ({ text, blocks: blocks.slice(0, 50) });

/** A refusal: what was wrong, and the correct usage when it was the command's shape. */
export function errorMessage(message: Text | string, usage?: string): Message {
  const t = typeof message === "string" ? [message] : message;
  const blocks: KnownBlock[] = [section(`:raised_hand: ${mrkdwn(t)}`)];
  if (usage) blocks.push(context(`Usage: \`${esc(usage)}\``));
  const plainMessage = plainText(t);
  return msg(usage ? `${plainMessage}. Usage: ${usage}` : plainMessage, blocks);
}

export function claimedMessage(a: AssignmentView, d: Pick<DatasetView, "itemNoun" | "title">, today: string, assignedBy?: string): Message {
  const lead = assignedBy ? `${mention(assignedBy)} assigned you` : "You hold";
  return msg(`${assignedBy ? "Assigned" : "Claimed"} ${a.ref}: ${a.dataset} ${formatRange(a)}`, [
    section(`:white_check_mark: ${lead} *${a.ref}*: ${esc(d.title)} items ${formatRange(a)}`),
    ...assignmentCard(a, { today }),
  ]);
}

export function assignedMessage(a: AssignmentView, today: string): Message {
  return msg(`Assigned ${a.ref} to ${a.assigneeId}`, [
    section(`:white_check_mark: *${a.ref}* assigned to ${mention(a.assigneeId)}: ${esc(a.dataset)} ${formatRange(a)}`),
    ...assignmentCard(a, { today, showOwner: true, actions: false }),
  ]);
}

export function progressMessage(a: AssignmentView, today: string, headline: string): Message {
  return msg(`${a.ref}: ${headline}`, [section(`${headline}`), ...assignmentCard(a, { today })]);
}

export function submittedMessage(a: AssignmentView, review: ReviewView | null, today: string): Message {
  const text = review
    ? review.reviewerId
      ? `:outbox_tray: *${a.ref}* is in review with ${mention(review.reviewerId)} (${plural(review.sampleItems.length, "item")} to check).`
      : `:outbox_tray: *${a.ref}* is in review; no reviewer is free yet, leads have been told.`
    : `:white_check_mark: *${a.ref}* is completed: its dataset's policy reviews nothing more of it.`;
  return msg(`${a.ref} submitted`, [section(text), ...assignmentCard(a, { today, actions: false })]);
}

export function releasedMessage(a: AssignmentView): Message {
  return msg(`Released ${a.ref}`, [
    section(`:arrow_heading_up: Released *${a.ref}*: ${esc(a.dataset)} items ${formatRange(a)} are free again.`),
  ]);
}

const recipient = (to: string | null) => (to ? mention(to) : "the pool");

export function handoffRequestedMessage(h: HandoffView, leads: string[]): Message {
  const who = leads.length ? leads.map(mention).join(", ") : "a lead (none is set up yet: an admin can name one with /ledger role)";
  return msg(`Handoff of ${h.assignmentRef} requested`, [
    section(
      `:incoming_envelope: Asked to hand *${h.assignmentRef}* items ${formatRange(h)} to ${recipient(h.toUserId)} (${h.ref}). ${who} will approve or reject it.`,
    ),
    context(`Reason: ${esc(h.reason)}`),
  ]);
}

export function handoffAppliedMessage(h: HandoffView, moved: AssignmentView | null, kept: AssignmentView[]): Message {
  const lines = [
    `:twisted_rightwards_arrows: *${h.assignmentRef}* items ${formatRange(h)} went to ${recipient(h.toUserId)}${moved ? ` as *${moved.ref}*` : ""}.`,
  ];
  if (kept.length) lines.push(`${mention(h.fromUserId)} keeps ${kept.map((k) => `*${k.ref}* (${formatRange(k)})`).join(" and ")}.`);
  return msg(`Handoff of ${h.assignmentRef} done`, [section(lines.join("\n")), context(`Reason: ${esc(h.reason)}`)]);
}

/** The DM a lead gets for a pending request, with the decision buttons. */
export function handoffApprovalMessage(h: HandoffView, a: AssignmentView | null): Message {
  const blocks: KnownBlock[] = [
    section(
      `:raising_hand: ${mention(h.requesterId)} asks to hand *${h.assignmentRef}* (${esc(h.dataset)}) items ${formatRange(h)} to ${recipient(h.toUserId)}.`,
    ),
    context(
      `Reason: ${esc(h.reason)}`,
      ...(a ? [`${a.ref} now: ${formatRange(a)}, ${a.itemsDone}/${a.size} done, ${a.status.toLowerCase().replace("_", " ")}`] : []),
      `Request ${h.ref}`,
    ),
    {
      type: "actions",
      block_id: `handoff:${h.ref}`,
      elements: [
        button("Approve", ACTIONS.approve, h.ref, "primary"),
        button("Reject", ACTIONS.reject, h.ref, "danger"),
        button("Decide with comment…", ACTIONS.decide, h.ref),
      ],
    },
  ];
  return msg(`Handoff request ${h.ref} for ${h.assignmentRef} needs a decision`, blocks);
}

/** What the leads' request messages turn into once someone decided. */
export function handoffDecidedMessage(h: HandoffView): Message {
  const verb = h.status === "APPROVED" ? ":white_check_mark: Approved" : h.status === "REJECTED" ? ":no_entry_sign: Rejected" : ":heavy_minus_sign: Withdrawn";
  const by = h.decidedById ? ` by ${mention(h.decidedById)}` : "";
  const blocks: KnownBlock[] = [
    section(
      `${verb}${by}: hand *${h.assignmentRef}* (${esc(h.dataset)}) items ${formatRange(h)} from ${mention(h.fromUserId)} to ${recipient(h.toUserId)}.`,
    ),
    context(`Reason: ${esc(h.reason)}`, ...(h.decisionComment ? [`Comment: ${esc(h.decisionComment)}`] : []), `Request ${h.ref}`),
  ];
  return msg(`${h.ref} ${h.status.toLowerCase()}`, blocks);
}

/** DM to the requester / recipient / previous owner after a decision. */
export function handoffOutcomeDm(h: HandoffView, moved: AssignmentView | null, forUser: string, today: string): Message {
  if (h.status === "REJECTED") {
    return msg(`${h.ref} rejected`, [
      section(`:no_entry_sign: ${mention(h.decidedById ?? "")} rejected handing *${h.assignmentRef}* items ${formatRange(h)} to ${recipient(h.toUserId)}.`),
      ...(h.decisionComment ? [context(`Comment: ${esc(h.decisionComment)}`)] : []),
    ]);
  }
  if (moved && moved.assigneeId === forUser) {
    return msg(`You received ${moved.ref}`, [
      section(`:inbox_tray: ${mention(h.fromUserId)}'s items ${formatRange(moved)} of ${esc(moved.dataset)} are now yours as *${moved.ref}*.`),
      context(`Reason: ${esc(h.reason)}`, ...(h.decisionComment ? [`Comment: ${esc(h.decisionComment)}`] : [])),
      ...assignmentCard(moved, { today }),
    ]);
  }
  return msg(`${h.ref} approved`, [
    section(
      `:white_check_mark: ${h.decidedById ? mention(h.decidedById) : "A lead"} approved: *${h.assignmentRef}* items ${formatRange(h)} went to ${recipient(h.toUserId)}${moved ? ` as *${moved.ref}*` : ""}.`,
    ),
    ...(h.decisionComment ? [context(`Comment: ${esc(h.decisionComment)}`)] : []),
  ]);
}

export function myWorkMessage(list: AssignmentView[], today: string): Message {
  const open = list.filter((a) => a.status !== "COMPLETED");
  if (open.length === 0) {
    return msg("You hold no open ranges", [
      section(`:sparkles: You hold no open ranges. Claim some with \`${esc("/claim <dataset> next")}\`.`),
      { type: "actions", elements: [button("Claim a range", ACTIONS.openClaim, "claim", "primary")] },
    ]);
  }
  const blocks: KnownBlock[] = [section(`*Your ranges* (${open.length})`)];
  for (const a of open.slice(0, 15)) blocks.push(divider(), ...assignmentCard(a, { today }));
  if (open.length > 15) blocks.push(context(`…and ${open.length - 15} more: open the rangekeeper Home tab for all of them.`));
  return msg(`You hold ${plural(open.length, "open range")}`, blocks);
}

export function reviewQueueMessage(list: ReviewView[]): Message {
  if (list.length === 0) return msg("No reviews waiting for you", [section(":sparkles: No reviews are waiting for you.")]);
  const blocks: KnownBlock[] = [section(`*Reviews waiting for you* (${list.length})`)];
  for (const r of list.slice(0, 20)) {
    blocks.push(
      section(
        `*${r.assignmentRef}* · ${esc(r.dataset)} · by ${mention(r.annotatorId)} · round ${r.round} · ${plural(r.sampleItems.length, "item")} to check${r.reviewerId ? "" : " · _unassigned_"}`,
        button("Review", ACTIONS.openReview, r.ref, "primary"),
      ),
    );
  }
  return msg(`${plural(list.length, "review")} waiting`, blocks);
}

/** DM to the reviewer when a range is submitted. */
export function reviewRequestMessage(r: ReviewView, a: AssignmentView): Message {
  const items = r.sampleItems.length === a.size ? "every item (full review)" : `items ${compactItems(r.sampleItems)}`;
  return msg(`Review ${a.ref} from ${a.assigneeId}`, [
    section(`:mag: ${mention(a.assigneeId)} submitted ${assignmentTitle(a)} for review (round ${r.round}).\nCheck ${items}.`),
    { type: "actions", block_id: `review:${r.ref}`, elements: [button("Review", ACTIONS.openReview, r.ref, "primary")] },
  ]);
}

export function reviewDecidedDm(r: ReviewView, a: AssignmentView, today: string): Message {
  const accepted = r.status === "ACCEPTED";
  const errors = Object.entries(r.errors).map(([c, n]) => `${c}: ${n}`).join(", ");
  return msg(`${a.ref} ${accepted ? "accepted" : "needs changes"}`, [
    section(
      accepted
        ? `:white_check_mark: ${mention(r.reviewerId ?? "")} accepted *${a.ref}*.`
        : `:leftwards_arrow_with_hook: ${mention(r.reviewerId ?? "")} asks for changes on *${a.ref}*.`,
    ),
    context(`Checked ${r.itemsChecked ?? 0} of ${r.sampleItems.length}`, ...(errors ? [`Errors: ${esc(errors)}`] : []), ...(r.comment ? [`Comment: ${esc(r.comment)}`] : [])),
    ...(accepted ? [] : assignmentCard(a, { today })),
  ]);
}

/** "3, 7, 10–14, 20" */
export function compactItems(items: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < items.length) {
    let j = i;
    while (j + 1 < items.length && items[j + 1] === items[j]! + 1) j++;
    out.push(formatRange({ first: items[i]!, last: items[j]! }));
    i = j + 1;
  }
  const s = out.join(", ");
  return s.length > 1500 ? `${s.slice(0, 1500)}…` : s;
}

export function loadLines(load: AnnotatorLoad[]): string {
  if (load.length === 0) return "_nobody holds open items_";
  return load
    .slice(0, 15)
    .map((l) => `${mention(l.userId)} ${plural(l.remainingItems, "item")} left · ${l.daysOfWork} d at ${l.capacityPerWeek}/wk`)
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
        c.gapCount ? `Free: ${gaps}${c.gapCount > 8 ? ` and ${c.gapCount - 8} more gaps` : ""}` : "Every item is claimed.",
      ].join("\n"),
    ),
    section(`*Load*\n${loadLines(c.load)}`),
    context(
      `${c.rangesByStatus.IN_PROGRESS} in progress · ${c.rangesByStatus.PENDING} pending · ${c.rangesByStatus.IN_REVIEW} in review · ${c.rangesByStatus.CHANGES_REQUESTED} in rework · ${c.rangesByStatus.COMPLETED} completed`,
      c.overdueRanges ? `:warning: ${plural(c.overdueRanges, "overdue range")}` : "nothing overdue",
      c.forecastFinish ? `forecast finish ${c.forecastFinish} at ${c.itemsPerDay}/day` : "no forecast yet (no progress in the last 14 days)",
    ),
  ];
  return msg(`${d.slug}: ${pct(c.doneItems)} done, ${c.freeItems} free`, blocks);
}

export function statusOverviewMessage(datasets: Coverage[], load: AnnotatorLoad[]): Message {
  if (datasets.length === 0) {
    return msg("No datasets yet", [section(`No datasets yet. A lead adds one with \`${esc("/ledger dataset add <slug> <items> [#channel] [title…]")}\`.`)]);
  }
  const lines = datasets.map(
    (c) =>
      `*${esc(c.dataset.slug)}* ${progressBar(c.doneItems, c.itemCount)} · ${c.freeItems.toLocaleString("en-US")} free · ${c.overdueRanges} overdue · ${c.forecastFinish ? `finish ~${c.forecastFinish}` : "no forecast"}`,
  );
  return msg("Ledger status", [header("Ledger status"), section(lines.join("\n")), section(`*Load*\n${loadLines(load.filter((l) => l.remainingItems > 0))}`)]);
}

const HELP: [string, string, string][] = [
  ["/claim", "cats 101-200 due 2026-12-01 first pass", "claim items 101–200 of cats (or `/claim` for a form)"],
  ["/claim", "cats next 50", "claim the lowest free 50 items of cats"],
  ["/progress", "A17 40", "set items done on A17"],
  ["/progress", "A17 done", "submit A17 for review (also start, pause)"],
  ["/handoff", "A17 @ana 151-200 out sick", "hand items 151–200 of A17 to @ana (or pool)"],
  ["/release", "A17 not my language", "give A17's items back"],
  ["/mywork", "", "your ranges with buttons"],
  ["/review", "A17", "your review queue, or review A17"],
  ["/ledger", "status cats public", "coverage, load, overdue and forecast"],
  ["/ledger", "dataset add cats 5000 #labelling Cat photos", "add a dataset (leads)"],
  ["/ledger", "dataset set cats sample 10%", `change a setting: ${Object.keys(DATASET_SETTINGS).join(", ")} (leads)`],
  ["/ledger", "assign cats 1-100 @ana due 2026-12-01", "assign a range (leads)"],
  ["/ledger", "role @ana reviewer", "grant a role (admins; leads may grant reviewer)"],
  ["/ledger", "capacity @ana 1500", "items per week (leads)"],
  ["/ledger", "export cats", "the ledger as a CSV file"],
];

export function helpMessage(): Message {
  const lines = HELP.map(([c, args, what]) => `\`${c}${args ? ` ${args}` : ""}\` — ${what}`);
  return msg("rangekeeper commands", [header("rangekeeper commands"), section(lines.join("\n")), context("Every range has a reference like A17; every command accepts it.")]);
}

export function datasetMessage(d: DatasetView, headline: string): Message {
  const facts = [
    `${plural(d.itemCount, d.itemNoun)} · batch ${d.batchSize}`,
    `review: first ${d.reviewFirstK} range(s) in full, then ${d.reviewEveryRange ? `${Math.round(d.reviewSampleRate * 1000) / 10}% sampled` : "none"}`,
    d.goldItems.length ? `${plural(d.goldItems.length, "gold item")}` : "no gold items",
    d.channelId ? `digests in ${channelMention(d.channelId)}` : "no channel",
  ];
  return msg(headline, [
    section(`:card_index_dividers: ${headline}`),
    context(...facts, `errors: ${esc(d.errorTaxonomy.join(", "))}`, ...(d.instructions ? [`instructions v${d.instructions.version}`] : [])),
  ]);
}

const ROLE_WORD: Record<Role, string> = { ANNOTATOR: "an annotator", REVIEWER: "a reviewer", LEAD: "a lead", ADMIN: "an admin" };

export function roleMessage(userId: string, role: Role, dataset: string | null): Message {
  const text = `${mention(userId)} is now ${ROLE_WORD[role]}${dataset ? ` on ${esc(dataset)}` : ""}.`;
  return msg(text, [section(`:bust_in_silhouette: ${text}`)]);
}

export function capacityMessage(m: MemberView): Message {
  const text = `${mention(m.userId)} can do ${plural(m.capacityPerWeek ?? 0, "item")} per week.`;
  return msg(text, [section(`:bar_chart: ${text}`)]);
}

export function exportedMessage(slug: string, rows: number): Message {
  return msg(`Exported ${slug}`, [section(`:page_facing_up: Sent you the ledger of *${esc(slug)}* as CSV (${plural(rows, "row")}).`)]);
}

export { assignmentActions, plain };
