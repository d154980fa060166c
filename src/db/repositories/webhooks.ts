/**
 * Webhooks: the receivers admins register, and the dispatcher's cursor over
 * the audit trail (read with AuditRepository.streamAfter); an event read
 * twice makes no second delivery (the outbox keys are unique).
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { DispatchCursor, WebhookRecord } from "../records.ts";
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

  /** Removes a webhook (one removed already keeps its first removal). */
  async remove(id: number, now: Date): Promise<void> {
    await this.db.webhook.updateMany({ where: { id, removedAt: null }, data: { removedAt: now } });
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
}
