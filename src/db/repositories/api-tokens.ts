/** Workspace API tokens, kept as their SHA-256 only. */
import type { Client } from "./client.ts";

export type ApiTokenScope = "read" | "write";

export interface ApiTokenRecord {
  id: number;
  teamId: string;
  name: string;
  scope: ApiTokenScope;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

const FIELDS = {
  id: true,
  teamId: true,
  name: true,
  scope: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  revokedBy: true,
} as const;

const record = (r: Omit<ApiTokenRecord, "scope"> & { scope: string }): ApiTokenRecord => ({
  ...r,
  scope: r.scope === "write" ? "write" : "read",
});

export class ApiTokenRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  async create(t: { teamId: string; name: string; scope: ApiTokenScope; hash: string; createdBy: string; at: Date }) {
    return record(
      await this.db.apiToken.create({
        data: { teamId: t.teamId, name: t.name, scope: t.scope, hash: t.hash, createdBy: t.createdBy, createdAt: t.at },
        select: FIELDS,
      }),
    );
  }

  async findByName(teamId: string, name: string): Promise<ApiTokenRecord | null> {
    const r = await this.db.apiToken.findUnique({ where: { teamId_name: { teamId, name } }, select: FIELDS });
    return r && record(r);
  }

  /** A token by name with its hash (what its webhook signing secret is derived from), revoked or not. */
  async findWithHash(teamId: string, name: string): Promise<{ token: ApiTokenRecord; hash: string } | null> {
    const r = await this.db.apiToken.findUnique({
      where: { teamId_name: { teamId, name } },
      select: { ...FIELDS, hash: true },
    });
    if (!r) return null;
    const { hash, ...token } = r;
    return { token: record(token), hash };
  }

  /** The token whose hash is `hash`, revoked or not. */
  async findByHash(hash: string): Promise<ApiTokenRecord | null> {
    const r = await this.db.apiToken.findUnique({ where: { hash }, select: FIELDS });
    return r && record(r);
  }

  /** A workspace's tokens, revoked ones included, newest first. */
  async list(teamId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.db.apiToken.findMany({ where: { teamId }, select: FIELDS, orderBy: { id: "desc" } });
    return rows.map(record);
  }

  async revoke(id: number, by: string, at: Date): Promise<ApiTokenRecord> {
    return record(
      await this.db.apiToken.update({ where: { id }, data: { revokedAt: at, revokedBy: by }, select: FIELDS }),
    );
  }

  /** Records a use (at most once a minute per token, so a busy token does not write on every request). */
  async touch(id: number, at: Date): Promise<void> {
    await this.db.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - 60_000) } }] },
      data: { lastUsedAt: at },
    });
  }
}
