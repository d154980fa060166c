/**
 * The append-only audit trail (a trigger refuses updates and deletes), and
 * how it is read as a stream.
 *
 * The stream is read by transaction, not by id alone: an id is taken when an
 * event is written but becomes visible only when its transaction commits, so
 * a transaction that commits late shows an id below ones already read. Every
 * audit event carries the id of the transaction that wrote it (`txid`); the
 * oldest transaction still running when a batch is read (`xmin` of its
 * snapshot) bounds what can still appear: everything of a transaction below
 * it is visible already. A reader's cursor keeps that bound (see
 * core/audit-stream.ts), so no event is skipped; an event may be read twice.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { AuditBatch, AuditCursor, AuditEventInput, AuditEventRecord } from "../records.ts";
import { type Client, toJson } from "./client.ts";

/** The change an audit event recorded, as its before/after JSON. */
export interface RecordedChange {
  before: unknown;
  after: unknown;
}

interface BatchRow {
  xmin: bigint;
  leftMinTxid: bigint | null;
  id: bigint | null;
  teamId: string | null;
  at: Date | null;
  actorId: string | null;
  action: string | null;
  datasetId: number | null;
  datasetSlug: string | null;
  assignmentId: number | null;
  handoffId: number | null;
  reviewId: number | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export class AuditRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  async append(e: AuditEventInput): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        teamId: e.teamId,
        actorId: e.actorId,
        action: e.action,
        at: e.at,
        datasetId: e.datasetId ?? null,
        assignmentId: e.assignmentId ?? null,
        handoffId: e.handoffId ?? null,
        reviewId: e.reviewId ?? null,
        before: e.before === undefined ? Prisma.DbNull : toJson(e.before),
        after: e.after === undefined ? Prisma.DbNull : toJson(e.after),
        reason: e.reason ?? null,
      },
    });
  }

  /**
   * The audit events after `c` (of one workspace, or all), at most `limit`,
   * by id, read in one statement (one snapshot) together with that
   * snapshot's oldest running transaction and, when cut short, the lowest
   * transaction among the events left over.
   */
  async streamAfter(c: AuditCursor, limit: number, teamId: string | null = null): Promise<AuditBatch> {
    const rows = await this.db.$queryRaw<BatchRow[]>`
      WITH snap AS (SELECT (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint AS "xmin"),
      todo AS (
        SELECT * FROM "AuditEvent" e
        WHERE e."txid" >= ${c.txid} AND NOT (e."id" <= ${c.afterId} AND e."txid" < ${c.afterXmin})
          AND (${teamId}::text IS NULL OR e."teamId" = ${teamId}::text)),
      batch AS (SELECT * FROM todo ORDER BY "id" LIMIT ${limit})
      SELECT snap."xmin",
        (SELECT MIN(t."txid") FROM todo t WHERE t."id" > (SELECT MAX(b2."id") FROM batch b2)) AS "leftMinTxid",
        b."id", b."teamId", b."at", b."actorId", b."action", b."datasetId", d."slug" AS "datasetSlug",
        b."assignmentId", b."handoffId", b."reviewId", b."before", b."after", b."reason"
      FROM snap
      LEFT JOIN batch b ON true
      LEFT JOIN "Dataset" d ON d."id" = b."datasetId"
      ORDER BY b."id"`;
    // The statement reads FROM snap, one row, joined to the batch: it always returns a row.
    const first = rows[0]!;
    const events: AuditEventRecord[] = rows.flatMap((r) =>
      r.id === null
        ? []
        : [
            {
              id: Number(r.id),
              teamId: r.teamId!,
              at: r.at!,
              actorId: r.actorId!,
              action: r.action!,
              datasetId: r.datasetId,
              datasetSlug: r.datasetSlug,
              assignmentId: r.assignmentId,
              handoffId: r.handoffId,
              reviewId: r.reviewId,
              before: r.before,
              after: r.after,
              reason: r.reason,
            },
          ],
    );
    return {
      events,
      xmin: BigInt(first.xmin),
      leftMinTxid: first.leftMinTxid === null ? null : BigInt(first.leftMinTxid),
    };
  }

  /** Changes of `actions` recorded on a dataset since `since`. */
  changesSince(datasetId: number, actions: readonly string[], since: Date): Promise<RecordedChange[]> {
    return this.db.auditEvent.findMany({
      where: { datasetId, action: { in: [...actions] }, at: { gte: since } },
      select: { before: true, after: true },
    });
  }
}
