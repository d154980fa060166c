/** Workspaces (Slack teams) the ledger has seen. */
import type { Client } from "./client.js";

export class WorkspaceRepository {
  constructor(private readonly db: Client) {}

  /** Registers a workspace the first time it is seen. */
  async ensure(teamId: string): Promise<void> {
    await this.db.workspace.upsert({ where: { id: teamId }, create: { id: teamId }, update: {} });
  }
}
