/**
 * The ledger's events as webhooks tell them: which audit actions make which
 * event types, and the payload of each. Pure.
 */
import type { AuditEventRecord } from "../../db/records.ts";
import { type AuditEventView, auditEventView } from "../audit-stream.ts";

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
  /** the audit event it comes from (`auditEventId`), as readers of the trail see it */
  data: { auditEventId: number } & AuditEventView;
}

export const webhookEventId = (auditEventId: number, type: WebhookEvent): string => `${auditEventId}-${type}`;

export function webhookPayload(e: AuditEventRecord, type: WebhookEvent): WebhookPayload {
  return {
    id: webhookEventId(e.id, type),
    type,
    created: Math.floor(e.at.getTime() / 1000),
    data: { auditEventId: e.id, ...auditEventView(e) },
  };
}

/** Whether a webhook subscribed to `events` (empty: all) receives `type`. */
export const subscribes = (events: readonly string[], type: WebhookEvent): boolean =>
  events.length === 0 || events.includes(type);
