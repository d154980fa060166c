/**
 * The outbox: what rangekeeper sent, keyed by what it is about, so a message
 * goes out once (a retry or a second replica finds the key taken) and can be
 * found again to update it.
 */
import type { SentMessageRecord } from "../records.ts";
import type { Client } from "./client.ts";

export class OutboxRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Reserves a key; false when a message with this key was already sent (or is being sent). */
  async reserve(teamId: string, key: string, kind: string, recipient: string): Promise<boolean> {
    const r = await this.db.notification.createMany({
      data: [{ teamId, dedupeKey: key, kind, recipient }],
      skipDuplicates: true,
    });
    return r.count === 1;
  }

  /** Records where a reserved message landed. */
  async markSent(
    teamId: string,
    key: string,
    where: { channelId: string; messageTs: string; at: Date },
  ): Promise<void> {
    await this.db.notification.update({
      where: { teamId_dedupeKey: { teamId, dedupeKey: key } },
      data: { channelId: where.channelId, messageTs: where.messageTs, sentAt: where.at },
    });
  }

  /** Gives a reservation back when sending failed, so a later attempt may send it. */
  async release(teamId: string, key: string): Promise<void> {
    await this.db.notification.deleteMany({ where: { teamId, dedupeKey: key, sentAt: null } });
  }

  /** Sent messages whose key starts with `prefix`, oldest first. */
  async sentWithPrefix(teamId: string, prefix: string): Promise<SentMessageRecord[]> {
    const rows = await this.db.notification.findMany({
      where: { teamId, dedupeKey: { startsWith: prefix }, sentAt: { not: null } },
      orderBy: { id: "asc" },
    });
    return rows.map((r) => ({
      key: r.dedupeKey,
      recipient: r.recipient,
      channelId: r.channelId,
      messageTs: r.messageTs,
    }));
  }
}
