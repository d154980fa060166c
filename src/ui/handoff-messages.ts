/** Handoff requests and decisions: the replies, the leads' approval DMs and what they turn into. */
import type { KnownBlock } from "@slack/types";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, HandoffView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { button, context, esc, mention, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";

const recipient = (to: string | null) => (to ? mention(to) : "the pool");

export function handoffRequestedMessage(h: HandoffView, leads: string[]): Message {
  const who = leads.length
    ? leads.map(mention).join(", ")
    : "a lead (none is set up yet: an admin can name one with /ledger role)";
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
  if (kept.length)
    lines.push(`${mention(h.fromUserId)} keeps ${kept.map((k) => `*${k.ref}* (${formatRange(k)})`).join(" and ")}.`);
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
      ...(a
        ? [
            `${a.ref} now: ${formatRange(a)}, ${a.itemsDone}/${a.size} done, ${a.status.toLowerCase().replace("_", " ")}`,
          ]
        : []),
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

/** DM to the requester / recipient / previous owner after a decision. */
export function handoffOutcomeDm(
  h: HandoffView,
  moved: AssignmentView | null,
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
  if (moved && moved.assigneeId === forUser) {
    return msg(`You received ${moved.ref}`, [
      section(
        `:inbox_tray: ${mention(h.fromUserId)}'s items ${formatRange(moved)} of ${esc(moved.dataset)} are now yours as *${moved.ref}*.`,
      ),
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
