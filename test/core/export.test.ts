/**
 * The ledger's CSV export: RFC 4180 fields with formula-looking text defused,
 * every range of the dataset (released ones too) with its columns, who may
 * export what, and the reviews export's columns and empty counts.
 */
import { describe, expect, it } from "vitest";
import { csvField, reviewColumns, reviewCsvLine } from "../../src/core/ledger/export.ts";
import type { ReviewWithRange } from "../../src/db/repositories/reviews.ts";
import {
  ANA,
  BOB,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  REVIEWER,
  useLedgerFixture,
} from "../support/ledger.ts";

describe("a CSV field", () => {
  it("is empty for nothing, and the text itself when it needs no quotes", () => {
    expect([csvField(null), csvField(undefined), csvField(""), csvField(0), csvField("cats")]).toEqual([
      "",
      "",
      "",
      "0",
      "cats",
    ]);
  });

  it("is quoted when it holds a comma, a quote or a line break, with quotes doubled", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField("a\rb")).toBe('"a\rb"');
    expect(csvField('""')).toBe('""""""');
  });

  it("defuses text a spreadsheet would read as a formula, but not numbers", () => {
    for (const s of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"]) expect(csvField(s)).toBe(`'${s}`);
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
    expect(csvField("=a,b")).toBe(`"'=a,b"`);
    expect(csvField(-5)).toBe("-5");
    expect(csvField("a=1")).toBe("a=1");
  });
});

describe("the reviews export's columns", () => {
  it("has the taxonomy's categories in its order, then those only recorded reviews have", () => {
    const { header, categories } = reviewColumns(["wrong class", "missing"], ["missing", "old", "older"]);
    expect(categories).toEqual(["wrong class", "missing", "old", "older"]);
    expect(header.slice(11, 17)).toEqual([
      "items_checked",
      "errors: wrong class",
      "errors: missing",
      "errors: old",
      "errors: older",
      "errors_total",
    ]);
    expect(header).toHaveLength(12 + 4 + 5);
  });

  it("leaves a pending review's counts empty, and fills a decided one's with zeros where nothing was found", () => {
    const base: ReviewWithRange = {
      id: 1,
      teamId: "T",
      assignmentId: 12,
      round: 2,
      reviewerId: null,
      annotatorId: "UANA",
      status: "PENDING",
      sampleItems: [],
      sampleSize: 10,
      sampleFull: true,
      sampleSeed: "s",
      itemsChecked: null,
      goldChecked: 0,
      goldCorrect: 0,
      comment: null,
      createdAt: new Date("2026-11-23T10:00:00Z"),
      decidedAt: null,
      submitNote: null,
      errors: {},
      first: 1,
      last: 10,
    };
    expect(reviewCsvLine(base, ["a", "b"])).toBe("A12,1,10,UANA,,2,PENDING,2026-11-23T10:00:00.000Z,,10,full,,,,,,,,");
    const decided: ReviewWithRange = {
      ...base,
      reviewerId: "UREV",
      status: "ACCEPTED",
      sampleFull: false,
      itemsChecked: 4,
      goldChecked: 2,
      goldCorrect: 1,
      errors: { b: 3, c: 2 },
      decidedAt: new Date("2026-11-24T10:00:00Z"),
      comment: "ok, mostly",
      submitNote: "=done",
    };
    expect(reviewCsvLine(decided, ["a", "b"])).toBe(
      `A12,1,10,UANA,UREV,2,ACCEPTED,2026-11-23T10:00:00.000Z,2026-11-24T10:00:00.000Z,10,sampled,4,0,3,5,2,1,'=done,"ok, mostly"`,
    );
  });
});

describe("the ledger's export", () => {
  let f: LedgerFixture;
  useLedgerFixture((x) => (f = x));

  it("has a row per range, released ones included, with its columns", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, dueDate: "2026-12-01", note: '=cmd, "quoted"' });
    await f.ledger.setProgress(ANA, "A1", 4);
    await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 30 });
    await f.ledger.release(BOB, "A2");
    await f.ledger.claim(BOB, { dataset: "cats", first: 31, last: 31 });
    await f.ledger.submit(BOB, "A3", { confirmed: true });
    const at = "2026-11-23T10:00:00.000Z";
    const out = await f.ledger.exportCsv(LEAD, "CATS");
    expect(out).toMatchObject({ rows: 3, slug: "cats" });
    expect(out.csv.endsWith("\r\n")).toBe(true);
    const lines = out.csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "ref,first,last,size,assignee,status,items_done,due_date,note,review_round,created_at,updated_at",
    );
    expect(lines.slice(1).map((l) => l.replace(/,[^,]*$/, ""))).toEqual([
      `A1,1,10,10,UANA,IN_PROGRESS,4,2026-12-01,"'=cmd, ""quoted""",0,${at}`,
      `A2,11,30,20,UBOB,RELEASED,0,,,0,${at}`,
      `A3,31,31,1,UBOB,IN_REVIEW,1,,,1,${at}`,
    ]);
    // updated_at is the database's own time of the last change
    for (const l of lines.slice(1)) expect(l).toMatch(/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("is for reviewers, leads and those holding a live range of the dataset, without registering anyone", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    expect((await f.ledger.exportCsv(REVIEWER, "cats")).rows).toBe(0);
    const members = await f.prisma.member.count();
    const refusal = "you hold nothing in cats; reviewers, leads and its annotators can export it";
    await expectDomainError(f.ledger.exportCsv(ANA, "cats"), "forbidden", refusal);
    expect(await f.prisma.member.count()).toBe(members);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    expect((await f.ledger.exportCsv(ANA, "cats")).rows).toBe(1);
    await f.ledger.release(ANA, "A1");
    await expectDomainError(f.ledger.exportCsv(ANA, "cats"), "forbidden", refusal);
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    await f.ledger.claim(BOB, { dataset: "dogs", first: 1, last: 10 });
    await expectDomainError(f.ledger.exportCsv(BOB, "cats"), "forbidden", refusal);
    await expectDomainError(
      f.ledger.exportCsv(LEAD, "birds"),
      "not_found",
      'there is no dataset "birds"; datasets: cats, dogs',
    );
  });
});
