/** Datasets, their versioned instructions, and the row lock that serialises writers on one dataset. */
import type { DatasetRecord, InstructionRecord } from "../records.ts";
import type { Client } from "./client.ts";

export type NewDatasetRecord = Pick<
  DatasetRecord,
  "teamId" | "slug" | "title" | "itemCount" | "itemNoun" | "channelId" | "batchSize" | "errorTaxonomy"
> & { createdBy: string };

/** Columns a dataset setting may change. */
export type DatasetPatch = Partial<
  Pick<
    DatasetRecord,
    | "title"
    | "itemCount"
    | "itemNoun"
    | "channelId"
    | "batchSize"
    | "archived"
    | "reviewSampleRate"
    | "reviewFirstK"
    | "reviewEveryRange"
    | "goldItems"
    | "errorTaxonomy"
    | "maxClaim"
    | "maxDays"
  >
>;

const INSTRUCTION = { version: true, text: true, url: true } as const;

export class DatasetRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  findById(id: number): Promise<DatasetRecord | null> {
    return this.db.dataset.findUnique({ where: { id } });
  }

  findBySlug(teamId: string, slug: string): Promise<DatasetRecord | null> {
    return this.db.dataset.findUnique({ where: { teamId_slug: { teamId, slug } } });
  }

  /** Slugs of a workspace's datasets that are not archived, alphabetically. */
  async activeSlugs(teamId: string, limit: number): Promise<string[]> {
    const rows = await this.db.dataset.findMany({
      where: { teamId, archived: false },
      select: { slug: true },
      orderBy: { slug: "asc" },
      take: limit,
    });
    return rows.map((r) => r.slug);
  }

  /** Datasets (not archived) whose ranges changed since `since`, the most recently changed first. */
  async recentlyActive(teamId: string, since: Date, limit: number): Promise<DatasetRecord[]> {
    const groups = await this.db.assignment.groupBy({
      by: ["datasetId"],
      where: { teamId, updatedAt: { gte: since }, dataset: { archived: false } },
      _max: { updatedAt: true },
      orderBy: { _max: { updatedAt: "desc" } },
      take: limit,
    });
    const ids = groups.map((g) => g.datasetId);
    const rows = await this.db.dataset.findMany({ where: { id: { in: ids } } });
    return ids.flatMap((id) => rows.filter((d) => d.id === id));
  }

  list(teamId: string, includeArchived: boolean): Promise<DatasetRecord[]> {
    return this.db.dataset.findMany({
      where: { teamId, ...(includeArchived ? {} : { archived: false }) },
      orderBy: { slug: "asc" },
    });
  }

  create(d: NewDatasetRecord): Promise<DatasetRecord> {
    return this.db.dataset.create({ data: { ...d, goldItems: [] } });
  }

  update(id: number, patch: DatasetPatch): Promise<DatasetRecord> {
    return this.db.dataset.update({ where: { id }, data: patch });
  }

  /** Serialises writers on one dataset for the rest of the transaction (claims, splits, settings). */
  async lock(id: number): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM "Dataset" WHERE "id" = ${id} FOR NO KEY UPDATE`;
  }

  latestInstruction(datasetId: number): Promise<InstructionRecord | null> {
    return this.db.datasetInstruction.findFirst({
      where: { datasetId },
      orderBy: { version: "desc" },
      select: INSTRUCTION,
    });
  }

  /** Publishes the next version of a dataset's instructions. */
  async publishInstruction(
    datasetId: number,
    i: { text: string; url: string | null; createdBy: string },
  ): Promise<InstructionRecord> {
    const prev = await this.latestInstruction(datasetId);
    return this.db.datasetInstruction.create({
      data: { datasetId, version: (prev?.version ?? 0) + 1, ...i },
      select: INSTRUCTION,
    });
  }

  /** Records that a person has read one version of a dataset's instructions (once; a repeat changes nothing). */
  async acknowledgeInstruction(datasetId: number, userId: string, version: number, at: Date): Promise<boolean> {
    const rows = await this.db.instructionAck.createMany({
      data: [{ datasetId, userId, version, at }],
      skipDuplicates: true,
    });
    return rows.count > 0;
  }

  /** Whether a person has acknowledged that version of a dataset's instructions. */
  async hasAcknowledged(datasetId: number, userId: string, version: number): Promise<boolean> {
    const row = await this.db.instructionAck.findUnique({
      where: { datasetId_userId_version: { datasetId, userId, version } },
      select: { version: true },
    });
    return row !== null;
  }

  /** Of these people, those who have acknowledged that version of a dataset's instructions. */
  async acknowledgedAmong(datasetId: number, version: number, userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.instructionAck.findMany({
      where: { datasetId, version, userId: { in: [...userIds] } },
      select: { userId: true },
    });
    return new Set(rows.map((r) => r.userId));
  }
}
