/** The append-only audit trail (a trigger refuses updates and deletes). */
import { Prisma } from "../../generated/prisma/client.ts";
import type { AuditEventInput } from "../records.ts";
import { type Client, toJson } from "./client.ts";

/** The change an audit event recorded, as its before/after JSON. */
export interface RecordedChange {
  before: unknown;
  after: unknown;
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

  /** Changes of `actions` recorded on a dataset since `since`. */
  changesSince(datasetId: number, actions: readonly string[], since: Date): Promise<RecordedChange[]> {
    return this.db.auditEvent.findMany({
      where: { datasetId, action: { in: [...actions] }, at: { gte: since } },
      select: { before: true, after: true },
    });
  }
}
