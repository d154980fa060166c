/**
 * The imbalance job's pure decisions: which part of a range may move, who is
 * over and under on a dataset, and which moves would even them out.
 */
import { describe, expect, it } from "vitest";
import {
  findImbalance,
  imbalanceAmong,
  type MoveCandidate,
  median,
  movablePart,
  type Person,
  suggestMoves,
} from "../../../src/core/jobs/imbalance.ts";

const range = (id: number, o: Partial<MoveCandidate> & Pick<MoveCandidate, "first" | "last">): MoveCandidate => ({
  id,
  assigneeId: "UOVER",
  status: "PENDING",
  itemsDone: 0,
  ...o,
});
const person = (userId: string, daysOfWork: number, capacityPerWeek = 100): Person => ({
  userId,
  daysOfWork,
  capacityPerWeek,
});

describe("the movable part of a range", () => {
  it("is all of a pending range, and the unstarted tail of one in progress or sent back", () => {
    expect(movablePart(range(1, { first: 1, last: 50 }))).toEqual({ first: 1, last: 50 });
    expect(movablePart(range(1, { first: 1, last: 50, status: "IN_PROGRESS", itemsDone: 20 }))).toEqual({
      first: 21,
      last: 50,
    });
    expect(movablePart(range(1, { first: 1, last: 50, status: "CHANGES_REQUESTED", itemsDone: 49 }))).toEqual({
      first: 50,
      last: 50,
    });
  });

  it("is nothing of a range with every item done, or one in review, completed or released", () => {
    expect(movablePart(range(1, { first: 1, last: 50, status: "IN_PROGRESS", itemsDone: 50 }))).toBeNull();
    for (const status of ["IN_REVIEW", "COMPLETED", "RELEASED"] as const)
      expect(movablePart(range(1, { first: 1, last: 50, status }))).toBeNull();
  });
});

describe("who is over and under", () => {
  it("is never found among one or two people: the most loaded is at most twice their median", () => {
    expect(imbalanceAmong([])).toBeNull();
    expect(imbalanceAmong([person("UOVER", 10)])).toBeNull();
    expect(imbalanceAmong([person("UOVER", 10), person("UIDLE", 0)])).toBeNull();
    expect(imbalanceAmong([person("UOVER", 10), person("UIDLE", 0), person("UNONE", 0)])).toEqual({
      over: person("UOVER", 10),
      under: [person("UIDLE", 0), person("UNONE", 0)],
      median: 0,
    });
  });

  it("names the most loaded, the lower id of two as loaded, and everyone else under a day", () => {
    const found = imbalanceAmong([
      person("UB", 9),
      person("UIDLE", 0.5),
      person("UA", 9),
      person("UDAY", 1),
      person("UZERO", 0),
      person("UMID", 0.2),
      person("UX", 0.1),
    ]);
    expect(found?.over.userId).toBe("UA");
    expect(found?.under.map((p) => p.userId)).toEqual(["UIDLE", "UMID", "UX", "UZERO"]);
    expect(found?.median).toBe(0.5);
  });

  it("needs more than twice the median, someone under a day, and the most loaded at a day or more", () => {
    // median 2: 4 days is not more than twice it
    expect(imbalanceAmong([person("UOVER", 4), person("UA", 2), person("UIDLE", 0)])).toBeNull();
    expect(imbalanceAmong([person("UOVER", 4.1), person("UA", 2), person("UIDLE", 0)])?.over.userId).toBe("UOVER");
    // nobody under a day
    expect(imbalanceAmong([person("UOVER", 9), person("UA", 1), person("UB", 1)])).toBeNull();
    // the most loaded has less than a day
    expect(imbalanceAmong([person("UOVER", 0.9), person("UA", 0), person("UB", 0)])).toBeNull();
    expect(imbalanceAmong([person("UOVER", 1), person("UA", 0), person("UB", 0)])?.over.userId).toBe("UOVER");
  });

  it("looks for moves among the most loaded person's ranges only", async () => {
    const asked: string[] = [];
    const d = { id: 1, slug: "cats", title: "Cats" };
    const found = await findImbalance(d, [person("UA", 10), person("UB", 4), person("UC", 0)], (u) => {
      asked.push(u);
      return [range(1, { first: 1, last: 500, assigneeId: "UA" })];
    });
    expect(asked).toEqual(["UA"]);
    expect(found).toMatchObject({ dataset: d, over: { userId: "UA" }, median: 4 });
    expect(found?.moves.map((m) => m.ref)).toEqual(["A1"]);
    expect(await findImbalance(d, [person("UA", 8), person("UB", 4), person("UC", 0)], () => [])).toBeNull();
  });

  it("takes the middle value, or the mean of the two middle ones, unsorted", () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe("the suggested moves", () => {
  it("move a pending range whole when it fits, with both loads after", () => {
    // 10 days against none, both at 100 a week: 100 items level them; the 80-item pending range fits.
    const moves = suggestMoves(person("UOVER", 10), [person("UIDLE", 0)], [range(7, { first: 1, last: 80 })]);
    expect(moves).toEqual([
      {
        ref: "A7",
        from: "UOVER",
        to: "UIDLE",
        range: { first: 1, last: 80 },
        whole: true,
        items: 80,
        fromDaysAfter: 6,
        toDaysAfter: 4,
      },
    ]);
    // Exactly the size that levels them: whole too.
    const exact = suggestMoves(person("UOVER", 10), [person("UIDLE", 0)], [range(8, { first: 1, last: 100 })]);
    expect(exact).toMatchObject([{ ref: "A8", whole: true, items: 100, fromDaysAfter: 5, toDaysAfter: 5 }]);
  });

  it("take the piece closest to the level among a pending range, a bigger one and a tail", () => {
    // 10 days at 500 a week against none: 500 items level them.
    const moves = suggestMoves(
      person("UOVER", 10, 500),
      [person("UIDLE", 0, 500)],
      [
        range(1, { first: 1, last: 200 }),
        range(2, { first: 201, last: 800 }),
        range(3, { first: 801, last: 1000, status: "IN_PROGRESS", itemsDone: 50 }),
      ],
    );
    expect(moves).toEqual([
      {
        ref: "A2",
        from: "UOVER",
        to: "UIDLE",
        range: { first: 301, last: 800 },
        whole: false,
        items: 500,
        fromDaysAfter: 5,
        toDaysAfter: 5,
      },
    ]);
  });

  it("cut the tail of the movable part to the size that levels the two", () => {
    const moves = suggestMoves(
      person("UOVER", 10, 80),
      [person("UIDLE", 1, 40)],
      [range(3, { first: 1, last: 1000, status: "IN_PROGRESS", itemsDone: 100 })],
    );
    // (10 − 1) / (5/80 + 5/40) = 48 items, a day at 80 a week being 16 items and at 40 a week 8
    expect(moves).toEqual([
      {
        ref: "A3",
        from: "UOVER",
        to: "UIDLE",
        range: { first: 953, last: 1000 },
        whole: false,
        items: 48,
        fromDaysAfter: 7,
        toDaysAfter: 7,
      },
    ]);
  });

  it("prefer the range closest to the target, a whole pending one on a tie, and never a range in progress as whole", () => {
    // 10 days against none, both at 100 a week: the target is 100 items.
    const lead = (ranges: MoveCandidate[]) => suggestMoves(person("UOVER", 10), [person("UIDLE", 0)], ranges)[0];
    const exact = range(1, { first: 1, last: 150, status: "IN_PROGRESS", itemsDone: 50 }); // a tail of 100
    const near = range(2, { first: 201, last: 290 }); // pending, 10 short
    expect(lead([near, exact])).toMatchObject({ ref: "A1", whole: false, range: { first: 51, last: 150 } });
    // As close one way as the other: a whole pending range rather than the tail of one in progress.
    const shortTail = range(3, { first: 301, last: 399, status: "IN_PROGRESS" }); // 99 unstarted
    const shortWhole = range(4, { first: 401, last: 499 }); // 99 pending
    expect(lead([shortTail, shortWhole])).toMatchObject({ ref: "A4", whole: true, items: 99 });
    expect(lead([shortWhole, shortTail])).toMatchObject({ ref: "A4", whole: true, items: 99 });
    // Two as good: the first found.
    const otherWhole = range(5, { first: 501, last: 599 });
    expect(lead([shortWhole, otherWhole])).toMatchObject({ ref: "A4" });
    // A range in progress with nothing done moves as a tail, never whole, even when all of it fits.
    expect(lead([range(6, { first: 601, last: 650, status: "IN_PROGRESS" })])).toMatchObject({
      ref: "A6",
      whole: false,
      range: { first: 601, last: 650 },
    });
  });

  it("go to the two least loaded at most, the least first, each from a range not used yet and held by the one over", () => {
    const moves = suggestMoves(
      person("UOVER", 20),
      [person("UC", 0.8), person("UA", 0.5), person("UB", 0)],
      [
        range(1, { first: 1, last: 100, assigneeId: "USOMEONE" }),
        range(2, { first: 101, last: 200, status: "IN_REVIEW" }),
        range(3, { first: 201, last: 300 }),
        range(4, { first: 301, last: 400 }),
        // enough left for a third move, were there one
        range(5, { first: 401, last: 500 }),
      ],
    );
    expect(moves.map((m) => [m.to, m.ref])).toEqual([
      ["UB", "A3"],
      ["UA", "A4"],
    ]);
    expect(moves[0]).toMatchObject({ fromDaysAfter: 15, toDaysAfter: 5 });
    // The second move starts from the load the first one left.
    expect(moves[1]).toMatchObject({ fromDaysAfter: 10, toDaysAfter: 5.5 });
  });

  it("stop when less than one item would level them, or nothing of the one over can move", () => {
    // At 80 a week an item is 1/16 of a day: 0.1 days apart is less than the two items' eighth of a day.
    const tens = [range(1, { first: 1, last: 10 })];
    expect(suggestMoves(person("UOVER", 1.1, 80), [person("UIDLE", 1, 80)], tens)).toEqual([]);
    expect(
      suggestMoves(person("UOVER", 1.125, 80), [person("UIDLE", 1, 80)], tens).map((m) => [m.items, m.range]),
    ).toEqual([[1, { first: 10, last: 10 }]]);
    expect(
      suggestMoves(person("UOVER", 10), [person("UIDLE", 0)], [range(1, { first: 1, last: 10, status: "COMPLETED" })]),
    ).toEqual([]);
  });
});
