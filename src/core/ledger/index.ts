import type { Store } from "../../db/store.ts";
import * as tokens from "../api-tokens.ts";
import { Inbox } from "../inbox.ts";
import { auditFeed, type GoldAnswer, type NewLabel, recordGoldAnswers, recordLabels } from "../integration.ts";
import { type DigestRender, runDigest } from "../jobs/digest.ts";
import { checkSuggestedMove, type ImbalanceRender, runImbalance } from "../jobs/imbalance.ts";
import { type OverdueRender, runOverdue } from "../jobs/overdue.ts";
import { JobRuns } from "../jobs/runs.ts";
import { runStalled, type StalledRender } from "../jobs/stalled.ts";
import { Outbox } from "../outbox.ts";
import { homeQa, QaSummaryCache } from "../qa/home.ts";
import { myQaReport, type QaSpan, qaReport } from "../qa/report.ts";
import * as reviews from "../review/service.ts";
import { applyToolEvent, type ToolEvent } from "../tool-events.ts";
import type { Actor, ChangeOptions, Role } from "../types.ts";
import { Webhooks } from "../webhooks/service.ts";
import * as assignments from "./assignments.ts";
import type { LedgerConfig, LedgerContext } from "./context.ts";
import * as datasets from "./datasets.ts";
import { exportCsv, exportReviewsCsv } from "./export.ts";
import * as handoffs from "./handoffs.ts";
import * as instructions from "./instructions.ts";
import * as members from "./members.ts";
import * as queries from "./queries.ts";
import type { DatasetSetting } from "./settings.ts";
import * as workspace from "./workspace.ts";

export type { ReviewVerdict } from "../review/service.ts";
export type {
  ClaimInput,
  ClaimNextInput,
  ProgressUpdate,
  ReleaseMode,
  ReleaseOutcome,
  SubmitOptions,
} from "./assignments.ts";
export type { LedgerConfig } from "./context.ts";
export type { NewDataset } from "./datasets.ts";
export type { HandoffDecision, HandoffInput, HandoffOutcome, HandoffSplit } from "./handoffs.ts";
export type { InstructionsView } from "./instructions.ts";
export type { AssignmentFilter, Coverage } from "./queries.ts";
export type { DatasetSetting, DatasetSettingKey } from "./settings.ts";
export type { WorkspaceSetting, WorkspaceSettingKey, WorkspaceView } from "./workspace.ts";

/**
 * The ledger: every operation on datasets, assignments, handoffs, reviews and
 * members. Changes run in one transaction each, write their audit event in it,
 * and accept an idempotency key. No Slack in here.
 */
export class Ledger {
  readonly ctx: LedgerContext;
  /** messages decided and waiting to be delivered (the senders' side) */
  readonly outbox: Outbox;
  /** runs of scheduled jobs, one per slot across replicas */
  readonly jobRuns: JobRuns;
  /** requests written down before they are acknowledged, until handled */
  readonly inbox: Inbox;
  /** receivers of the ledger's events, and their dispatch */
  readonly webhooks: Webhooks;
  /** dataset QA summaries App Home shows, kept for a few minutes */
  private readonly qaCache = new QaSummaryCache();

  constructor(store: Store, config: Partial<LedgerConfig> = {}) {
    this.ctx = {
      store,
      config: {
        bootstrapAdmins: config.bootstrapAdmins ?? [],
        defaultCapacity: config.defaultCapacity ?? 2000,
        defaultTimezone: config.defaultTimezone ?? "UTC",
        clock: config.clock ?? (() => new Date()),
        allowPrivateWebhooks: config.allowPrivateWebhooks ?? false,
      },
    };
    this.outbox = new Outbox(this.ctx);
    this.jobRuns = new JobRuns(this.ctx);
    this.inbox = new Inbox(this.ctx);
    this.webhooks = new Webhooks(this.ctx);
  }

  get config(): LedgerConfig {
    return this.ctx.config;
  }

  // the workspace
  getWorkspace = (teamId: string) => workspace.getWorkspace(this.ctx, teamId);
  configureWorkspace = (actor: Actor, setting: workspace.WorkspaceSetting, opts?: ChangeOptions) =>
    workspace.configureWorkspace(this.ctx, actor, setting, opts);

  // datasets
  createDataset = (actor: Actor, input: datasets.NewDataset, opts?: ChangeOptions) =>
    datasets.createDataset(this.ctx, actor, input, opts);
  configureDataset = (actor: Actor, slug: string, setting: DatasetSetting, opts?: ChangeOptions) =>
    datasets.configureDataset(this.ctx, actor, slug, setting, opts);
  getDataset = (teamId: string, slug: string) => datasets.getDataset(this.ctx, teamId, slug);
  listDatasets = (teamId: string, includeArchived?: boolean) =>
    datasets.listDatasets(this.ctx, teamId, includeArchived);
  /** records that the actor has read that version of the dataset's instructions */
  acknowledgeInstructions = (actor: Actor, slug: string, version: number, opts?: ChangeOptions) =>
    instructions.acknowledgeInstructions(this.ctx, actor, slug, version, opts);
  /** the current instructions of each dataset that has some, by dataset id */
  instructionsByDataset = (datasetIds: readonly number[]) => instructions.instructionsByDataset(this.ctx, datasetIds);

  // assignments
  claim = (actor: Actor, input: assignments.ClaimInput, opts?: ChangeOptions) =>
    assignments.claim(this.ctx, actor, input, opts);
  claimNext = (actor: Actor, input: assignments.ClaimNextInput, opts?: ChangeOptions) =>
    assignments.claimNext(this.ctx, actor, input, opts);
  assign = (actor: Actor, input: assignments.ClaimInput & { assigneeId: string }, opts?: ChangeOptions) =>
    assignments.assign(this.ctx, actor, input, opts);
  updateProgress = (actor: Actor, ref: string | number, update: assignments.ProgressUpdate, opts?: ChangeOptions) =>
    assignments.updateProgress(this.ctx, actor, ref, update, opts);
  /** items of a dataset reported done (an annotation tool's report), counted in the ranges holding them */
  reportItemsDone = (actor: Actor, slug: string, items: readonly number[], opts?: ChangeOptions) =>
    assignments.reportItemsDone(this.ctx, actor, slug, items, opts);
  setProgress = (actor: Actor, ref: string | number, count: number, opts?: ChangeOptions) =>
    assignments.setProgress(this.ctx, actor, ref, count, opts);
  start = (actor: Actor, ref: string | number, opts?: ChangeOptions) => assignments.start(this.ctx, actor, ref, opts);
  pause = (actor: Actor, ref: string | number, opts?: ChangeOptions) => assignments.pause(this.ctx, actor, ref, opts);
  submit = (actor: Actor, ref: string | number, opts?: assignments.SubmitOptions) =>
    assignments.submit(this.ctx, actor, ref, opts);
  release = (actor: Actor, ref: string | number, opts?: assignments.ReleaseOptions) =>
    assignments.release(this.ctx, actor, ref, opts);
  setDueDate = (
    actor: Actor,
    ref: string | number,
    due: string | null,
    opts?: ChangeOptions & { expectDue?: string | null },
  ) => assignments.setDueDate(this.ctx, actor, ref, due, opts);
  proposeDueDate = (actor: Actor, ref: string | number, due: string) =>
    assignments.proposeDueDate(this.ctx, actor, ref, due);
  declineDueProposal = (actor: Actor, ref: string | number, from: string | null) =>
    assignments.declineDueProposal(this.ctx, actor, ref, from);
  getAssignment = (teamId: string, ref: string | number) => assignments.getAssignment(this.ctx, teamId, ref);
  /** refuses, as the change would, unless the actor may `what` (update, hand off…) the range: before a form */
  checkMayChange = (actor: Actor, ref: string | number, what: string) =>
    assignments.checkMayChange(this.ctx, actor, ref, what);
  /** refuses, as a proposal would, unless the actor may propose a new due date for the range: before the form */
  checkMayProposeDue = (actor: Actor, ref: string | number) => assignments.checkMayProposeDue(this.ctx, actor, ref);

  // handoffs
  handoff = (actor: Actor, ref: string | number, input: handoffs.HandoffInput, opts?: ChangeOptions) =>
    handoffs.handoff(this.ctx, actor, ref, input, opts);
  decideHandoff = (actor: Actor, ref: string | number, d: handoffs.HandoffDecision, opts?: ChangeOptions) =>
    handoffs.decideHandoff(this.ctx, actor, ref, d, opts);
  handoffToDecide = (actor: Actor, ref: string | number) => handoffs.handoffToDecide(this.ctx, actor, ref);
  cancelHandoff = (actor: Actor, ref: string | number, opts?: ChangeOptions) =>
    handoffs.cancelHandoff(this.ctx, actor, ref, opts);
  getHandoff = (teamId: string, ref: string | number) => handoffs.getHandoff(this.ctx, teamId, ref);
  pendingHandoffs = (teamId: string) => handoffs.pendingHandoffs(this.ctx, teamId);

  // reviews
  recordReview = (actor: Actor, ref: string | number, v: reviews.ReviewVerdict, opts?: ChangeOptions) =>
    reviews.recordReview(this.ctx, actor, ref, v, opts);
  reviewToDecide = (actor: Actor, ref: string | number) => reviews.reviewToDecide(this.ctx, actor, ref);
  /** refuses, as a verdict would, unless the actor may decide the review now: before its form */
  checkMayDecideReview = (actor: Actor, ref: string | number) => reviews.checkMayDecideReview(this.ctx, actor, ref);
  getReview = (teamId: string, ref: string | number) => reviews.getReview(this.ctx, teamId, ref);
  /** the items of a sampled review as CSV, for its reviewer (and reviewers and leads), not its annotator */
  reviewSampleCsv = (actor: Actor, ref: string | number) => reviews.reviewSampleCsv(this.ctx, actor, ref);
  reviewQueue = (teamId: string, reviewerId: string, includeUnassigned?: boolean) =>
    reviews.reviewQueue(this.ctx, teamId, reviewerId, includeUnassigned);

  // members
  setRole = (actor: Actor, userId: string, role: Role, opts?: ChangeOptions & { dataset?: string }) =>
    members.setRole(this.ctx, actor, userId, role, opts);
  setCapacity = (actor: Actor, userId: string, itemsPerWeek: number, opts?: ChangeOptions) =>
    members.setCapacity(this.ctx, actor, userId, itemsPerWeek, opts);
  updateProfile = (
    teamId: string,
    userId: string,
    profile: { displayName?: string | null; timezone?: string | null },
  ) => members.updateProfile(this.ctx, teamId, userId, profile);
  getMember = (actor: Actor) => members.getMember(this.ctx, actor);
  effectiveRole = (actor: Actor, datasetId?: number) => members.effectiveRoleOf(this.ctx, actor, datasetId);
  listMembers = (teamId: string) => members.listMembers(this.ctx, teamId);

  // views
  listAssignments = (teamId: string, filter?: queries.AssignmentFilter) =>
    queries.listAssignments(this.ctx, teamId, filter);
  coverage = (teamId: string, slug: string) => queries.coverage(this.ctx, teamId, slug);
  workload = (teamId: string) => queries.workload(this.ctx, teamId);
  exportCsv = (actor: Actor, slug: string) => exportCsv(this.ctx, actor, slug);
  exportReviewsCsv = (actor: Actor, slug: string) => exportReviewsCsv(this.ctx, actor, slug);
  /** A dataset's QA numbers over `span` (its reviewers and leads). */
  qaReport = (actor: Actor, slug: string, span: QaSpan) => qaReport(this.ctx, actor, slug, span);
  /** The actor's own QA numbers over `span`, dataset by dataset. */
  myQaReport = (actor: Actor, span: QaSpan) => myQaReport(this.ctx, actor, span);
  createToken = (actor: Actor, name: string, scope: tokens.ApiTokenScope, opts?: ChangeOptions) =>
    tokens.createToken(this.ctx, actor, name, scope, opts);
  listTokens = (actor: Actor) => tokens.listTokens(this.ctx, actor);
  revokeToken = (actor: Actor, name: string, opts?: ChangeOptions) => tokens.revokeToken(this.ctx, actor, name, opts);
  authenticateToken = (secret: string) => tokens.authenticate(this.ctx, secret);
  /** The write token whose signing secret signed a tool's webhook body (CVAT), or why not. */
  authenticateSigned = (teamId: string, name: string, body: Uint8Array, signature: string) =>
    tokens.authenticateSigned(this.ctx, teamId, name, body, signature);
  /** the workspace's audit events after an event id, for tools catching up */
  auditFeed = (actor: Actor, after: string, limit: number) => auditFeed(this.ctx, actor, after, limit);
  recordLabels = (actor: Actor, slug: string, labels: readonly NewLabel[], opts?: ChangeOptions) =>
    recordLabels(this.ctx, actor, slug, labels, opts);
  recordGoldAnswers = (actor: Actor, slug: string, answers: readonly GoldAnswer[], opts?: ChangeOptions) =>
    recordGoldAnswers(this.ctx, actor, slug, answers, opts);
  /** What an annotation tool's webhook reported (src/api/hooks), applied as the integration. */
  applyToolEvent = (actor: Actor, event: ToolEvent) => applyToolEvent(this.ctx, actor, event);
  /** the QA numbers of a person's App Home (leads: with the summaries of the datasets the team works on) */
  homeQa = (actor: Actor, o: { lead: boolean }) => homeQa(this.ctx, this.qaCache, actor, o.lead);

  /** Refuses (forbidden) unless the actor may see the jobs (leads) or run one now (admins). */
  authorizeJobs = (actor: Actor, action: "view" | "run") => members.authorizeJobs(this.ctx, actor, action);

  // scheduled jobs: decide what to tell, as if at `now`, and write it to the outbox (a dry run writes nothing)
  runOverdue = (teamId: string, now: Date, render: OverdueRender, o: { dryRun: boolean }) =>
    runOverdue(this.ctx, teamId, now, render, o);
  runStalled = (teamId: string, now: Date, render: StalledRender, o: { dryRun: boolean }) =>
    runStalled(this.ctx, teamId, now, render, o);
  runImbalance = (teamId: string, now: Date, render: ImbalanceRender, o: { dryRun: boolean }) =>
    runImbalance(this.ctx, teamId, now, render, o);
  runDigest = (teamId: string, now: Date, render: DigestRender, o: { dryRun: boolean }) =>
    runDigest(this.ctx, teamId, now, render, o);
  /** Refuses a suggested move that no longer stands, or that the actor may not make. */
  checkSuggestedMove = (actor: Actor, move: { ref: string; from: string; range: { first: number; last: number } }) =>
    checkSuggestedMove(this.ctx, actor, move);

  /** Resolves when the database answers (liveness for /healthz). */
  ping = () => this.ctx.store.ping();
}
