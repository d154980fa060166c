/**
 * Every repository over one client: the database itself (each statement on
 * its own) or an open transaction (everything commits or rolls back together).
 */
import { AssignmentRepository } from "./assignments.js";
import { AuditRepository } from "./audit.js";
import type { Client } from "./client.js";
import { DatasetRepository } from "./datasets.js";
import { HandoffRepository } from "./handoffs.js";
import { IdempotencyRepository } from "./idempotency.js";
import { MemberRepository } from "./members.js";
import { OutboxRepository } from "./outbox.js";
import { ReviewRepository } from "./reviews.js";
import { WorkspaceRepository } from "./workspaces.js";

export interface Repositories {
  workspaces: WorkspaceRepository;
  members: MemberRepository;
  datasets: DatasetRepository;
  assignments: AssignmentRepository;
  handoffs: HandoffRepository;
  reviews: ReviewRepository;
  audit: AuditRepository;
  outbox: OutboxRepository;
  idempotency: IdempotencyRepository;
}

export function repositories(db: Client): Repositories {
  return {
    workspaces: new WorkspaceRepository(db),
    members: new MemberRepository(db),
    datasets: new DatasetRepository(db),
    assignments: new AssignmentRepository(db),
    handoffs: new HandoffRepository(db),
    reviews: new ReviewRepository(db),
    audit: new AuditRepository(db),
    outbox: new OutboxRepository(db),
    idempotency: new IdempotencyRepository(db),
  };
}

export type { AssignmentLoad, AssignmentPatch, AssignmentQuery, ListedAssignment, NewAssignmentRecord } from "./assignments.js";
export type { RecordedChange } from "./audit.js";
export type { DatasetPatch, NewDatasetRecord } from "./datasets.js";
export type { HandoffPatch, NewHandoffRecord } from "./handoffs.js";
export type { PriorRequest } from "./idempotency.js";
export type { MemberCapacity } from "./members.js";
export type { NewReviewRecord, ReviewDecision, ReviewerBacklog } from "./reviews.js";
