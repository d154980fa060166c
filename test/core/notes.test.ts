/**
 * The note a claim takes: kept without the spaces around it, none when it is
 * blank, and its length counted after trimming; the same for a claim of the
 * next free items and for a lead's assignment.
 */
import { describe, expect, it } from "vitest";
import { MAX_NOTE } from "../../src/core/ledger/assignments.ts";
import { ANA, expectDomainError, LEAD, type LedgerFixture, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

describe("a claim's note", () => {
  it("is kept trimmed, and a blank one is no note", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const trimmed = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, note: "  night shots \n" });
    expect(trimmed.assignment.note).toBe("night shots");
    const blank = await f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 20, note: " \t " });
    expect(blank.assignment.note).toBeNull();
    const next = await f.ledger.claimNext(ANA, { dataset: "cats", size: 5, note: " first pass " });
    expect(next.assignment.note).toBe("first pass");
    const assigned = await f.ledger.assign(LEAD, {
      dataset: "cats",
      first: 100,
      last: 110,
      assigneeId: ANA.userId,
      note: "   ",
    });
    expect(assigned.assignment.note).toBeNull();
    const rows = await f.prisma.assignment.findMany({ orderBy: { first: "asc" }, select: { note: true } });
    expect(rows.map((r) => r.note)).toEqual(["night shots", null, "first pass", null]);
  });

  it("has its length counted without the spaces around it", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const padded = ` ${"n".repeat(MAX_NOTE)}  `;
    const ok = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10, note: padded });
    expect(ok.assignment.note).toBe("n".repeat(MAX_NOTE));
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 11, last: 20, note: ` ${"n".repeat(MAX_NOTE + 1)} ` }),
      "invalid",
      `the note is ${MAX_NOTE + 1} characters long; keep it under ${MAX_NOTE}`,
    );
  });
});
