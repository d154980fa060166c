/**
 * The inbox: each slash command and interaction as it arrived, written before
 * it is acknowledged. A row stays open until the request is handled; a row
 * whose process died (or stopped before finishing it) is taken over and
 * handled again. The request's signature is unique: an exact replay finds its
 * row taken.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { InboxRecord, NewInboxRecord } from "../records.ts";
import type { Client } from "./client.ts";

type Row = Prisma.InboxRequestGetPayload<object>;

const record = (r: Row): InboxRecord => ({
  id: r.id,
  teamId: r.teamId,
  userId: r.userId,
  kind: r.kind,
  payload: JSON.parse(r.payload) as unknown,
  receivedAt: r.receivedAt,
  attempts: r.attempts,
});

export class InboxRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Writes a request held by `holder`; null when its signature was written before (a replay). */
  async record(r: NewInboxRecord, holder: string, leaseUntil: Date): Promise<number | null> {
    const [row] = await this.db.inboxRequest.createManyAndReturn({
      data: [
        {
          teamId: r.teamId,
          userId: r.userId,
          kind: r.kind,
          signature: r.signature,
          payload: JSON.stringify(r.payload),
          receivedAt: r.receivedAt,
          heldBy: holder,
          leaseUntil,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** Closes a request: handled, or given up with the reason. */
  async finish(id: number, outcome: string, now: Date): Promise<void> {
    await this.db.inboxRequest.updateMany({
      where: { id, doneAt: null },
      data: { doneAt: now, outcome, heldBy: null, leaseUntil: null },
    });
  }

  /**
   * Takes over open requests whose holder is one of `deadHolders` or whose
   * lease ran out, oldest first, for `holder`; each attempt is counted.
   */
  async takeOver(
    now: Date,
    holder: string,
    leaseUntil: Date,
    deadHolders: readonly string[],
    limit: number,
  ): Promise<InboxRecord[]> {
    const ids = await this.db.$queryRaw<{ id: number }[]>`
      UPDATE "InboxRequest"
      SET "heldBy" = ${holder}, "leaseUntil" = ${leaseUntil}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "InboxRequest"
        WHERE "doneAt" IS NULL
          AND ("heldBy" IS NULL OR "leaseUntil" < ${now} OR "heldBy" = ANY(${[...deadHolders]}::text[]))
        ORDER BY "id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id"`;
    if (ids.length === 0) return [];
    const rows = await this.db.inboxRequest.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      orderBy: { id: "asc" },
    });
    return rows.map(record);
  }

  /** The processes holding open requests now. */
  async holders(): Promise<string[]> {
    const rows = await this.db.inboxRequest.findMany({
      where: { doneAt: null, heldBy: { not: null } },
      distinct: ["heldBy"],
      select: { heldBy: true },
    });
    return rows.map((r) => r.heldBy!);
  }

  /** Hands the open requests of `holder` (a process stopping) to whoever looks next. Returns how many. */
  async release(holder: string): Promise<number> {
    const r = await this.db.inboxRequest.updateMany({
      where: { doneAt: null, heldBy: holder },
      data: { heldBy: null, leaseUntil: null },
    });
    return r.count;
  }

  /** Open requests (received, not handled yet). */
  async open(): Promise<number> {
    return this.db.inboxRequest.count({ where: { doneAt: null } });
  }

  /** Forgets handled requests received before `before` (their replay window is long past). */
  async purge(before: Date): Promise<number> {
    const r = await this.db.inboxRequest.deleteMany({ where: { doneAt: { not: null }, receivedAt: { lt: before } } });
    return r.count;
  }
}
