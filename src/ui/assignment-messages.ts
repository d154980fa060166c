/** Replies and DMs about assignments: claimed, assigned, progress, submitted, released, my work. */
import type { KnownBlock } from "@slack/types";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, DatasetView, ReviewView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { button, context, divider, esc, mention, plural, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";

export function claimedMessage(
  a: AssignmentView,
  d: Pick<DatasetView, "itemNoun" | "title">,
  today: string,
  assignedBy?: string,
): Message {
  const lead = assignedBy ? `${mention(assignedBy)} assigned you` : "You hold";
  return msg(`${assignedBy ? "Assigned" : "Claimed"} ${a.ref}: ${a.dataset} ${formatRange(a)}`, [
    section(`:white_check_mark: ${lead} *${a.ref}*: ${esc(d.title)} items ${formatRange(a)}`),
    ...assignmentCard(a, { today }),
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
