/**
 * Every repository over one client: the database itself (each statement on
 * its own) or an open transaction (everything commits or rolls back together).
 */
import { AnnouncementRepository } from "./announcements.ts";
import { ApiTokenRepository } from "./api-tokens.ts";
import { AssignmentRepository } from "./assignments.ts";
import { AuditRepository } from "./audit.ts";
import type { Client } from "./client.ts";
import { DatasetRepository } from "./datasets.ts";
import { HandoffRepository } from "./handoffs.ts";
import { IdempotencyRepository } from "./idempotency.ts";
import { InboxRepository } from "./inbox.ts";
import { JobRunRepository } from "./job-runs.ts";
import { LabelRepository } from "./labels.ts";
import { MemberRepository } from "./members.ts";
import { OutboxRepository } from "./outbox.ts";
import { ReviewRepository } from "./reviews.ts";
import { ToolRepository } from "./tools.ts";
import { WebhookRepository } from "./webhooks.ts";
import { WorkspaceRepository } from "./workspaces.ts";

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
  inbox: InboxRepository;
  labels: LabelRepository;
  apiTokens: ApiTokenRepository;
  jobRuns: JobRunRepository;
  announcements: AnnouncementRepository;
  webhooks: WebhookRepository;
  tools: ToolRepository;
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
    inbox: new InboxRepository(db),
    labels: new LabelRepository(db),
    apiTokens: new ApiTokenRepository(db),
    jobRuns: new JobRunRepository(db),
    announcements: new AnnouncementRepository(db),
    webhooks: new WebhookRepository(db),
    tools: new ToolRepository(db),
  };
}

export type { ApiTokenRecord, ApiTokenScope } from "./api-tokens.ts";
export type {
  AssignmentLoad,
  AssignmentPatch,
  AssignmentQuery,
  DueAssignment,
  ListedAssignment,
  NewAssignmentRecord,
} from "./assignments.ts";
export type { RecordedChange } from "./audit.ts";
export type { DatasetPatch, NewDatasetRecord } from "./datasets.ts";
export type { HandoffPatch, NewHandoffRecord } from "./handoffs.ts";
export type { PriorRequest } from "./idempotency.ts";
export type { MemberCapacity } from "./members.ts";
export type { NewReviewRecord, ReviewDecision, ReviewerBacklog } from "./reviews.ts";
export type { ToolName, ToolProjectRecord, ToolUserRecord } from "./tools.ts";
export type { NewWebhookRecord } from "./webhooks.ts";
