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

export function assignmentCard(a: AssignmentView, o: CardOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`${assignmentTitle(a)}\n${assignmentFacts(a, o)}`)];
  if (a.note) blocks.push(context(`:memo: ${esc(a.note)}`));
  const actions = o.actions === false ? null : assignmentActions(a);
  if (actions) blocks.push(actions);
  return blocks;
}
