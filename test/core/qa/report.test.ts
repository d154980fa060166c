import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { periodOf } from "../../../src/core/qa/report.ts";
import {
  ANA,
  actor,
  BOB,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  REVIEWER,
} from "../../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, itemNoun: "image" });
});
afterEach(async () => {
  await f.dispose();
});

/** ana's range is sent back once (3 errors in 100), then accepted; bob's is accepted at once (1 error in 50). */
async function reviewedWeek() {
  const a = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
  await f.ledger.submit(ANA, a.assignment.ref, { confirmed: true });
  const b = await f.ledger.claim(BOB, { dataset: "cats", first: 101, last: 150 });
  await f.ledger.submit(BOB, b.assignment.ref, { confirmed: true });
  f.clock.advanceDays(1 / 12); // two hours later
  const [ra, rb] = await f.prisma.review.findMany({ orderBy: { id: "asc" } });
  // each verdict by the reviewer the ledger chose
  await f.ledger.recordReview(actor(ra!.reviewerId!), `R${ra!.id}`, {
    verdict: "changes",
    itemsChecked: 100,
    errors: { "wrong class": 3 },
    comment: "three dogs",
  });
  await f.ledger.recordReview(actor(rb!.reviewerId!), `R${rb!.id}`, {
    verdict: "accept",
    itemsChecked: 50,
    errors: { "missing label": 1 },
  });
  await f.ledger.start(ANA, a.assignment.ref);
  await f.ledger.submit(ANA, a.assignment.ref, { confirmed: true });
  f.clock.advanceDays(1 / 6); // four hours later
  const round2 = await f.prisma.review.findFirstOrThrow({ where: { round: 2 } });
  await f.ledger.recordReview(actor(round2.reviewerId!), `R${round2.id}`, {
    verdict: "accept",
    itemsChecked: 100,
    errors: {},
  });
}

describe("/ledger qa", () => {
  it("sums up a dataset's week: throughput, accuracy weighted by items checked, first pass, errors, turnaround", async () => {
    await reviewedWeek();
    const r = await f.ledger.qaReport(LEAD, "cats", { weeks: 1 });
    expect(r).toMatchObject({ dataset: "cats", timeZone: "UTC", span: { weeks: 1 } });
    const d = r.summary.dataset;
    expect(d.throughput.items).toBe(150);
    expect(d.remaining).toEqual({ free: 850, inFlight: 0, total: 850 });
    expect(d.reviews).toBe(3);
    // 4 errors in 250 items checked, not the mean of 3 %, 2 % and 0 %
    expect(d.accuracy).toMatchObject({ kind: "measured", successes: 246, trials: 250, value: 0.984 });
    expect(d.firstPass).toMatchObject({ ranges: 2, acceptedFirst: 1, rate: 0.5, reworkMax: 1 });
    expect(d.pareto.map((p) => [p.category, p.count, p.cumulative])).toEqual([
      ["wrong class", 3, 0.75],
      ["missing label", 1, 1],
    ]);
    expect(d.turnaround).toMatchObject({ reviews: 3, medianHours: 2 });
    const ana = r.summary.annotators.find((a) => a.annotatorId === ANA.userId)!;
    expect(ana).toMatchObject({ reviews: 2, throughput: { items: 100 }, firstPass: { ranges: 1, acceptedFirst: 0 } });
    const reviewers = r.summary.reviewers;
    expect(reviewers.reduce((n, v) => n + v.decided, 0)).toBe(3);
    expect(reviewers.every((v) => v.pending === 0)).toBe(true);
    // the reviewer sees them too
    expect((await f.ledger.qaReport(REVIEWER, "cats", { weeks: 4 })).summary.dataset.reviews).toBe(3);
  });

  it("is for reviewers and leads; anyone sees their own numbers with qa me", async () => {
    await reviewedWeek();
    await expectDomainError(
      f.ledger.qaReport(ANA, "cats", { weeks: 4 }),
      "forbidden",
      "only reviewers and leads see the QA numbers of cats; /ledger qa me shows yours",
    );
    const mine = await f.ledger.myQaReport(BOB, { weeks: 4 });
    expect(mine.datasets).toHaveLength(1);
    expect(mine.datasets[0]).toMatchObject({
      dataset: "cats",
      mine: { annotatorId: BOB.userId, reviews: 1, throughput: { items: 50 }, accuracy: { value: 0.98 } },
    });
    // someone with nothing in the period gets nothing, not zeros
    expect((await f.ledger.myQaReport(LEAD, { weeks: 4 })).datasets).toEqual([]);
    await expectDomainError(f.ledger.qaReport(LEAD, "dogs", { weeks: 4 }), "not_found");
  });

  it("covers the last N ISO weeks in the team's zone, or since a date; refuses what makes no period", async () => {
    const now = new Date("2026-12-02T10:00:00Z"); // a Wednesday
    // up to the end of this week, so that what happened at "now" counts
    expect(periodOf({ weeks: 1 }, now, "UTC")).toEqual({
      from: new Date("2026-11-30T00:00:00Z"),
      to: new Date("2026-12-07T00:00:00Z"),
    });
    expect(periodOf({ weeks: 2 }, now, "Asia/Tokyo").from).toEqual(new Date("2026-11-22T15:00:00Z"));
    expect(periodOf({ since: "2026-11-01" }, now, "America/Los_Angeles").from).toEqual(
      new Date("2026-11-01T07:00:00Z"),
    );
    expect(() => periodOf({ weeks: 0 }, now, "UTC")).toThrow("weeks must be between 1 and 52, not 0");
    expect(() => periodOf({ since: "2026-02-30" }, now, "UTC")).toThrow('"2026-02-30" is not a date');
    expect(() => periodOf({ since: "2026-12-03" }, now, "UTC")).toThrow("2026-12-03 is in the future");
  });

  it("takes 1 to 52 whole weeks, and a date up to today's midnight itself", () => {
    const now = new Date("2026-12-02T10:00:00Z");
    expect(periodOf({ weeks: 52 }, now, "UTC").from).toEqual(new Date("2025-12-08T00:00:00Z"));
    for (const weeks of [53, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => periodOf({ weeks }, now, "UTC")).toThrow(`weeks must be between 1 and 52, not ${weeks}`);
    // At midnight, today is a date of the past already (its first instant); tomorrow is not.
    const midnight = new Date("2026-12-02T00:00:00Z");
    expect(periodOf({ since: "2026-12-02" }, midnight, "UTC")).toEqual({
      from: midnight,
      to: new Date("2026-12-07T00:00:00Z"),
    });
    expect(() => periodOf({ since: "2026-12-02" }, new Date(midnight.getTime() - 1), "UTC")).toThrow(
      "2026-12-02 is in the future; give a date up to today",
    );
    // A date read in the team's zone: in Tokyo, 2 December has begun at 15:00 UTC the day before.
    expect(periodOf({ since: "2026-12-02" }, new Date("2026-12-01T15:00:00Z"), "Asia/Tokyo").from).toEqual(
      new Date("2026-12-01T15:00:00Z"),
    );
  });

  it("gives a person a line for each dataset where they completed items or had work reviewed in the period, and no other", async () => {
    for (const slug of ["dogs", "owls", "bats"]) await f.ledger.createDataset(LEAD, { slug, itemCount: 100 });
    // owls: nothing is reviewed, a submitted range is completed at once.
    await f.ledger.configureDataset(LEAD, "owls", { key: "review", value: "first-k" });
    await f.ledger.configureDataset(LEAD, "owls", { key: "first-k", value: 0 });
    // dogs: submitted two weeks ago, sent back this week. bats: started, nothing completed. cats: bob's work only.
    const dogs = await f.ledger.claim(ANA, { dataset: "dogs", first: 1, last: 10 });
    await f.ledger.submit(ANA, dogs.assignment.ref, { confirmed: true });
    const bob = await f.ledger.claim(BOB, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.submit(BOB, bob.assignment.ref, { confirmed: true });
    f.clock.advanceDays(14);
    const review = await f.prisma.review.findFirstOrThrow({
      where: { assignmentId: Number(dogs.assignment.ref.slice(1)) },
    });
    await f.ledger.recordReview(actor(review.reviewerId!), `R${review.id}`, {
      verdict: "changes",
      itemsChecked: 10,
      errors: { "wrong class": 2 },
      comment: "two dogs",
    });
    const owls = await f.ledger.claim(ANA, { dataset: "owls", first: 1, last: 5 });
    expect((await f.ledger.submit(ANA, owls.assignment.ref, { confirmed: true })).assignment.status).toBe("COMPLETED");
    const bats = await f.ledger.claim(ANA, { dataset: "bats", first: 1, last: 5 });
    await f.ledger.setProgress(ANA, bats.assignment.ref, 2);

    const mine = await f.ledger.myQaReport(ANA, { weeks: 1 });
    expect(mine.datasets.map((l) => [l.dataset, l.mine.annotatorId, l.mine.throughput.items, l.mine.reviews])).toEqual([
      ["dogs", ANA.userId, 0, 1],
      ["owls", ANA.userId, 5, 0],
    ]);
    // bob's range waits for its review: nothing of his is completed nor reviewed yet.
    expect((await f.ledger.myQaReport(BOB, { weeks: 3 })).datasets).toEqual([]);
  });

  it("registers nobody who only asks for a dataset's numbers", async () => {
    await expectDomainError(f.ledger.qaReport(actor("UNEW"), "cats", { weeks: 1 }), "forbidden");
    expect(
      await f.prisma.member.findUnique({ where: { teamId_userId: { teamId: "T0TEST", userId: "UNEW" } } }),
    ).toBeNull();
  });
});

describe("agreement in /ledger qa", () => {
  it("compares the labels given in the period pair by pair, and says when nobody's overlap", async () => {
    const d = await f.ledger.getDataset("T0TEST", "cats");
    const label = (item: number, who: string, value: string) => ({ item, annotatorId: who, label: value });
    await f.ledger.ctx.store.transaction((r) =>
      r.labels.record(d.id, [label(1, ANA.userId, "cat"), label(2, BOB.userId, "dog")], f.clock.now),
    );
    expect((await f.ledger.qaReport(LEAD, "cats", { weeks: 1 })).agreement).toMatchObject({ items: 2, pairs: [] });
    await f.ledger.ctx.store.transaction((r) =>
      r.labels.record(d.id, [label(1, BOB.userId, "cat"), label(2, ANA.userId, "cat")], f.clock.now),
    );
    const r = await f.ledger.qaReport(LEAD, "cats", { weeks: 1 });
    expect(r.agreement?.pairs).toEqual([
      expect.objectContaining({ raters: [ANA.userId, BOB.userId].sort(), items: 2, percentAgreement: 0.5 }),
    ]);
    // Given again: the latest label counts.
    await f.ledger.ctx.store.transaction((r) => r.labels.record(d.id, [label(2, BOB.userId, "cat")], f.clock.now));
    expect((await f.ledger.qaReport(LEAD, "cats", { weeks: 1 })).agreement?.pairs[0]?.percentAgreement).toBe(1);
  });

  it("checks the period's labels of gold items against their known answers", async () => {
    const d = await f.ledger.getDataset("T0TEST", "cats");
    expect((await f.ledger.qaReport(LEAD, "cats", { weeks: 1 })).goldLabels).toBeNull();
    await f.ledger.configureDataset(LEAD, "cats", { key: "gold", value: [{ first: 1, last: 2 }] });
    const label = (item: number, who: string, value: string) => ({ item, annotatorId: who, label: value });
    await f.ledger.ctx.store.transaction(async (r) => {
      await r.labels.recordGold(
        d.id,
        [
          { item: 1, label: "cat" },
          { item: 2, label: "dog" },
        ],
        f.clock.now,
      );
      await r.labels.record(
        d.id,
        [
          label(1, ANA.userId, "cat"),
          label(2, ANA.userId, "cat"),
          label(1, BOB.userId, "cat"),
          label(3, BOB.userId, "x"),
        ],
        f.clock.now,
      );
    });
    const gold = (await f.ledger.qaReport(LEAD, "cats", { weeks: 1 })).goldLabels!;
    expect(gold.overall).toMatchObject({ successes: 2, trials: 3 });
    expect(gold.raters.map((r) => [r.rater, r.accuracy.successes, r.accuracy.trials])).toEqual([
      [ANA.userId, 1, 2],
      [BOB.userId, 1, 1],
    ]);
  });
});
