/** Handoff requests and decisions: replies, the leads' approval DMs and their updates. */

import type { HandoffDecision, HandoffInput, HandoffOutcome } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import {
  handoffAppliedMessage,
  handoffApprovalMessage,
  handoffDecidedMessage,
  handoffOutcomeDm,
  handoffRequestedMessage,
} from "../../ui/handoff-messages.ts";
import type { Message } from "../../ui/message.ts";
import { mustBeKnown, type Services, todayOf } from "../services.ts";
import { showChange } from "./live.ts";

/** Key prefix of the leads' copies of a request; each lead's copy adds their user id. */
export const leadCopyPrefix = (handoffRef: string) => `handoff:${handoffRef}:lead:`;

export async function handoffFlow(
  s: Services,
  actor: Actor,
  ref: number | string,
  input: HandoffInput,
  key: string,
): Promise<Message> {
  await mustBeKnown(s, actor.teamId, input.to);
  const r = await s.ledger.handoff(actor, ref, input, { idempotencyKey: key });
  const h = r.handoff;
  if (!r.applied) {
    const leads = r.leads.filter((l) => l !== actor.userId);
    s.background.run("ask leads", async () => {
      const a = await s.ledger.getAssignment(actor.teamId, h.assignmentId);
      for (const lead of leads) {
        await s.notifier.dm(actor.teamId, lead, handoffApprovalMessage(h, a, r.split), {
          key: `${leadCopyPrefix(h.ref)}${lead}`,
          kind: "handoff_request",
        });
      }
      await s.home.refresh(actor.teamId, [actor.userId, ...leads]);
    });
    return handoffRequestedMessage(h, leads, r.split);
  }
  if (!r.replayed) s.background.run("after direct handoff", () => notifyOutcome(s, actor, r));
  return handoffAppliedMessage(h, r.moved, r.kept, r.split);
}

export async function decideFlow(
  s: Services,
  actor: Actor,
  ref: number | string,
  decision: HandoffDecision,
  key: string,
): Promise<Message> {
  const r = await s.ledger.decideHandoff(actor, ref, decision, { idempotencyKey: key });
  const decided = handoffDecidedMessage(r.handoff);
  // Every lead's copy of the request shows the decision: the decider's own copy is their confirmation.
  await s.notifier.updateAll(actor.teamId, leadCopyPrefix(r.handoff.ref), decided);
  if (!r.replayed) s.background.run("after handoff decision", () => notifyOutcome(s, actor, r));
  return decided;
}

/** Whether a form was opened from `userId`'s own copy of request `handoffRef` in `channelId` (which shows the decision once made). */
export const fromLeadCopy = (
  s: Services,
  teamId: string,
  handoffRef: string,
  userId: string,
  channelId: string | null,
) => s.notifier.shownTo(teamId, `${leadCopyPrefix(handoffRef)}${userId}`, userId, channelId);

/** After a decision or a lead's direct handoff: DM the people concerned, redraw what shows the ranges (the leads' copies were updated with the decision). */
async function notifyOutcome(s: Services, actor: Actor, r: HandoffOutcome & { replayed: boolean }): Promise<void> {
  const h = r.handoff;
  const concerned = [h.requesterId, h.fromUserId, h.toUserId].filter(
    (u): u is string => Boolean(u) && u !== actor.userId,
  );
  for (const user of new Set(concerned)) {
    const msg = handoffOutcomeDm(h, r.moved, r.kept, r.split, user, await todayOf(s, actor.teamId, user));
    await s.notifier.dm(actor.teamId, user, msg, {
      key: `handoff:${h.ref}:outcome:${user}`,
      kind: "handoff_outcome",
      ...(r.moved?.assigneeId === user ? { about: r.moved.id } : {}),
    });
  }
  const leads = await s.notifier.recipients(actor.teamId, leadCopyPrefix(h.ref));
  await showChange(
    s,
    actor.teamId,
    [actor.userId, ...concerned, ...leads],
    [h.assignmentId, r.moved?.id, ...r.kept.map((k) => k.id)],
  );
}

/** Shows the clicker the decided state of a request (e.g. on a second click). */
export async function decidedState(s: Services, teamId: string, ref: string): Promise<Message> {
  return handoffDecidedMessage(await s.ledger.getHandoff(teamId, ref));
}
