/** Due dates: a lead moves one; an owner proposes one and a lead accepts or keeps the date. */
import type { Actor } from "../../core/types.ts";
import {
  dueMovedMessage,
  dueProposalDecidedMessage,
  dueProposalMessage,
  dueProposedMessage,
} from "../../ui/assignment-messages.ts";
import type { Message } from "../../ui/message.ts";
import { type Services, todayOf } from "../services.ts";
import { showChange } from "./live.ts";

/** Key prefix of the leads' copies of one proposal; each lead's copy adds their user id. */
const proposalPrefix = (ref: string, due: string) => `due-proposal:${ref}:${due}:`;

/** A lead moves (or clears) a due date; the owner is told who moved it, to when, and why. */
export async function dueDateFlow(
  s: Services,
  actor: Actor,
  id: number | string,
  due: string | null,
  reason: string | null,
  key: string,
  expectDue?: string | null,
): Promise<Message> {
  const r = await s.ledger.setDueDate(actor, id, due, {
    idempotencyKey: key,
    reason: reason ?? undefined,
    ...(expectDue !== undefined ? { expectDue } : {}),
  });
  const a = r.assignment;
  if (!r.replayed && a.assigneeId !== actor.userId) {
    s.background.run("dm after due date", async () => {
      await s.notifier.dm(
        actor.teamId,
        a.assigneeId,
        dueMovedMessage(a, r.previousDue, actor.userId, reason, await todayOf(s, actor.teamId, a.assigneeId)),
        { key: `due:${a.ref}:${key}`, kind: "due_moved", about: a.id },
      );
    });
  }
  s.background.run("show due date", () => showChange(s, actor.teamId, [a.assigneeId], [a.id]));
  return dueMovedMessage(a, r.previousDue, null, reason, await todayOf(s, actor.teamId, actor.userId));
}

/** An owner proposes a new due date: each lead of the dataset gets it with Accept / Keep buttons. */
export async function dueProposalFlow(
  s: Services,
  actor: Actor,
  ref: string,
  typed: string,
  reason: string | null,
): Promise<Message> {
  const p = await s.ledger.proposeDueDate(actor, ref, typed);
  const due = p.due;
  const message = dueProposalMessage(p.assignment, due, p.currentDue, reason);
  for (const lead of p.leads)
    await s.notifier.dm(actor.teamId, lead, message, {
      key: `${proposalPrefix(p.assignment.ref, due)}${lead}`,
      kind: "due_proposal",
    });
  return dueProposedMessage(p.assignment.ref, due, p.leads);
}

/** A lead accepts a proposal (the date moves, if it is still the date it would replace) or keeps the date. */
export async function dueDecisionFlow(
  s: Services,
  actor: Actor,
  proposal: { ref: string; due: string; from: string | null; owner: string },
  accept: boolean,
  key: string,
): Promise<Message> {
  const { ref, due, from, owner } = proposal;
  if (accept) await dueDateFlow(s, actor, ref, due, `proposed by ${owner}`, key, from);
  else await s.ledger.declineDueProposal(actor, ref, from);
  const decided = dueProposalDecidedMessage(ref, due, owner, actor.userId, accept);
  await s.notifier.updateAll(actor.teamId, proposalPrefix(ref, due), decided);
  if (!accept) await s.notifier.dm(actor.teamId, owner, decided, { key: `due-kept:${ref}:${due}`, kind: "due_kept" });
  return decided;
}
