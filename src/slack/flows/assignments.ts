/**
 * What happens around a ledger change on an assignment: the reply to the
 * actor, then (in the background) the DMs and App Home refreshes for everyone
 * it concerns. Used alike by commands, buttons and modals.
 */

import type { ProgressUpdate } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import {
  assignedMessage,
  claimedMessage,
  progressMessage,
  releasedMessage,
  submittedMessage,
} from "../../ui/assignment-messages.ts";
import { handoffDecidedMessage } from "../../ui/handoff-messages.ts";
import type { Message } from "../../ui/message.ts";
import { reviewRequestMessage } from "../../ui/review-messages.ts";
import { mustBeKnown, type Services, todayOf } from "../services.ts";
import { leadCopyPrefix } from "./handoffs.ts";
import { showChange } from "./live.ts";
import { reviewRequestKey } from "./reviews.ts";

export type ClaimRequest =
  | { kind: "range"; dataset: string; first: number; last: number; due: string | null; note: string | null }
  | { kind: "next"; dataset: string; size: number | null; due: string | null; note: string | null };

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
        { key: `assigned:${a.ref}`, kind: "assigned", about: a.id },
      );
      await s.home.refresh(actor.teamId, [a.assigneeId, actor.userId]);
    });
  }
  return assignedMessage(a, await todayOf(s, actor.teamId, actor.userId), r.overLimits);
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
  s.background.run("after progress", () => showChange(s, actor.teamId, [actor.userId, a.assigneeId], [a.id]));
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
        await s.notifier.dm(actor.teamId, review.reviewerId, reviewRequestMessage(review, a, r.instructions), {
          key: reviewRequestKey(review.ref),
          kind: "review_request",
        });
      }
    });
  }
  s.background.run("show submitted", () =>
    showChange(s, actor.teamId, [actor.userId, a.assigneeId, review?.reviewerId], [a.id]),
  );
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
    await showChange(s, actor.teamId, [actor.userId, a.assigneeId, ...leads], [a.id]);
  });
  return releasedMessage(a);
}
