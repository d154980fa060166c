/** Workspaces (Slack teams) the ledger has seen. */
import type { WorkspaceRecord } from "../records.ts";
import type { Client } from "./client.ts";

const SETTINGS = {
  id: true,
  timezone: true,
  escalateAfterDays: true,
  stalledAfterDays: true,
  workdayStart: true,
  workdayEnd: true,
  workdays: true,
} as const;

export class WorkspaceRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Registers a workspace the first time it is seen. */
  async ensure(teamId: string): Promise<void> {
    await this.db.workspace.upsert({ where: { id: teamId }, create: { id: teamId }, update: {} });
  }

  /** A workspace's settings, or null when it was never seen. */
  get(teamId: string): Promise<WorkspaceRecord | null> {
    return this.db.workspace.findUnique({ where: { id: teamId }, select: SETTINGS });
  }

  /** Every workspace the ledger knows, with its settings. */
  all(): Promise<WorkspaceRecord[]> {
    return this.db.workspace.findMany({ select: SETTINGS, orderBy: { id: "asc" } });
  }

  /** Changes a workspace's settings. */
  update(teamId: string, patch: Partial<Omit<WorkspaceRecord, "id">>): Promise<WorkspaceRecord> {
    return this.db.workspace.update({ where: { id: teamId }, data: patch, select: SETTINGS });
  }
}
