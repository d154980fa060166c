/** The audit trail read as a stream: cursors moved on batch by batch, as text and back, and events as readers see them. */
import { describe, expect, it } from "vitest";
import { advance, auditEventView, formatCursor, parseCursor, STREAM_START } from "../../src/core/audit-stream.ts";
import type { AuditEventRecord } from "../../src/db/records.ts";

function event(id: number, over: Partial<AuditEventRecord> = {}): AuditEventRecord {
  return {
    id,
    teamId: "T1",
    at: new Date("2026-12-01T10:00:00Z"),
    actorId: "UANA",
    action: "assignment.progress",
    datasetId: 3,
    datasetSlug: "cats",
    assignmentId: 17,
    handoffId: null,
    reviewId: null,
    before: { itemsDone: 5 },
    after: { itemsDone: 9 },
    reason: null,
    ...over,
  };
}

describe("advance", () => {
  it("moves past every transaction below the snapshot when the batch read all there was", () => {
    const c = advance(
      { txid: 10n, afterId: 4n, afterXmin: 12n },
      { events: [event(5)], xmin: 20n, leftMinTxid: null },
      3,
    );
    expect(c).toEqual({ txid: 20n, afterId: 0n, afterXmin: 0n });
  });

  it("never moves back to a lower transaction", () => {
    const c = advance({ txid: 30n, afterId: 0n, afterXmin: 0n }, { events: [], xmin: 20n, leftMinTxid: null }, 3);
    expect(c).toEqual({ txid: 30n, afterId: 0n, afterXmin: 0n });
  });

  it("after a batch cut short, stays at the lowest transaction left and remembers the last event read", () => {
    const full = { events: [event(5), event(6), event(9)], xmin: 20n, leftMinTxid: 15n };
    expect(advance(STREAM_START, full, 3)).toEqual({ txid: 15n, afterId: 9n, afterXmin: 20n });
    // The snapshot's oldest running transaction when it is lower than any left over.
    expect(advance(STREAM_START, { ...full, leftMinTxid: 25n }, 3)).toEqual({ txid: 20n, afterId: 9n, afterXmin: 20n });
    // Nothing left over known: the snapshot's.
    expect(advance(STREAM_START, { ...full, leftMinTxid: null }, 3)).toEqual({
      txid: 20n,
      afterId: 9n,
      afterXmin: 20n,
    });
    // Never below where it was.
    expect(advance({ txid: 18n, afterId: 0n, afterXmin: 0n }, full, 3)).toEqual({
      txid: 18n,
      afterId: 9n,
      afterXmin: 20n,
    });
  });

  it("takes a batch shorter than the limit as complete, even with events", () => {
    const c = advance(STREAM_START, { events: [event(5), event(6)], xmin: 20n, leftMinTxid: 15n }, 3);
    expect(c).toEqual({ txid: 20n, afterId: 0n, afterXmin: 0n });
  });
});

describe("cursors as text", () => {
  it('write the start as "0" and any other cursor as three numbers', () => {
    expect(formatCursor(STREAM_START)).toBe("0");
    expect(formatCursor({ txid: 812n, afterId: 0n, afterXmin: 0n })).toBe("812.0.0");
    expect(formatCursor({ txid: 0n, afterId: 7n, afterXmin: 0n })).toBe("0.7.0");
    expect(formatCursor({ txid: 0n, afterId: 0n, afterXmin: 3n })).toBe("0.0.3");
    expect(formatCursor({ txid: 15n, afterId: 9n, afterXmin: 20n })).toBe("15.9.20");
  });

  it("read back what they wrote", () => {
    for (const c of [
      STREAM_START,
      { txid: 15n, afterId: 9n, afterXmin: 20n },
      { txid: 0n, afterId: 0n, afterXmin: 3n },
    ])
      expect(parseCursor(formatCursor(c))).toEqual(c);
  });

  it("take each part up to PostgreSQL's largest bigint, and nothing beyond", () => {
    const max = "9223372036854775807";
    const over = "9223372036854775808";
    expect(parseCursor(`${max}.${max}.${max}`)).toEqual({
      txid: 2n ** 63n - 1n,
      afterId: 2n ** 63n - 1n,
      afterXmin: 2n ** 63n - 1n,
    });
    expect(parseCursor(`${over}.1.1`)).toBeNull();
    expect(parseCursor(`1.${over}.1`)).toBeNull();
    expect(parseCursor(`1.1.${over}`)).toBeNull();
  });

  it("refuse what is not a cursor", () => {
    for (const s of [
      "",
      "00",
      "1",
      "1.2",
      "1.2.3.4",
      "a.b.c",
      "-1.2.3",
      "1.2.3 ",
      " 1.2.3",
      "1..3",
      "12345678901234567890.1.1",
    ])
      expect(parseCursor(s), s).toBeNull();
  });
});

describe("an audit event as readers see it", () => {
  it("names the range, handoff and review by reference, and keeps what is absent as null", () => {
    expect(auditEventView(event(5, { handoffId: 3, reviewId: 9 }))).toEqual({
      action: "assignment.progress",
      actor: "UANA",
      dataset: "cats",
      assignment: "A17",
      handoff: "H3",
      review: "R9",
      before: { itemsDone: 5 },
      after: { itemsDone: 9 },
      reason: null,
    });
    expect(
      auditEventView(
        event(6, {
          action: "dataset.add",
          assignmentId: null,
          before: undefined,
          after: undefined,
          reason: "new batch",
        }),
      ),
    ).toEqual({
      action: "dataset.add",
      actor: "UANA",
      dataset: "cats",
      assignment: null,
      handoff: null,
      review: null,
      before: null,
      after: null,
      reason: "new batch",
    });
  });
});
