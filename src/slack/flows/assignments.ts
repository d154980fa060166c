/**
 * What happens around a ledger change on an assignment: the reply to the
 * actor, then (in the background) the DMs and App Home refreshes for everyone
 * it concerns. Used alike by commands, buttons and modals.
 */
import type { Actor } from "../../core/types.js";
import { invalid } from "../../core/errors.js";
import { assertTransition } from "../../core/transitions.js";
import { claimedMessage, assignedMessage, handoffDecidedMessage, progressMessage, releasedMessage, reviewRequestMessage, submittedMessage, type Message } from "../../ui/messages.js";
import { todayOf, type Services } from "../services.js";
import { leadCopyPrefix } from "./handoffs.js";

export type ClaimRequest =
  | { kind: "range"; dataset: string; first: number; last: number; due: string | null; note: string | null }
  | { kind: "next"; dataset: string; size: number | null; due: string | null; note: string | null };

export async function claimFlow(s: Services, actor: Actor, req: ClaimRequest, key: string): Promise<Message> {
  const r =
    req.kind === "range"
      ? await s.ledger.claim(actor, { dataset: req.dataset, first: req.first, last: req.last, dueDate: req.due, note: req.note }, { idempotencyKey: key })
      : await s.ledger.claimNext(actor, { dataset: req.dataset, size: req.size ?? undefined, dueDate: req.due, note: req.note }, { idempotencyKey: key });
  s.background.run("home after claim", () => s.home.refresh(actor.teamId, [actor.userId]));
  return claimedMessage(r.assignment, r.dataset, await todayOf(s, actor.teamId, actor.userId));
}

export async function assignFlow(
  s: Services,
  actor: Actor,
  req: { dataset: string; first: number; last: number; userId: string; due: string | null; note: string | null },
  key: string,
): Promise<Message> {
  const r = await s.ledger.assign(
    actor,
    { dataset: req.dataset, first: req.first, last: req.last, assigneeId: req.userId, dueDate: req.due, note: req.note },
    { idempotencyKey: key },
  );
  const a = r.assignment;
  if (!r.replayed) {
    s.background.run("dm after assign", async () => {
      await s.notifier.dm(actor.teamId, a.assigneeId, claimedMessage(a, r.dataset, await todayOf(s, actor.teamId, a.assigneeId), actor.userId), {
        key: `assigned:${a.ref}`,
        kind: "assigned",
      });
      await s.home.refresh(actor.teamId, [a.assigneeId, actor.userId]);
    });
  }
  return assignedMessage(a, await todayOf(s, actor.teamId, actor.userId));
}

export type ProgressRequest =
  | { kind: "count"; id: number | string; count: number }
  | { kind: "start" | "pause" | "done"; id: number | string; note: string | null };

export async function progressFlow(s: Services, actor: Actor, req: ProgressRequest, key: string): Promise<Message> {
  const today = await todayOf(s, actor.teamId, actor.userId);
  const opts = { idempotencyKey: key, reason: "note" in req ? (req.note ?? undefined) : undefined };
  switch (req.kind) {
    case "count": {
      const r = await s.ledger.setProgress(actor, req.id, req.count, opts);
      const a = r.assignment;
      s.background.run("home after progress", () => s.home.refresh(actor.teamId, [actor.userId, a.assigneeId]));
      const started = r.previous.status !== a.status ? ` and started it` : "";
      return progressMessage(a, today, `:pencil2: *${a.ref}*: ${a.itemsDone} of ${a.size} done${started}.`);
    }
    case "start": {
      const r = await s.ledger.start(actor, req.id, opts);
      s.background.run("home after start", () => s.home.refresh(actor.teamId, [actor.userId, r.assignment.assigneeId]));
      return progressMessage(r.assignment, today, `:hammer_and_wrench: *${r.assignment.ref}* is in progress.`);
    }
    case "pause": {
      const r = await s.ledger.pause(actor, req.id, opts);
      s.background.run("home after pause", () => s.home.refresh(actor.teamId, [actor.userId, r.assignment.assigneeId]));
      return progressMessage(r.assignment, today, `:double_vertical_bar: *${r.assignment.ref}* is paused (back to pending).`);
    }
    case "done": {
      const r = await s.ledger.submit(actor, req.id, opts);
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
      return submittedMessage(a, review, today);
    }
  }
}

/**
 * A count together with start or pause (the progress modal): both happen or
 * neither. Both are checked first; then they run in the order that keeps the
 * second valid (start before the count, the count before pause).
 */
export async function countAndStepFlow(
  s: Services,
  actor: Actor,
  req: { id: string; count: number; step: "start" | "pause"; note: string | null },
  key: string,
): Promise<Message> {
  const a = await s.ledger.getAssignment(actor.teamId, req.id);
  assertTransition(req.step, a.status, a.ref);
  assertTransition("progress", a.status, a.ref);
  if (req.count > a.size) throw invalid(`${a.ref} has ${a.size} items; items done must be between 0 and ${a.size}`, { field: "count" });
  const count = { kind: "count" as const, id: req.id, count: req.count };
  const step = { kind: req.step, id: req.id, note: req.note };
  if (req.step === "start") {
    await progressFlow(s, actor, step, key);
    return progressFlow(s, actor, count, `${key}:count`);
  }
  await progressFlow(s, actor, count, `${key}:count`);
  return progressFlow(s, actor, step, key);
}

export async function releaseFlow(s: Services, actor: Actor, id: number | string, reason: string | null, key: string): Promise<Message> {
  // Releasing withdraws the range's pending handoff request: note them first to update the leads' copies after.
  const pending = await s.ledger.pendingHandoffs(actor.teamId);
  const r = await s.ledger.release(actor, id, { idempotencyKey: key, reason: reason ?? undefined });
  const a = r.assignment;
  const withdrawn = pending.filter((h) => h.assignmentId === a.id);
  s.background.run("after release", async () => {
    if (!r.replayed && a.assigneeId !== actor.userId) {
      await s.notifier.dm(actor.teamId, a.assigneeId, releasedMessage(a), { key: `released:${a.ref}`, kind: "released" });
    }
    const leads: string[] = [];
    for (const w of withdrawn) {
      const h = await s.ledger.getHandoff(actor.teamId, w.ref);
      await s.notifier.updateAll(actor.teamId, leadCopyPrefix(h.ref), handoffDecidedMessage(h));
      leads.push(...(await s.ledger.sentMessages(actor.teamId, leadCopyPrefix(h.ref))).map((m) => m.recipient));
    }
    await s.home.refresh(actor.teamId, [actor.userId, a.assigneeId, ...leads]);
  });
  return releasedMessage(a);
}

