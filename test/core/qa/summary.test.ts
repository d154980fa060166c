/** The QA summary of a dataset for a period, per annotator and per reviewer, computed by hand from a small ledger. */
import { describe, expect, it } from "vitest";
import { wilson } from "../../../src/core/qa/stats.ts";
import { type QaInput, qaSummary, throughputOf } from "../../../src/core/qa/summary.ts";
import { isoWeekOfDate } from "../../../src/core/qa/weeks.ts";
import type { AssignmentInDataset, DatasetRecord, ReviewInDataset } from "../../../src/db/records.ts";
import { datasetRecord, range, review } from "../fixtures/qa-rows.ts";

const at = (iso: string) => new Date(iso);
/** Week 50 of 2026, Monday 2026-12-07 to Monday 2026-12-14, in UTC. */
const W50 = { from: at("2026-12-07T00:00:00Z"), to: at("2026-12-14T00:00:00Z") };
const W49 = { from: at("2026-11-30T00:00:00Z"), to: at("2026-12-07T00:00:00Z") };
const week = (date: string) => isoWeekOfDate(date);

// Every range was taken in week 45 (2026-11-02), so weeks 46–49 are history.
const assignments = [
  range({ id: 1, assigneeId: "U_X", first: 1, last: 20, completedAt: at("2026-11-25T10:00:00Z") }), // W48
  range({ id: 2, assigneeId: "U_X", first: 21, last: 30, completedAt: at("2026-12-02T10:00:00Z") }), // W49
  range({ id: 3, assigneeId: "U_Y", first: 31, last: 60, completedAt: at("2026-12-08T10:00:00Z") }), // W50
  range({ id: 4, assigneeId: "U_X", first: 61, last: 70, completedAt: at("2026-12-10T10:00:00Z") }), // W50
  range({ id: 5, assigneeId: "U_Y", first: 71, last: 100, status: "IN_REVIEW" }),
  range({ id: 7, assigneeId: "U_Z", first: 101, last: 110, status: "RELEASED" }),
  range({ id: 6, datasetId: 2, assigneeId: "U_X", first: 1, last: 50, completedAt: at("2026-12-09T10:00:00Z") }),
];
const reviews = [
  review({
    assignmentId: 3,
    round: 1,
    status: "CHANGES_REQUESTED",
    reviewerId: "U_R1",
    annotatorId: "U_Y",
    itemsChecked: 10,
    errors: { label: 2 },
    goldChecked: 4,
    goldCorrect: 3,
    createdAt: at("2026-12-08T10:00:00Z"),
    decidedAt: at("2026-12-08T14:00:00Z"), // 4 h
  }),
  review({
    assignmentId: 3,
    round: 2,
    reviewerId: "U_R1",
    annotatorId: "U_Y",
    itemsChecked: 10,
    createdAt: at("2026-12-09T10:00:00Z"),
    decidedAt: at("2026-12-09T11:00:00Z"), // 1 h
  }),
  review({
    assignmentId: 4,
    reviewerId: "U_R2",
    annotatorId: "U_X",
    itemsChecked: 20,
    errors: { box: 1 },
    goldChecked: 6,
    goldCorrect: 6,
    createdAt: at("2026-12-10T00:00:00Z"),
    decidedAt: at("2026-12-10T10:00:00Z"), // 10 h
  }),
  // decided in week 49: outside the period
  review({
    assignmentId: 2,
    reviewerId: "U_R2",
    annotatorId: "U_X",
    errors: { label: 5 },
    createdAt: at("2026-12-02T10:00:00Z"),
    decidedAt: at("2026-12-02T12:00:00Z"),
  }),
  review({
    assignmentId: 5,
    status: "PENDING",
    decidedAt: null,
    reviewerId: "U_R3",
    annotatorId: "U_Y",
    sampleSize: 15,
  }),
  review({ assignmentId: 99, status: "PENDING", decidedAt: null, reviewerId: null, annotatorId: "U_Y", sampleSize: 5 }),
  // another dataset's
  review({ datasetId: 2, assignmentId: 6, reviewerId: "U_R2", annotatorId: "U_X", errors: { label: 9 } }),
];
const input: QaInput = {
  dataset: { id: 1, itemCount: 200 },
  assignments,
  reviews,
  period: W50,
  now: at("2026-12-16T12:00:00Z"), // Wednesday of week 51
  timeZone: "UTC",
};

describe("the dataset's summary", () => {
  it("counts the period's throughput and compares it with the four weeks before", () => {
    const { dataset } = qaSummary(input);
    expect(dataset.throughput).toEqual({
      items: 40,
      weeks: [{ week: week("2026-12-07"), items: 40 }],
      // weeks 46–49: 0, 0, 20, 10 → mean 7.5
      trend: { kind: "trend", current: 40, baseline: 7.5, difference: 32.5, ratio: 40 / 7.5 },
    });
  });
  it("forecasts the finish from the four full weeks before now's week and what is left", () => {
    const { dataset } = qaSummary(input);
    // held: 20 + 10 + 30 + 10 + 30 (the released range is free again) → 100 free; 30 in review
    expect(dataset.remaining).toEqual({ free: 100, inFlight: 30, total: 130 });
    // weeks 47–50: 0, 20, 10, 40 → 17.5 a week; 130 × 7 ÷ 17.5 = 52 days after 2026-12-16
    expect(dataset.forecast).toEqual({
      kind: "forecast",
      perWeek: 17.5,
      remaining: 130,
      weeks: 130 / 17.5,
      finish: "2027-02-06",
    });
  });
  it("measures quality on the reviews decided in the period only", () => {
    const { dataset } = qaSummary(input);
    expect(dataset.reviews).toBe(3);
    expect(dataset.accuracy).toEqual({ kind: "measured", ...wilson(37, 40), errors: 3, clamped: 0 });
    expect(dataset.gold).toEqual({ kind: "measured", ...wilson(9, 10) });
    // ranges 3 (sent back once, then accepted) and 4 (accepted); range 2's first verdict is in week 49
    expect(dataset.firstPass).toEqual({ ranges: 2, acceptedFirst: 1, rate: 0.5, reworkMean: 0.5, reworkMax: 1 });
    expect(dataset.pareto).toEqual([
      { category: "label", count: 2, share: 2 / 3, cumulative: 2 / 3 },
      { category: "box", count: 1, share: 1 / 3, cumulative: 1 },
    ]);
    expect(dataset.turnaround).toEqual({ reviews: 3, medianHours: 4, p90Hours: 10 });
    expect(dataset.unassignedReviews).toBe(1);
  });
});

describe("the annotators' and reviewers' summaries", () => {
  it("lists each annotator with a completion or a verdict in the period, by id", () => {
    const { annotators } = qaSummary(input);
    expect(annotators.map((a) => a.annotatorId)).toEqual(["U_X", "U_Y"]);
  });
  it("gives each annotator their throughput, trend and quality", () => {
    const { annotators } = qaSummary(input);
    const [x, y] = annotators;
    expect(x).toEqual({
      annotatorId: "U_X",
      throughput: {
        items: 10,
        weeks: [{ week: week("2026-12-07"), items: 10 }],
        trend: { kind: "trend", current: 10, baseline: 7.5, difference: 2.5, ratio: 10 / 7.5 },
      },
      reviews: 1,
      accuracy: { kind: "measured", ...wilson(19, 20), errors: 1, clamped: 0 },
      gold: { kind: "measured", ...wilson(6, 6) },
      firstPass: { ranges: 1, acceptedFirst: 1, rate: 1, reworkMean: 0, reworkMax: 0 },
      pareto: [{ category: "box", count: 1, share: 1, cumulative: 1 }],
    });
    expect(y).toMatchObject({
      annotatorId: "U_Y",
      throughput: { items: 30, trend: { kind: "trend", current: 30, baseline: 0, difference: 30, ratio: null } },
      reviews: 2,
      accuracy: { kind: "measured", value: 0.9, errors: 2 },
      gold: { kind: "measured", value: 0.75 },
      firstPass: { ranges: 1, acceptedFirst: 0, rate: 0, reworkMean: 1, reworkMax: 1 },
      pareto: [{ category: "label", count: 2 }],
    });
  });
  it("gives each reviewer their verdicts, turnaround and what waits for them", () => {
    const { reviewers } = qaSummary(input);
    expect(reviewers).toEqual([
      {
        reviewerId: "U_R1",
        decided: 2,
        turnaround: { reviews: 2, medianHours: 2.5, p90Hours: 4 },
        pending: 0,
        itemsToCheck: 0,
      },
      {
        reviewerId: "U_R2",
        decided: 1,
        turnaround: { reviews: 1, medianHours: 10, p90Hours: 10 },
        pending: 0,
        itemsToCheck: 0,
      },
      {
        reviewerId: "U_R3",
        decided: 0,
        turnaround: { reviews: 0, medianHours: null, p90Hours: null },
        pending: 1,
        itemsToCheck: 15,
      },
    ]);
  });
});

describe("summaries of little or nothing", () => {
  it("of a dataset with no rows: nothing done, no history, no forecast, no data", () => {
    const s = qaSummary({ ...input, assignments: [], reviews: [] });
    expect(s.dataset).toMatchObject({
      throughput: {
        items: 0,
        weeks: [{ week: week("2026-12-07"), items: 0 }],
        trend: { kind: "no-history", current: 0 },
      },
      remaining: { free: 200, inFlight: 0, total: 200 },
      forecast: { kind: "no-forecast", reason: "no recent throughput" },
      reviews: 0,
      accuracy: { kind: "no-data" },
      gold: { kind: "no-data" },
      firstPass: { ranges: 0, rate: null },
      pareto: [],
      turnaround: { reviews: 0, medianHours: null, p90Hours: null },
      unassignedReviews: 0,
    });
    expect(s.annotators).toEqual([]);
    expect(s.reviewers).toEqual([]);
  });
  it("of a one-item dataset finished in the period: finished, and one item of throughput", () => {
    const one = range({
      first: 1,
      last: 1,
      createdAt: at("2026-12-07T09:00:00Z"),
      completedAt: at("2026-12-07T10:00:00Z"),
    });
    const s = qaSummary({ ...input, dataset: { id: 1, itemCount: 1 }, assignments: [one], reviews: [] });
    expect(s.dataset.throughput).toMatchObject({ items: 1, trend: { kind: "no-history", current: 1 } });
    expect(s.dataset.forecast).toEqual({ kind: "finished" });
    expect(s.annotators.map((a) => a.annotatorId)).toEqual(["U_ANN"]);
  });
});

describe("throughput over a period", () => {
  it("lists each week of a longer period, and counts history only from the first range", () => {
    // taken on 2026-12-01 (week 49): weeks 46–48 are not history
    const rows = [
      range({ first: 1, last: 5, createdAt: at("2026-12-01T09:00:00Z"), completedAt: at("2026-12-03T10:00:00Z") }),
      range({ first: 6, last: 13, createdAt: at("2026-12-01T09:00:00Z"), completedAt: at("2026-12-15T10:00:00Z") }),
    ];
    const t = throughputOf(rows, { from: at("2026-12-07T00:00:00Z"), to: at("2026-12-21T00:00:00Z") }, "UTC");
    expect(t).toEqual({
      items: 8,
      weeks: [
        { week: week("2026-12-07"), items: 0 },
        { week: week("2026-12-14"), items: 8 },
      ],
      // week 51 against weeks 49 (5) and 50 (0)
      trend: { kind: "trend", current: 8, baseline: 2.5, difference: 5.5, ratio: 3.2 },
    });
  });
  it("reads weeks in the team's zone: a Sunday-night completion in UTC is Monday's in Tokyo", () => {
    const rows = [range({ first: 1, last: 4, completedAt: at("2026-12-13T20:00:00Z") })];
    expect(throughputOf(rows, W50, "UTC").weeks).toEqual([{ week: week("2026-12-07"), items: 4 }]);
    const tokyoW50 = { from: at("2026-12-06T15:00:00Z"), to: at("2026-12-13T15:00:00Z") };
    expect(throughputOf(rows, tokyoW50, "Asia/Tokyo")).toMatchObject({
      items: 0,
      weeks: [{ week: week("2026-12-07"), items: 0 }],
    });
  });
});

describe("rows straight from the repositories", () => {
  it("takes AssignmentRecord, ReviewInDataset and DatasetRecord as they are", () => {
    const dataset: DatasetRecord = datasetRecord({ errorTaxonomy: ["missing label", "wrong class"] });
    const assignment: AssignmentInDataset = {
      id: 1,
      teamId: "T1",
      datasetId: 1,
      first: 1,
      last: 50,
      assigneeId: "U_X",
      status: "COMPLETED",
      itemsDone: 50,
      dueDate: null,
      note: null,
      assignedBy: "U_X",
      parentId: null,
      reviewRound: 1,
      createdAt: at("2026-12-07T09:00:00Z"),
      updatedAt: at("2026-12-08T10:00:00Z"),
      startedAt: at("2026-12-07T09:00:00Z"),
      lastProgressAt: at("2026-12-08T09:00:00Z"),
      submittedAt: at("2026-12-08T09:00:00Z"),
      completedAt: at("2026-12-08T10:00:00Z"),
      releasedAt: null,
      dataset,
    };
    const reviewRecord: ReviewInDataset = {
      id: 1,
      teamId: "T1",
      assignmentId: 1,
      round: 1,
      reviewerId: "U_R",
      annotatorId: "U_X",
      status: "ACCEPTED",
      sampleItems: [3, 9, 27, 33, 48],
      sampleSize: 5,
      sampleFull: false,
      sampleSeed: "seed",
      itemsChecked: 5,
      goldChecked: 0,
      goldCorrect: 0,
      comment: null,
      createdAt: at("2026-12-08T09:00:00Z"),
      decidedAt: at("2026-12-08T10:00:00Z"),
      submitNote: null,
      errors: { "wrong class": 1 },
      assignment,
    };
    const s = qaSummary({ ...input, dataset, assignments: [assignment], reviews: [reviewRecord] });
    expect(s.dataset).toMatchObject({
      throughput: { items: 50 },
      remaining: { free: 50, inFlight: 0, total: 50 },
      accuracy: { kind: "measured", value: 0.8, trials: 5 },
      pareto: [{ category: "wrong class", count: 1, share: 1, cumulative: 1 }],
      turnaround: { reviews: 1, medianHours: 1, p90Hours: 1 },
    });
  });
});

describe("edges the small ledger does not reach", () => {
  it("lists annotators and reviewers by code point, whatever order their rows come in", () => {
    const ids = ["U_e", "U_c", "U_a", "U_d", "U_b", "U_Z"];
    const rows = ids.map((assigneeId, i) =>
      range({ assigneeId, first: 10 * i + 1, last: 10 * i + 10, completedAt: at("2026-12-08T10:00:00Z") }),
    );
    const verdicts = ids.map((id, i) =>
      review({
        assignmentId: rows[i]!.id,
        reviewerId: `R${id}`,
        annotatorId: id,
        decidedAt: at("2026-12-09T10:00:00Z"),
      }),
    );
    const s = qaSummary({ ...input, assignments: rows, reviews: verdicts });
    const sorted = ["U_Z", "U_a", "U_b", "U_c", "U_d", "U_e"];
    expect(s.annotators.map((a) => a.annotatorId)).toEqual(sorted);
    expect(s.reviewers.map((r) => r.reviewerId)).toEqual(sorted.map((id) => `R${id}`));
  });

  it("takes history from the week of the earliest range, wherever it is among the rows", () => {
    const rows = [
      range({ first: 1, last: 10, createdAt: at("2026-11-30T01:00:00Z"), completedAt: at("2026-12-08T10:00:00Z") }),
      range({ first: 11, last: 14, createdAt: at("2026-11-10T01:00:00Z"), completedAt: at("2026-12-01T10:00:00Z") }),
      range({ first: 15, last: 20, createdAt: at("2026-12-01T01:00:00Z"), completedAt: at("2026-12-02T10:00:00Z") }),
    ];
    // history W46–W49: 0, 0, 0, 10 → mean 2.5 (only W49 if the latest or the last row set it)
    expect(throughputOf(rows, W50, "UTC").trend).toEqual({
      kind: "trend",
      current: 10,
      baseline: 2.5,
      difference: 7.5,
      ratio: 4,
    });
  });

  it("gives the trend of a period's last week, however many weeks the period spans", () => {
    const rows = [
      range({ first: 1, last: 5, completedAt: at("2026-11-24T10:00:00Z") }), // W48
      range({ first: 6, last: 12, completedAt: at("2026-12-01T10:00:00Z") }), // W49
      range({ first: 13, last: 20, completedAt: at("2026-12-08T10:00:00Z") }), // W50
    ];
    const t = throughputOf(rows, { from: at("2026-11-23T00:00:00Z"), to: W50.to }, "UTC");
    expect(t.items).toBe(20);
    // W50's 8 against W46–W49: 0, 0, 5, 7
    expect(t.trend).toMatchObject({ current: 8, baseline: 3 });
  });

  it("counts no week that ended when the first range was taken", () => {
    // taken at the very start of W49: W48 ended then and is no history; W49 is (6 items)
    const rows = [
      range({ first: 1, last: 6, createdAt: at("2026-11-30T00:00:00Z"), completedAt: at("2026-12-01T10:00:00Z") }),
      range({ first: 7, last: 9, createdAt: at("2026-11-30T00:00:00Z"), completedAt: at("2026-12-08T10:00:00Z") }),
    ];
    expect(throughputOf(rows, W50, "UTC").trend).toMatchObject({ current: 3, baseline: 6 });
  });

  it("judges first pass by a range's lowest decided round, in whichever order its reviews come", () => {
    const r = range({ first: 1, last: 10, completedAt: at("2026-12-02T10:00:00Z") });
    const round1 = review({
      assignmentId: r.id,
      round: 1,
      status: "CHANGES_REQUESTED",
      decidedAt: at("2026-12-02T12:00:00Z"), // week 49
    });
    const round2 = review({ assignmentId: r.id, round: 2, decidedAt: at("2026-12-09T12:00:00Z") }); // week 50
    const pending = review({ assignmentId: r.id, round: 3, status: "PENDING", decidedAt: null });
    for (const reviews of [
      [round1, round2, pending],
      [pending, round2, round1],
    ]) {
      // its first verdict was in week 49: no range of week 50 was judged a first time
      expect(qaSummary({ ...input, assignments: [r], reviews }).dataset.firstPass.ranges).toBe(0);
      expect(qaSummary({ ...input, period: W49, assignments: [r], reviews }).dataset.firstPass).toMatchObject({
        ranges: 1,
        acceptedFirst: 0,
      });
    }
  });

  it("leaves out another dataset's reviews decided in the period, and a verdict whose reviewer is gone", () => {
    const r = range({ first: 1, last: 10, completedAt: at("2026-12-08T10:00:00Z") });
    const elsewhere = review({
      datasetId: 2,
      assignmentId: 999,
      reviewerId: "U_OTHER",
      annotatorId: "U_OTHER",
      errors: { label: 9 },
      decidedAt: at("2026-12-09T10:00:00Z"),
    });
    const orphan = review({ assignmentId: r.id, reviewerId: null, decidedAt: at("2026-12-09T10:00:00Z") });
    const s = qaSummary({ ...input, assignments: [r], reviews: [elsewhere, orphan] });
    expect(s.dataset.reviews).toBe(1);
    expect(s.dataset.pareto).toEqual([]);
    expect(s.annotators.map((a) => a.annotatorId)).toEqual(["U_ANN"]);
    expect(s.reviewers).toEqual([]);
  });

  it("does not list someone whose range is done but back in review, with no verdict in the period", () => {
    const back = range({
      assigneeId: "U_BACK",
      first: 1,
      last: 10,
      status: "IN_REVIEW",
      completedAt: at("2026-12-08T10:00:00Z"),
    });
    expect(qaSummary({ ...input, assignments: [back], reviews: [] }).annotators).toEqual([]);
  });
});
