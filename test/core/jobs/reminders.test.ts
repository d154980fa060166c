/**
 * Which ranges the overdue and stalled jobs remind people of, and in what
 * order: the pure selections, from candidates in the order a database might
 * return them (not already sorted).
 */
import { describe, expect, it } from "vitest";
import { overdueRanges } from "../../../src/core/jobs/overdue.ts";
import { stalledRanges } from "../../../src/core/jobs/stalled.ts";
import type { DueAssignment } from "../../../src/db/store.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const DAY = 86_400_000;

function candidate(id: number, o: Partial<DueAssignment> = {}): DueAssignment {
  return {
    id,
    teamId: "T0TEST",
    datasetId: 1,
    first: id * 10 + 1,
    last: id * 10 + 10,
    assigneeId: `U${id}`,
    status: "IN_PROGRESS",
    itemsDone: 0,
    dueDate: null,
    note: null,
    assignedBy: `U${id}`,
    parentId: null,
    reviewRound: 0,
    createdAt: NOW,
    updatedAt: NOW,
    startedAt: null,
    lastProgressAt: null,
    submittedAt: null,
    completedAt: null,
    releasedAt: null,
    dataset: { id: 1, slug: "cats", title: "Cats", itemNoun: "image", channelId: null },
    ...o,
  };
}

const idleFor = (id: number, days: number, o: Partial<DueAssignment> = {}) =>
  candidate(id, {
    startedAt: new Date(NOW.getTime() - 30 * DAY),
    lastProgressAt: new Date(NOW.getTime() - days * DAY),
    ...o,
  });
const dueDaysAgo = (id: number, days: number) => candidate(id, { dueDate: new Date(Date.UTC(2026, 10, 30 - days)) });

describe("overdue ranges", () => {
  it("are those due before today in the owner's zone, most late first, then by number", () => {
    const got = overdueRanges(
      [dueDaysAgo(4, 1), dueDaysAgo(2, 3), dueDaysAgo(7, 0), dueDaysAgo(3, 1), dueDaysAgo(5, 6), candidate(6)],
      () => "UTC",
      NOW,
    );
    expect(got.map((r) => [r.ref, r.daysLate, r.dueDate])).toEqual([
      ["A5", 6, "2026-11-24"],
      ["A2", 3, "2026-11-27"],
      ["A3", 1, "2026-11-29"],
      ["A4", 1, "2026-11-29"],
    ]);
    expect(got[0]).toMatchObject({ assignmentId: 5, ownerId: "U5", first: 51, last: 60, size: 10, itemsDone: 0 });
  });

  it("count the days late in each owner's own zone", () => {
    // 2026-11-30T12:00Z is already 2026-12-01 in Kiritimati and still 2026-11-30 in Honolulu.
    const zones: Record<string, string> = { U1: "Pacific/Kiritimati", U2: "Pacific/Honolulu" };
    const got = overdueRanges([dueDaysAgo(1, 0), dueDaysAgo(2, 0)], (u) => zones[u]!, NOW);
    expect(got.map((r) => [r.ref, r.daysLate])).toEqual([["A1", 1]]);
  });
});

describe("stalled ranges", () => {
  it("are those idle for the workspace's days or more since their last progress, longest idle first, then by number", () => {
    const got = stalledRanges(
      [idleFor(4, 3), idleFor(2, 5), idleFor(9, 2.99), idleFor(3, 3), idleFor(5, 8), candidate(6)],
      3,
      NOW,
    );
    expect(got.map((r) => [r.ref, r.idleDays])).toEqual([
      ["A5", 8],
      ["A2", 5],
      ["A3", 3],
      ["A4", 3],
    ]);
  });

  it("count from the start of a range never progressed since", () => {
    const started = candidate(1, { startedAt: new Date(NOW.getTime() - 4 * DAY) });
    expect(stalledRanges([started], 3, NOW).map((r) => [r.ref, r.idleDays, r.idleSince])).toEqual([
      ["A1", 4, started.startedAt],
    ]);
  });
});
