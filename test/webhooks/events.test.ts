/** Which audit actions make which webhook events, and what a receiver gets. */
import { describe, expect, it } from "vitest";
import {
  eventTypesOf,
  isWebhookEvent,
  subscribes,
  WEBHOOK_EVENTS,
  webhookEventId,
  webhookPayload,
} from "../../src/core/webhooks/events.ts";
import type { AuditEventRecord } from "../../src/db/records.ts";

describe("eventTypesOf", () => {
  it("maps every action the ledger records that a receiver hears of, and nothing else", () => {
    const table: [string, unknown, string[]][] = [
      ["assignment.claim", null, ["assignment.claimed"]],
      ["assignment.assign", null, ["assignment.assigned"]],
      ["assignment.progress", null, ["assignment.progress"]],
      ["assignment.start", null, ["assignment.progress"]],
      ["assignment.pause", null, ["assignment.progress"]],
      ["assignment.submit", { status: "IN_REVIEW" }, ["assignment.submitted"]],
      ["assignment.submit", null, ["assignment.submitted"]],
      ["assignment.submit", { status: "COMPLETED" }, ["assignment.submitted", "assignment.completed"]],
      ["assignment.release", null, ["assignment.released"]],
      ["handoff.request", null, ["handoff.requested"]],
      ["handoff.direct", null, ["handoff.requested", "handoff.decided"]],
      ["handoff.approve", null, ["handoff.decided"]],
      ["handoff.reject", null, ["handoff.decided"]],
      ["handoff.cancel", null, ["handoff.decided"]],
      ["review.open", null, ["review.opened"]],
      ["review.accept", null, ["review.decided", "assignment.completed"]],
      ["review.request_changes", null, ["review.decided"]],
      ["member.role", null, []],
      ["assignment.due", null, []],
      ["", null, []],
    ];
    for (const [action, after, types] of table) expect(eventTypesOf({ action, after }), action).toEqual(types);
  });

  it("only ever makes events of the published list", () => {
    expect(WEBHOOK_EVENTS.every(isWebhookEvent)).toBe(true);
    expect(isWebhookEvent("assignment.claim")).toBe(false);
  });
});

describe("webhookPayload", () => {
  it("carries an id per audit event and type, the time in Unix seconds and the event as readers see it", () => {
    const e: AuditEventRecord = {
      id: 812,
      teamId: "T1",
      at: new Date("2026-12-01T10:00:00.999Z"),
      actorId: "UANA",
      action: "review.accept",
      datasetId: 3,
      datasetSlug: "cats",
      assignmentId: 17,
      handoffId: null,
      reviewId: 9,
      before: { status: "IN_REVIEW" },
      after: { status: "COMPLETED" },
      reason: null,
    };
    expect(webhookEventId(812, "review.decided")).toBe("812-review.decided");
    expect(webhookPayload(e, "assignment.completed")).toEqual({
      id: "812-assignment.completed",
      type: "assignment.completed",
      created: Date.UTC(2026, 11, 1, 10) / 1000,
      data: {
        auditEventId: 812,
        action: "review.accept",
        actor: "UANA",
        dataset: "cats",
        assignment: "A17",
        handoff: null,
        review: "R9",
        before: { status: "IN_REVIEW" },
        after: { status: "COMPLETED" },
        reason: null,
      },
    });
  });
});

describe("subscribes", () => {
  it("sends every event to a webhook subscribed to none in particular, else only those it names", () => {
    expect(subscribes([], "review.opened")).toBe(true);
    expect(subscribes(["review.opened", "handoff.decided"], "review.opened")).toBe(true);
    expect(subscribes(["review.opened"], "review.decided")).toBe(false);
  });
});
