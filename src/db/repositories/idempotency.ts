/** Requests already applied, so that a repeated one returns the first result and changes nothing. */
import type { Client } from "./client.ts";
import { toJson } from "./client.ts";

export interface PriorRequest {
  operation: string;
  result: unknown;
}

export class IdempotencyRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Takes a key for `operation`; false when it was taken before (see `prior`). */
  async claim(teamId: string, key: string, operation: string): Promise<boolean> {
    const inserted = await this.db.idempotencyKey.createMany({
      data: [{ teamId, key, operation }],
      skipDuplicates: true,
    });
    return inserted.count === 1;
  }

  async prior(teamId: string, key: string): Promise<PriorRequest> {
    const row = await this.db.idempotencyKey.findUniqueOrThrow({ where: { teamId_key: { teamId, key } } });
    return { operation: row.operation, result: row.result };
  }

  /** Stores the result of the request that took the key. */
  async record(teamId: string, key: string, result: unknown): Promise<void> {
    await this.db.idempotencyKey.update({ where: { teamId_key: { teamId, key } }, data: { result: toJson(result) } });
  }
}
