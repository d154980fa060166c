/** Domain vocabulary shared by the core, the Slack layer and the jobs. */

import type { AssignmentStatus, DatasetRecord, HandoffStatus, Range, ReviewStatus, Role } from "../db/records.ts";

// The statuses and roles are the schema's (src/db/records.ts); the core speaks in them.
export { ASSIGNMENT_STATUSES, ROLES } from "../db/records.ts";
export type { AssignmentStatus, HandoffStatus, Range, ReviewStatus, Role };

export const DEFAULT_ERROR_TAXONOMY = [
  "missing label",
  "wrong class",
  "boundary/geometry",
  "attribute",
  "guideline violation",
  "other",
] as const;

/** Who acts: a Slack user of a workspace. `workspaceAdmin` is true for Slack workspace admins/owners. */
export interface Actor {
  teamId: string;
  userId: string;
  workspaceAdmin?: boolean;
  /**
   * Set when an API token acts (`userId` is then `api:<token name>`): a
   * write token may change any range as a lead may, a read token nothing.
   */
  integration?: { token: string; scope: "read" | "write" };
}

/** Options every ledger-changing operation accepts. */
export interface ChangeOptions {
  /** A request repeated with the same key (a retry, a double click) returns the first result and changes nothing. */
  idempotencyKey?: string;
  /** Free text kept in the audit trail. */
  reason?: string;
}

/** A dataset with its current instructions. */
export interface DatasetView extends DatasetRecord {
  instructions: { version: number; text: string; url: string | null } | null;
}

export interface AssignmentView {
  id: number;
  ref: string;
  teamId: string;
  datasetId: number;
  dataset: string;
  /** what one item of the dataset is called ("image", "frame") */
  itemNoun: string;
  first: number;
  last: number;
  size: number;
  assigneeId: string;
  status: AssignmentStatus;
  itemsDone: number;
  /** YYYY-MM-DD */
  dueDate: string | null;
  note: string | null;
  reviewRound: number;
  parentId: number | null;
  createdAt: string;
  updatedAt: string;
  lastProgressAt: string | null;
}

export interface HandoffView {
  id: number;
  ref: string;
  teamId: string;
  assignmentId: number;
  assignmentRef: string;
  dataset: string;
  requesterId: string;
  fromUserId: string;
  toUserId: string | null;
  first: number;
  last: number;
  reason: string;
  status: HandoffStatus;
  decidedById: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  resultAssignmentId: number | null;
  /** done items in the handed-off part as the requester stated them; null: counted from the start of the range */
  doneMoved: number | null;
  createdAt: string;
}

export interface ReviewView {
  id: number;
  ref: string;
  teamId: string;
  assignmentId: number;
  assignmentRef: string;
  dataset: string;
  round: number;
  reviewerId: string | null;
  annotatorId: string;
  status: ReviewStatus;
  /** the items to check, sorted; empty in a full review (every item of the range) */
  sampleItems: number[];
  /** how many items to check */
  sampleSize: number;
  /** a full review: every item of the range */
  sampleFull: boolean;
  itemsChecked: number | null;
  errors: Record<string, number>;
  goldChecked: number;
  goldCorrect: number;
  comment: string | null;
  createdAt: string;
  decidedAt: string | null;
  /** the annotator's note when submitting this round, for the reviewer */
  submitNote: string | null;
}

export interface MemberView {
  teamId: string;
  userId: string;
  role: Role;
  capacityPerWeek: number | null;
  timezone: string | null;
  displayName: string | null;
}
