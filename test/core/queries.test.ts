/**
 * What the ledger reports without changing anything: assignment lists in the
 * order people act on them, and a dataset's coverage (ranges by status, items
 * claimed, done, in review and completed, overdue and stalled ranges, gaps,
 * the pace of the last two weeks and the forecast it gives).
 */
import { describe, expect, it } from "vitest";
import { ANA, actor, BOB, CAL, LEAD, type LedgerFixture, REVIEWER, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const cats = (itemCount = 1000) => f.ledger.createDataset(LEAD, { slug: "cats", itemCount });

/** Submits `ref` and has its reviewer decide it with `verdict`. */
async function reviewed(ref: string, who: typeof ANA, verdict: "accept" | "changes") {
  const s = await f.ledger.submit(who, ref, { confirmed: true });
  const review = s.review!;
  await f.ledger.recordReview(actor(review.reviewerId!), review.ref, {
    verdict,
    itemsChecked: review.sampleSize,
    errors: {},
    comment: "redo the boxes",
  });
}

/** One range of each status but released: A1 pending … A5 sent back, and A6 released. */
async function oneOfEach() {
  await cats();
  await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
  await f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 30 });
  await f.ledger.setProgress(ANA, "A2", 5);
  await f.ledger.claim(BOB, { dataset: "cats", first: 31, last: 60 });
  await f.ledger.submit(BOB, "A3", { confirmed: true });
  await f.ledger.claim(BOB, { dataset: "cats", first: 61, last: 100 });
  await reviewed("A4", BOB, "accept");
  await f.ledger.claim(CAL, { dataset: "cats", first: 101, last: 150 });
  await reviewed("A5", CAL, "changes");
  await f.ledger.claim(CAL, { dataset: "cats", first: 151, last: 160 });
  await f.ledger.release(CAL, "A6");
}

describe("listing assignments", () => {
  it("lists live ranges, in progress first, then sent back, pending, in review and completed", async () => {
    await oneOfEach();
    expect((await f.ledger.listAssignments(TEAM)).map((a) => [a.ref, a.status])).toEqual([
      ["A2", "IN_PROGRESS"],
      ["A5", "CHANGES_REQUESTED"],
      ["A1", "PENDING"],
      ["A3", "IN_REVIEW"],
      ["A4", "COMPLETED"],
    ]);
  });

  it("keeps the nearest due date first within a status, and filters by person, dataset, status and number", async () => {
    await cats();
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 20, dueDate: "2026-12-10" });
    await f.ledger.claim(ANA, { dataset: "dogs", first: 1, last: 10, dueDate: "2026-12-01" });
    await f.ledger.claim(BOB, { dataset: "cats", first: 21, last: 30 });
    await f.ledger.release(BOB, "A4");
    const refs = async (q: Parameters<typeof f.ledger.listAssignments>[1]) =>
      (await f.ledger.listAssignments(TEAM, q)).map((a) => a.ref);
    expect(await refs({})).toEqual(["A3", "A2", "A1"]);
    expect(await refs({ assigneeId: ANA.userId, dataset: "cats" })).toEqual(["A2", "A1"]);
    expect(await refs({ assigneeId: BOB.userId })).toEqual([]);
    expect(await refs({ statuses: ["RELEASED"] })).toEqual(["A4"]);
    expect(await refs({ limit: 2 })).toEqual(["A3", "A2"]);
    expect(await f.ledger.listAssignments("T0OTHER")).toEqual([]);
  });
});

describe("coverage", () => {
  it("counts ranges by status and the items claimed, done, in review, completed and free; released ones not at all", async () => {
    await oneOfEach();
    const c = await f.ledger.coverage(TEAM, "cats");
    expect(c.rangesByStatus).toEqual({
      PENDING: 1,
      IN_PROGRESS: 1,
      IN_REVIEW: 1,
      CHANGES_REQUESTED: 1,
      COMPLETED: 1,
      RELEASED: 0,
    });
    expect(c).toMatchObject({
      itemCount: 1000,
      claimedItems: 10 + 20 + 30 + 40 + 50,
      doneItems: 0 + 5 + 30 + 40 + 50,
      inReviewItems: 30,
      completedItems: 40,
      freeItems: 850,
      gaps: [{ first: 151, last: 1000 }],
      gapCount: 1,
      today: "2026-11-23",
    });
    expect(c.dataset.slug).toBe("cats");
    expect(c.load.map((l) => l.userId).sort()).toEqual([ANA.userId, BOB.userId, CAL.userId]);
  });

  it("counts an open range overdue from the day after its due date, and never one in review", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-24" });
    await f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 20, dueDate: "2026-11-25" });
    await f.ledger.claim(BOB, { dataset: "cats", first: 21, last: 30, dueDate: "2026-11-24" });
    await f.ledger.submit(BOB, "A3", { confirmed: true });
    f.clock.advanceDays(1);
    expect((await f.ledger.coverage(TEAM, "cats")).overdueRanges).toBe(0);
    f.clock.advanceDays(1);
    expect((await f.ledger.coverage(TEAM, "cats")).overdueRanges).toBe(1);
    f.clock.advanceDays(1);
    expect((await f.ledger.coverage(TEAM, "cats")).overdueRanges).toBe(2);
  });

  it("counts a range in progress stalled after the workspace's days without progress, longest idle first", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.claim(CAL, { dataset: "cats", first: 21, last: 30 });
    await f.ledger.setProgress(BOB, "A2", 1);
    f.clock.advanceDays(1);
    await f.ledger.setProgress(ANA, "A1", 1);
    f.clock.advanceDays(1.99);
    let c = await f.ledger.coverage(TEAM, "cats");
    expect([c.stalledAfterDays, c.stalled]).toEqual([3, []]);
    f.clock.advanceDays(0.01);
    expect((await f.ledger.coverage(TEAM, "cats")).stalled).toEqual([
      { ref: "A2", assigneeId: BOB.userId, idleDays: 3 },
    ]);
    f.clock.advanceDays(2);
    expect((await f.ledger.coverage(TEAM, "cats")).stalled).toEqual([
      { ref: "A2", assigneeId: BOB.userId, idleDays: 5 },
      { ref: "A1", assigneeId: ANA.userId, idleDays: 4 },
    ]);
    await f.ledger.configureWorkspace(actor("UADMIN"), { key: "stalled-after", value: 5 });
    c = await f.ledger.coverage(TEAM, "cats");
    expect([c.stalledAfterDays, c.stalled.map((s) => s.ref)]).toEqual([5, ["A2"]]);
  });

  it("orders stalled ranges by idle days whatever their order in the ledger, idle since their last progress, and never counts one waiting or in review", async () => {
    await cats();
    for (const [who, first] of [
      [ANA, 1],
      [BOB, 11],
      [CAL, 21],
      [ANA, 31],
      [BOB, 41],
    ] as const) {
      await f.ledger.claim(who, { dataset: "cats", first, last: first + 9 });
    }
    // A1 started first but moved on day 3; A2 and A3 went quiet on days 1 and 2; A4 went to review
    // on day 0 and A5 was never started.
    await f.ledger.setProgress(ANA, "A1", 1);
    await f.ledger.submit(ANA, "A4", { confirmed: true });
    f.clock.advanceDays(1);
    await f.ledger.setProgress(BOB, "A2", 1);
    f.clock.advanceDays(1);
    await f.ledger.setProgress(CAL, "A3", 1);
    f.clock.advanceDays(1);
    await f.ledger.setProgress(ANA, "A1", 2);
    f.clock.advanceDays(5);
    const c = await f.ledger.coverage(TEAM, "cats");
    expect(c.stalled).toEqual([
      { ref: "A2", assigneeId: BOB.userId, idleDays: 7 },
      { ref: "A3", assigneeId: CAL.userId, idleDays: 6 },
      { ref: "A1", assigneeId: ANA.userId, idleDays: 5 },
    ]);
    expect([c.rangesByStatus.PENDING, c.rangesByStatus.IN_REVIEW]).toEqual([1, 1]);
  });

  it("lists the first 50 gaps and counts them all", async () => {
    await cats(200);
    for (let item = 2; item <= 104; item += 2) {
      await f.ledger.claim(ANA, { dataset: "cats", first: item, last: item });
    }
    const c = await f.ledger.coverage(TEAM, "cats");
    expect(c.gapCount).toBe(53);
    expect(c.gaps).toHaveLength(50);
    expect(c.gaps[0]).toEqual({ first: 1, last: 1 });
    expect(c.gaps[49]).toEqual({ first: 99, last: 99 });
    expect(c.freeItems).toBe(200 - 52);
  });

  it("paces by the items done in the last 14 days, counting increases only, and forecasts the finish", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.setProgress(ANA, "A1", 10);
    await f.ledger.setProgress(ANA, "A1", 4);
    await f.ledger.claim(BOB, { dataset: "cats", first: 101, last: 110 });
    await f.ledger.submit(BOB, "A2", { confirmed: true });
    // 10 + 10 items done in 14 days: 1.43 a day; 986 left take 691 days (986 × 14 / 20 = 690.2).
    const c = await f.ledger.coverage(TEAM, "cats");
    expect([c.doneItems, c.itemsPerDay, c.forecastFinish]).toEqual([14, 1.4, "2028-10-14"]);
  });

  it("adds each increase of items done, from wherever the range stood", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.setProgress(ANA, "A1", 10);
    await f.ledger.setProgress(ANA, "A1", 6);
    await f.ledger.setProgress(ANA, "A1", 20);
    await f.ledger.setProgress(ANA, "A1", 34);
    // 10 + 14 + 14 = 38 items in 14 days, not the 20 and 34 reached: 2.7 a day.
    expect((await f.ledger.coverage(TEAM, "cats")).itemsPerDay).toBe(2.7);
  });

  it("counts what was done exactly 14 days ago, and nothing older; without recent progress there is no forecast", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.setProgress(ANA, "A1", 28);
    f.clock.advanceDays(14);
    expect((await f.ledger.coverage(TEAM, "cats")).itemsPerDay).toBe(2);
    f.clock.advanceDays(0.001);
    const c = await f.ledger.coverage(TEAM, "cats");
    expect([c.itemsPerDay, c.forecastFinish]).toEqual([0, null]);
  });

  it("forecasts today once every item is done, and says nobody has unread instructions without any", async () => {
    await cats(10);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.setProgress(ANA, "A1", 10);
    f.clock.advanceDays(30);
    const c = await f.ledger.coverage(TEAM, "cats");
    expect([c.itemsPerDay, c.forecastFinish, c.today, c.unacknowledged]).toEqual([0, "2026-12-23", "2026-12-23", []]);
  });

  it("weighs each holder's load by their own capacity, or the default for those with none", async () => {
    await cats();
    await f.ledger.setCapacity(LEAD, ANA.userId, 50);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.claim(BOB, { dataset: "cats", first: 101, last: 200 });
    const load = (await f.ledger.coverage(TEAM, "cats")).load;
    expect(load.map((l) => [l.userId, l.capacityPerWeek, l.remainingItems])).toEqual([
      [ANA.userId, 50, 100],
      [BOB.userId, 1000, 100],
    ]);
  });
});

describe("workload", () => {
  it("weighs everyone's open and in-review items, including members who hold nothing", async () => {
    await cats();
    await f.ledger.setCapacity(LEAD, BOB.userId, 100);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.claim(BOB, { dataset: "cats", first: 101, last: 150 });
    await f.ledger.submit(BOB, "A2", { confirmed: true });
    await f.ledger.claim(BOB, { dataset: "cats", first: 151, last: 160 });
    await f.ledger.release(BOB, "A3");
    const w = await f.ledger.workload(TEAM);
    expect(w.find((l) => l.userId === ANA.userId)).toMatchObject({ remainingItems: 100, capacityPerWeek: 1000 });
    expect(w.find((l) => l.userId === BOB.userId)).toMatchObject({ capacityPerWeek: 100 });
    expect(w.find((l) => l.userId === REVIEWER.userId)).toMatchObject({ remainingItems: 0 });
  });
});
