import { describe, expect, it } from "vitest";
import { REVIEW_EXPORT_PAGE } from "../../src/core/ledger/export.ts";
import {
  ANA,
  BOB,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const submittedAt = async (assignmentId: number, round: number) =>
  (await f.prisma.review.findFirstOrThrow({ where: { assignmentId, round } })).createdAt.toISOString();

describe("/ledger export <dataset> reviews", () => {
  it("has one row per review round, a column per error category, gold items and the notes", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos" });
    await f.ledger.configureDataset(LEAD, "cats", { key: "gold", value: [{ first: 3, last: 3 }] });
    await f.ledger.configureDataset(LEAD, "cats", { key: "taxonomy", value: ["wrong class", "other"] });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const r1 = (await f.ledger.submit(ANA, "A1", { confirmed: true, reason: "done, mostly" })).review!;
    f.clock.now = new Date("2026-11-24T09:30:00Z");
    await f.ledger.recordReview(REVIEWER, r1.ref, {
      verdict: "changes",
      itemsChecked: 10,
      errors: { "wrong class": 2, other: 1 },
      goldCorrect: 0,
      comment: 'boxes on "3" and 5',
    });
    await f.ledger.start(ANA, "A1");
    const r2 = (await f.ledger.submit(ANA, "A1", { confirmed: true, reason: "=fixed" })).review!;
    f.clock.now = new Date("2026-11-25T14:00:00Z");
    await f.ledger.recordReview(REVIEWER, r2.ref, { verdict: "accept", itemsChecked: 8, errors: {}, goldCorrect: 1 });
    // "other" leaves the taxonomy; its counts stay in the export, after the taxonomy's categories
    await f.ledger.configureDataset(LEAD, "cats", { key: "taxonomy", value: ["wrong class", "pose"] });
    await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.submit(BOB, "A2", { confirmed: true });

    const out = await f.ledger.exportReviewsCsv(REVIEWER, "cats");
    expect(out).toMatchObject({ rows: 3, slug: "cats" });
    expect(out.csv.endsWith("\r\n")).toBe(true);
    expect(out.csv.trimEnd().split("\r\n")).toEqual([
      "assignment,first,last,annotator,reviewer,round,status,submitted_at,decided_at,sample_size,sample,items_checked," +
        "errors: wrong class,errors: pose,errors: other,errors_total,gold_checked,gold_correct,submit_note,comment",
      `A1,1,10,UANA,UREV,1,CHANGES_REQUESTED,${await submittedAt(1, 1)},2026-11-24T09:30:00.000Z,10,full,10,2,0,1,3,1,0,"done, mostly","boxes on ""3"" and 5"`,
      `A1,1,10,UANA,UREV,2,ACCEPTED,${await submittedAt(1, 2)},2026-11-25T14:00:00.000Z,10,full,8,0,0,0,0,1,1,'=fixed,`,
      // not decided yet: nothing checked, so no counts
      `A2,11,20,UBOB,UREV,1,PENDING,${await submittedAt(2, 1)},,10,full,,,,,,,,,`,
    ]);
  });

  it("reads every review of a large dataset, page after page, and no other dataset's", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100_000, title: "Cat photos" });
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100, title: "Dog photos" });
    const cats = await f.prisma.dataset.findFirstOrThrow({ where: { slug: "cats" } });
    // a review of another dataset, left out
    const dog = await f.ledger.claim(ANA, { dataset: "dogs", first: 1, last: 10 });
    await f.ledger.submit(ANA, dog.assignment.ref, { confirmed: true });
    // More reviews than one page holds, written directly: the export's paging is what is tested.
    const n = REVIEW_EXPORT_PAGE + 3;
    await f.prisma.assignment.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        teamId: TEAM,
        datasetId: cats.id,
        first: i * 10 + 1,
        last: i * 10 + 10,
        assigneeId: ANA.userId,
        assignedBy: ANA.userId,
        status: "IN_REVIEW" as const,
        itemsDone: 10,
        reviewRound: 1,
      })),
    });
    const ids = await f.prisma.assignment.findMany({ where: { datasetId: cats.id }, select: { id: true } });
    await f.prisma.review.createMany({
      data: ids.map(({ id }) => ({
        teamId: TEAM,
        assignmentId: id,
        round: 1,
        reviewerId: REVIEWER.userId,
        annotatorId: ANA.userId,
        sampleSize: 10,
        sampleFull: true,
        sampleSeed: `${id}:1`,
      })),
    });
    expect(await f.prisma.review.count()).toBe(n + 1);
    const out = await f.ledger.exportReviewsCsv(LEAD, "cats");
    expect(out.rows).toBe(n);
    const lines = out.csv.trimEnd().split("\r\n").slice(1);
    expect(new Set(lines.map((l) => l.split(",")[0])).size).toBe(n);
    expect(lines.every((l) => l.includes(",UANA,UREV,1,PENDING,"))).toBe(true);
    expect(lines.map((l) => Number(l.split(",")[1]))).toEqual(Array.from({ length: n }, (_, i) => i * 10 + 1));
  });

  it("is for the same people as the ledger's export", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos" });
    await expectDomainError(
      f.ledger.exportReviewsCsv(BOB, "cats"),
      "forbidden",
      "you hold nothing in cats; reviewers, leads and its annotators can export it",
    );
    await f.ledger.claim(BOB, { dataset: "cats", first: 1, last: 10 });
    expect((await f.ledger.exportReviewsCsv(BOB, "cats")).csv.split("\r\n")).toHaveLength(2);
    await expectDomainError(f.ledger.exportReviewsCsv(LEAD, "nope"), "not_found");
  });
});
