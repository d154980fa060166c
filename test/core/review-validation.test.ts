import { describe, expect, it } from "vitest";
import type { ReviewVerdict } from "../../src/core/review/service.ts";
import {
  ANA,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** A full review of items 1–10 (the annotator's first range), with gold items 3 and 7 in it. */
async function pendingReview(): Promise<{ ref: string; id: number }> {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos" });
  await f.ledger.configureDataset(LEAD, "cats", {
    key: "gold",
    value: [
      { first: 3, last: 3 },
      { first: 7, last: 7 },
      { first: 500, last: 500 },
    ],
  });
  await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
  const s = await f.ledger.submit(ANA, "A1", { confirmed: true });
  expect(s.review).toMatchObject({ sampleFull: true, sampleSize: 10, reviewerId: REVIEWER.userId });
  return { ref: s.review!.ref, id: Number(s.review!.ref.slice(1)) };
}

/** Refused as invalid, naming `field`, and nothing of the review, its range or the history changed. */
async function expectRefused(ref: string, id: number, v: ReviewVerdict, field: string, message: RegExp) {
  const e = await expectDomainError(f.ledger.recordReview(REVIEWER, ref, v), "invalid", message);
  expect(e.details.field).toBe(field);
  const review = await f.prisma.review.findUniqueOrThrow({ where: { id }, include: { errors: true } });
  expect(review).toMatchObject({ status: "PENDING", itemsChecked: null, goldCorrect: 0, decidedAt: null, errors: [] });
  expect(await f.prisma.assignment.findFirstOrThrow({ where: { teamId: TEAM } })).toMatchObject({
    status: "IN_REVIEW",
  });
  expect(await f.prisma.auditEvent.count({ where: { teamId: TEAM, action: { startsWith: "review.accept" } } })).toBe(0);
}

const accept = (v: Partial<ReviewVerdict>): ReviewVerdict => ({
  verdict: "accept",
  itemsChecked: 10,
  errors: {},
  ...v,
});

describe("a review's numbers are refused when they mean nothing", () => {
  it("refuses items checked below 1 or above the sample (the whole range here)", async () => {
    const { ref, id } = await pendingReview();
    await expectRefused(
      ref,
      id,
      accept({ itemsChecked: 11 }),
      "itemsChecked",
      /^items checked must be between 1 and 10 \(the sample of A1 in review round 1\)$/,
    );
    await expectRefused(ref, id, accept({ itemsChecked: 0 }), "itemsChecked", /between 1 and 10/);
    await expectRefused(ref, id, accept({ itemsChecked: 2.5 }), "itemsChecked", /between 1 and 10/);
    const ok = await f.ledger.recordReview(REVIEWER, ref, accept({ itemsChecked: 10 }));
    expect(ok.review).toMatchObject({ status: "ACCEPTED", itemsChecked: 10 });
  });

  it("refuses more errors of one category than items checked, on that category; as many is fine", async () => {
    const { ref, id } = await pendingReview();
    await expectRefused(
      ref,
      id,
      accept({ itemsChecked: 5, errors: { "wrong class": 6 } }),
      "errors.wrong class",
      /^6 "wrong class" errors is more than the 5 items checked; count each item with an error once$/,
    );
    await expectRefused(
      ref,
      id,
      accept({ itemsChecked: 5, errors: { other: -1 } }),
      "errors.other",
      /whole number ≥ 0/,
    );
    await expectRefused(
      ref,
      id,
      accept({ itemsChecked: 5, errors: { typo: 1 } }),
      "errors.typo",
      /not an error category/,
    );
    const ok = await f.ledger.recordReview(REVIEWER, ref, accept({ itemsChecked: 5, errors: { "wrong class": 5 } }));
    expect(ok.review).toMatchObject({ status: "ACCEPTED", itemsChecked: 5, errors: { "wrong class": 5 } });
  });

  it("refuses more errors in all than items checked; as many is fine", async () => {
    const { ref, id } = await pendingReview();
    await expectRefused(
      ref,
      id,
      accept({ itemsChecked: 5, errors: { "wrong class": 3, "missing label": 3 } }),
      "errors",
      /^6 errors in all is more than the 5 items checked; count each item with an error once, under its main category$/,
    );
    // 7 errors on 5 items checked, whatever the verdict
    await expectRefused(
      ref,
      id,
      { verdict: "changes", itemsChecked: 5, errors: { other: 4, attribute: 3 }, comment: "redo" },
      "errors",
      /^7 errors in all is more than the 5 items checked/,
    );
    const ok = await f.ledger.recordReview(
      REVIEWER,
      ref,
      accept({ itemsChecked: 5, errors: { "wrong class": 3, "missing label": 2 } }),
    );
    expect(ok.review).toMatchObject({ itemsChecked: 5, errors: { "wrong class": 3, "missing label": 2 } });
  });

  it("refuses more gold items right than gold items in the sample; as many is fine", async () => {
    const { ref, id } = await pendingReview();
    await expectRefused(
      ref,
      id,
      accept({ goldCorrect: 3 }),
      "goldCorrect",
      /^gold items right must be between 0 and 2 \(the gold items in the sample of A1 in review round 1\)$/,
    );
    await expectRefused(ref, id, accept({ goldCorrect: -1 }), "goldCorrect", /between 0 and 2/);
    await f.ledger.recordReview(REVIEWER, ref, accept({ goldCorrect: 2 }));
    expect(await f.prisma.review.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "ACCEPTED",
      goldChecked: 2,
      goldCorrect: 2,
    });
  });

  it("refuses gold items right when the sample holds no gold item", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos" });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const s = await f.ledger.submit(ANA, "A1", { confirmed: true });
    const id = Number(s.review!.ref.slice(1));
    await expectRefused(
      s.review!.ref,
      id,
      accept({ goldCorrect: 1 }),
      "goldCorrect",
      /^the sample of A1 in review round 1 holds no gold items, so none can be right$/,
    );
    await f.ledger.recordReview(REVIEWER, s.review!.ref, accept({ goldCorrect: 0 }));
    expect(await f.prisma.review.findUniqueOrThrow({ where: { id } })).toMatchObject({
      goldChecked: 0,
      goldCorrect: 0,
    });
  });
});
