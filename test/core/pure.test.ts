import { describe, expect, it } from "vitest";
import { addDays, dateIn, daysBetween, parseIsoDate } from "../../src/core/dates.ts";
import { DomainError } from "../../src/core/errors.ts";
import {
  checkRangeInside,
  doneWithin,
  formatRange,
  intersection,
  itemRuns,
  splitAround,
} from "../../src/core/ranges.ts";
import { assignmentRef, parseAssignmentRef, parseHandoffRef } from "../../src/core/refs.ts";
import {
  goldOfSample,
  ISO_2859_LEVEL_II,
  isoSampleSize,
  pickReviewer,
  planReview,
  sampleDistinct,
  sampleSize,
  seededRandom,
} from "../../src/core/review/policy.ts";
import { effectiveRole, requireRole, roleName } from "../../src/core/roles.ts";
import { assertTransition, canApply, statusAfterProgress } from "../../src/core/transitions.ts";
import { computeWorkload } from "../../src/core/workload.ts";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
};

describe("ranges", () => {
  it("formats one-item and multi-item ranges", () => {
    expect(formatRange({ first: 5, last: 5 })).toBe("5");
    expect(formatRange({ first: 120, last: 180 })).toBe("120–180");
  });
  it("refuses ranges outside 1..N with a readable reason", () => {
    expect(codeOf(() => checkRangeInside({ first: 0, last: 3 }, 10, "cats"))).toMatch(
      /^invalid: items are numbered from 1/,
    );
    expect(codeOf(() => checkRangeInside({ first: 5, last: 3 }, 10, "cats"))).toMatch(/write it as 3-5/);
    expect(codeOf(() => checkRangeInside({ first: 5, last: 11 }, 10, "cats"))).toBe(
      "invalid: cats has 10 items (1–10); 5–11 goes past the end",
    );
    expect(codeOf(() => checkRangeInside({ first: 1, last: 10 }, 10, "cats"))).toBe("no error");
  });
  it("splits around a sub-range and distributes done items from the front", () => {
    expect(splitAround({ first: 1, last: 100 }, { first: 41, last: 60 })).toEqual({
      before: { first: 1, last: 40 },
      moved: { first: 41, last: 60 },
      after: { first: 61, last: 100 },
    });
    expect(splitAround({ first: 1, last: 100 }, { first: 1, last: 30 }).before).toBeNull();
    expect(() => splitAround({ first: 1, last: 10 }, { first: 5, last: 11 })).toThrow(/not inside/);
    const r = { first: 101, last: 200 };
    expect(doneWithin(r, 50, { first: 101, last: 140 })).toBe(40);
    expect(doneWithin(r, 50, { first: 141, last: 160 })).toBe(10);
    expect(doneWithin(r, 50, { first: 161, last: 200 })).toBe(0);
    expect(intersection({ first: 1, last: 10 }, { first: 8, last: 20 })).toEqual({ first: 8, last: 10 });
    expect(intersection({ first: 1, last: 10 }, { first: 11, last: 20 })).toBeNull();
  });
});

describe("item runs", () => {
  it("groups sorted items into runs of consecutive ones", () => {
    expect(itemRuns([])).toEqual([]);
    expect(itemRuns([5])).toEqual([{ first: 5, last: 5 }]);
    expect(itemRuns([109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 138]).map(formatRange)).toEqual([
      "109–118",
      "138",
    ]);
    expect(itemRuns([1, 3, 4, 6, 7, 8, 10]).map(formatRange)).toEqual(["1", "3–4", "6–8", "10"]);
  });
});

describe("transitions", () => {
  it("allows only the life cycle's moves", () => {
    expect(canApply("start", "PENDING")).toBe(true);
    expect(canApply("start", "IN_REVIEW")).toBe(false);
    expect(canApply("pause", "PENDING")).toBe(false);
    expect(canApply("accept", "IN_REVIEW")).toBe(true);
    expect(canApply("release", "COMPLETED")).toBe(false);
    expect(canApply("handoff", "IN_REVIEW")).toBe(false);
    expect(statusAfterProgress("PENDING")).toBe("IN_PROGRESS");
    expect(statusAfterProgress("CHANGES_REQUESTED")).toBe("IN_PROGRESS");
    expect(statusAfterProgress("IN_PROGRESS")).toBe("IN_PROGRESS");
  });
  it("explains a refused move", () => {
    expect(codeOf(() => assertTransition("release", "COMPLETED", "A3"))).toBe(
      "illegal_transition: can't release A3: it is completed",
    );
    expect(codeOf(() => assertTransition("submit", "IN_REVIEW", "A9"))).toBe(
      "illegal_transition: can't submit A9: it is in review",
    );
  });
});

describe("references", () => {
  it("parses A<number> case-insensitively and refuses the rest", () => {
    expect(parseAssignmentRef("A17")).toBe(17);
    expect(parseAssignmentRef("a17")).toBe(17);
    expect(assignmentRef(17)).toBe("A17");
    expect(codeOf(() => parseAssignmentRef("17"))).toMatch(/references look like A17/);
    expect(codeOf(() => parseAssignmentRef("H3"))).toMatch(/not an assignment reference/);
    expect(parseHandoffRef("h3")).toBe(3);
  });
});

describe("roles", () => {
  it("takes the strongest source", () => {
    expect(effectiveRole({ workspaceRole: "ANNOTATOR", bootstrapAdmin: true, workspaceAdmin: false })).toBe("ADMIN");
    expect(effectiveRole({ workspaceRole: "ANNOTATOR", bootstrapAdmin: false, workspaceAdmin: true })).toBe("ADMIN");
    expect(
      effectiveRole({ workspaceRole: "REVIEWER", datasetRole: "LEAD", bootstrapAdmin: false, workspaceAdmin: false }),
    ).toBe("LEAD");
    expect(
      effectiveRole({ workspaceRole: "LEAD", datasetRole: "ANNOTATOR", bootstrapAdmin: false, workspaceAdmin: false }),
    ).toBe("LEAD");
  });
  it("names each role as people read it", () => {
    expect((["ANNOTATOR", "REVIEWER", "LEAD", "ADMIN"] as const).map(roleName)).toEqual([
      "annotator",
      "reviewer",
      "lead",
      "admin",
    ]);
  });
  it("names who may do what", () => {
    expect(codeOf(() => requireRole("ANNOTATOR", "LEAD", "assign ranges"))).toBe(
      "forbidden: only leads and admins can assign ranges; you are an annotator",
    );
    expect(codeOf(() => requireRole("LEAD", "LEAD", "assign ranges"))).toBe("no error");
    expect(codeOf(() => requireRole("LEAD", "ADMIN", "run a job now"))).toBe(
      "forbidden: only admins can run a job now; you are a lead",
    );
    expect(codeOf(() => requireRole("ANNOTATOR", "REVIEWER", "review"))).toBe(
      "forbidden: only reviewers, leads and admins can review; you are an annotator",
    );
    expect(codeOf(() => requireRole("REVIEWER", "ADMIN", "grant roles"))).toBe(
      "forbidden: only admins can grant roles; you are a reviewer",
    );
    expect(codeOf(() => requireRole("ADMIN", "ADMIN", "grant roles"))).toBe("no error");
  });
});

describe("dates", () => {
  it("parses real dates only", () => {
    expect(parseIsoDate("2026-12-01").toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(codeOf(() => parseIsoDate("2026-02-30"))).toBe("invalid: 2026-02-30 is not a real date");
    expect(codeOf(() => parseIsoDate("12/01/2026"))).toMatch(/write it as YYYY-MM-DD/);
  });
  it("computes the local date in a time zone", () => {
    const t = new Date("2026-11-22T23:30:00Z");
    expect(dateIn("UTC", t)).toBe("2026-11-22");
    expect(dateIn("Asia/Tokyo", t)).toBe("2026-11-23");
    expect(dateIn("America/Los_Angeles", t)).toBe("2026-11-22");
    expect(daysBetween("2026-11-22", "2026-12-01")).toBe(9);
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
  });
});

describe("workload", () => {
  it("sums remaining items of open ranges and converts them to working days", () => {
    const load = computeWorkload(
      [
        { assigneeId: "U1", status: "IN_PROGRESS", first: 1, last: 100, itemsDone: 40 },
        { assigneeId: "U1", status: "PENDING", first: 101, last: 200, itemsDone: 0 },
        { assigneeId: "U2", status: "IN_REVIEW", first: 201, last: 300, itemsDone: 100 },
        { assigneeId: "U2", status: "COMPLETED", first: 301, last: 400, itemsDone: 100 },
      ],
      new Map([
        ["U1", 500],
        ["U3", 1000],
      ]),
      1000,
    );
    expect(load).toEqual([
      { userId: "U1", remainingItems: 160, openRanges: 2, inReviewRanges: 0, capacityPerWeek: 500, daysOfWork: 1.6 },
      { userId: "U2", remainingItems: 0, openRanges: 0, inReviewRanges: 1, capacityPerWeek: 1000, daysOfWork: 0 },
      { userId: "U3", remainingItems: 0, openRanges: 0, inReviewRanges: 0, capacityPerWeek: 1000, daysOfWork: 0 },
    ]);
  });
  it("counts ranges sent back for changes as open, finished ones not at all, and sorts by load, then by id", () => {
    const load = computeWorkload(
      [
        { assigneeId: "U9", status: "COMPLETED", first: 1, last: 100, itemsDone: 100 },
        { assigneeId: "U9", status: "RELEASED", first: 101, last: 200, itemsDone: 3 },
        { assigneeId: "U4", status: "IN_REVIEW", first: 201, last: 300, itemsDone: 100 },
        { assigneeId: "U4", status: "IN_REVIEW", first: 301, last: 400, itemsDone: 100 },
        { assigneeId: "U5", status: "CHANGES_REQUESTED", first: 401, last: 500, itemsDone: 80 },
        { assigneeId: "U6", status: "PENDING", first: 501, last: 1500, itemsDone: 0 },
      ],
      new Map([
        ["U8", 1000],
        ["U3", 1000],
      ]),
      1000,
    );
    expect(load.map((l) => [l.userId, l.remainingItems, l.openRanges, l.inReviewRanges, l.daysOfWork])).toEqual([
      ["U6", 1000, 1, 0, 5],
      ["U5", 20, 1, 0, 0.1],
      ["U3", 0, 0, 0, 0],
      ["U4", 0, 0, 2, 0],
      ["U8", 0, 0, 0, 0],
    ]);
    // U9 holds nothing open or in review and is not among the people asked about: not listed.
  });
});

describe("review policy", () => {
  const policy = { sampleRate: 0.1, firstK: 1, everyRange: true, goldItems: [5, 150, 999] };
  it("reviews an annotator's first K ranges in full, counting the items instead of listing them", () => {
    const p = planReview(policy, { first: 1, last: 20 }, 0, "1:1");
    expect(p).toMatchObject({ review: true, full: true, size: 20, sample: [] });
    const huge = planReview(policy, { first: 1, last: 10_000_000 }, 0, "1:1");
    expect(huge).toMatchObject({ review: true, full: true, size: 10_000_000, sample: [] });
  });
  it("samples min(ISO 2859-1 level II, ceil(rate × size)) items plus gold items, reproducibly", () => {
    const a = planReview(policy, { first: 101, last: 200 }, 3, "7:1");
    const b = planReview(policy, { first: 101, last: 200 }, 3, "7:1");
    const c = planReview(policy, { first: 101, last: 200 }, 3, "8:1");
    expect(a.sample).toEqual(b.sample);
    expect(a.sample).not.toEqual(c.sample);
    expect(a.sample).toContain(150);
    expect(a.sample.length).toBeGreaterThanOrEqual(10);
    expect(a.sample.length).toBeLessThanOrEqual(11);
    expect(a.sample.every((i) => i >= 101 && i <= 200)).toBe(true);
    expect([...a.sample].sort((x, y) => x - y)).toEqual(a.sample);
  });
  it("sizes a sample of a huge range by ISO 2859-1, not by the share, and always adds the gold items", () => {
    const range = { first: 1, last: 10_000_000 };
    const gold = [7, 8, 9, 5_000_000, 10_000_000, 10_000_001];
    const p = planReview({ ...policy, goldItems: gold }, range, 3, "9:1");
    const q = planReview({ ...policy, goldItems: gold }, range, 3, "9:1");
    expect(p.sample).toEqual(q.sample);
    expect(p.full).toBe(false);
    for (const g of [7, 8, 9, 5_000_000, 10_000_000]) expect(p.sample).toContain(g);
    expect(p.sample).not.toContain(10_000_001);
    // 1,250 drawn at random (code letter Q), plus the 5 gold items unless the draw hit one
    expect(p.sample.length).toBeGreaterThanOrEqual(1250);
    expect(p.sample.length).toBeLessThanOrEqual(1255);
    expect(p.size).toBe(p.sample.length);
    expect([...p.sample].sort((x, y) => x - y)).toEqual(p.sample);
    expect(new Set(p.sample).size).toBe(p.sample.length);
    // gold items only, with a share of 0
    const g = planReview({ ...policy, sampleRate: 0, goldItems: gold }, range, 3, "9:1");
    expect(g.sample).toEqual([7, 8, 9, 5_000_000, 10_000_000]);
    // a sample that happens to be every item is a full review
    const all = planReview({ ...policy, sampleRate: 1, goldItems: [] }, { first: 4, last: 5 }, 3, "s");
    expect(all).toMatchObject({ full: true, size: 2, sample: [] });
  });
  it("ISO 2859-1 general inspection level II: code letters and sample sizes at each edge of the table", () => {
    const edges: [number, string, number][] = [
      [2, "A", 2],
      [8, "A", 2],
      [9, "B", 3],
      [15, "B", 3],
      [16, "C", 5],
      [25, "C", 5],
      [26, "D", 8],
      [50, "D", 8],
      [51, "E", 13],
      [90, "E", 13],
      [91, "F", 20],
      [150, "F", 20],
      [151, "G", 32],
      [280, "G", 32],
      [281, "H", 50],
      [500, "H", 50],
      [501, "J", 80],
      [1200, "J", 80],
      [1201, "K", 125],
      [3200, "K", 125],
      [3201, "L", 200],
      [10_000, "L", 200],
      [10_001, "M", 315],
      [35_000, "M", 315],
      [35_001, "N", 500],
      [150_000, "N", 500],
      [150_001, "P", 800],
      [500_000, "P", 800],
      [500_001, "Q", 1250],
      [10_000_000, "Q", 1250],
      [100_000_000, "Q", 1250],
    ];
    for (const [lot, letter, size] of edges) expect(isoSampleSize(lot), `lot of ${lot}`).toEqual({ letter, size });
    expect(ISO_2859_LEVEL_II).toHaveLength(15);
    expect(isoSampleSize(1).size).toBe(1);
  });
  it("bounds the ISO size by the share, rounded up, at least 1 and at most the range", () => {
    // the share is the tighter bound on small ranges, ISO on large ones
    expect(sampleSize(100, 0.1)).toBe(10); // ISO F/20, 10 % → 10
    expect(sampleSize(1000, 0.1)).toBe(80); // ISO J/80, 10 % → 100
    expect(sampleSize(1_000_000, 0.1)).toBe(1250); // ISO Q/1250, 10 % → 100,000
    expect(sampleSize(10_000_000, 0.0001)).toBe(1000); // 0.01 % of 10M, below Q's 1,250
    // non-integer products round up, exact ones stay (no floating-point 3.0000000000000004 → 4)
    expect(sampleSize(30, 0.1)).toBe(3);
    expect(sampleSize(31, 0.1)).toBe(4); // 3.1 → 4
    expect(sampleSize(70, 0.1)).toBe(7);
    expect(sampleSize(100, 0.025)).toBe(3); // 2.5 → 3
    expect(sampleSize(200, 0.025)).toBe(5); // 5 exactly
    expect(sampleSize(120, 0.125)).toBe(15); // 15 exactly
    expect(sampleSize(121, 0.125)).toBe(16); // 15.125 → 16 (ISO F/20 is not the bound)
    expect(sampleSize(7, 0.125)).toBe(1); // 0.875 → 1
    expect(sampleSize(1000, 0.001)).toBe(1); // 1 exactly
    expect(sampleSize(1001, 0.001)).toBe(2); // 1.001 → 2
    // at least one, at most the range, none without a share
    expect(sampleSize(3, 0.0001)).toBe(1);
    expect(sampleSize(1, 1)).toBe(1);
    expect(sampleSize(5, 1)).toBe(2); // ISO A/2 even at 100 %
    expect(sampleSize(10, 0)).toBe(0);
  });
  it("finds the gold items of a sample, full or listed", () => {
    const range = { first: 10, last: 20 };
    expect(goldOfSample({ sampleFull: true, sampleItems: [] }, range, [3, 10, 15, 20, 21])).toEqual([10, 15, 20]);
    expect(goldOfSample({ sampleFull: false, sampleItems: [11, 15, 19] }, range, [3, 15, 19, 20])).toEqual([15, 19]);
  });
  it("skips review when the policy reviews nothing", () => {
    expect(planReview({ ...policy, everyRange: false }, { first: 1, last: 10 }, 1, "s").review).toBe(false);
    expect(planReview({ ...policy, sampleRate: 0, goldItems: [] }, { first: 1, last: 10 }, 1, "s").review).toBe(false);
  });
  it("draws k distinct values", () => {
    const s = sampleDistinct(1_000_000, 50, seededRandom("x"));
    expect(new Set(s).size).toBe(50);
    expect(s.every((v) => v >= 0 && v < 1_000_000)).toBe(true);
    expect(sampleDistinct(5, 5, seededRandom("y")).sort()).toEqual([0, 1, 2, 3, 4]);
  });
  it("picks the previous reviewer, else the least loaded, never the annotator", () => {
    const c = [
      { userId: "UA", pendingItems: 0 },
      { userId: "UB", pendingItems: 5 },
      { userId: "UC", pendingItems: 1 },
    ];
    expect(pickReviewer(c, "UA", null)).toBe("UC");
    expect(pickReviewer(c, "UC", "UB")).toBe("UB");
    expect(pickReviewer(c, "UB", "UB")).toBe("UA");
    expect(pickReviewer([{ userId: "UA", pendingItems: 0 }], "UA", null)).toBeNull();
  });
});
