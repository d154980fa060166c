/**
 * Where a dataset lives in annotation tools: which Label Studio project or
 * CVAT task holds its items (and the item number of the tool's number 0),
 * and who each tool user is in Slack.
 */
import type { Client } from "./client.ts";

export type ToolName = "label-studio" | "cvat";

export interface ToolProjectRecord {
  tool: ToolName;
  /** Label Studio project id, CVAT task id */
  externalId: number;
  datasetId: number;
  /** item = the tool's number (Label Studio task id, CVAT frame) + offset */
  offset: number;
}

export interface ToolUserRecord {
  tool: ToolName;
  externalUser: string;
  /** Slack user id */
  userId: string;
}

export class ToolRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** The dataset a tool's project or task feeds, in a workspace. */
  async project(teamId: string, tool: ToolName, externalId: number): Promise<ToolProjectRecord | null> {
    const row = await this.db.toolProject.findUnique({
      where: { teamId_tool_externalId: { teamId, tool, externalId } },
    });
    return row && { tool, externalId: row.externalId, datasetId: row.datasetId, offset: row.offset };
  }

  /** The projects and tasks of a dataset, by tool and id. */
  async projectsOf(datasetId: number): Promise<ToolProjectRecord[]> {
    const rows = await this.db.toolProject.findMany({
      where: { datasetId },
      orderBy: [{ tool: "asc" }, { externalId: "asc" }],
    });
    return rows.map((r) => ({
      tool: r.tool as ToolName,
      externalId: r.externalId,
      datasetId: r.datasetId,
      offset: r.offset,
    }));
  }

  /**
   * Of `externalIds`, those another dataset of the workspace already has (a
   * tool's project feeds one dataset), with the slug of that dataset.
   */
  async takenElsewhere(
    teamId: string,
    tool: ToolName,
    externalIds: readonly number[],
    datasetId: number,
  ): Promise<{ externalId: number; dataset: string }[]> {
    const rows = await this.db.toolProject.findMany({
      where: { teamId, tool, externalId: { in: [...externalIds] }, datasetId: { not: datasetId } },
      select: { externalId: true, dataset: { select: { slug: true } } },
      orderBy: { externalId: "asc" },
    });
    return rows.map((r) => ({ externalId: r.externalId, dataset: r.dataset.slug }));
  }

  /** Replaces a dataset's projects or tasks of one tool. */
  async replaceProjects(
    teamId: string,
    datasetId: number,
    tool: ToolName,
    rows: readonly { externalId: number; offset: number }[],
  ): Promise<void> {
    await this.db.toolProject.deleteMany({ where: { datasetId, tool } });
    if (rows.length)
      await this.db.toolProject.createMany({
        data: rows.map((r) => ({ teamId, tool, datasetId, externalId: r.externalId, offset: r.offset })),
      });
  }

  /** Who tool users are in Slack, for a dataset. */
  async usersOf(datasetId: number): Promise<ToolUserRecord[]> {
    const rows = await this.db.toolUser.findMany({
      where: { datasetId },
      orderBy: [{ tool: "asc" }, { externalUser: "asc" }],
    });
    return rows.map((r) => ({ tool: r.tool as ToolName, externalUser: r.externalUser, userId: r.userId }));
  }

  /** The Slack user a tool user is, for a dataset; null when nobody said. */
  async slackUser(datasetId: number, tool: ToolName, externalUser: string): Promise<string | null> {
    const row = await this.db.toolUser.findUnique({
      where: { datasetId_tool_externalUser: { datasetId, tool, externalUser } },
      select: { userId: true },
    });
    return row?.userId ?? null;
  }

  /** Sets (userId) or forgets (null) who tool users are. */
  async setUsers(datasetId: number, entries: readonly (Omit<ToolUserRecord, "userId"> & { userId: string | null })[]) {
    for (const e of entries) {
      const where = { datasetId_tool_externalUser: { datasetId, tool: e.tool, externalUser: e.externalUser } };
      if (e.userId === null) await this.db.toolUser.deleteMany({ where: where.datasetId_tool_externalUser });
      else
        await this.db.toolUser.upsert({
          where,
          create: { datasetId, tool: e.tool, externalUser: e.externalUser, userId: e.userId },
          update: { userId: e.userId },
        });
    }
  }
}
