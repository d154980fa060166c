/** Replies and DMs about assignments: claimed, assigned, progress, submitted, released, my work. */
import type { KnownBlock } from "@slack/types";
import type { InstructionsView } from "../core/ledger/index.ts";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, DatasetView, ReviewView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { button, context, divider, esc, mention, plural, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { instructionsBlocks, instructionsLine } from "./instruction-messages.ts";
import { type Message, msg } from "./message.ts";

/**
 * A claim's reply, or the DM to someone a lead assigned a range: with the
 * dataset's current instructions (an assignee gets the button that
 * acknowledges them, which they do before their own progress).
 */
export function claimedMessage(
  a: AssignmentView,
  d: Pick<DatasetView, "itemNoun" | "title"> & { instructions?: InstructionsView | null },
  today: string,
  assignedBy?: string,
): Message {
  // A lead's assignment is a DM whose card follows the range: the headline names no items, which could change.
  const headline = assignedBy
    ? `${mention(assignedBy)} assigned you *${a.ref}* of ${esc(d.title)}.`
    : `You hold *${a.ref}*: ${esc(d.title)} items ${formatRange(a)}`;
  const i = d.instructions;
  return msg(`${assignedBy ? "Assigned" : "Claimed"} ${a.ref}: ${a.dataset} ${formatRange(a)}`, [
    section(`:white_check_mark: ${headline}`),
    ...assignmentCard(a, { today }),
    ...(i ? (assignedBy ? instructionsBlocks(i) : [context(instructionsLine(i))]) : []),
  ]);
}

/** A due date moved: to the lead who moved it (`by` null), or to the owner (naming the lead). */
export function dueMovedMessage(
  a: AssignmentView,
  previous: string | null,
  by: string | null,
  reason: string | null,
  today: string,
): Message {
  const to = a.dueDate ? `to *${a.dueDate}*` : "off: it has no due date now";
  const from = previous ? ` (was ${previous})` : "";
  const who = by ? `${mention(by)} moved the due date of your range *${a.ref}*` : `Moved the due date of *${a.ref}*`;
  const why = reason ? `: ${esc(reason)}` : "";
  return msg(`${a.ref}: due ${a.dueDate ?? "date cleared"}`, [
    section(`:calendar: ${who} ${to}${from}${why}.`),
    ...assignmentCard(a, { today, showOwner: by === null, actions: by !== null }),
  ]);
}

/** To the lead who assigned: the range, and the dataset's claim limits it exceeds (allowed for leads). */
export function assignedMessage(a: AssignmentView, today: string, overLimits: readonly string[] = []): Message {
  return msg(`Assigned ${a.ref} to ${a.assigneeId}`, [
    section(`:white_check_mark: *${a.ref}* assigned to ${mention(a.assigneeId)}: ${esc(a.dataset)} ${formatRange(a)}`),
    ...assignmentCard(a, { today, showOwner: true, actions: false }),
    ...(overLimits.length
      ? [
          context(
            ...overLimits.map((l) => `:warning: Past the claim limits of ${esc(a.dataset)} (leads may): ${esc(l)}`),
          ),
        ]
      : []),
  ]);
}

export function progressMessage(a: AssignmentView, today: string, headline: string): Message {
  return msg(`${a.ref}: ${headline}`, [section(`${headline}`), ...assignmentCard(a, { today })]);
}

export function submittedMessage(a: AssignmentView, review: ReviewView | null, today: string): Message {
  const text = review
    ? review.reviewerId
      ? `:outbox_tray: *${a.ref}* is in review with ${mention(review.reviewerId)} (${plural(review.sampleSize, "item")} to check).`
      : `:outbox_tray: *${a.ref}* is in review; no reviewer is free yet, leads have been told.`
    : `:white_check_mark: *${a.ref}* is completed: its dataset's policy reviews nothing more of it.`;
  return msg(`${a.ref} submitted`, [section(text), ...assignmentCard(a, { today, actions: false })]);
}

/** What a release did, as the core reports it. */
export interface ReleaseResult {
  assignment: AssignmentView;
  freed: { first: number; last: number };
  doneKept: number;
  doneDiscarded: number;
}

/** To whoever released (`by` null), or to the owner a lead released for (naming the lead). */
export function releasedMessage(r: ReleaseResult, today: string, by: string | null = null): Message {
  const a = r.assignment;
  const who = by ? `${mention(by)} released` : "Released";
  if (r.doneKept > 0) {
    const keeper = by ? "You keep" : `${mention(a.assigneeId)} keeps`;
    return msg(`Released ${a.ref} ${formatRange(r.freed)}`, [
      section(
        `:arrow_heading_up: ${who} the unstarted items ${formatRange(r.freed)} of *${a.ref}* (${esc(a.dataset)}): they are free again. ${keeper} the ${plural(r.doneKept, "done item")} as *${a.ref}* (${formatRange(a)}, ${a.itemsDone}/${a.size} done), still open: submit it when it is ready.`,
      ),
      ...assignmentCard(a, { today, actions: by !== null }),
    ]);
  }
  const discarded = r.doneDiscarded > 0 ? ` The ${plural(r.doneDiscarded, "done item")} were discarded.` : "";
  return msg(`Released ${a.ref}`, [
    section(
      `:arrow_heading_up: ${who} *${a.ref}*: ${esc(a.dataset)} items ${formatRange(r.freed)} are free again.${discarded}`,
    ),
  ]);
}

/** To a dataset's leads: someone released a range with items done, keeping or discarding them. */
export function releasedForLeadsMessage(r: ReleaseResult, by: string, owner: string): Message {
  const a = r.assignment;
  const whose = by === owner ? "" : ` (${mention(owner)}'s)`;
  const what =
    r.doneKept > 0
      ? `released the unstarted items ${formatRange(r.freed)} of *${a.ref}*${whose} in ${esc(a.dataset)}; the ${plural(r.doneKept, "done item")} (${formatRange(a)}) stay with ${mention(owner)} as *${a.ref}*.`
      : `released all of *${a.ref}*${whose} in ${esc(a.dataset)} (items ${formatRange(r.freed)}) and discarded its ${plural(r.doneDiscarded, "done item")}.`;
  return msg(`${a.ref} released with ${r.doneKept + r.doneDiscarded} items done`, [
    section(`:arrow_heading_up: ${mention(by)} ${what}`),
  ]);
}

/** What the core says a release of a range with items done would do (its refusal's details). */
export interface ReleaseQuestion {
  ref: string;
  dataset: string;
  owner: string;
  itemsDone: number;
  size: number;
  keep: { first: number; last: number } | null;
  free: { first: number; last: number } | null;
  /** the items done the person was last shown, when progress moved since (their answer was not applied) */
  shownDone?: number | null;
}

/** Asks before a range with items done is released: keep them and free the rest, or discard them. */
export function releaseQuestionMessage(q: ReleaseQuestion, actorId: string): Message {
  const you = q.owner === actorId ? "you" : mention(q.owner);
  const lines = [
    `:warning: *${q.ref}* (${esc(q.dataset)}) has *${q.itemsDone} of ${q.size}* items done. Nothing was released yet.`,
  ];
  if (q.shownDone != null && q.shownDone !== q.itemsDone)
    lines.push(
      `Progress moved since you were asked (then ${q.shownDone} done), so your answer was not applied: choose again with the count as it is now.`,
    );
  if (q.keep && q.free)
    lines.push(
      `Releasing the unstarted items keeps ${formatRange(q.keep)} with ${you} as *${q.ref}* (${q.itemsDone}/${q.itemsDone} done, still open: submit it when ready) and returns ${formatRange(q.free)} to the pool. Done items are counted from the start of the range.`,
    );
  else lines.push(`All its items are done: submitting it is probably what you want (\`/progress ${q.ref} done\`).`);
  lines.push(
    `Or with a command: \`/release ${q.ref} confirm\` keeps the done items, \`/release ${q.ref} all\` discards them.`,
  );
  const elements = [
    ...(q.free
      ? [
          button(
            `Release the ${plural(q.free.last - q.free.first + 1, "unstarted item")}`,
            ACTIONS.releaseUnstarted,
            releaseChoiceValue(q.ref, q.itemsDone),
            "primary",
          ),
        ]
      : []),
    button(
      `Release all ${q.size} (discard ${q.itemsDone} done)`,
      ACTIONS.releaseAll,
      releaseChoiceValue(q.ref, q.itemsDone),
      "danger",
    ),
    button("Cancel", ACTIONS.keepAsIs, q.ref),
  ];
  return msg(`${q.ref} has ${q.itemsDone} of ${q.size} items done: release what?`, [
    section(lines.join("\n")),
    { type: "actions", block_id: `release:${q.ref}`, elements },
  ]);
}

/** The value of a release question's buttons: the range and the items done its labels counted ("A8@30"). */
export const releaseChoiceValue = (ref: string, itemsDone: number): string => `${ref}@${itemsDone}`;

/** What the core says a submit of a range with items left would do (its refusal's details). */
export interface SubmitQuestion {
  ref: string;
  dataset: string;
  itemsDone: number;
  size: number;
}

/** Asks before a range with items left is submitted as all done. */
export function submitQuestionMessage(q: SubmitQuestion): Message {
  return msg(`Submit ${q.ref} at ${q.itemsDone}/${q.size} as all ${q.size} done?`, [
    section(
      `:warning: *${q.ref}* (${esc(q.dataset)}) has *${q.itemsDone} of ${q.size}* items done. Submitting counts all ${q.size} as done; nothing was submitted yet.\nOr with a command: \`/progress ${q.ref} done confirm\` (or \`/progress ${q.ref} ${q.size} done\`).`,
    ),
    {
      type: "actions",
      block_id: `submit:${q.ref}`,
      elements: [
        button(`Submit as ${q.size}/${q.size} done`, ACTIONS.submitConfirmed, q.ref, "primary"),
        button(`Keep at ${q.itemsDone}/${q.size}`, ACTIONS.keepAsIs, q.ref),
      ],
    },
  ]);
}

/** The answer to "Cancel" / "Keep at …": nothing changed. */
export function keptAsIsMessage(a: AssignmentView, today: string): Message {
  return msg(`${a.ref} unchanged`, [
    section(`:ok_hand: Nothing changed: *${a.ref}* stays at ${a.itemsDone}/${a.size} done.`),
    ...assignmentCard(a, { today }),
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
  if (open.length > 15)
    blocks.push(context(`…and ${open.length - 15} more: open the rangekeeper Home tab for all of them.`));
  return msg(`You hold ${plural(open.length, "open range")}`, blocks);
}

/** The value of a due-date proposal's buttons: the range, the date proposed, the date it replaces (or none), the owner. */
export const dueProposalValue = (ref: string, due: string, from: string | null, owner: string): string =>
  `${ref}|${due}|${from ?? "none"}|${owner}`;

/** To a lead: an owner asks to move their range's due date. */
export function dueProposalMessage(
  a: AssignmentView,
  due: string,
  from: string | null,
  reason: string | null,
): Message {
  const value = dueProposalValue(a.ref, due, from, a.assigneeId);
  return msg(`${a.assigneeId} proposes ${a.ref} due ${due}`, [
    section(
      `:calendar: ${mention(a.assigneeId)} asks to move the due date of *${a.ref}* (${esc(a.dataset)} items ${formatRange(a)}, ${a.itemsDone}/${a.size} done) from ${from ?? "none"} to *${due}*.`,
    ),
    ...(reason ? [context(`Why: ${esc(reason)}`)] : []),
    {
      type: "actions",
      block_id: `due:${a.ref}:${due}`,
      elements: [
        button("Accept the new date", ACTIONS.acceptDue, value, "primary"),
        button("Keep the date", ACTIONS.keepDue, value),
      ],
    },
  ]);
}

/** What a due-date proposal became: every lead's copy shows it, the owner is told. */
export function dueProposalDecidedMessage(
  ref: string,
  due: string,
  owner: string,
  decidedBy: string,
  accepted: boolean,
): Message {
  const text = accepted
    ? `:white_check_mark: ${mention(decidedBy)} accepted ${mention(owner)}'s new due date for *${ref}*: *${due}*.`
    : `:no_entry_sign: ${mention(decidedBy)} kept the due date of *${ref}* (${mention(owner)} proposed ${due}).`;
  return msg(`${ref}: new due date ${accepted ? "accepted" : "declined"}`, [section(text)]);
}

/** To the owner, after proposing. */
export function dueProposedMessage(ref: string, due: string, leads: readonly string[]): Message {
  return msg(`Asked for ${ref} due ${due}`, [
    section(
      `:outbox_tray: Asked ${leads.map(mention).join(", ")} to move the due date of *${ref}* to *${due}*. You will hear back here.`,
    ),
  ]);
}

/** A claim the refusal of a held range offers instead: the lowest free range of the same size, same due date and note. */
export interface ClaimOffer {
  dataset: string;
  first: number;
  last: number;
  due: string | null;
  note: string | null;
}

/** The value of a "Claim … instead" button: `cats|201-250|<due or empty>|<note>` (the note last, as it may hold a |). */
export const claimOfferValue = (o: ClaimOffer): string =>
  `${o.dataset}|${o.first}-${o.last}|${o.due ?? ""}|${o.note ?? ""}`.slice(0, 2000);

/** The refusal of a range someone holds, with a button that claims the free range it names instead. */
export function heldRangeMessage(refusal: Message, offer: ClaimOffer): Message {
  return msg(refusal.text, [
    ...refusal.blocks,
    {
      type: "actions",
      block_id: "claim-instead",
      elements: [
        button(`Claim ${formatRange(offer)} instead`, ACTIONS.claimInstead, claimOfferValue(offer), "primary"),
      ],
    },
  ]);
}
