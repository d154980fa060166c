/** Handoff requests and decisions: the replies, the leads' approval DMs and what they turn into. */
import type { KnownBlock } from "@slack/types";
import type { HandoffSplit } from "../core/ledger/handoffs.ts";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, HandoffView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { button, context, esc, mention, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";

const recipient = (to: string | null) => (to ? mention(to) : "the pool");

const sizeOf = (r: { first: number; last: number }) => r.last - r.first + 1;
const doneOf = (r: { first: number; last: number; itemsDone: number }) =>
  `${formatRange(r)} (${r.itemsDone}/${sizeOf(r)} done)`;

/** Where the done items go, and by which rule: as the requester stated, or counted from the start of the range. */
export function splitText(split: HandoffSplit, verb: "goes" | "would go" = "goes"): string {
  const kept = split.kept.length
    ? `; ${split.kept.map(doneOf).join(" and ")} ${verb === "goes" ? "stays" : "would stay"}`
    : "";
  const rule = split.stated ? "as the requester stated" : "done items are counted from the start of the range";
  return `Done items: ${doneOf(split.moved)} ${verb} to the recipient${kept} (${rule}).`;
}

export function handoffRequestedMessage(h: HandoffView, leads: string[], split: HandoffSplit): Message {
  const who = leads.length
    ? leads.map(mention).join(", ")
    : "a lead (none is set up yet: an admin can name one with /ledger role)";
  return msg(`Handoff of ${h.assignmentRef} requested`, [
    section(
      `:incoming_envelope: Asked to hand *${h.assignmentRef}* items ${formatRange(h)} to ${recipient(h.toUserId)} (${h.ref}). ${who} will approve or reject it.`,
    ),
    context(splitText(split, "would go")),
    context(`Reason: ${esc(h.reason)}`),
  ]);
}

const keptText = (kept: AssignmentView[]) =>
  kept.map((k) => `*${k.ref}* (${formatRange(k)}, ${k.itemsDone}/${k.size} done)`).join(" and ");

export function handoffAppliedMessage(
  h: HandoffView,
  moved: AssignmentView | null,
  kept: AssignmentView[],
  split: HandoffSplit,
): Message {
  const lines = [
    `:twisted_rightwards_arrows: *${h.assignmentRef}* items ${formatRange(h)} went to ${recipient(h.toUserId)}${moved ? ` as *${moved.ref}* (${moved.itemsDone}/${moved.size} done)` : ""}.`,
  ];
  if (kept.length) lines.push(`${mention(h.fromUserId)} keeps ${keptText(kept)}.`);
  lines.push(splitText(split));
  return msg(`Handoff of ${h.assignmentRef} done`, [section(lines.join("\n")), context(`Reason: ${esc(h.reason)}`)]);
}

/** The DM a lead gets for a pending request, with the decision buttons. */
export function handoffApprovalMessage(h: HandoffView, a: AssignmentView | null, split?: HandoffSplit): Message {
  const blocks: KnownBlock[] = [
    section(
      `:raising_hand: ${mention(h.requesterId)} asks to hand *${h.assignmentRef}* (${esc(h.dataset)}) items ${formatRange(h)} to ${recipient(h.toUserId)}.`,
    ),
    context(
      `Reason: ${esc(h.reason)}`,
      ...(a
        ? [
            `${a.ref} now: ${formatRange(a)}, ${a.itemsDone}/${a.size} done, ${a.status.toLowerCase().replace("_", " ")}`,
          ]
        : []),
      ...(split ? [splitText(split, "would go")] : []),
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
  const verb =
    h.status === "APPROVED"
      ? ":white_check_mark: Approved"
      : h.status === "REJECTED"
        ? ":no_entry_sign: Rejected"
        : ":heavy_minus_sign: Withdrawn";
  const by = h.decidedById ? ` by ${mention(h.decidedById)}` : "";
  const blocks: KnownBlock[] = [
    section(
      `${verb}${by}: hand *${h.assignmentRef}* (${esc(h.dataset)}) items ${formatRange(h)} from ${mention(h.fromUserId)} to ${recipient(h.toUserId)}.`,
    ),
    context(
      `Reason: ${esc(h.reason)}`,
      ...(h.decisionComment ? [`Comment: ${esc(h.decisionComment)}`] : []),
      `Request ${h.ref}`,
    ),
  ];
  return msg(`${h.ref} ${h.status.toLowerCase()}`, blocks);
}

/**
 * DM to the requester / recipient / previous owner after a decision or a
 * lead's direct handoff: who moved what and why, and how the done items were
 * split.
 */
export function handoffOutcomeDm(
  h: HandoffView,
  moved: AssignmentView | null,
  kept: AssignmentView[],
  split: HandoffSplit,
  forUser: string,
  today: string,
): Message {
  if (h.status === "REJECTED") {
    return msg(`${h.ref} rejected`, [
      section(
        `:no_entry_sign: ${mention(h.decidedById ?? "")} rejected handing *${h.assignmentRef}* items ${formatRange(h)} to ${recipient(h.toUserId)}.`,
      ),
      ...(h.decisionComment ? [context(`Comment: ${esc(h.decisionComment)}`)] : []),
    ]);
  }
  // A lead's own handoff is decided as it is made, by the person who asked for it.
  const direct = h.decidedById !== null && h.decidedById === h.requesterId;
  const comment = !direct && h.decisionComment ? [`Comment: ${esc(h.decisionComment)}`] : [];
  if (moved && moved.assigneeId === forUser) {
    const how = direct
      ? `${mention(h.requesterId)} moved ${mention(h.fromUserId)}'s items ${formatRange(moved)} of *${h.assignmentRef}* (${esc(moved.dataset)}) to you`
      : `${mention(h.fromUserId)}'s items ${formatRange(moved)} of ${esc(moved.dataset)} are now yours`;
    return msg(`You received ${moved.ref}`, [
      section(`:inbox_tray: ${how} as *${moved.ref}*, with ${moved.itemsDone}/${moved.size} done.`),
      context(`Reason: ${esc(h.reason)}`, ...comment, splitText(split)),
      ...assignmentCard(moved, { today }),
    ]);
  }
  const keeps =
    forUser === h.fromUserId ? (kept.length ? ` You keep ${keptText(kept)}.` : " You keep none of it.") : "";
  const to = `${recipient(h.toUserId)}${moved ? ` as *${moved.ref}* (${moved.itemsDone}/${moved.size} done)` : ""}`;
  if (direct) {
    return msg(`${h.requesterId} moved ${h.assignmentRef} ${formatRange(h)}`, [
      section(
        `:twisted_rightwards_arrows: ${mention(h.requesterId)} moved items ${formatRange(h)} of *${h.assignmentRef}* (${esc(h.dataset)}) to ${to}: ${esc(h.reason).replace(/[.!?]$/, "")}.${keeps}`,
      ),
      context(splitText(split)),
    ]);
  }
  return msg(`${h.ref} approved`, [
    section(
      `:white_check_mark: ${h.decidedById ? mention(h.decidedById) : "A lead"} approved: *${h.assignmentRef}* items ${formatRange(h)} went to ${to}.${keeps}`,
    ),
    context(...comment, splitText(split)),
  ]);
}
