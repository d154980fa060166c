/**
 * The weekly digest's decisions on plain rows: whether anything happened to a
 * dataset in the week, and who gets a line in whose DM.
 */
import { describe, expect, it } from "vitest";
import { datasetDigest, digestWeekOf, hadActivity } from "../../../src/core/jobs/digest.ts";
import { weekPeriod } from "../../../src/core/qa/weeks.ts";
import { datasetRecord, range, review } from "../fixtures/qa-rows.ts";

const at = (iso: string) => new Date(iso);
/** Run on Monday 2026-11-30: the digest of week 48 (23–29 November), in UTC. */
const NOW = at("2026-11-30T09:00:00Z");
const WEEK = digestWeekOf(NOW, "UTC");
const PERIOD = weekPeriod(WEEK, "UTC");
const BEFORE = at("2026-11-20T10:00:00Z"); // week 47
const DURING = at("2026-11-25T10:00:00Z"); // week 48

const dataset = datasetRecord({ itemCount: 1000, channelId: "C1" });

describe("a week's activity", () => {
  it("is the week of the run before, from Monday to Monday", () => {
    expect(WEEK.key).toBe("2026-W48");
    expect(PERIOD).toEqual({ from: at("2026-11-23T00:00:00Z"), to: at("2026-11-30T00:00:00Z") });
  });

  it("is a range taken or completed in the week, or a review opened or decided in it", () => {
    const taken = range({ first: 1, last: 10, status: "IN_PROGRESS", createdAt: DURING });
    const completed = range({ first: 11, last: 20, createdAt: BEFORE, completedAt: DURING });
    const opened = review({ status: "PENDING", createdAt: DURING, decidedAt: null });
    const decided = review({ createdAt: BEFORE, decidedAt: DURING });
    expect(hadActivity([taken], [], PERIOD)).toBe(true);
    expect(hadActivity([completed], [], PERIOD)).toBe(true);
    expect(hadActivity([], [opened], PERIOD)).toBe(true);
    expect(hadActivity([], [decided], PERIOD)).toBe(true);
  });

  it("is not a range or review of the week before, done then or still open", () => {
    const open = range({ first: 1, last: 10, status: "IN_PROGRESS", createdAt: BEFORE });
    const doneBefore = range({ first: 11, last: 20, createdAt: BEFORE, completedAt: BEFORE });
    const pending = review({ status: "PENDING", createdAt: BEFORE, decidedAt: null });
    const decidedBefore = review({ createdAt: BEFORE, decidedAt: BEFORE });
    const later = range({ first: 21, last: 30, status: "IN_PROGRESS", createdAt: NOW });
    expect(hadActivity([open, doneBefore, later], [pending, decidedBefore], PERIOD)).toBe(false);
  });
});

describe("a dataset's digest", () => {
  const digest = (o: Partial<Parameters<typeof datasetDigest>[0]>) =>
    datasetDigest({
      dataset,
      assignments: [],
      reviews: [],
      labels: [],
      week: WEEK,
      now: NOW,
      timeZone: "UTC",
      overdue: 0,
      stalled: 0,
      stalledAfterDays: 3,
      instructions: null,
      ...o,
    });

  it("is made for activity without labels, and for labels without other activity; not for neither", () => {
    const taken = range({ first: 1, last: 10, status: "IN_PROGRESS", createdAt: DURING });
    expect(digest({ assignments: [taken] })?.digest.activeAnnotators).toBe(0);
    const labels = [
      { item: 1, rater: "U_A", label: "cat" },
      { item: 1, rater: "U_B", label: "cat" },
    ];
    const labelled = digest({ labels });
    expect(labelled).not.toBeNull();
    expect(labelled!.digest.agreement).not.toBeNull();
    expect(digest({ assignments: [range({ first: 1, last: 10, createdAt: BEFORE, completedAt: BEFORE })] })).toBeNull();
  });

  it("gives a line to each annotator who completed items or had work reviewed, with their week before when they had one", () => {
    const rows = [
      range({ id: 1, assigneeId: "U_A", first: 1, last: 10, createdAt: BEFORE, completedAt: DURING }),
      range({ id: 2, assigneeId: "U_A", first: 11, last: 30, createdAt: BEFORE, completedAt: BEFORE }),
      range({ id: 3, assigneeId: "U_B", first: 31, last: 40, createdAt: BEFORE, completedAt: BEFORE }),
      range({ id: 4, assigneeId: "U_C", first: 41, last: 50, status: "IN_PROGRESS", createdAt: DURING }),
    ];
    const reviews = [
      review({ assignmentId: 3, annotatorId: "U_B", createdAt: BEFORE, decidedAt: DURING, errors: { box: 2 } }),
    ];
    const made = digest({ assignments: rows, reviews });
    expect([...(made?.lines.keys() ?? [])]).toEqual(["U_A", "U_B"]);
    expect(made?.digest.activeAnnotators).toBe(2);
    const a = made!.lines.get("U_A")!;
    expect([a.week.throughput.items, a.before?.throughput.items, a.topError]).toEqual([10, 20, null]);
    const b = made!.lines.get("U_B")!;
    expect([b.week.throughput.items, b.week.reviews, b.before?.throughput.items]).toEqual([0, 1, 10]);
    expect(b.topError).toEqual({ category: "box", count: 2 });
    // Cal took a range and did nothing with it: no line.
    expect(made!.lines.has("U_C")).toBe(false);
  });
});
