/**
 * What the repositories read and write: plain records, one per table, in the
 * ledger's vocabulary. Nothing outside src/db sees Prisma's generated types;
 * `records.check.ts` proves at compile time that these stay in step with the
 * schema.
 */

export const ASSIGNMENT_STATUSES = [
  "PENDING",
  "IN_PROGRESS",
  "IN_REVIEW",
  "CHANGES_REQUESTED",
  "COMPLETED",
  "RELEASED",
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const ROLES = ["ANNOTATOR", "REVIEWER", "LEAD", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

export type HandoffStatus = "PENDING" | "APPROVED" | "REJECTED" | "CANCELLED";
export type ReviewStatus = "PENDING" | "ACCEPTED" | "CHANGES_REQUESTED" | "CANCELLED";

export interface Range {
  first: number;
  last: number;
}

export interface MemberRecord {
  teamId: string;
  userId: string;
  role: Role;
  capacityPerWeek: number | null;
  timezone: string | null;
  displayName: string | null;
}

export interface DatasetRecord {
  id: number;
  teamId: string;
  slug: string;
  title: string;
  itemCount: number;
  itemNoun: string;
  channelId: string | null;
  batchSize: number;
  archived: boolean;
  reviewSampleRate: number;
  reviewFirstK: number;
  reviewEveryRange: boolean;
  goldItems: number[];
  errorTaxonomy: string[];
  /** the most items one claim may take; null: no limit */
  maxClaim: number | null;
  /** the most days of work of this dataset one person may hold after a claim; null: no limit */
  maxDays: number | null;
}

export interface InstructionRecord {
  version: number;
  text: string;
  url: string | null;
}

export interface AssignmentRecord {
  id: number;
  teamId: string;
  datasetId: number;
  first: number;
  last: number;
  assigneeId: string;
  status: AssignmentStatus;
  itemsDone: number;
  /** a calendar date (UTC midnight) */
  dueDate: Date | null;
  note: string | null;
  assignedBy: string;
  parentId: number | null;
  reviewRound: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  lastProgressAt: Date | null;
  submittedAt: Date | null;
  completedAt: Date | null;
  releasedAt: Date | null;
}

/** An assignment with the dataset it belongs to. */
export interface AssignmentInDataset extends AssignmentRecord {
  dataset: DatasetRecord;
}

export interface HandoffRecord {
  id: number;
  teamId: string;
  assignmentId: number;
  requesterId: string;
  fromUserId: string;
  toUserId: string | null;
  first: number;
  last: number;
  reason: string;
  status: HandoffStatus;
  decidedById: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  resultAssignmentId: number | null;
  /** items done in the handed-off part as the requester stated it; null: counted from the start of the range */
  doneMoved: number | null;
  createdAt: Date;
}

/** A handoff request with its assignment and dataset. */
export interface HandoffInDataset extends HandoffRecord {
  assignment: AssignmentInDataset;
}

export interface ReviewRecord {
  id: number;
  teamId: string;
  assignmentId: number;
  round: number;
  reviewerId: string | null;
  annotatorId: string;
  status: ReviewStatus;
  /** the items checked, sorted; empty in a full review */
  sampleItems: number[];
  /** how many items are checked (the range's size in a full review) */
  sampleSize: number;
  /** every item of the range is checked */
  sampleFull: boolean;
  sampleSeed: string;
  itemsChecked: number | null;
  goldChecked: number;
  goldCorrect: number;
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** the annotator's note when submitting this round */
  submitNote: string | null;
  /** error counts by taxonomy category (categories without errors are absent) */
  errors: Record<string, number>;
}

/** A review round as QA numbers read it: its verdict and counts, never its list of items. */
export type ReviewFacts = Omit<ReviewRecord, "sampleItems" | "sampleSeed" | "comment" | "submitNote"> & {
  assignment: { datasetId: number };
};

/** A review with its assignment and dataset. */
export interface ReviewInDataset extends ReviewRecord {
  assignment: AssignmentInDataset;
}

export interface AuditEventInput {
  teamId: string;
  actorId: string;
  action: string;
  at?: Date;
  datasetId?: number | null;
  assignmentId?: number | null;
  handoffId?: number | null;
  reviewId?: number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** An audit event as the webhook dispatcher reads it, with its dataset's slug. */
export interface AuditEventRecord {
  id: number;
  teamId: string;
  at: Date;
  actorId: string;
  action: string;
  datasetId: number | null;
  datasetSlug: string | null;
  assignmentId: number | null;
  handoffId: number | null;
  reviewId: number | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** A receiver of the ledger's events. */
export interface WebhookRecord {
  id: number;
  teamId: string;
  url: string;
  /** event types it receives; empty: all */
  events: string[];
  /** the signing secret */
  secret: string;
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
  removedAt: Date | null;
}

/**
 * Where a reader of the audit trail (the webhook dispatcher, a tool reading
 * the API's feed) is: every event of a transaction below `txid` was read, and
 * so was every event up to `afterId` of a transaction below `afterXmin`.
 */
export interface AuditCursor {
  txid: bigint;
  afterId: bigint;
  afterXmin: bigint;
}

/** The webhook dispatcher's cursor. */
export type DispatchCursor = AuditCursor;

/** One pass's read of the audit trail (all of it from one snapshot). */
export interface AuditBatch {
  /** events after the cursor, by id */
  events: AuditEventRecord[];
  /** every transaction below this one had ended when the batch was read */
  xmin: bigint;
  /** when the batch was cut short: the lowest transaction among the events left over (null: none left) */
  leftMinTxid: bigint | null;
}

/** A workspace's own settings (null: the configured default). */
export interface WorkspaceRecord {
  id: string;
  timezone: string | null;
  escalateAfterDays: number;
  stalledAfterDays: number;
  /** working hours: minutes after local midnight, and ISO weekdays */
  workdayStart: number;
  workdayEnd: number;
  workdays: number[];
}

export const OUTBOX_STATUSES = ["PENDING", "SENDING", "SENT", "FAILED"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** A message to write to the outbox. */
export interface NewOutboxRecord {
  teamId: string;
  key: string;
  kind: string;
  /** user id (a DM, when `toUser`) or channel id */
  recipient: string;
  toUser: boolean;
  /** what to show: plain JSON, opaque to the data layer */
  message: unknown;
  /** not delivered before this instant */
  notBefore: Date;
  /** a reply: posted to this response_url until `responseUntil`, a DM to `recipient` after */
  responseUrl?: string;
  responseUntil?: Date;
  /** when a sender may first try it (default: at once); the request that wrote it may deliver it earlier */
  firstAttemptAt?: Date;
  /** the range (assignment id) whose card the message shows, redrawn when the range changes */
  subject?: number;
  /** who delivers it (default: the Slack sender) */
  sender?: OutboxSender;
  /** rows of one order key are delivered one after another, in the order they were written */
  orderKey?: string;
}

/** The senders of the outbox: each takes only its own rows. */
export const OUTBOX_SENDERS = ["slack", "webhook"] as const;
export type OutboxSender = (typeof OUTBOX_SENDERS)[number];

/** A message that shows a range's card, as the card's redraw needs it. */
export interface OutboxCard {
  key: string;
  recipient: string;
  toUser: boolean;
  subject: number;
  message: unknown;
}

/** A row of the outbox, as a sender delivers it. */
export interface OutboxRecord {
  id: number;
  teamId: string;
  key: string;
  kind: string;
  recipient: string;
  toUser: boolean;
  message: unknown;
  status: OutboxStatus;
  revision: number;
  notBefore: Date;
  nextAttemptAt: Date;
  attempts: number;
  lastError: string | null;
  /** a send of it was cut off: Slack may show it already */
  inDoubt: boolean;
  /** a reply: posted to this response_url until `responseUntil` (null: a DM or a channel post) */
  responseUrl: string | null;
  responseUntil: Date | null;
  channelId: string | null;
  messageTs: string | null;
  createdAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  sender: OutboxSender;
  orderKey: string | null;
}

/** The outbox at a glance. */
export interface OutboxBacklog {
  /** waiting to be sent (including rows held for working hours) */
  pending: number;
  /** of those, held until a later instant (working hours, backoff) */
  waiting: number;
  sending: number;
  failed: number;
  /** the oldest row still to deliver */
  oldestPendingAt: Date | null;
}

export const JOB_RUN_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED"] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/** One run of a scheduled job for one slot. */
export interface JobRunRecord {
  job: string;
  slot: Date;
  startedAt: Date;
  finishedAt: Date | null;
  status: JobRunStatus;
  /** what the run did (counts, errors), plain JSON */
  detail: unknown;
  owner: string | null;
}

/** A slash command or interaction as it arrived, before it is handled. */
export interface NewInboxRecord {
  teamId: string;
  userId: string;
  /** command, block_actions, shortcut */
  kind: string;
  /** the HTTP request's signature (null in Socket Mode) */
  signature: string | null;
  /** the request's body as Bolt parsed it */
  payload: unknown;
  receivedAt: Date;
}

/** An open request of the inbox. */
export interface InboxRecord {
  id: number;
  teamId: string;
  userId: string;
  kind: string;
  payload: unknown;
  receivedAt: Date;
  /** attempts at handling it, this one included */
  attempts: number;
}
