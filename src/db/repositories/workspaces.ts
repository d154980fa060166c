/** Workspaces (Slack teams) the ledger has seen. */
import type { Client } from "./client.ts";

export class WorkspaceRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Registers a workspace the first time it is seen. */
  async ensure(teamId: string): Promise<void> {
    await this.db.workspace.upsert({ where: { id: teamId }, create: { id: teamId }, update: {} });
  }
}
