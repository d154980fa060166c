/**
 * Webhooks: the receivers admins register, and the dispatcher's cursor over
 * the audit trail.
 *
 * The trail is read by transaction, not by id alone: an id is taken when an
 * event is written but becomes visible only when its transaction commits, so
 * a transaction that commits late shows an id below ones already read. Every
 * audit event carries the id of the transaction that wrote it (`txid`); the
 * oldest transaction still running when a batch is read (`xmin` of its
 * snapshot) bounds what can still appear: everything of a transaction below
 * it is visible already. The cursor keeps that bound, so no event is skipped;
 * an event read twice makes no second delivery (the outbox keys are unique).
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { AuditBatch, AuditEventRecord, DispatchCursor, WebhookRecord } from "../records.ts";
import type { Client } from "./client.ts";

type Row = Prisma.WebhookGetPayload<object>;

const record = (r: Row): WebhookRecord => ({
  id: r.id,
  teamId: r.teamId,
  url: r.url,
  events: r.events,
  secret: r.secret,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  disabledAt: r.disabledAt,
  disabledReason: r.disabledReason,
  removedAt: r.removedAt,
});

export interface NewWebhookRecord {
  teamId: string;
  url: string;
  events: string[];
  secret: string;
  createdBy: string;
  createdAt: Date;
}

/** The one cursor of the dispatcher (a row written by the migration). */
const CURSOR = "audit";

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

export class WebhookRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  async create(w: NewWebhookRecord): Promise<WebhookRecord> {
    return record(await this.db.webhook.create({ data: w }));
  }

  /** A workspace's webhook (removed ones too), or null. */
  async find(teamId: string, id: number): Promise<WebhookRecord | null> {
    const r = await this.db.webhook.findFirst({ where: { id, teamId } });
    return r ? record(r) : null;
  }

  /** A webhook by id alone (the sender's look-up), or null. */
  async byId(id: number): Promise<WebhookRecord | null> {
    const r = await this.db.webhook.findUnique({ where: { id } });
    return r ? record(r) : null;
  }

  /** A workspace's webhooks not removed, oldest first. */
  async listed(teamId: string): Promise<WebhookRecord[]> {
    const rows = await this.db.webhook.findMany({ where: { teamId, removedAt: null }, orderBy: { id: "asc" } });
    return rows.map(record);
  }

  /** Every webhook that receives events now (neither disabled nor removed), of every workspace. */
  async active(): Promise<WebhookRecord[]> {
    const rows = await this.db.webhook.findMany({
      where: { removedAt: null, disabledAt: null },
      orderBy: { id: "asc" },
    });
    return rows.map(record);
  }

  /** Removes a webhook; false when it was removed already. */
  async remove(id: number, now: Date): Promise<boolean> {
    const r = await this.db.webhook.updateMany({ where: { id, removedAt: null }, data: { removedAt: now } });
    return r.count > 0;
  }

  /** Disables a webhook; false when it was disabled or removed already. */
  async disable(id: number, reason: string, now: Date): Promise<boolean> {
    const r = await this.db.webhook.updateMany({
      where: { id, removedAt: null, disabledAt: null },
      data: { disabledAt: now, disabledReason: reason },
    });
    return r.count > 0;
  }

  // ---- the dispatcher's cursor

  /**
   * The cursor, locked until the transaction ends; null while another
   * dispatcher holds it (it is not waited for).
   */
  async lockCursor(): Promise<DispatchCursor | null> {
    const rows = await this.db.$queryRaw<DispatchCursor[]>`
      SELECT "txid", "afterId", "afterXmin" FROM "WebhookCursor" WHERE "name" = ${CURSOR}
      FOR UPDATE SKIP LOCKED`;
    return rows[0] ?? null;
  }

  async saveCursor(c: DispatchCursor, now: Date): Promise<void> {
    await this.db.webhookCursor.update({
      where: { name: CURSOR },
      data: { txid: c.txid, afterId: c.afterId, afterXmin: c.afterXmin, updatedAt: now },
    });
  }

  /**
   * The audit events after `c`, at most `limit`, by id, read in one statement
   * (one snapshot) together with that snapshot's oldest running transaction
   * and, when cut short, the lowest transaction among the events left over.
   */
  async eventsAfter(c: DispatchCursor, limit: number): Promise<AuditBatch> {
    const rows = await this.db.$queryRaw<BatchRow[]>`
      WITH snap AS (SELECT (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint AS "xmin"),
      todo AS (
        SELECT * FROM "AuditEvent" e
        WHERE e."txid" >= ${c.txid} AND NOT (e."id" <= ${c.afterId} AND e."txid" < ${c.afterXmin})),
      batch AS (SELECT * FROM todo ORDER BY "id" LIMIT ${limit})
      SELECT snap."xmin",
        (SELECT MIN(t."txid") FROM todo t WHERE t."id" > (SELECT MAX(b2."id") FROM batch b2)) AS "leftMinTxid",
        b."id", b."teamId", b."at", b."actorId", b."action", b."datasetId", d."slug" AS "datasetSlug",
        b."assignmentId", b."handoffId", b."reviewId", b."before", b."after", b."reason"
      FROM snap
      LEFT JOIN batch b ON true
      LEFT JOIN "Dataset" d ON d."id" = b."datasetId"
      ORDER BY b."id"`;
    const first = rows[0];
    if (!first) throw new Error("the audit trail's snapshot could not be read");
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
}
