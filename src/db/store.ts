/**
 * The one narrow layer between the domain core and the database. The core
 * never builds queries itself: it asks the store, inside a transaction the
 * store opens, and gets plain domain views back.
 */
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type {
  Assignment,
  Dataset,
  DatasetInstruction,
  HandoffRequest,
  Member,
  Review,
  ReviewError,
} from "../generated/prisma/client.js";
import { conflict, DomainError, invalid } from "../core/errors.js";
import { assignmentRef, handoffRef, reviewRef } from "../core/refs.js";
import { formatIsoDate } from "../core/dates.js";
import type {
  AssignmentStatus,
  AssignmentView,
  DatasetView,
  HandoffView,
  MemberView,
  Range,
  ReviewView,
  Role,
} from "../core/types.js";

export type Tx = Prisma.TransactionClient;

export interface AuditInput {
  teamId: string;
  actorId: string;
  action: string;
  at?: Date;
  datasetId?: number | null;
  assignmentId?: number | null;
  handoffId?: number | null;
  reviewId?: number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;

export class Store {
  private readonly knownWorkspaces = new Set<string>();

  constructor(readonly prisma: PrismaClient) {}

  /**
   * Runs `fn` in one interactive transaction. Database refusals that the core
   * did not anticipate still come back as domain errors, never raw.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(fn, TX_OPTIONS);
    } catch (e) {
      throw toDomainError(e);
    }
  }

  /**
   * Runs a ledger change once per idempotency key: the first run stores its
   * result in the same transaction as the change; a repeat returns that
   * result with `replayed: true` and changes nothing.
   */
  async change<T extends object>(
    teamId: string,
    operation: string,
    key: string | undefined,
    fn: (tx: Tx) => Promise<T>,
  ): Promise<T & { replayed: boolean }> {
    await this.ensureWorkspace(teamId);
    return this.transaction(async (tx) => {
      if (key) {
        const inserted = await tx.idempotencyKey.createMany({
          data: [{ teamId, key, operation }],
          skipDuplicates: true,
        });
        if (inserted.count === 0) {
          const prior = await tx.idempotencyKey.findUniqueOrThrow({ where: { teamId_key: { teamId, key } } });
          if (prior.operation !== operation) {
            throw invalid(`request key ${key} was already used for a different request (${prior.operation})`);
          }
          return { ...(prior.result as T), replayed: true };
        }
      }
      const value = await fn(tx);
      if (key) {
        await tx.idempotencyKey.update({
          where: { teamId_key: { teamId, key } },
          data: { result: toJson(value) },
        });
      }
      return { ...value, replayed: false };
    });
  }

  async ensureWorkspace(teamId: string): Promise<void> {
    if (this.knownWorkspaces.has(teamId)) return;
    await this.prisma.workspace.upsert({ where: { id: teamId }, create: { id: teamId }, update: {} });
    this.knownWorkspaces.add(teamId);
  }
}

const toJson = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/** PostgreSQL SQLSTATE of a failed query, wherever Prisma's driver adapter put it. */
export function sqlState(e: unknown): string | undefined {
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const meta = e.meta as { driverAdapterError?: { cause?: { originalCode?: string; code?: string; kind?: string } } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  if (cause?.originalCode) return cause.originalCode;
  if (e.code === "P2002") return "23505";
  if (e.code === "P2004" || cause?.kind === "ExclusionConstraintViolation") return "23P01";
  return cause?.code;
}

export function toDomainError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const state = sqlState(e);
  if (state === "23P01") return conflict("those items were taken by someone else a moment ago; nothing was changed");
  if (state === "23505") return conflict("that was just created by someone else; nothing was changed");
  if (state === "23514") return invalid("the ledger refused a value outside its allowed bounds; nothing was changed");
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2028") {
    return conflict("the ledger is busy; nothing was changed, please try again");
  }
  return e;
}

// ---------------------------------------------------------------------------
// Row → view

export function datasetView(d: Dataset, instruction?: DatasetInstruction | null): DatasetView {
  return {
    id: d.id,
    teamId: d.teamId,
    slug: d.slug,
    title: d.title,
    itemCount: d.itemCount,
    itemNoun: d.itemNoun,
    channelId: d.channelId,
    batchSize: d.batchSize,
    archived: d.archived,
    reviewSampleRate: d.reviewSampleRate,
    reviewFirstK: d.reviewFirstK,
    reviewEveryRange: d.reviewEveryRange,
    goldItems: d.goldItems,
    errorTaxonomy: d.errorTaxonomy,
    instructions: instruction ? { version: instruction.version, text: instruction.text, url: instruction.url } : null,
  };
}

export function assignmentView(a: Assignment, dataset: { slug: string; itemNoun: string }): AssignmentView {
  return {
    id: a.id,
    ref: assignmentRef(a.id),
    teamId: a.teamId,
    datasetId: a.datasetId,
    dataset: dataset.slug,
    itemNoun: dataset.itemNoun,
    first: a.first,
    last: a.last,
    size: a.last - a.first + 1,
    assigneeId: a.assigneeId,
    status: a.status,
    itemsDone: a.itemsDone,
    dueDate: a.dueDate ? formatIsoDate(a.dueDate) : null,
    note: a.note,
    reviewRound: a.reviewRound,
    parentId: a.parentId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    lastProgressAt: a.lastProgressAt?.toISOString() ?? null,
  };
}

export function handoffView(h: HandoffRequest, datasetSlug: string): HandoffView {
  return {
    id: h.id,
    ref: handoffRef(h.id),
    teamId: h.teamId,
    assignmentId: h.assignmentId,
    assignmentRef: assignmentRef(h.assignmentId),
    dataset: datasetSlug,
    requesterId: h.requesterId,
    fromUserId: h.fromUserId,
    toUserId: h.toUserId,
    first: h.first,
    last: h.last,
    reason: h.reason,
    status: h.status,
    decidedById: h.decidedById,
    decidedAt: h.decidedAt?.toISOString() ?? null,
    decisionComment: h.decisionComment,
    resultAssignmentId: h.resultAssignmentId,
    createdAt: h.createdAt.toISOString(),
  };
}

export function reviewView(r: Review & { errors?: ReviewError[] }, datasetSlug: string): ReviewView {
  return {
    id: r.id,
    ref: reviewRef(r.id),
    teamId: r.teamId,
    assignmentId: r.assignmentId,
    assignmentRef: assignmentRef(r.assignmentId),
    dataset: datasetSlug,
    round: r.round,
    reviewerId: r.reviewerId,
    annotatorId: r.annotatorId,
    status: r.status,
    sampleItems: r.sampleItems,
    itemsChecked: r.itemsChecked,
    errors: Object.fromEntries((r.errors ?? []).map((e) => [e.category, e.count])),
    goldChecked: r.goldChecked,
    goldCorrect: r.goldCorrect,
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

export function memberView(m: Member): MemberView {
  return {
    teamId: m.teamId,
    userId: m.userId,
    role: m.role,
    capacityPerWeek: m.capacityPerWeek,
    timezone: m.timezone,
    displayName: m.displayName,
  };
}

// ---------------------------------------------------------------------------
// Queries and writes the core uses

/** Serialises writers on one dataset for the rest of the transaction. */
export async function lockDataset(tx: Tx, datasetId: number): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Dataset" WHERE "id" = ${datasetId} FOR NO KEY UPDATE`;
}

export async function findDataset(tx: Tx | PrismaClient, teamId: string, slug: string) {
  return tx.dataset.findUnique({ where: { teamId_slug: { teamId, slug } } });
}

export async function latestInstruction(tx: Tx | PrismaClient, datasetId: number) {
  return tx.datasetInstruction.findFirst({ where: { datasetId }, orderBy: { version: "desc" } });
}

/**
 * Live assignments of a dataset that overlap `range`, lowest first. The range
 * test is written like the no-overlap constraint, so it is answered from that
 * constraint's GiST index whatever the size of the ledger.
 */
export async function overlappingLive(tx: Tx, datasetId: number, range: Range, limit = 5) {
  // MATERIALIZED keeps the planner from walking the (datasetId, first) index for the ORDER BY instead.
  const ids = await tx.$queryRaw<{ id: number }[]>`
    WITH hits AS MATERIALIZED (
      SELECT "id", "first" FROM "Assignment"
      WHERE "datasetId" = ${datasetId} AND "status" <> 'RELEASED'
        AND int4range("first", "last", '[]') && int4range(${range.first}::int, ${range.last}::int, '[]'))
    SELECT "id" FROM hits ORDER BY "first" LIMIT ${limit}`;
  if (ids.length === 0) return [];
  return tx.assignment.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { first: "asc" } });
}

/** The lowest free span of a dataset with at least `size` items (an index walk over free spans). */
export async function lowestFreeSpan(tx: Tx | PrismaClient, datasetId: number, size: number): Promise<Range | null> {
  const rows = await tx.$queryRaw<Range[]>`
    SELECT "first", "last" FROM "FreeSpan"
    WHERE "datasetId" = ${datasetId} AND "last" - "first" + 1 >= ${size}
    ORDER BY "first" LIMIT 1`;
  return rows[0] ?? null;
}

export async function freeSpans(tx: Tx | PrismaClient, datasetId: number): Promise<Range[]> {
  return tx.freeSpan.findMany({ where: { datasetId }, orderBy: { first: "asc" }, select: { first: true, last: true } });
}

export async function audit(tx: Tx, e: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      teamId: e.teamId,
      actorId: e.actorId,
      action: e.action,
      at: e.at,
      datasetId: e.datasetId ?? null,
      assignmentId: e.assignmentId ?? null,
      handoffId: e.handoffId ?? null,
      reviewId: e.reviewId ?? null,
      before: e.before === undefined ? Prisma.DbNull : toJson(e.before),
      after: e.after === undefined ? Prisma.DbNull : toJson(e.after),
      reason: e.reason ?? null,
    },
  });
}

export async function findMember(tx: Tx | PrismaClient, teamId: string, userId: string) {
  return tx.member.findUnique({ where: { teamId_userId: { teamId, userId } } });
}

export async function ensureMember(tx: Tx | PrismaClient, teamId: string, userId: string): Promise<Member> {
  return (
    (await findMember(tx, teamId, userId)) ??
    tx.member.upsert({
      where: { teamId_userId: { teamId, userId } },
      create: { teamId, userId },
      update: {},
    })
  );
}

export async function datasetRole(tx: Tx | PrismaClient, datasetId: number, userId: string): Promise<Role | null> {
  const r = await tx.datasetRole.findUnique({ where: { datasetId_userId: { datasetId, userId } } });
  return r?.role ?? null;
}

export type AssignmentWithDataset = Assignment & { dataset: Dataset };

export async function findAssignment(tx: Tx | PrismaClient, teamId: string, id: number) {
  const a = await tx.assignment.findUnique({ where: { id }, include: { dataset: true } });
  return a && a.teamId === teamId ? a : null;
}

/** Locks one assignment row for the rest of the transaction and reads it again. */
export async function lockAssignment(tx: Tx, id: number): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Assignment" WHERE "id" = ${id} FOR UPDATE`;
}

export const STATUS_ORDER: Record<AssignmentStatus, number> = {
  IN_PROGRESS: 0,
  CHANGES_REQUESTED: 1,
  PENDING: 2,
  IN_REVIEW: 3,
  COMPLETED: 4,
  RELEASED: 5,
};
