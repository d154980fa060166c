/**
 * The review repository's reads on their own: the latest round of a range,
 * the QA facts of a dataset and of a person (their own, oldest first, with
 * counts and no item lists), a reviewer's queue in the order ranges were
 * submitted, a dataset's reviews page by page, and the error categories a
 * dataset saw. And the row lock a verdict takes, on PostgreSQL with a second
 * connection.
 */
import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/types.ts";
import type { NewReviewRecord } from "../../../src/db/repositories/index.ts";
import { usingPostgres } from "../../support/db.ts";
import { whileAnotherHolds } from "../../support/late-commit.ts";
import {
  ANA,
  BOB,
  dayAt,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** A range of `who` in `dataset` (created when new); its assignment id. */
async function range(dataset: string, first: number, last: number, who: Actor = ANA): Promise<number> {
  if (!(await f.ledger.listDatasets(TEAM)).some((d) => d.slug === dataset))
    await f.ledger.createDataset(LEAD, { slug: dataset, itemCount: 1000 });
  return (await f.ledger.claim(who, { dataset, first, last })).assignment.id;
}

/** A pending review of round `round` of an assignment, written as is. */
const review = (assignmentId: number, round: number, o: Partial<NewReviewRecord> = {}) =>
  f.repos.reviews.create({
    teamId: TEAM,
    assignmentId,
    round,
    reviewerId: REVIEWER.userId,
    annotatorId: ANA.userId,
    sampleItems: [1, 2],
    sampleSize: 2,
    sampleFull: false,
    sampleSeed: `seed ${assignmentId}/${round}`,
    submitNote: "done",
    createdAt: dayAt(1),
    ...o,
  });

/** Decides review `id` as accepted on day `day` with `errors`. */
const accept = (id: number, errors: Record<string, number> = {}, day = 2) =>
  f.repos.reviews.decide(id, {
    status: "ACCEPTED",
    reviewerId: REVIEWER.userId,
    itemsChecked: 2,
    goldChecked: 0,
    goldCorrect: 0,
    comment: "fine",
    decidedAt: dayAt(day),
    errors,
  });

describe("the latest round of a range", () => {
  it("is its highest round, whatever order the rounds were written in, and none for a range never reviewed", async () => {
    const [a1, a2, a3] = [await range("cats", 1, 10), await range("cats", 11, 20), await range("cats", 21, 30)];
    for (const round of [1, 3, 2]) await review(a1, round);
    await review(a2, 1);
    expect(await f.repos.reviews.latestRound(a1)).toMatchObject({ assignmentId: a1, round: 3, errors: {} });
    expect(await f.repos.reviews.latestRound(a2)).toMatchObject({ assignmentId: a2, round: 1 });
    expect(await f.repos.reviews.latestRound(a3)).toBeNull();
  });
});

describe("the QA facts", () => {
  it("of a dataset are its own reviews, oldest first, with their error counts and without item lists, notes or comments", async () => {
    const cats = await range("cats", 1, 10);
    const dogs = await range("dogs", 1, 10);
    const first = await review(cats, 1);
    const second = await review(cats, 2, { createdAt: dayAt(3) });
    await review(dogs, 1);
    // Deciding the first after the second was written moves its row last in the table.
    await accept(first.id, { box: 2, class: 1 });
    const facts = await f.repos.reviews.factsOfDataset((await f.ledger.getDataset(TEAM, "cats")).id);
    expect(facts).toStrictEqual([
      {
        id: first.id,
        teamId: TEAM,
        assignmentId: cats,
        round: 1,
        reviewerId: REVIEWER.userId,
        annotatorId: ANA.userId,
        sampleSize: 2,
        sampleFull: false,
        status: "ACCEPTED",
        itemsChecked: 2,
        goldChecked: 0,
        goldCorrect: 0,
        createdAt: dayAt(1),
        decidedAt: dayAt(2),
        errors: { box: 2, class: 1 },
        assignment: { datasetId: (await f.ledger.getDataset(TEAM, "cats")).id },
      },
      expect.objectContaining({ id: second.id, round: 2, status: "PENDING", createdAt: dayAt(3), errors: {} }),
    ]);
  });

  it("of a person are their reviews in the workspace, oldest first", async () => {
    const ana = await range("cats", 1, 10);
    const bob = await range("cats", 11, 20, BOB);
    const first = await review(ana, 1);
    const second = await review(ana, 2);
    await review(bob, 1, { annotatorId: BOB.userId });
    await f.repos.workspaces.ensure("T0OTHER");
    await review(ana, 3, { teamId: "T0OTHER" });
    await accept(first.id, { box: 1 });
    const facts = await f.repos.reviews.factsOfAnnotator(TEAM, ANA.userId);
    expect(facts.map((r) => [r.id, r.errors])).toEqual([
      [first.id, { box: 1 }],
      [second.id, {}],
    ]);
    expect(facts[1]).toStrictEqual({
      id: second.id,
      teamId: TEAM,
      assignmentId: ana,
      round: 2,
      reviewerId: REVIEWER.userId,
      annotatorId: ANA.userId,
      sampleSize: 2,
      sampleFull: false,
      status: "PENDING",
      itemsChecked: null,
      goldChecked: 0,
      goldCorrect: 0,
      createdAt: dayAt(1),
      decidedAt: null,
      errors: {},
      assignment: { datasetId: (await f.ledger.getDataset(TEAM, "cats")).id },
    });
  });
});

describe("a new review", () => {
  it("is written with no errors", async () => {
    expect((await review(await range("cats", 1, 10), 1)).errors).toStrictEqual({});
  });
});

describe("the reviewers' backlog", () => {
  it("sums the items of each reviewer's pending reviews in the workspace, leaving out unassigned and decided ones", async () => {
    await f.repos.workspaces.ensure("T0OTHER");
    const sizes: [number, Partial<NewReviewRecord>][] = [
      [3, {}],
      [4, {}],
      [5, { reviewerId: "UREV2" }],
      [6, { reviewerId: null }],
      [7, { teamId: "T0OTHER" }],
      [8, {}],
    ];
    const ids: number[] = [];
    for (const [i, [sampleSize, o]] of sizes.entries())
      ids.push((await review(await range("cats", 10 * i + 1, 10 * i + 10), 1, { sampleSize, ...o })).id);
    await accept(ids[5]!);
    const backlog = await f.repos.reviews.backlog(TEAM);
    expect([...backlog].sort((a, b) => a.reviewerId.localeCompare(b.reviewerId))).toStrictEqual([
      { reviewerId: REVIEWER.userId, pendingItems: 7 },
      { reviewerId: "UREV2", pendingItems: 5 },
    ]);
  });
});

describe("a reviewer's queue", () => {
  it("holds their pending reviews in the order the ranges were submitted, unassigned ones when asked, up to the limit", async () => {
    await f.repos.workspaces.ensure("T0OTHER");
    const ids: Record<string, number> = {};
    const reviews: [string, number, Partial<NewReviewRecord>][] = [
      ["third", 4, {}],
      ["first", 1, {}],
      ["unassigned", 2, { reviewerId: null }],
      ["second", 3, {}],
      ["decided", 1, {}],
      ["someone else's", 1, { reviewerId: "UREV2" }],
      ["another workspace's", 1, { teamId: "T0OTHER" }],
    ];
    for (const [i, [name, day, o]] of reviews.entries())
      ids[name] = (await review(await range("cats", 10 * i + 1, 10 * i + 10), 1, { createdAt: dayAt(day), ...o })).id;
    await accept(ids.decided!);
    const queue = async (unassigned: boolean, limit = 50) =>
      (await f.repos.reviews.queue(TEAM, REVIEWER.userId, unassigned, limit)).map((r) => r.id);
    expect(await queue(false)).toEqual([ids.first, ids.second, ids.third]);
    expect(await queue(true)).toEqual([ids.first, ids.unassigned, ids.second, ids.third]);
    expect(await queue(false, 2)).toEqual([ids.first, ids.second]);
  });
});

describe("a dataset's reviews page by page", () => {
  it("run by range then round, each page after the last (range, round) of the one before", async () => {
    const a1 = await range("cats", 1, 10);
    const a2 = await range("cats", 11, 20);
    const dogs = await range("dogs", 1, 10);
    // Written in another order than they are read.
    await review(a2, 1);
    await accept((await review(a1, 2)).id, { box: 1 });
    await review(a1, 1);
    await review(dogs, 1);
    const id = (await f.ledger.getDataset(TEAM, "cats")).id;
    const page = async (after: { assignmentId: number; round: number } | null, limit = 50) =>
      (await f.repos.reviews.pageOfDataset(id, after, limit)).map((r) => [r.assignmentId, r.round, r.first, r.errors]);
    expect(await page(null)).toEqual([
      [a1, 1, 1, {}],
      [a1, 2, 1, { box: 1 }],
      [a2, 1, 11, {}],
    ]);
    expect(await page(null, 2)).toEqual([
      [a1, 1, 1, {}],
      [a1, 2, 1, { box: 1 }],
    ]);
    expect(await page({ assignmentId: a1, round: 1 })).toEqual([
      [a1, 2, 1, { box: 1 }],
      [a2, 1, 11, {}],
    ]);
    expect(await page({ assignmentId: a1, round: 2 })).toEqual([[a2, 1, 11, {}]]);
    expect(await page({ assignmentId: a2, round: 1 })).toEqual([]);
    expect((await f.repos.reviews.pageOfDataset(id, null, 1))[0]).toMatchObject({ first: 1, last: 10 });
  });
});

describe("a dataset's error categories", () => {
  it("are each category its reviews recorded, once, sorted", async () => {
    const a1 = await range("cats", 1, 10);
    const a2 = await range("cats", 11, 20);
    const dogs = await range("dogs", 1, 10);
    await accept((await review(a1, 1)).id, { class: 1 });
    await accept((await review(a2, 1)).id, { box: 1, class: 1 });
    await accept((await review(dogs, 1)).id, { blur: 1 });
    expect(await f.repos.reviews.errorCategoriesOfDataset((await f.ledger.getDataset(TEAM, "cats")).id)).toEqual([
      "box",
      "class",
    ]);
  });
});

describe.skipIf(!usingPostgres())("a verdict on a review another transaction is deciding", () => {
  it("waits for it, then reads the review again and finds it decided", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const { review: opened } = await f.ledger.submit(ANA, assignment.ref, { confirmed: true });
    const verdict = whileAnotherHolds(
      f.db,
      async (r) => {
        await r.reviews.lock(opened!.id);
        await r.reviews.decide(opened!.id, {
          status: "CHANGES_REQUESTED",
          reviewerId: LEAD.userId,
          itemsChecked: 10,
          goldChecked: 0,
          goldCorrect: 0,
          comment: "redo",
          decidedAt: dayAt(23),
          errors: {},
        });
      },
      () => f.ledger.recordReview(REVIEWER, opened!.ref, { verdict: "accept", itemsChecked: 10, errors: {} }),
    );
    await expectDomainError(
      verdict,
      "conflict",
      "the review of A1 (round 1) was already decided: sent back for changes by @ULEAD on 2026-11-23",
    );
    expect(await f.ledger.getReview(TEAM, opened!.ref)).toMatchObject({ status: "CHANGES_REQUESTED" });
  });
});
