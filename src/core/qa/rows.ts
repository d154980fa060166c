/**
 * What the QA metrics read: plain rows shaped after what the repositories
 * return (`AssignmentRecord`, `ReviewInDataset`), narrowed to the fields the
 * metrics use, so records feed them as they are.
 */
import type { AssignmentRecord, ReviewRecord } from "../../db/records.ts";

/** A range as the metrics see it (an `AssignmentRecord` is one). */
export type AssignmentRow = Pick<
  AssignmentRecord,
  "id" | "datasetId" | "first" | "last" | "assigneeId" | "status" | "itemsDone" | "createdAt" | "completedAt"
>;

/** A review as the metrics see it (a `ReviewInDataset` is one: its range says the dataset). */
export type ReviewRow = Pick<
  ReviewRecord,
  | "id"
  | "assignmentId"
  | "round"
  | "reviewerId"
  | "annotatorId"
  | "status"
  | "sampleSize"
  | "itemsChecked"
  | "goldChecked"
  | "goldCorrect"
  | "errors"
  | "createdAt"
  | "decidedAt"
> & { assignment: Pick<AssignmentRecord, "datasetId"> };

/** The dataset as the forecast needs it (a `DatasetRecord` is one). */
export interface DatasetRow {
  id: number;
  itemCount: number;
}

/** The number of items of a range. */
export const sizeOf = (a: Pick<AssignmentRow, "first" | "last">): number => a.last - a.first + 1;

/** True for a review with a verdict (accepted or sent back), as opposed to pending or cancelled. */
export const isDecided = (r: Pick<ReviewRow, "status" | "decidedAt">): r is typeof r & { decidedAt: Date } =>
  (r.status === "ACCEPTED" || r.status === "CHANGES_REQUESTED") && r.decidedAt !== null;
