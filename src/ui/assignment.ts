/** An assignment as Block Kit: one line of facts, a progress bar and the next useful actions. */
import type { ActionsBlock, Button, KnownBlock } from "@slack/types";
import type { AssignmentView } from "../core/types.ts";
import {
  assignmentTitle,
  button,
  context,
  dueLabel,
  esc,
  mention,
  progressBar,
  section,
  statusLabel,
} from "./format.ts";
import { ACTIONS } from "./ids.ts";

/** The Release button's confirmation: what goes back to the pool, naming the done items when there are any. */
export function releaseConfirmText(a: AssignmentView): string {
  if (a.itemsDone === 0) return `Its ${a.size} items go back to the pool and anyone can claim them.`;
  if (a.itemsDone >= a.size)
    return `All ${a.size} of its items are done: submitting is probably what you want. Next you can release them all, discarding the ${a.itemsDone} done.`;
  return `${a.itemsDone} of its ${a.size} items are done. Next you choose: keep them with their owner and release only the ${a.size - a.itemsDone} unstarted items, or release all ${a.size} and discard the ${a.itemsDone} done.`;
}

/** The buttons that fit an assignment's status, most likely next step first. */
export function assignmentButtons(a: AssignmentView): Button[] {
  const b = {
    start: button(a.status === "CHANGES_REQUESTED" ? "Start rework" : "Start", ACTIONS.start, a.ref, "primary"),
    progress: button("Update progress", ACTIONS.progress, a.ref),
    submit: button("Submit as done", ACTIONS.submit, a.ref, a.status === "IN_PROGRESS" ? "primary" : undefined),
    pause: button("Pause", ACTIONS.pause, a.ref),
    handoff: button("Hand off", ACTIONS.handoff, a.ref),
    release: {
      ...button("Release", ACTIONS.release, a.ref, "danger"),
      confirm: {
        title: { type: "plain_text" as const, text: `Release ${a.ref}?` },
        text: { type: "mrkdwn" as const, text: releaseConfirmText(a) },
        confirm: { type: "plain_text" as const, text: a.itemsDone > 0 ? "Choose what to release" : "Release" },
        deny: { type: "plain_text" as const, text: "Keep it" },
        style: "danger" as const,
      },
    },
  };
  switch (a.status) {
    case "PENDING":
      return [b.start, b.progress, b.handoff, b.release];
    case "IN_PROGRESS":
      return [b.progress, b.submit, b.pause, b.handoff, b.release];
    case "CHANGES_REQUESTED":
      return [b.start, b.submit, b.handoff, b.release];
    default:
      return [];
  }
}

export function assignmentActions(a: AssignmentView): ActionsBlock | null {
  const elements = assignmentButtons(a);
  return elements.length ? { type: "actions", block_id: `assignment:${a.ref}`, elements } : null;
}

export interface CardOptions {
  today: string;
  /** show whose range it is (for leads' views) */
  showOwner?: boolean;
  /** include the action buttons */
  actions?: boolean;
}

/** The facts line: status, progress, due date, owner, note. */
export function assignmentFacts(a: AssignmentView, o: CardOptions): string {
  const parts = [statusLabel(a.status), `${progressBar(a.itemsDone, a.size)} (${a.itemsDone}/${a.size})`];
  const due = dueLabel(a.dueDate, o.today);
  if (due && a.status !== "COMPLETED" && a.status !== "RELEASED") parts.push(due);
  if (o.showOwner) parts.push(mention(a.assigneeId));
  return parts.join("  ·  ");
}

/**
 * The card's blocks carry ids that name the range and the card's options
 * (`card:A17`, `card:A17:owner:static`), so that a message showing it can
 * have it redrawn when the range changes (`redrawCard`).
 */
const CARD = "card:";
const cardId = (ref: string, o: CardOptions) =>
  `${CARD}${ref}${o.showOwner ? ":owner" : ""}${o.actions === false ? ":static" : ""}`;
const noteId = (ref: string) => `card-note:${ref}`;

export function assignmentCard(a: AssignmentView, o: CardOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { ...section(`${assignmentTitle(a)}\n${assignmentFacts(a, o)}`), block_id: cardId(a.ref, o) },
  ];
  if (a.note) blocks.push({ ...context(`:memo: ${esc(a.note)}`), block_id: noteId(a.ref) });
  const actions = o.actions === false ? null : assignmentActions(a);
  if (actions) blocks.push(actions);
  return blocks;
}

/**
 * The blocks of a message with the card of `a` drawn anew from its current
 * state (range, status, progress, due date, the buttons that fit now), with
 * the options it was drawn with; the rest of the message is left as it is.
 * Blocks without the card come back unchanged.
 */
export function redrawCard(blocks: readonly KnownBlock[], a: AssignmentView, today: string): KnownBlock[] {
  const at = blocks.findIndex((b) => b.block_id === `${CARD}${a.ref}` || b.block_id?.startsWith(`${CARD}${a.ref}:`));
  if (at < 0) return [...blocks];
  const flags = (blocks[at]?.block_id ?? "").slice(CARD.length + a.ref.length).split(":");
  const card = assignmentCard(a, { today, showOwner: flags.includes("owner"), actions: !flags.includes("static") });
  const own = new Set([noteId(a.ref), `assignment:${a.ref}`]);
  let end = at + 1;
  while (end < blocks.length && own.has(blocks[end]?.block_id ?? "")) end++;
  return [...blocks.slice(0, at), ...card, ...blocks.slice(end)];
}
