/**
 * What happens around a ledger change on an assignment: the reply to the
 * actor, then (in the background) the DMs and App Home refreshes for everyone
 * it concerns. Used alike by commands, buttons and modals.
 */

import type { ApiFollowUps } from "../../api/routes.ts";
import { DomainError } from "../../core/errors.ts";
import type { ProgressUpdate, ReleaseMode } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import {
  assignedMessage,
  claimedMessage,
  heldRangeMessage,
  keptAsIsMessage,
  progressMessage,
  type ReleaseQuestion,
  releasedForLeadsMessage,
  releasedMessage,
  releaseQuestionMessage,
  type SubmitQuestion,
  submitQuestionMessage,
  submittedMessage,
} from "../../ui/assignment-messages.ts";
import { handoffDecidedMessage } from "../../ui/handoff-messages.ts";
import { errorMessage, type Message } from "../../ui/message.ts";
import { reviewRequestMessage } from "../../ui/review-messages.ts";
import { mustBeKnown, type Services, todayOf } from "../services.ts";
import { leadCopyPrefix } from "./handoffs.ts";
import { showChange } from "./live.ts";
import { reviewRequestKey } from "./reviews.ts";

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
        { key: `assigned:${a.ref}`, kind: "assigned", about: a.id },
      );
      await s.home.refresh(actor.teamId, [a.assigneeId, actor.userId]);
    });
  }
  return assignedMessage(a, await todayOf(s, actor.teamId, actor.userId), r.overLimits);
}

export type ProgressRequest =
  | { kind: "count"; id: number | string; count: number }
  | { kind: "start" | "pause"; id: number | string; note: string | null }
  | {
      kind: "done";
      id: number | string;
      note: string | null;
      /** the count the submitter stated (it must be the range's size) */
      count?: number;
      /** the submitter confirmed items not counted yet are done */
      confirmed?: boolean;
    };

/** A message that asks before changing anything (the core refused until confirmed). */
export interface Asked {
  question: Message;
}

/** The core's refusal of a change that needs confirming, as the details it carries; null for any other error. */
function confirmation<T>(e: unknown, kind: "release" | "submit"): T | null {
  return e instanceof DomainError && e.details.confirm === kind ? (e.details as unknown as T) : null;
}

/**
 * A count, start, pause or submit. Submitting a range with items left is
 * refused by the core until confirmed: with `ask`, the refusal becomes a
 * question with buttons (returned as `Asked`); without, it is thrown (a form
 * shows it on its field).
 */
export async function progressFlow(
  s: Services,
  actor: Actor,
  req: ProgressRequest,
  key: string,
  o: { ask: true },
): Promise<Message | Asked>;
export async function progressFlow(s: Services, actor: Actor, req: ProgressRequest, key: string): Promise<Message>;
export async function progressFlow(
  s: Services,
  actor: Actor,
  req: ProgressRequest,
  key: string,
  o: { ask?: boolean } = {},
): Promise<Message | Asked> {
  if (req.kind === "done") {
    try {
      return await submitFlow(s, actor, req.id, req.note, key, { count: req.count, confirmed: req.confirmed });
    } catch (e) {
      const q = o.ask ? confirmation<SubmitQuestion>(e, "submit") : null;
      if (q) return { question: submitQuestionMessage(q) };
      throw e;
    }
  }
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
  confirm: { count?: number | undefined; confirmed?: boolean | undefined },
): Promise<Message> {
  const r = await s.ledger.submit(actor, id, {
    idempotencyKey: key,
    reason: note ?? undefined,
    ...(confirm.count !== undefined ? { count: confirm.count } : {}),
    ...(confirm.confirmed ? { confirmed: true } : {}),
  });
  afterSubmit(s, actor, r);
  return submittedMessage(r.assignment, r.review, await todayOf(s, actor.teamId, actor.userId));
}

/** What follows a submission, however it came: the review request to the reviewer, the range shown anew. */
function afterSubmit(s: Services, actor: Actor, r: Awaited<ReturnType<Services["ledger"]["submit"]>>): void {
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
}

/** What Slack shows after a change made through the HTTP API: the same as after the command. */
export const apiFollowUps = (s: Services): ApiFollowUps => ({
  progressed: (actor, a) =>
    s.background.run("after API progress", () => showChange(s, actor.teamId, [a.assigneeId], [a.id])),
  submitted: (actor, r) => afterSubmit(s, actor, r),
});

/**
 * Releases a range. One with items done needs a mode: without it nothing
 * changes and the answer is the question (keep the done items and free the
 * rest, or discard them), with its buttons. The owner (when a lead released)
 * and, when done items were kept or discarded, the dataset's leads are told.
 */
export async function releaseFlow(
  s: Services,
  actor: Actor,
  id: number | string,
  o: { reason: string | null; mode: ReleaseMode | null; expectDone?: number },
  key: string,
): Promise<Message | Asked> {
  let r: Awaited<ReturnType<Services["ledger"]["release"]>>;
  try {
    r = await s.ledger.release(actor, id, {
      idempotencyKey: key,
      reason: o.reason ?? undefined,
      ...(o.mode ? { mode: o.mode } : {}),
      ...(o.expectDone !== undefined ? { expectDone: o.expectDone } : {}),
    });
  } catch (e) {
    const q = confirmation<ReleaseQuestion>(e, "release");
    if (q) return { question: releaseQuestionMessage(q, actor.userId) };
    throw e;
  }
  const a = r.assignment;
  const owner = a.assigneeId;
  s.background.run("after release", async () => {
    if (!r.replayed && owner !== actor.userId) {
      await s.notifier.dm(
        actor.teamId,
        owner,
        releasedMessage(r, await todayOf(s, actor.teamId, owner), actor.userId),
        {
          key: `released:${a.ref}:${r.freed.first}-${r.freed.last}`,
          kind: "released",
        },
      );
    }
    if (!r.replayed && r.doneKept + r.doneDiscarded > 0) {
      for (const lead of r.leads.filter((l) => l !== actor.userId)) {
        await s.notifier.dm(actor.teamId, lead, releasedForLeadsMessage(r, actor.userId, owner), {
          key: `released:${a.ref}:${r.freed.first}-${r.freed.last}:lead:${lead}`,
          kind: "released",
        });
      }
    }
    const leads: string[] = [];
    // Releasing withdrew the range's pending handoff request: the leads' copies say so.
    if (r.withdrawnHandoffId !== null) {
      const h = await s.ledger.getHandoff(actor.teamId, r.withdrawnHandoffId);
      await s.notifier.updateAll(actor.teamId, leadCopyPrefix(h.ref), handoffDecidedMessage(h));
      leads.push(...(await s.notifier.recipients(actor.teamId, leadCopyPrefix(h.ref))));
    }
    await showChange(s, actor.teamId, [actor.userId, owner, ...leads], [a.id]);
  });
  return releasedMessage(r, await todayOf(s, actor.teamId, actor.userId));
}

/** "Cancel" on a release or submit question: nothing changes; the range as it is. */
export async function keepAsIsFlow(s: Services, actor: Actor, id: number | string): Promise<Message> {
  await s.ledger.checkMayChange(actor, id, "change");
  const a = await s.ledger.getAssignment(actor.teamId, id);
  return keptAsIsMessage(a, await todayOf(s, actor.teamId, actor.userId));
}
