/**
 * What scheduled jobs have announced, one row per fact (a range overdue for
 * a due date, to one person; a stall episode; an imbalance): inserting the
 * row is deciding to tell it, so each fact is told once however often, and
 * on however many replicas, the jobs run.
 */
import { type Client, toJson } from "./client.ts";

export class AnnouncementRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Records facts as announced; returns the keys that were new (the others were told before). */
  async announce(teamId: string, facts: readonly { key: string; detail?: unknown }[], now: Date): Promise<Set<string>> {
    if (facts.length === 0) return new Set();
    const rows = await this.db.announcement.createManyAndReturn({
      data: facts.map((f) => ({
        teamId,
        key: f.key,
        createdAt: now,
        ...(f.detail === undefined ? {} : { detail: toJson(f.detail) }),
      })),
      skipDuplicates: true,
      select: { key: true },
    });
    return new Set(rows.map((r) => r.key));
  }

  /** The keys among `keys` announced before. */
  async existing(teamId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.announcement.findMany({
      where: { teamId, key: { in: [...keys] } },
      select: { key: true },
    });
    return new Set(rows.map((r) => r.key));
  }

  /** The latest fact whose key starts with `prefix`, with its detail. */
  async latestWithPrefix(teamId: string, prefix: string): Promise<{ key: string; detail: unknown; at: Date } | null> {
    const r = await this.db.announcement.findFirst({
      where: { teamId, key: { startsWith: prefix } },
      orderBy: { createdAt: "desc" },
    });
    return r ? { key: r.key, detail: r.detail, at: r.createdAt } : null;
  }
}
