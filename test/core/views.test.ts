/**
 * The views the rest of the product reads, from the database's records:
 * every field carried, references and sizes worked out, dates as text and
 * missing ones as null, and the order ranges are listed in.
 */
import { describe, expect, it } from "vitest";
import {
  assignmentView,
  datasetView,
  handoffView,
  memberView,
  reviewView,
  STATUS_ORDER,
} from "../../src/core/views.ts";
import type {
  AssignmentRecord,
  DatasetRecord,
  HandoffRecord,
  MemberRecord,
  ReviewRecord,
} from "../../src/db/records.ts";

const at = (iso: string) => new Date(iso);

const dataset: DatasetRecord = {
  id: 3,
  teamId: "T1",
  slug: "cats",
  title: "Cats of the city",
  itemCount: 500,
  itemNoun: "image",
  channelId: "C1",
  batchSize: 50,
  archived: false,
  reviewSampleRate: 0.1,
  reviewFirstK: 2,
  reviewEveryRange: true,
  goldItems: [4, 9],
  errorTaxonomy: ["wrong class"],
  maxClaim: 200,
  maxDays: null,
};

const assignment: AssignmentRecord = {
  id: 17,
  teamId: "T1",
  datasetId: 3,
  first: 101,
  last: 150,
  assigneeId: "UANA",
  status: "IN_PROGRESS",
  itemsDone: 12,
  dueDate: at("2026-12-04T00:00:00Z"),
  note: "night shots",
  assignedBy: "ULEAD",
  parentId: 9,
  reviewRound: 1,
  createdAt: at("2026-11-23T10:00:00Z"),
  updatedAt: at("2026-11-24T11:30:00Z"),
  startedAt: at("2026-11-23T10:05:00Z"),
  lastProgressAt: at("2026-11-24T11:30:00Z"),
  submittedAt: null,
  completedAt: null,
  releasedAt: null,
};

describe("views", () => {
  it("of a dataset carry its settings, and its instructions when it has some", () => {
    // every field of the record, and nothing else
    expect(datasetView(dataset)).toEqual({ ...dataset, instructions: null });
    expect(datasetView(dataset, null)).toEqual({ ...dataset, instructions: null });
    expect(datasetView(dataset, { version: 2, text: "Box every cat.", url: "https://wiki.test/cats" })).toEqual({
      ...dataset,
      instructions: { version: 2, text: "Box every cat.", url: "https://wiki.test/cats" },
    });
  });

  it("of a range carry its reference, size, dataset and dates as text", () => {
    expect(assignmentView(assignment, dataset)).toEqual({
      id: 17,
      ref: "A17",
      teamId: "T1",
      datasetId: 3,
      dataset: "cats",
      itemNoun: "image",
      first: 101,
      last: 150,
      size: 50,
      assigneeId: "UANA",
      status: "IN_PROGRESS",
      itemsDone: 12,
      dueDate: "2026-12-04",
      note: "night shots",
      reviewRound: 1,
      parentId: 9,
      createdAt: "2026-11-23T10:00:00.000Z",
      updatedAt: "2026-11-24T11:30:00.000Z",
      lastProgressAt: "2026-11-24T11:30:00.000Z",
    });
    const fresh = assignmentView({ ...assignment, first: 7, last: 7, dueDate: null, lastProgressAt: null }, dataset);
    expect(fresh).toMatchObject({ size: 1, dueDate: null, lastProgressAt: null });
  });

  it("of a handoff carry both references and its decision, when there is one", () => {
    const handoff: HandoffRecord = {
      id: 5,
      teamId: "T1",
      assignmentId: 17,
      requesterId: "UANA",
      fromUserId: "UANA",
      toUserId: "UBOB",
      first: 141,
      last: 150,
      reason: "out on Friday",
      status: "APPROVED",
      decidedById: "ULEAD",
      decidedAt: at("2026-11-25T09:00:00Z"),
      decisionComment: "ok",
      resultAssignmentId: 18,
      doneMoved: 0,
      createdAt: at("2026-11-24T16:00:00Z"),
    };
    expect(handoffView(handoff, "cats")).toEqual({
      id: 5,
      ref: "H5",
      teamId: "T1",
      assignmentId: 17,
      assignmentRef: "A17",
      dataset: "cats",
      requesterId: "UANA",
      fromUserId: "UANA",
      toUserId: "UBOB",
      first: 141,
      last: 150,
      reason: "out on Friday",
      status: "APPROVED",
      decidedById: "ULEAD",
      decidedAt: "2026-11-25T09:00:00.000Z",
      decisionComment: "ok",
      resultAssignmentId: 18,
      doneMoved: 0,
      createdAt: "2026-11-24T16:00:00.000Z",
    });
    expect(handoffView({ ...handoff, status: "PENDING", decidedAt: null }, "cats").decidedAt).toBeNull();
  });

  it("of a review carry both references, its sample and its verdict, and not its seed", () => {
    const review: ReviewRecord = {
      id: 8,
      teamId: "T1",
      assignmentId: 17,
      round: 2,
      reviewerId: "UREV",
      annotatorId: "UANA",
      status: "ACCEPTED",
      sampleItems: [104, 120],
      sampleSize: 2,
      sampleFull: false,
      sampleSeed: "seed",
      itemsChecked: 2,
      goldChecked: 1,
      goldCorrect: 1,
      comment: "fine",
      createdAt: at("2026-11-25T10:00:00Z"),
      decidedAt: at("2026-11-25T12:00:00Z"),
      submitNote: "redone",
      errors: { "wrong class": 1 },
    };
    expect(reviewView(review, "cats")).toEqual({
      id: 8,
      ref: "R8",
      teamId: "T1",
      assignmentId: 17,
      assignmentRef: "A17",
      dataset: "cats",
      round: 2,
      reviewerId: "UREV",
      annotatorId: "UANA",
      status: "ACCEPTED",
      sampleItems: [104, 120],
      sampleSize: 2,
      sampleFull: false,
      itemsChecked: 2,
      errors: { "wrong class": 1 },
      goldChecked: 1,
      goldCorrect: 1,
      comment: "fine",
      createdAt: "2026-11-25T10:00:00.000Z",
      decidedAt: "2026-11-25T12:00:00.000Z",
      submitNote: "redone",
    });
    expect(reviewView({ ...review, status: "PENDING", decidedAt: null }, "cats").decidedAt).toBeNull();
  });

  it("of a member carry what the workspace knows of them", () => {
    const m: MemberRecord = {
      teamId: "T1",
      userId: "UANA",
      role: "ANNOTATOR",
      capacityPerWeek: 800,
      timezone: "Asia/Tokyo",
      displayName: "Ana",
    };
    expect(memberView(m)).toEqual({ ...m });
  });

  it("list ranges most actionable first", () => {
    const byOrder = Object.entries(STATUS_ORDER)
      .sort(([, a], [, b]) => a - b)
      .map(([status]) => status);
    expect(byOrder).toEqual(["IN_PROGRESS", "CHANGES_REQUESTED", "PENDING", "IN_REVIEW", "COMPLETED", "RELEASED"]);
    expect(new Set(Object.values(STATUS_ORDER)).size).toBe(6);
  });
});
