/** The append-only audit trail (a trigger refuses updates and deletes). */
import { Prisma } from "../../generated/prisma/client.ts";
import type { AuditEventInput } from "../records.ts";
import { type Client, toJson } from "./client.ts";

/** The change an audit event recorded, as its before/after JSON. */
export interface RecordedChange {
  before: unknown;
  after: unknown;
}

/** One audit event as the API's feed shows it. */
export interface AuditPageRow {
  id: bigint;
  at: Date;
  actorId: string;
  action: string;
  datasetId: number | null;
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

  /** A workspace's audit events after id `after` recorded at or before `until`, oldest first, at most `limit`. */
  async page(teamId: string, after: bigint, until: Date, limit: number): Promise<AuditPageRow[]> {
    return this.db.auditEvent.findMany({
      where: { teamId, id: { gt: after }, at: { lte: until } },
      orderBy: { id: "asc" },
      take: limit,
      select: {
        id: true,
        at: true,
        actorId: true,
        action: true,
        datasetId: true,
        assignmentId: true,
        handoffId: true,
        reviewId: true,
        before: true,
        after: true,
        reason: true,
      },
    });
  }

  /** Changes of `actions` recorded on a dataset since `since`. */
  changesSince(datasetId: number, actions: readonly string[], since: Date): Promise<RecordedChange[]> {
    return this.db.auditEvent.findMany({
      where: { datasetId, action: { in: [...actions] }, at: { gte: since } },
      select: { before: true, after: true },
    });
  }
}
