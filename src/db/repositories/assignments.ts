/**
 * Assignments and the free spans of each dataset. FreeSpan is kept equal to
 * 1..N minus the live ranges by a trigger; the overlap query reads the
 * exclusion constraint's GiST index, so both stay flat as the ledger grows.
 */
import type { AssignmentInDataset, AssignmentRecord, AssignmentStatus, DatasetRecord, Range } from "../records.ts";
import type { Client } from "./client.ts";

export interface NewAssignmentRecord {
  teamId: string;
  datasetId: number;
  first: number;
  last: number;
  assigneeId: string;
  assignedBy: string;
  dueDate: Date | null;
  note: string | null;
  status?: AssignmentStatus;
  itemsDone?: number;
  parentId?: number | null;
  startedAt?: Date | null;
  lastProgressAt?: Date | null;
  /** the ledger's clock (so that weeks and trends follow the ledger's time, not the database server's) */
  createdAt: Date;
}

/** Columns a ledger operation may change on an assignment. */
export type AssignmentPatch = Partial<
  Pick<
    AssignmentRecord,
    | "first"
    | "last"
    | "assigneeId"
    | "status"
    | "itemsDone"
    | "reviewRound"
    | "startedAt"
    | "lastProgressAt"
    | "submittedAt"
    | "completedAt"
    | "releasedAt"
    | "dueDate"
  >
>;

/** An assignment with what a listing shows of its dataset. */
export type ListedAssignment = AssignmentRecord & { dataset: Pick<DatasetRecord, "slug" | "itemNoun"> };

/** What workload and coverage need of a live assignment. */
export type AssignmentLoad = Pick<
  AssignmentRecord,
  "id" | "assigneeId" | "status" | "first" | "last" | "itemsDone" | "dueDate" | "startedAt" | "lastProgressAt"
>;

export interface AssignmentQuery {
  assigneeId?: string;
  /** a dataset slug */
  dataset?: string;
  statuses: readonly AssignmentStatus[];
  limit: number;
}

/** An open assignment with a due date, and what a reminder shows of its dataset. */
export type DueAssignment = AssignmentRecord & {
  dataset: Pick<DatasetRecord, "id" | "slug" | "title" | "itemNoun" | "channelId">;
};

const OPEN_AND_IN_REVIEW: AssignmentStatus[] = ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED", "IN_REVIEW"];
const LOAD = {
  id: true,
  assigneeId: true,
  status: true,
  first: true,
  last: true,
  itemsDone: true,
  dueDate: true,
  startedAt: true,
  lastProgressAt: true,
} as const;

export class AssignmentRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  create(a: NewAssignmentRecord): Promise<AssignmentRecord> {
    return this.db.assignment.create({ data: a });
  }

  update(id: number, patch: AssignmentPatch): Promise<AssignmentRecord> {
    return this.db.assignment.update({ where: { id }, data: patch });
  }

  /**
   * Open assignments (pending, in progress, changes requested) of the
   * workspace due before `before` (a calendar date at UTC midnight), in
   * datasets that are not archived, oldest due first.
   */
  openDueBefore(teamId: string, before: Date): Promise<DueAssignment[]> {
    return this.db.assignment.findMany({
      where: {
        teamId,
        status: { in: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"] },
        dueDate: { lt: before },
        dataset: { archived: false },
      },
      include: { dataset: { select: { id: true, slug: true, title: true, itemNoun: true, channelId: true } } },
      orderBy: [{ dueDate: "asc" }, { id: "asc" }],
    });
  }

  /**
   * Ranges in progress whose last progress (or start) is at or before `before`,
   * in datasets that are not archived, longest idle first.
   */
  inProgressIdleSince(teamId: string, before: Date): Promise<DueAssignment[]> {
    return this.db.assignment.findMany({
      where: {
        teamId,
        status: "IN_PROGRESS",
        dataset: { archived: false },
        OR: [{ lastProgressAt: { lte: before } }, { lastProgressAt: null, startedAt: { lte: before } }],
      },
      include: { dataset: { select: { id: true, slug: true, title: true, itemNoun: true, channelId: true } } },
      orderBy: [{ lastProgressAt: "asc" }, { id: "asc" }],
    });
  }

  /** How many ranges in progress of each dataset (not archived) have had no progress since `before`: stalled ones. */
  async idleCountByDataset(teamId: string, before: Date): Promise<Map<number, number>> {
    const groups = await this.db.assignment.groupBy({
      by: ["datasetId"],
      where: {
        teamId,
        status: "IN_PROGRESS",
        dataset: { archived: false },
        OR: [{ lastProgressAt: { lte: before } }, { lastProgressAt: null, startedAt: { lte: before } }],
      },
      _count: { _all: true },
    });
    return new Map(groups.map((g) => [g.datasetId, g._count._all]));
  }

  /** The open ranges (pending, in progress, changes requested) one person holds in one dataset. */
  openOf(datasetId: number, assigneeId: string): Promise<AssignmentRecord[]> {
    return this.db.assignment.findMany({
      where: { datasetId, assigneeId, status: { in: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED"] } },
      orderBy: { id: "asc" },
    });
  }

  /** Items left in each person's open ranges across the workspace (people with none are absent). */
  async remainingByAssignee(teamId: string): Promise<Map<string, number>> {
    const rows = await this.db.$queryRaw<{ assigneeId: string; remaining: number }[]>`
      SELECT "assigneeId", SUM("last" - "first" + 1 - "itemsDone")::int AS "remaining"
      FROM "Assignment"
      WHERE "teamId" = ${teamId} AND "status" IN ('PENDING', 'IN_PROGRESS', 'CHANGES_REQUESTED')
      GROUP BY "assigneeId"`;
    return new Map(rows.map((r) => [r.assigneeId, Number(r.remaining)]));
  }

  /** Who worked on each dataset of the workspace since `since` (held a range not released). */
  activeAssignees(teamId: string, since: Date): Promise<{ datasetId: number; assigneeId: string }[]> {
    return this.db.assignment.findMany({
      where: {
        teamId,
        status: { not: "RELEASED" },
        OR: [
          { status: { in: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED", "IN_REVIEW"] } },
          { updatedAt: { gte: since } },
        ],
      },
      distinct: ["datasetId", "assigneeId"],
      select: { datasetId: true, assigneeId: true },
    });
  }

  /** An assignment of the workspace with its dataset, or null (another workspace's reads as absent). */
  async findInTeam(teamId: string, id: number): Promise<AssignmentInDataset | null> {
    const a = await this.db.assignment.findUnique({ where: { id }, include: { dataset: true } });
    return a && a.teamId === teamId ? a : null;
  }

  /** Locks one assignment row for the rest of the transaction. */
  async lock(id: number): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM "Assignment" WHERE "id" = ${id} FOR UPDATE`;
  }

  /**
   * Live assignments of a dataset that overlap `range`, lowest first. The
   * range test is written like the no-overlap constraint, so it is answered
   * from that constraint's GiST index whatever the size of the ledger.
   */
  async overlappingLive(datasetId: number, range: Range, limit = 5): Promise<AssignmentRecord[]> {
    // MATERIALIZED keeps the planner from walking the (datasetId, first) index for the ORDER BY instead.
    const ids = await this.db.$queryRaw<{ id: number }[]>`
      WITH hits AS MATERIALIZED (
        SELECT "id", "first" FROM "Assignment"
        WHERE "datasetId" = ${datasetId} AND "status" <> 'RELEASED'
          AND int4range("first", "last", '[]') && int4range(${range.first}::int, ${range.last}::int, '[]'))
      SELECT "id" FROM hits ORDER BY "first" LIMIT ${limit}`;
    if (ids.length === 0) return [];
    return this.db.assignment.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { first: "asc" } });
  }

  /** The live assignments holding any of `items`, in item order (each item is in one live assignment at most). */
  async liveHolding(datasetId: number, items: readonly number[]): Promise<AssignmentRecord[]> {
    if (items.length === 0) return [];
    const ids = await this.db.$queryRaw<{ id: number }[]>`
      SELECT DISTINCT a."id" FROM unnest(${[...items]}::int[]) AS i(item)
      JOIN "Assignment" a ON a."datasetId" = ${datasetId} AND a."status" <> 'RELEASED'
        AND a."first" <= i.item AND a."last" >= i.item`;
    if (ids.length === 0) return [];
    return this.db.assignment.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { first: "asc" } });
  }

  /** Records items reported done in a range (those reported before are kept once); returns how many it has now. */
  async reportDone(assignmentId: number, items: readonly number[]): Promise<number> {
    await this.db.doneItem.createMany({
      data: items.map((item) => ({ assignmentId, item })),
      skipDuplicates: true,
    });
    return this.db.doneItem.count({ where: { assignmentId } });
  }

  /** The live assignment reaching furthest past item `item`, if any holds an item above it. */
  liveReachingPast(datasetId: number, item: number): Promise<AssignmentRecord | null> {
    return this.db.assignment.findFirst({
      where: { datasetId, status: { not: "RELEASED" }, last: { gt: item } },
      orderBy: { last: "desc" },
    });
  }

  /** The lowest free span of a dataset with at least `size` items (an index walk over free spans). */
  async lowestFreeSpan(datasetId: number, size: number): Promise<Range | null> {
    const rows = await this.db.$queryRaw<Range[]>`
      SELECT "first", "last" FROM "FreeSpan"
      WHERE "datasetId" = ${datasetId} AND "last" - "first" + 1 >= ${size}
      ORDER BY "first" LIMIT 1`;
    return rows[0] ?? null;
  }

  /** The largest free span of a dataset (the lowest of equals). */
  async largestFreeSpan(datasetId: number): Promise<Range | null> {
    const rows = await this.db.$queryRaw<Range[]>`
      SELECT "first", "last" FROM "FreeSpan" WHERE "datasetId" = ${datasetId}
      ORDER BY "last" - "first" DESC, "first" LIMIT 1`;
    return rows[0] ?? null;
  }

  /** Every free span of a dataset, lowest first. */
  freeSpans(datasetId: number): Promise<Range[]> {
    return this.db.freeSpan.findMany({
      where: { datasetId },
      orderBy: { first: "asc" },
      select: { first: true, last: true },
    });
  }

  /** How many of an annotator's other ranges of a dataset were submitted at least once. */
  submittedBefore(datasetId: number, assigneeId: string, exceptId: number): Promise<number> {
    return this.db.assignment.count({
      where: { datasetId, assigneeId, reviewRound: { gt: 0 }, id: { not: exceptId } },
    });
  }

  /** Assignments matching `q`, nearest due date first. */
  list(teamId: string, q: AssignmentQuery): Promise<ListedAssignment[]> {
    return this.db.assignment.findMany({
      where: {
        teamId,
        ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}),
        ...(q.dataset ? { dataset: { slug: q.dataset } } : {}),
        status: { in: [...q.statuses] },
      },
      include: { dataset: { select: { slug: true, itemNoun: true } } },
      orderBy: [{ dueDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: q.limit,
    });
  }

  /** Every range a person ever held in a workspace, released ones included, oldest first. */
  ofAssignee(teamId: string, assigneeId: string): Promise<AssignmentRecord[]> {
    return this.db.assignment.findMany({ where: { teamId, assigneeId }, orderBy: { id: "asc" } });
  }

  /** The live (not released) assignments of a dataset. */
  liveLoad(datasetId: number): Promise<AssignmentLoad[]> {
    return this.db.assignment.findMany({ where: { datasetId, status: { not: "RELEASED" } }, select: LOAD });
  }

  /** The assignments of a workspace that are still being worked on or reviewed. */
  openLoad(teamId: string): Promise<AssignmentLoad[]> {
    return this.db.assignment.findMany({ where: { teamId, status: { in: OPEN_AND_IN_REVIEW } }, select: LOAD });
  }

  /** Every assignment of a dataset, released ones included, in item order. */
  allOfDataset(datasetId: number): Promise<AssignmentRecord[]> {
    return this.db.assignment.findMany({ where: { datasetId }, orderBy: [{ first: "asc" }, { id: "asc" }] });
  }
}
