/**
 * The endpoints of `/api/v1`: for each, its method and path, who may call it,
 * the schemas of its parameters, query, body and answer (the OpenAPI document
 * is made from them), and what it does through the core.
 */
import type { z } from "zod";
import type { Ledger } from "../core/ledger/index.ts";
import type { Coverage } from "../core/ledger/queries.ts";
import type { ToolEventResult } from "../core/tool-events.ts";
import type { Actor, AssignmentView } from "../core/types.ts";
import { cvatEvent, cvatPayload, hookParams, labelStudioEvent, labelStudioPayload, toolEventAnswer } from "./hooks.ts";
import {
  assignmentBody,
  assignmentListBody,
  assignmentsQuery,
  datasetListBody,
  eventsAnswer,
  eventsQuery,
  goldAnswer,
  goldBody,
  itemsDoneAnswer,
  itemsDoneBody,
  labelsAnswer,
  labelsBody,
  memberAssignmentsQuery,
  progressBody,
  refParam,
  slugParam,
  submitAnswer,
  submitBody,
  userParam,
} from "./schemas.ts";

/** What Slack shows after a change made through the API, as after the same command (App Home, cards, review DMs). */
export interface ApiFollowUps {
  progressed(actor: Actor, a: AssignmentView): void;
  submitted(actor: Actor, r: Awaited<ReturnType<Ledger["submit"]>>): void;
}

export interface HandlerContext<P, Q, B> {
  ledger: Ledger;
  followUps: ApiFollowUps;
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  /** the request's Idempotency-Key, made specific to the token */
  idempotencyKey: string | undefined;
}

export interface ApiRoute<P = unknown, Q = unknown, B = unknown> {
  method: "GET" | "POST" | "PUT";
  /** OpenAPI-style path under /api/v1, e.g. /assignments/{ref} */
  path: string;
  operationId: string;
  summary: string;
  scope: "read" | "write";
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  answer: z.ZodType;
  /** whether an Idempotency-Key is honoured */
  idempotent?: boolean;
  /**
   * How the caller proves who it is: a bearer token (the default), or a body
   * signed with a write token's signing secret, the token named in the path
   * (`{team}` and `{token}`), the signature in `signatureHeader`.
   */
  auth?: { signatureHeader: string };
  handle(c: HandlerContext<P, Q, B>): Promise<unknown>;
}

const route = <P, Q, B>(r: ApiRoute<P, Q, B>): ApiRoute => r as unknown as ApiRoute;

const toolEventJson = (r: ToolEventResult) => ({ ...r, changed: r.changed.map(assignmentJson) });

/** Applies what a tool's webhook asks (or says why nothing), with the follow-ups in Slack of a change. */
async function applyHook(
  { ledger, followUps, actor }: Pick<HandlerContext<unknown, unknown, unknown>, "ledger" | "followUps" | "actor">,
  e: ReturnType<typeof cvatEvent>,
) {
  if (!("tool" in e)) return e;
  const r = await ledger.applyToolEvent(actor, e);
  for (const a of r.changed) followUps.progressed(actor, a);
  return toolEventJson(r);
}

export const assignmentJson = (a: AssignmentView): z.infer<typeof assignmentBody> => ({
  ref: a.ref,
  dataset: a.dataset,
  first: a.first,
  last: a.last,
  size: a.size,
  assignee: a.assigneeId,
  status: a.status,
  itemsDone: a.itemsDone,
  dueDate: a.dueDate,
  note: a.note,
  reviewRound: a.reviewRound,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  lastProgressAt: a.lastProgressAt,
});

const datasetJson = (c: Coverage) => ({
  slug: c.dataset.slug,
  title: c.dataset.title,
  itemNoun: c.dataset.itemNoun,
  itemCount: c.itemCount,
  archived: c.dataset.archived,
  coverage: {
    claimed: c.claimedItems,
    done: c.doneItems,
    inReview: c.inReviewItems,
    completed: c.completedItems,
    free: c.freeItems,
    overdueRanges: c.overdueRanges,
  },
});

export const API_ROUTES: ApiRoute[] = [
  route({
    method: "GET",
    path: "/datasets",
    operationId: "listDatasets",
    summary: "The workspace's datasets (not archived) with their coverage",
    scope: "read",
    answer: datasetListBody,
    handle: async ({ ledger, actor }) => {
      const datasets = await ledger.listDatasets(actor.teamId);
      const coverage = await Promise.all(datasets.map((d) => ledger.coverage(actor.teamId, d.slug)));
      return { datasets: coverage.map(datasetJson) };
    },
  }),
  route({
    method: "GET",
    path: "/datasets/{slug}/assignments",
    operationId: "listDatasetAssignments",
    summary: "The ranges of a dataset, filtered by status and assignee",
    scope: "read",
    params: slugParam,
    query: assignmentsQuery,
    answer: assignmentListBody,
    handle: async ({ ledger, actor, params, query }) => {
      await ledger.getDataset(actor.teamId, params.slug);
      const list = await ledger.listAssignments(actor.teamId, {
        dataset: params.slug,
        ...(query.assignee ? { assigneeId: query.assignee } : {}),
        ...(query.status ? { statuses: query.status } : {}),
        limit: query.limit,
      });
      return { assignments: list.map(assignmentJson) };
    },
  }),
  route({
    method: "GET",
    path: "/assignments/{ref}",
    operationId: "getAssignment",
    summary: "One range by its reference",
    scope: "read",
    params: refParam,
    answer: assignmentBody,
    handle: async ({ ledger, actor, params }) => assignmentJson(await ledger.getAssignment(actor.teamId, params.ref)),
  }),
  route({
    method: "GET",
    path: "/members/{user}/assignments",
    operationId: "listMemberAssignments",
    summary: "A person's ranges in every dataset",
    scope: "read",
    params: userParam,
    query: memberAssignmentsQuery,
    answer: assignmentListBody,
    handle: async ({ ledger, actor, params, query }) => {
      const list = await ledger.listAssignments(actor.teamId, {
        assigneeId: params.user,
        ...(query.status ? { statuses: query.status } : {}),
        limit: query.limit,
      });
      return { assignments: list.map(assignmentJson) };
    },
  }),
  route({
    method: "GET",
    path: "/events",
    operationId: "listEvents",
    summary: "The audit feed after a cursor: every change, oldest first",
    scope: "read",
    query: eventsQuery,
    answer: eventsAnswer,
    handle: ({ ledger, actor, query }) => ledger.auditFeed(actor, query.after, query.limit),
  }),
  route({
    method: "PUT",
    path: "/assignments/{ref}/progress",
    operationId: "setProgress",
    summary: "Sets the items done of a range (same rules and audit as /progress)",
    scope: "write",
    params: refParam,
    body: progressBody,
    answer: assignmentBody,
    idempotent: true,
    handle: async ({ ledger, followUps, actor, params, body, idempotencyKey }) => {
      const r = await ledger.updateProgress(actor, params.ref, { count: body.itemsDone }, { idempotencyKey });
      followUps.progressed(actor, r.assignment);
      return assignmentJson(r.assignment);
    },
  }),
  route({
    method: "POST",
    path: "/assignments/{ref}/submit",
    operationId: "submitAssignment",
    summary: "Submits a range for review (same rules and audit as /progress <ref> done)",
    scope: "write",
    params: refParam,
    body: submitBody,
    answer: submitAnswer,
    idempotent: true,
    handle: async ({ ledger, followUps, actor, params, body, idempotencyKey }) => {
      const r = await ledger.submit(actor, params.ref, {
        idempotencyKey,
        ...(body.confirm ? { confirmed: true } : {}),
        ...(body.note ? { reason: body.note } : {}),
      });
      followUps.submitted(actor, r);
      return {
        assignment: assignmentJson(r.assignment),
        review: r.review ? { ref: r.review.ref, reviewer: r.review.reviewerId, items: r.review.sampleSize } : null,
      };
    },
  }),
  route({
    method: "POST",
    path: "/datasets/{slug}/items-done",
    operationId: "reportItemsDone",
    summary: "Reports items of a dataset done: each counts in the open range holding it; the others are given back",
    scope: "write",
    params: slugParam,
    body: itemsDoneBody,
    answer: itemsDoneAnswer,
    idempotent: true,
    handle: async ({ ledger, followUps, actor, params, body, idempotencyKey }) => {
      const r = await ledger.reportItemsDone(actor, params.slug, body.items, { idempotencyKey });
      for (const a of r.changed) followUps.progressed(actor, a);
      return { changed: r.changed.map(assignmentJson), notOpen: r.notOpen, unheld: r.unheld };
    },
  }),
  route({
    method: "POST",
    path: "/datasets/{slug}/labels",
    operationId: "recordLabels",
    summary: "Records per-item labels (what inter-annotator agreement compares)",
    scope: "write",
    params: slugParam,
    body: labelsBody,
    answer: labelsAnswer,
    idempotent: true,
    handle: async ({ ledger, actor, params, body, idempotencyKey }) => {
      const r = await ledger.recordLabels(actor, params.slug, body.labels, { idempotencyKey });
      return { dataset: r.dataset, recorded: r.recorded };
    },
  }),
  route({
    method: "POST",
    path: "/datasets/{slug}/gold",
    operationId: "recordGoldAnswers",
    summary: "Records the known answers of gold items (what gold accuracy from labels compares with)",
    scope: "write",
    params: slugParam,
    body: goldBody,
    answer: goldAnswer,
    idempotent: true,
    handle: async ({ ledger, actor, params, body, idempotencyKey }) => {
      const r = await ledger.recordGoldAnswers(actor, params.slug, body.answers, { idempotencyKey });
      return { dataset: r.dataset, recorded: r.recorded };
    },
  }),
  route({
    method: "POST",
    path: "/hooks/label-studio",
    operationId: "labelStudioWebhook",
    summary:
      "Label Studio's webhook (Authorization header set on the webhook): an annotation created or updated marks its item done and records its label",
    scope: "write",
    body: labelStudioPayload,
    answer: toolEventAnswer,
    handle: ({ body, ...c }) => applyHook(c, labelStudioEvent(body)),
  }),
  route({
    method: "POST",
    path: "/hooks/cvat/{team}/{token}",
    operationId: "cvatWebhook",
    summary:
      "CVAT's webhook, signed with the token's signing secret (X-Signature-256): a job completed marks its frames' items done",
    scope: "write",
    auth: { signatureHeader: "x-signature-256" },
    params: hookParams,
    body: cvatPayload,
    answer: toolEventAnswer,
    handle: ({ body, ...c }) => applyHook(c, cvatEvent(body)),
  }),
];
