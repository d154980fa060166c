/**
 * The outbox: one row per Slack message rangekeeper decided to send, keyed
 * by what it is about, so it is decided once whatever runs concurrently (a
 * second decision finds the key taken). A row holds the message's latest
 * content; senders claim due rows (FOR UPDATE SKIP LOCKED, with a lease, so
 * no two senders hold one row), deliver them and record where they landed.
 */
import { isDeepStrictEqual } from "node:util";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { NewOutboxRecord, OutboxBacklog, OutboxCard, OutboxRecord, OutboxSender } from "../records.ts";
import { type Client, toJson } from "./client.ts";

type Row = Prisma.NotificationGetPayload<object>;

const record = (r: Row): OutboxRecord => ({
  id: r.id,
  teamId: r.teamId,
  key: r.dedupeKey,
  kind: r.kind,
  recipient: r.recipient,
  toUser: r.toUser,
  message: r.message,
  status: r.status,
  revision: r.revision,
  notBefore: r.notBefore,
  nextAttemptAt: r.nextAttemptAt,
  attempts: r.attempts,
  lastError: r.lastError,
  inDoubt: r.inDoubt,
  responseUrl: r.responseUrl,
  responseUntil: r.responseUntil,
  channelId: r.channelId,
  messageTs: r.messageTs,
  createdAt: r.createdAt,
  sentAt: r.sentAt,
  failedAt: r.failedAt,
  sender: r.sender === "webhook" ? "webhook" : "slack",
  orderKey: r.orderKey,
});

export class OutboxRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Writes messages whose keys are new; returns the keys written (a key already there is left as it is). */
  async enqueue(rows: readonly NewOutboxRecord[], now: Date): Promise<string[]> {
    if (rows.length === 0) return [];
    const written = await this.db.notification.createManyAndReturn({
      data: rows.map((r) => ({
        teamId: r.teamId,
        dedupeKey: r.key,
        kind: r.kind,
        recipient: r.recipient,
        toUser: r.toUser,
        message: toJson(r.message),
        notBefore: r.notBefore,
        responseUrl: r.responseUrl ?? null,
        responseUntil: r.responseUntil ?? null,
        nextAttemptAt: r.firstAttemptAt ?? now,
        subject: r.subject ?? null,
        sender: r.sender ?? "slack",
        orderKey: r.orderKey ?? null,
        createdAt: now,
      })),
      skipDuplicates: true,
      select: { dedupeKey: true },
    });
    return written.map((w) => w.dedupeKey);
  }

  /** The messages (not replies, not given up) that show the card of one of the ranges `subjects`. */
  async cardsOf(teamId: string, subjects: readonly number[]): Promise<OutboxCard[]> {
    if (subjects.length === 0) return [];
    const rows = await this.db.notification.findMany({
      where: {
        teamId,
        subject: { in: [...subjects] },
        responseUrl: null,
        status: { not: "FAILED" },
        sender: "slack",
      },
      orderBy: { id: "asc" },
      select: { dedupeKey: true, recipient: true, toUser: true, subject: true, message: true },
    });
    return rows.flatMap((r) =>
      r.subject === null
        ? []
        : [{ key: r.dedupeKey, recipient: r.recipient, toUser: r.toUser, subject: r.subject, message: r.message }],
    );
  }

  /** The conversation the message of `key` landed in, with its recipient (null: no such message). */
  async placeOf(teamId: string, key: string): Promise<{ recipient: string; channelId: string | null } | null> {
    return this.db.notification.findUnique({
      where: { teamId_dedupeKey: { teamId, dedupeKey: key } },
      select: { recipient: true, channelId: true },
    });
  }

  /** The keys among `keys` that the outbox already holds. */
  async existingKeys(teamId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.notification.findMany({
      where: { teamId, dedupeKey: { in: [...keys] } },
      select: { dedupeKey: true },
    });
    return new Set(rows.map((r) => r.dedupeKey));
  }

  /** Keys that start with `prefix` and end with `:<suffix>` (e.g. one day's summaries). */
  async keysWithPrefixOn(teamId: string, prefix: string, suffix: string): Promise<string[]> {
    const rows = await this.db.notification.findMany({
      where: { teamId, AND: [{ dedupeKey: { startsWith: prefix } }, { dedupeKey: { endsWith: `:${suffix}` } }] },
      select: { dedupeKey: true },
    });
    return rows.map((r) => r.dedupeKey);
  }

  /**
   * Gives the message of `key` new content, to be shown in place of the old
   * (posted if it never was, updated where it landed otherwise). Unchanged
   * content changes nothing. Returns the outcome.
   */
  async replaceContent(teamId: string, key: string, message: unknown, now: Date): Promise<"updated" | "unchanged"> {
    const row = await this.db.notification.findUnique({
      where: { teamId_dedupeKey: { teamId, dedupeKey: key } },
      select: { message: true },
    });
    // jsonb keeps keys in its own order: compare values, not texts.
    if (!row || isDeepStrictEqual(row.message, toJson(message))) return "unchanged";
    await this.db.notification.update({
      where: { teamId_dedupeKey: { teamId, dedupeKey: key } },
      data: {
        message: toJson(message),
        revision: { increment: 1 },
        status: "PENDING",
        nextAttemptAt: now,
        attempts: 0,
        lastError: null,
        failedAt: null,
      },
    });
    return "updated";
  }

  /** Gives every row whose key starts with `prefix` new content (e.g. all leads' copies of one request); returns how many changed. */
  async replaceContentWithPrefix(teamId: string, prefix: string, message: unknown, now: Date): Promise<number> {
    const rows = await this.db.notification.findMany({
      where: { teamId, dedupeKey: { startsWith: prefix } },
      select: { dedupeKey: true },
    });
    let changed = 0;
    for (const r of rows) if ((await this.replaceContent(teamId, r.dedupeKey, message, now)) === "updated") changed++;
    return changed;
  }

  /**
   * Claims up to `limit` of `sender`'s rows due at `now` for `owner` until
   * `now + leaseMs`: pending rows whose time has come, and rows whose
   * sender's lease ran out (it died or stalled). Rows another sender is
   * claiming are skipped, not waited for. A row with an order key waits
   * while an earlier row of its key is pending or being sent, so such rows
   * go one at a time, in the order they were written.
   */
  async claimDue(
    now: Date,
    owner: string,
    leaseMs: number,
    limit: number,
    sender: OutboxSender,
  ): Promise<OutboxRecord[]> {
    const until = new Date(now.getTime() + leaseMs);
    // A row taken from a sender whose lease ran out was cut off mid-send: it is in doubt.
    const ids = await this.db.$queryRaw<{ id: number }[]>`
      UPDATE "Notification"
      SET "status" = 'SENDING', "leaseUntil" = ${until}, "leasedBy" = ${owner},
          "inDoubt" = "inDoubt" OR "status" = 'SENDING'

      WHERE "id" IN (
        SELECT n."id" FROM "Notification" n
        WHERE n."sender" = ${sender}
          AND ((n."status" = 'PENDING' AND n."nextAttemptAt" <= ${now} AND n."notBefore" <= ${now})
            OR (n."status" = 'SENDING' AND n."leaseUntil" < ${now}))
          AND (n."orderKey" IS NULL OR NOT EXISTS (
            SELECT 1 FROM "Notification" e
            WHERE e."orderKey" = n."orderKey" AND e."id" < n."id" AND e."status" IN ('PENDING', 'SENDING')))
        ORDER BY n."nextAttemptAt", n."id"
        LIMIT ${limit}
        FOR UPDATE OF n SKIP LOCKED)
      RETURNING "id"`;
    if (ids.length === 0) return [];
    const rows = await this.db.notification.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      orderBy: { id: "asc" },
    });
    return rows.map(record);
  }

  /**
   * Claims one row by its key for the request that wrote it, which delivers it at once: when nobody
   * holds it and it was never tried (or its retry is due).
   */
  async claimKey(teamId: string, key: string, now: Date, owner: string, leaseMs: number): Promise<OutboxRecord | null> {
    const until = new Date(now.getTime() + leaseMs);
    const ids = await this.db.$queryRaw<{ id: number }[]>`
      UPDATE "Notification"
      SET "status" = 'SENDING', "leaseUntil" = ${until}, "leasedBy" = ${owner}
      WHERE "teamId" = ${teamId} AND "dedupeKey" = ${key} AND "sender" = 'slack'
        AND "status" = 'PENDING' AND "notBefore" <= ${now} AND ("attempts" = 0 OR "nextAttemptAt" <= ${now})
      RETURNING "id"`;
    const id = ids[0]?.id;
    if (id === undefined) return null;
    const row = await this.db.notification.findUnique({ where: { id } });
    return row ? record(row) : null;
  }

  /**
   * Records that revision `revision` of row `id` landed at `where`. When the
   * content changed meanwhile, the row stays pending so the newer content
   * follows (as an update of the message just posted).
   */
  async markSent(
    id: number,
    revision: number,
    where: { channelId: string; messageTs: string } | null,
    now: Date,
  ): Promise<void> {
    const done = {
      channelId: where?.channelId ?? null,
      messageTs: where?.messageTs ?? null,
      leaseUntil: null,
      leasedBy: null,
      inDoubt: false,
    };
    const r = await this.db.notification.updateMany({
      where: { id, revision },
      data: { ...done, status: "SENT", sentAt: now, attempts: 0, lastError: null },
    });
    if (r.count === 0)
      await this.db.notification.updateMany({
        where: { id },
        data: { ...done, status: "PENDING", nextAttemptAt: now, attempts: 0 },
      });
  }

  /** A failed attempt to try again at `at`. */
  async retryAt(id: number, at: Date, error: string, inDoubt: boolean): Promise<void> {
    await this.db.notification.update({
      where: { id },
      data: {
        status: "PENDING",
        nextAttemptAt: at,
        attempts: { increment: 1 },
        lastError: error,
        leaseUntil: null,
        leasedBy: null,
        inDoubt,
      },
    });
  }

  /** A reply whose response_url is spent: due at once, as a DM (a fresh send, nothing of it reached Slack's DM). */
  async dropResponseUrl(id: number, why: string, now: Date): Promise<void> {
    await this.db.notification.update({
      where: { id },
      data: {
        status: "PENDING",
        responseUrl: null,
        nextAttemptAt: now,
        lastError: why,
        leaseUntil: null,
        leasedBy: null,
        inDoubt: false,
      },
    });
  }

  /** Gives a row up for good. */
  async fail(id: number, error: string, now: Date): Promise<void> {
    await this.db.notification.update({
      where: { id },
      data: {
        status: "FAILED",
        failedAt: now,
        attempts: { increment: 1 },
        lastError: error,
        leaseUntil: null,
        leasedBy: null,
      },
    });
  }

  /**
   * Hands the rows held by `owner` (a sender stopping), or by any of
   * `owners` (senders known dead), back to every sender, in doubt: their
   * send may have reached Slack. Returns how many.
   */
  async releaseLeases(owner: string | readonly string[]): Promise<number> {
    const r = await this.db.notification.updateMany({
      where: { status: "SENDING", leasedBy: typeof owner === "string" ? owner : { in: [...owner] } },
      data: { status: "PENDING", leaseUntil: null, leasedBy: null, inDoubt: true },
    });
    return r.count;
  }

  /** The senders (of `sender`'s rows) holding rows now. */
  async leaseHolders(sender: OutboxSender): Promise<string[]> {
    const rows = await this.db.notification.findMany({
      where: { status: "SENDING", leasedBy: { not: null }, sender },
      distinct: ["leasedBy"],
      select: { leasedBy: true },
    });
    return rows.map((r) => r.leasedBy!);
  }

  /** When `sender`'s next pending row falls due (its earliest attempt or working-hours opening), or null when none is pending. */
  async nextDueAt(sender: OutboxSender): Promise<Date | null> {
    const [r] = await this.db.$queryRaw<{ due: Date | null }[]>`
      SELECT MIN(GREATEST("nextAttemptAt", "notBefore")) AS "due" FROM "Notification"
      WHERE "status" = 'PENDING' AND "sender" = ${sender}`;
    return r?.due ?? null;
  }

  /** Counts by status (of one workspace, or of all; of one sender's rows, or of all). */
  async backlog(now: Date, teamId?: string, sender?: OutboxSender): Promise<OutboxBacklog> {
    const where = { ...(teamId ? { teamId } : {}), ...(sender ? { sender } : {}) };
    const [groups, waiting, oldest] = await Promise.all([
      this.db.notification.groupBy({ by: ["status"], where, _count: { _all: true } }),
      this.db.notification.count({
        where: { ...where, status: "PENDING", OR: [{ notBefore: { gt: now } }, { nextAttemptAt: { gt: now } }] },
      }),
      this.db.notification.findFirst({
        where: { ...where, status: { in: ["PENDING", "SENDING"] } },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      }),
    ]);
    const count = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
    return {
      pending: count("PENDING"),
      waiting,
      sending: count("SENDING"),
      failed: count("FAILED"),
      oldestPendingAt: oldest?.createdAt ?? null,
    };
  }

  /** Rows given up (of one sender, or of all), newest first. */
  async failed(teamId: string, limit: number, sender?: OutboxSender): Promise<OutboxRecord[]> {
    const rows = await this.db.notification.findMany({
      where: { teamId, status: "FAILED", ...(sender ? { sender } : {}) },
      orderBy: { failedAt: "desc" },
      take: limit,
    });
    return rows.map(record);
  }

  /** Recipients of the rows whose key starts with `prefix`, whether delivered yet or not. */
  async recipientsWithPrefix(teamId: string, prefix: string): Promise<string[]> {
    const rows = await this.db.notification.findMany({
      where: { teamId, dedupeKey: { startsWith: prefix } },
      orderBy: { id: "asc" },
      select: { recipient: true },
    });
    return rows.map((r) => r.recipient);
  }
}
