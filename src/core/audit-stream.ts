/**
 * Reading the audit trail as a stream that never skips an event, whatever
 * order transactions commit in (the reasons are in db/repositories/audit.ts):
 * after each batch, the cursor moves on to what the batch's snapshot proves
 * was read. The webhook dispatcher and the API's feed both read this way; an
 * event may come twice (its id tells), never not at all.
 */
import type { AuditBatch, AuditCursor, AuditEventRecord } from "../db/records.ts";
import { assignmentRef, handoffRef, reviewRef } from "./refs.ts";

/** Before the first event. */
export const STREAM_START: AuditCursor = { txid: 0n, afterId: 0n, afterXmin: 0n };

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

/** The cursor after `batch`, read from `cursor` with `limit`. */
export function advance(cursor: AuditCursor, batch: AuditBatch, limit: number): AuditCursor {
  const last = batch.events.at(-1);
  if (batch.events.length === limit && last) {
    // Cut short: everything up to the last event read is done for transactions below the snapshot's
    // oldest running one; the left-over events start no lower than their lowest transaction.
    const left = batch.leftMinTxid ?? batch.xmin;
    return { txid: maxBig(cursor.txid, minBig(batch.xmin, left)), afterId: BigInt(last.id), afterXmin: batch.xmin };
  }
  // Everything visible is read: so is every transaction below the snapshot's oldest running one.
  return { txid: maxBig(cursor.txid, batch.xmin), afterId: 0n, afterXmin: 0n };
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A cursor as text: "0" at the start, else three numbers joined by dots. */
export function formatCursor(c: AuditCursor): string {
  if (c.txid === 0n && c.afterId === 0n && c.afterXmin === 0n) return "0";
  return `${c.txid}.${c.afterId}.${c.afterXmin}`;
}

/** A cursor from its text, or null when it is not one. */
export function parseCursor(s: string): AuditCursor | null {
  if (s === "0") return STREAM_START;
  const m = /^(\d{1,19})\.(\d{1,19})\.(\d{1,19})$/.exec(s);
  if (!m) return null;
  const [txid, afterId, afterXmin] = [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)];
  if (txid > MAX_BIGINT || afterId > MAX_BIGINT || afterXmin > MAX_BIGINT) return null;
  return { txid, afterId, afterXmin };
}

/** An audit event as readers outside the ledger see it (the feed, webhooks): references, not row ids. */
export function auditEventView(e: AuditEventRecord) {
  return {
    /** the ledger's own name of the change, e.g. assignment.progress or assignment.pause */
    action: e.action,
    /** who made the change: a Slack user id, system:<what> or api:<token name> */
    actor: e.actorId,
    dataset: e.datasetSlug,
    assignment: e.assignmentId === null ? null : assignmentRef(e.assignmentId),
    handoff: e.handoffId === null ? null : handoffRef(e.handoffId),
    review: e.reviewId === null ? null : reviewRef(e.reviewId),
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason,
  };
}

export type AuditEventView = ReturnType<typeof auditEventView>;
