/**
 * The ledger's events as webhooks tell them: which audit actions make which
 * event types, and the payload of each. Pure.
 */
import type { AuditEventRecord } from "../../db/records.ts";
import { assignmentRef, handoffRef, reviewRef } from "../refs.ts";

export const WEBHOOK_EVENTS = [
  "assignment.claimed",
  "assignment.assigned",
  "assignment.progress",
  "assignment.submitted",
  "assignment.completed",
  "assignment.released",
  "handoff.requested",
  "handoff.decided",
  "review.opened",
  "review.decided",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (s: string): s is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(s);

const completedAfter = (e: Pick<AuditEventRecord, "after">): boolean =>
  (e.after as { status?: unknown } | null)?.status === "COMPLETED";

/**
 * The event types one audit event makes, in the order they happened: a
 * submission without review completes its range at once, an accepted review
 * completes it, and a lead's handoff is requested and decided in one step.
 * Actions outside the list (settings, roles, due dates…) make none.
 */
export function eventTypesOf(e: Pick<AuditEventRecord, "action" | "after">): WebhookEvent[] {
  switch (e.action) {
    case "assignment.claim":
      return ["assignment.claimed"];
    case "assignment.assign":
      return ["assignment.assigned"];
    case "assignment.progress":
    case "assignment.start":
    case "assignment.pause":
      return ["assignment.progress"];
    case "assignment.submit":
      return completedAfter(e) ? ["assignment.submitted", "assignment.completed"] : ["assignment.submitted"];
    case "assignment.release":
      return ["assignment.released"];
    case "handoff.request":
      return ["handoff.requested"];
    case "handoff.direct":
      return ["handoff.requested", "handoff.decided"];
    case "handoff.approve":
    case "handoff.reject":
    case "handoff.cancel":
      return ["handoff.decided"];
    case "review.open":
      return ["review.opened"];
    case "review.accept":
      return ["review.decided", "assignment.completed"];
    case "review.request_changes":
      return ["review.decided"];
    default:
      return [];
  }
}

/** What a receiver gets: the body of the POST. */
export interface WebhookPayload {
  /** the event's id: the audit event's, with the type (one audit event can make two events) */
  id: string;
  type: WebhookEvent;
  /** when it happened, in Unix seconds */
  created: number;
  data: {
    /** the audit event it comes from */
    auditEventId: number;
    /** the ledger's own name of the change, e.g. assignment.progress or assignment.pause */
    action: string;
    /** who made the change: a Slack user id, or system:<what> */
    actor: string;
    dataset: string | null;
    assignment: string | null;
    handoff: string | null;
    review: string | null;
    before: unknown;
    after: unknown;
    reason: string | null;
  };
}

export const webhookEventId = (auditEventId: number, type: WebhookEvent): string => `${auditEventId}-${type}`;

export function webhookPayload(e: AuditEventRecord, type: WebhookEvent): WebhookPayload {
  return {
    id: webhookEventId(e.id, type),
    type,
    created: Math.floor(e.at.getTime() / 1000),
    data: {
      auditEventId: e.id,
      action: e.action,
      actor: e.actorId,
      dataset: e.datasetSlug,
      assignment: e.assignmentId === null ? null : assignmentRef(e.assignmentId),
      handoff: e.handoffId === null ? null : handoffRef(e.handoffId),
      review: e.reviewId === null ? null : reviewRef(e.reviewId),
      before: e.before ?? null,
      after: e.after ?? null,
      reason: e.reason,
    },
  };
}

/** Whether a webhook subscribed to `events` (empty: all) receives `type`. */
export const subscribes = (events: readonly string[], type: WebhookEvent): boolean =>
  events.length === 0 || events.includes(type);
