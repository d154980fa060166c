import { illegalTransition } from "./errors.ts";
import type { AssignmentStatus } from "./types.ts";

/**
 * The assignment life cycle. Each action lists the statuses it may start from
 * and the status it leads to; anything else is refused.
 *
 *   PENDING → IN_PROGRESS → IN_REVIEW → COMPLETED
 *                  ↑  ↓pause     ↓
 *               PENDING    CHANGES_REQUESTED → IN_PROGRESS
 *   PENDING / IN_PROGRESS / CHANGES_REQUESTED → RELEASED (items free again)
 */
export type LedgerAction =
  | "start"
  | "pause"
  | "progress"
  | "submit"
  | "accept"
  | "request_changes"
  | "release"
  | "handoff";

const FROM: Record<LedgerAction, readonly AssignmentStatus[]> = {
  start: ["PENDING", "CHANGES_REQUESTED"],
  pause: ["IN_PROGRESS"],
  progress: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"],
  submit: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"],
  accept: ["IN_REVIEW"],
  request_changes: ["IN_REVIEW"],
  release: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"],
  handoff: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"],
};

const WHY_NOT: Partial<Record<AssignmentStatus, string>> = {
  IN_REVIEW: "it is in review",
  COMPLETED: "it is completed",
  RELEASED: "it was released",
  PENDING: "it has not been started",
  CHANGES_REQUESTED: "changes were requested on it",
  IN_PROGRESS: "it is in progress",
};

export function allowedFrom(action: LedgerAction): readonly AssignmentStatus[] {
  return FROM[action];
}

export function canApply(action: LedgerAction, status: AssignmentStatus): boolean {
  return FROM[action].includes(status);
}

/** Throws a readable error when `action` is not allowed on an assignment in `status`. */
export function assertTransition(action: LedgerAction, status: AssignmentStatus, ref: string): void {
  if (canApply(action, status)) return;
  const verb: Record<LedgerAction, string> = {
    start: "start",
    pause: "pause",
    progress: "update progress on",
    submit: "submit",
    accept: "accept",
    request_changes: "request changes on",
    release: "release",
    handoff: "hand off",
  };
  throw illegalTransition(`can't ${verb[action]} ${ref}: ${WHY_NOT[status] ?? `it is ${status}`}`, { status, action });
}

/** Status after setting items done: any progress starts a pending or reworked range. */
export function statusAfterProgress(status: AssignmentStatus): AssignmentStatus {
  return status === "PENDING" || status === "CHANGES_REQUESTED" ? "IN_PROGRESS" : status;
}

/** Statuses whose items are held and still to be worked on. */
export const OPEN_STATUSES: readonly AssignmentStatus[] = ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"];
/** Statuses that hold items (everything but RELEASED). */
export const LIVE_STATUSES: readonly AssignmentStatus[] = [
  "PENDING",
  "IN_PROGRESS",
  "IN_REVIEW",
  "CHANGES_REQUESTED",
  "COMPLETED",
];
