/** Records of the database as the views the rest of the product reads (references, dates as text). */
import type {
  AssignmentRecord,
  DatasetRecord,
  HandoffRecord,
  InstructionRecord,
  MemberRecord,
  ReviewRecord,
} from "../db/records.ts";
import { formatIsoDate } from "./dates.ts";
import { assignmentRef, handoffRef, reviewRef } from "./refs.ts";
import type { AssignmentView, DatasetView, HandoffView, MemberView, ReviewView } from "./types.ts";

export function datasetView(d: DatasetRecord, instruction?: InstructionRecord | null): DatasetView {
  return {
    id: d.id,
    teamId: d.teamId,
    slug: d.slug,
    title: d.title,
    itemCount: d.itemCount,
    itemNoun: d.itemNoun,
    channelId: d.channelId,
    batchSize: d.batchSize,
    archived: d.archived,
    reviewSampleRate: d.reviewSampleRate,
    reviewFirstK: d.reviewFirstK,
    reviewEveryRange: d.reviewEveryRange,
    goldItems: d.goldItems,
    errorTaxonomy: d.errorTaxonomy,
    maxClaim: d.maxClaim,
    maxDays: d.maxDays,
    instructions: instruction ? { version: instruction.version, text: instruction.text, url: instruction.url } : null,
  };
}

export function assignmentView(a: AssignmentRecord, dataset: Pick<DatasetRecord, "slug" | "itemNoun">): AssignmentView {
  return {
    id: a.id,
    ref: assignmentRef(a.id),
    teamId: a.teamId,
    datasetId: a.datasetId,
    dataset: dataset.slug,
    itemNoun: dataset.itemNoun,
    first: a.first,
    last: a.last,
    size: a.last - a.first + 1,
    assigneeId: a.assigneeId,
    status: a.status,
    itemsDone: a.itemsDone,
    dueDate: a.dueDate ? formatIsoDate(a.dueDate) : null,
    note: a.note,
    reviewRound: a.reviewRound,
    parentId: a.parentId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    lastProgressAt: a.lastProgressAt?.toISOString() ?? null,
  };
}

export function handoffView(h: HandoffRecord, datasetSlug: string): HandoffView {
  return {
    id: h.id,
    ref: handoffRef(h.id),
    teamId: h.teamId,
    assignmentId: h.assignmentId,
    assignmentRef: assignmentRef(h.assignmentId),
    dataset: datasetSlug,
    requesterId: h.requesterId,
    fromUserId: h.fromUserId,
    toUserId: h.toUserId,
    first: h.first,
    last: h.last,
    reason: h.reason,
    status: h.status,
    decidedById: h.decidedById,
    decidedAt: h.decidedAt?.toISOString() ?? null,
    decisionComment: h.decisionComment,
    resultAssignmentId: h.resultAssignmentId,
    doneMoved: h.doneMoved,
    createdAt: h.createdAt.toISOString(),
  };
}

export function reviewView(r: ReviewRecord, datasetSlug: string): ReviewView {
  return {
    id: r.id,
    ref: reviewRef(r.id),
    teamId: r.teamId,
    assignmentId: r.assignmentId,
    assignmentRef: assignmentRef(r.assignmentId),
    dataset: datasetSlug,
    round: r.round,
    reviewerId: r.reviewerId,
    annotatorId: r.annotatorId,
    status: r.status,
    sampleItems: r.sampleItems,
    sampleSize: r.sampleSize,
    sampleFull: r.sampleFull,
    itemsChecked: r.itemsChecked,
    errors: r.errors,
    goldChecked: r.goldChecked,
    goldCorrect: r.goldCorrect,
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    submitNote: r.submitNote,
  };
}

export function memberView(m: MemberRecord): MemberView {
  return {
    teamId: m.teamId,
    userId: m.userId,
    role: m.role,
    capacityPerWeek: m.capacityPerWeek,
    timezone: m.timezone,
    displayName: m.displayName,
  };
}

/** Assignments listed most actionable first: in progress, rework, pending, in review, completed, released. */
export const STATUS_ORDER: Record<AssignmentRecord["status"], number> = {
  IN_PROGRESS: 0,
  CHANGES_REQUESTED: 1,
  PENDING: 2,
  IN_REVIEW: 3,
  COMPLETED: 4,
  RELEASED: 5,
};
