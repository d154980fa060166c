/**
 * The API's audit feed: read page after page with the cursor each page gives,
 * it yields every event of the workspace (and no other's) in order, an event
 * whose transaction commits late included (on PostgreSQL, where transactions
 * run side by side; PGlite is one connection, so its transactions never
 * overlap), and refuses a cursor it did not make.
 */
import { describe, expect, it } from "vitest";
import { integrationActor } from "../../src/core/api-tokens.ts";
import { advance, formatCursor, parseCursor, STREAM_START } from "../../src/core/audit-stream.ts";
import { usingPostgres } from "../support/db.ts";
import { openLateTransaction } from "../support/late-commit.ts";
import { ANA, BOB, expectDomainError, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const tool = integrationActor({ teamId: TEAM, name: "feed", scope: "read" });

/** Every event the feed yields from `after`, page by page, and the cursor it ends at. */
async function readAll(after = "0", limit = 3) {
  const ids: number[] = [];
  let cursor = after;
  for (let pages = 0; pages < 100; pages++) {
    const page = await f.ledger.auditFeed(tool, cursor, limit);
    ids.push(...page.events.map((e) => Number(e.id)));
    cursor = page.next;
    if (!page.more) return { ids, cursor };
  }
  throw new Error("the feed never ended");
}

const teamEventIds = async () =>
  (await f.prisma.auditEvent.findMany({ where: { teamId: TEAM }, select: { id: true }, orderBy: { id: "asc" } })).map(
    (e) => Number(e.id),
  );

describe("the audit feed", () => {
  it("yields every event of the workspace once read to the end, in order, and nothing of another workspace", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    for (let i = 0; i < 4; i++) await f.ledger.claim(ANA, { dataset: "cats", first: i * 10 + 1, last: i * 10 + 5 });
    await f.prisma.workspace.create({ data: { id: "TOTHER" } });
    await f.prisma.auditEvent.create({ data: { teamId: "TOTHER", actorId: "UX", action: "dataset.add" } });

    const first = await readAll();
    const unique = [...new Set(first.ids)];
    expect(unique).toEqual(await teamEventIds());
    expect(first.ids).toEqual([...first.ids].sort((a, b) => a - b));
    const page = await f.ledger.auditFeed(tool, "0", 2);
    expect(page.events[0]).toMatchObject({ actor: "UADMIN", action: expect.any(String) });

    // Later changes come after the cursor the last page gave; what was read does not come again.
    await f.ledger.claim(BOB, { dataset: "cats", first: 90, last: 95 });
    const next = await readAll(first.cursor);
    expect(next.ids).toEqual([(await teamEventIds()).at(-1)]);
    const claimed = await f.ledger.auditFeed(tool, first.cursor, 10);
    expect(claimed.events).toEqual([
      expect.objectContaining({ action: "assignment.claim", actor: BOB.userId, dataset: "cats", assignment: "A5" }),
    ]);
  });

  it("refuses a cursor it did not make and a page size out of range, naming the field", async () => {
    const cursor = await expectDomainError(
      f.ledger.auditFeed(tool, "12", 10),
      "invalid",
      'after must be a cursor from an earlier page (or 0), not "12"',
    );
    expect(cursor.details).toEqual({ field: "after" });
    await expectDomainError(f.ledger.auditFeed(tool, "1.2.99999999999999999999", 10), "invalid", /after/);
    for (const limit of [0, 501, 2.5, Number.NaN]) {
      const e = await expectDomainError(
        f.ledger.auditFeed(tool, "0", limit),
        "invalid",
        "limit must be between 1 and 500",
      );
      expect(e.details).toEqual({ field: "limit" });
    }
    expect((await f.ledger.auditFeed(tool, "0", 500)).more).toBe(false);
    expect((await f.ledger.auditFeed(tool, "0", 1)).events.length).toBeLessThanOrEqual(1);
  });

  it.skipIf(!usingPostgres())(
    "does not skip an event whose transaction commits after the feed read a later one",
    async () => {
      await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
      await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
      const start = await readAll();
      // A transaction on another connection writes an event (a lower id) and stays open…
      const [other] = f.db.openConnections(1, { poolSize: 1 });
      const late = await openLateTransaction(other!, (r) =>
        r.audit.append({ teamId: TEAM, actorId: "late", action: "assignment.progress", at: new Date() }),
      );
      // …while another change commits (a higher id) and the feed is read past it.
      await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
      const middle = await readAll(start.cursor);
      await late.commit();
      const end = await readAll(middle.cursor);
      const seen = new Set([...start.ids, ...middle.ids, ...end.ids]);
      expect([...seen].sort((a, b) => a - b)).toEqual(await teamEventIds());
      const lateId = (await f.prisma.auditEvent.findFirstOrThrow({ where: { actorId: "late" } })).id;
      expect(Number(lateId)).toBeLessThan(Math.max(...middle.ids));
      expect(end.ids).toContain(Number(lateId));
    },
  );
});

describe("the audit stream's cursor", () => {
  const event = (id: number) => ({
    id,
    teamId: TEAM,
    at: new Date(0),
    actorId: "U",
    action: "a",
    datasetId: null,
    datasetSlug: null,
    assignmentId: null,
    handoffId: null,
    reviewId: null,
    before: null,
    after: null,
    reason: null,
  });

  it("moves past everything visible when a batch is complete, and keeps what may still appear when cut short", () => {
    const c = { txid: 100n, afterId: 0n, afterXmin: 0n };
    expect(advance(c, { events: [event(7)], xmin: 120n, leftMinTxid: null }, 5)).toEqual({
      txid: 120n,
      afterId: 0n,
      afterXmin: 0n,
    });
    expect(advance(c, { events: [event(7), event(9)], xmin: 120n, leftMinTxid: 110n }, 2)).toEqual({
      txid: 110n,
      afterId: 9n,
      afterXmin: 120n,
    });
    // The cursor never goes back.
    expect(
      advance({ txid: 130n, afterId: 0n, afterXmin: 0n }, { events: [], xmin: 120n, leftMinTxid: null }, 5),
    ).toEqual({ txid: 130n, afterId: 0n, afterXmin: 0n });
  });

  it("reads back what it writes, and nothing else", () => {
    const c = { txid: 123n, afterId: 45n, afterXmin: 678n };
    expect(parseCursor(formatCursor(c))).toEqual(c);
    expect(formatCursor(STREAM_START)).toBe("0");
    expect(parseCursor("0")).toEqual(STREAM_START);
    for (const bad of ["", "1", "1.2", "a.b.c", "1.2.3.4", "-1.2.3", "9223372036854775808.0.0"])
      expect(parseCursor(bad), bad).toBeNull();
  });
});
