import { byCodePoint } from "./text.ts";
import type { AssignmentStatus } from "./types.ts";

/** A week of work is five working days. */
export const WORKING_DAYS_PER_WEEK = 5;

export interface LoadInput {
  assigneeId: string;
  status: AssignmentStatus;
  first: number;
  last: number;
  itemsDone: number;
}

export interface AnnotatorLoad {
  userId: string;
  /** items still to do in open ranges (PENDING, IN_PROGRESS, CHANGES_REQUESTED) */
  remainingItems: number;
  openRanges: number;
  inReviewRanges: number;
  capacityPerWeek: number;
  /** remaining items as working days at the annotator's capacity */
  daysOfWork: number;
}

const OPEN = new Set<AssignmentStatus>(["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"]);

/**
 * Workload per annotator. Everyone in `people` is listed, with zero load when
 * they hold nothing; sorted by days of work, most loaded first.
 */
export function computeWorkload(
  assignments: readonly LoadInput[],
  people: ReadonlyMap<string, number>, // userId → capacity per week
  defaultCapacity: number,
): AnnotatorLoad[] {
  const byUser = new Map<string, AnnotatorLoad>();
  const entry = (userId: string): AnnotatorLoad => {
    let e = byUser.get(userId);
    if (!e) {
      const capacityPerWeek = people.get(userId) ?? defaultCapacity;
      e = { userId, remainingItems: 0, openRanges: 0, inReviewRanges: 0, capacityPerWeek, daysOfWork: 0 };
      byUser.set(userId, e);
    }
    return e;
  };
  for (const userId of people.keys()) entry(userId);
  for (const a of assignments) {
    if (OPEN.has(a.status)) {
      const e = entry(a.assigneeId);
      e.remainingItems += a.last - a.first + 1 - a.itemsDone;
      e.openRanges += 1;
    } else if (a.status === "IN_REVIEW") {
      entry(a.assigneeId).inReviewRanges += 1;
    }
  }
  for (const e of byUser.values()) {
    e.daysOfWork = round1((e.remainingItems * WORKING_DAYS_PER_WEEK) / e.capacityPerWeek);
  }
  return [...byUser.values()].sort((a, b) => b.daysOfWork - a.daysOfWork || byCodePoint(a.userId, b.userId));
}

const round1 = (x: number) => Math.round(x * 10) / 10;
