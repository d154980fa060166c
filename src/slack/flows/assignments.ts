/**
 * What happens around a ledger change on an assignment: the reply to the
 * actor, then (in the background) the DMs and App Home refreshes for everyone
 * it concerns. Used alike by commands, buttons and modals.
 */

import { DomainError } from "../../core/errors.ts";
import type { ProgressUpdate } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import {
  assignedMessage,
  claimedMessage,
  heldRangeMessage,
  progressMessage,
  releasedMessage,
  submittedMessage,
} from "../../ui/assignment-messages.ts";
import { handoffDecidedMessage } from "../../ui/handoff-messages.ts";
import { errorMessage, type Message } from "../../ui/message.ts";
import { reviewRequestMessage } from "../../ui/review-messages.ts";
import { mustBeKnown, type Services, todayOf } from "../services.ts";
import { leadCopyPrefix } from "./handoffs.ts";

export type ClaimRequest =
  | { kind: "range"; dataset: string; first: number; last: number; due: string | null; note: string | null }
  | { kind: "next"; dataset: string; size: number | null; due: string | null; note: string | null };

/**
 * A claim typed or clicked, and its reply. A range refused because someone holds part of it is
 * answered with the refusal and a button that claims the free range it names instead (same due
 * date and note). (A form shows the refusal on its field instead: it uses claimFlow.)
 */
export async function claimOrOfferFlow(s: Services, actor: Actor, req: ClaimRequest, key: string): Promise<Message> {
  try {
    return await claimFlow(s, actor, req, key);
  } catch (e) {
    const offer = req.kind === "range" ? claimOffer(e) : null;
    if (!offer) throw e;
    return heldRangeMessage(errorMessage((e as DomainError).text), { ...offer, due: req.due, note: req.note });
  }
}

/** The free range a refusal of held items names, when it names one. */
function claimOffer(e: unknown): { dataset: string; first: number; last: number } | null {
  if (!(e instanceof DomainError) || e.code !== "conflict") return null;
  const { dataset, instead } = e.details as { dataset?: unknown; instead?: { first?: unknown; last?: unknown } | null };
  if (typeof dataset !== "string" || typeof instead?.first !== "number" || typeof instead.last !== "number")
    return null;
  return { dataset, first: instead.first, last: instead.last };
}

export async function claimFlow(s: Services, actor: Actor, req: ClaimRequest, key: string): Promise<Message> {
  const r =
    req.kind === "range"
      ? await s.ledger.claim(
          actor,
          { dataset: req.dataset, first: req.first, last: req.last, dueDate: req.due, note: req.note },
          { idempotencyKey: key },
        )
      : await s.ledger.claimNext(
          actor,
          { dataset: req.dataset, size: req.size ?? undefined, dueDate: req.due, note: req.note },
          { idempotencyKey: key },
        );
  s.background.run("home after claim", () => s.home.refresh(actor.teamId, [actor.userId]));
  return claimedMessage(r.assignment, r.dataset, await todayOf(s, actor.teamId, actor.userId));
}

export async function assignFlow(
  s: Services,
  actor: Actor,
  req: { dataset: string; first: number; last: number; userId: string; due: string | null; note: string | null },
  key: string,
): Promise<Message> {
  await mustBeKnown(s, actor.teamId, req.userId);
  const r = await s.ledger.assign(
    actor,
    {
      dataset: req.dataset,
      first: req.first,
      last: req.last,
      assigneeId: req.userId,
      dueDate: req.due,
      note: req.note,
    },
    { idempotencyKey: key },
  );
  const a = r.assignment;
  if (!r.replayed) {
    s.background.run("dm after assign", async () => {
      await s.notifier.dm(
        actor.teamId,
        a.assigneeId,
        claimedMessage(a, r.dataset, await todayOf(s, actor.teamId, a.assigneeId), actor.userId),
        {
          key: `assigned:${a.ref}`,
          kind: "assigned",
        },
      );
      await s.home.refresh(actor.teamId, [a.assigneeId, actor.userId]);
    });
  }
  return assignedMessage(a, await todayOf(s, actor.teamId, actor.userId));
}

export type ProgressRequest =
  | { kind: "count"; id: number | string; count: number }
  | { kind: "start" | "pause" | "done"; id: number | string; note: string | null };

export async function progressFlow(s: Services, actor: Actor, req: ProgressRequest, key: string): Promise<Message> {
  if (req.kind === "done") return submitFlow(s, actor, req.id, req.note, key);
  return stepFlow(
    s,
    actor,
    req.id,
    req.kind === "count" ? { count: req.count } : { step: req.kind },
    req.kind === "count" ? null : req.note,
    key,
  );
}

/**
 * Records a count, a start or a pause, or a count with start or pause (the
 * progress form) as one change, and says what happened.
 */
export async function stepFlow(
  s: Services,
  actor: Actor,
  id: number | string,
  update: ProgressUpdate,
  note: string | null,
  key: string,
): Promise<Message> {
  const r = await s.ledger.updateProgress(actor, id, update, { idempotencyKey: key, reason: note ?? undefined });
  const a = r.assignment;
  s.background.run("home after progress", () => s.home.refresh(actor.teamId, [actor.userId, a.assigneeId]));
  const today = await todayOf(s, actor.teamId, actor.userId);
  if (update.step === "pause")
    return progressMessage(a, today, `:double_vertical_bar: *${a.ref}* is paused (back to pending).`);
  if (update.count === undefined) return progressMessage(a, today, `:hammer_and_wrench: *${a.ref}* is in progress.`);
  const started = !update.step && r.previous.status !== a.status ? ` and started it` : "";
  return progressMessage(a, today, `:pencil2: *${a.ref}*: ${a.itemsDone} of ${a.size} done${started}.`);
}

/** Submits a range: the reply, then the review request to the reviewer (in the background). */
async function submitFlow(
  s: Services,
  actor: Actor,
  id: number | string,
  note: string | null,
  key: string,
): Promise<Message> {
  const r = await s.ledger.submit(actor, id, { idempotencyKey: key, reason: note ?? undefined });
  const { assignment: a, review } = r;
  if (!r.replayed) {
    s.background.run("notify after submit", async () => {
      if (review?.reviewerId) {
        await s.notifier.dm(actor.teamId, review.reviewerId, reviewRequestMessage(review, a), {
          key: `review:${review.ref}:request`,
          kind: "review_request",
        });
      }
      await s.home.refresh(actor.teamId, [actor.userId, a.assigneeId, review?.reviewerId]);
    });
  }
  return submittedMessage(a, review, await todayOf(s, actor.teamId, actor.userId));
}

export async function releaseFlow(
  s: Services,
  actor: Actor,
  id: number | string,
  reason: string | null,
  key: string,
): Promise<Message> {
  const r = await s.ledger.release(actor, id, { idempotencyKey: key, reason: reason ?? undefined });
  const a = r.assignment;
  s.background.run("after release", async () => {
    if (!r.replayed && a.assigneeId !== actor.userId) {
      await s.notifier.dm(actor.teamId, a.assigneeId, releasedMessage(a), {
        key: `released:${a.ref}`,
        kind: "released",
      });
    }
    const leads: string[] = [];
    // Releasing withdrew the range's pending handoff request: the leads' copies say so.
    if (r.withdrawnHandoffId !== null) {
      const h = await s.ledger.getHandoff(actor.teamId, r.withdrawnHandoffId);
      await s.notifier.updateAll(actor.teamId, leadCopyPrefix(h.ref), handoffDecidedMessage(h));
      leads.push(...(await s.notifier.recipients(actor.teamId, leadCopyPrefix(h.ref))));
    }
    await s.home.refresh(actor.teamId, [actor.userId, a.assigneeId, ...leads]);
  });
  return releasedMessage(a);
}
