/** Review rounds of submitted assignments, with their error counts per category. */
import type { Review, ReviewError } from "../../generated/prisma/client.ts";
import type { AssignmentInDataset, ReviewFacts, ReviewInDataset, ReviewRecord, ReviewStatus } from "../records.ts";
import type { Client } from "./client.ts";

export interface NewReviewRecord {
  teamId: string;
  assignmentId: number;
  round: number;
  reviewerId: string | null;
  annotatorId: string;
  /** the items checked; empty in a full review */
  sampleItems: number[];
  sampleSize: number;
  sampleFull: boolean;
  sampleSeed: string;
  /** the annotator's note when submitting */
  submitNote?: string | null;
  /** when the range was submitted (the ledger's clock) */
  createdAt?: Date;
}

export interface ReviewDecision {
  status: Extract<ReviewStatus, "ACCEPTED" | "CHANGES_REQUESTED">;
  reviewerId: string;
  itemsChecked: number;
  goldChecked: number;
  goldCorrect: number;
  comment: string | null;
  decidedAt: Date;
  /** error counts by category, each stored as given (the review service leaves out zeros) */
  errors: Record<string, number>;
}

/** Items waiting in one reviewer's pending reviews. */
export interface ReviewerBacklog {
  reviewerId: string;
  pendingItems: number;
}

/** A review with the items of the range it reviews (for exports). */
export interface ReviewWithRange extends ReviewRecord {
  first: number;
  last: number;
}

/** Where a page of a dataset's reviews ends: the last (range, round) it holds. */
export interface ReviewCursor {
  assignmentId: number;
  round: number;
}

const WITH_ASSIGNMENT = { assignment: { include: { dataset: true } }, errors: true } as const;

const record = <R extends Review & { errors?: ReviewError[] }>(
  r: R,
): Omit<R, "errors"> & { errors: Record<string, number> } => ({
  ...r,
  errors: Object.fromEntries((r.errors ?? []).map((e) => [e.category, e.count])),
});

const facts = <R extends { errors: ReviewError[] }>({ errors, ...r }: R) => ({
  ...r,
  errors: Object.fromEntries(errors.map((e) => [e.category, e.count])),
});

export class ReviewRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  async create(r: NewReviewRecord): Promise<ReviewRecord> {
    return record(await this.db.review.create({ data: r }));
  }

  /** Records a reviewer's verdict on a pending review. */
  async decide(id: number, d: ReviewDecision): Promise<ReviewRecord> {
    const { errors, ...fields } = d;
    const r = await this.db.review.update({
      where: { id },
      data: { ...fields, errors: { create: Object.entries(errors).map(([category, count]) => ({ category, count })) } },
      include: { errors: true },
    });
    return record(r);
  }

  /** A review of the workspace with its assignment and dataset, or null. */
  async findInTeam(teamId: string, id: number): Promise<ReviewInDataset | null> {
    const r = await this.db.review.findUnique({ where: { id }, include: WITH_ASSIGNMENT });
    return r && r.teamId === teamId ? (record(r) as ReviewInDataset & { assignment: AssignmentInDataset }) : null;
  }

  /** Locks one review row for the rest of the transaction. */
  async lock(id: number): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM "Review" WHERE "id" = ${id} FOR UPDATE`;
  }

  /** The latest round of an assignment's reviews, if any. */
  async latestRound(assignmentId: number): Promise<ReviewRecord | null> {
    const r = await this.db.review.findFirst({ where: { assignmentId }, orderBy: { round: "desc" } });
    return r && record(r);
  }

  /** Every review round of a dataset's ranges with its counts, oldest first: what QA numbers are made of (no item lists). */
  async factsOfDataset(datasetId: number): Promise<ReviewFacts[]> {
    const rows = await this.db.review.findMany({
      where: { assignment: { datasetId } },
      orderBy: { id: "asc" },
      omit: { sampleItems: true, sampleSeed: true, comment: true, submitNote: true },
      include: { errors: true, assignment: { select: { datasetId: true } } },
    });
    return rows.map(facts);
  }

  /** Every review round of a person's ranges in a workspace, with its counts, oldest first. */
  async factsOfAnnotator(teamId: string, annotatorId: string): Promise<ReviewFacts[]> {
    const rows = await this.db.review.findMany({
      where: { teamId, annotatorId },
      orderBy: { id: "asc" },
      omit: { sampleItems: true, sampleSeed: true, comment: true, submitNote: true },
      include: { errors: true, assignment: { select: { datasetId: true } } },
    });
    return rows.map(facts);
  }

  /** Items waiting in each reviewer's pending reviews (reviewers with none are absent). */
  async backlog(teamId: string): Promise<ReviewerBacklog[]> {
    const rows = await this.db.review.groupBy({
      by: ["reviewerId"],
      where: { teamId, status: "PENDING", reviewerId: { not: null } },
      _sum: { sampleSize: true },
    });
    return rows.map((r) => ({ reviewerId: r.reviewerId!, pendingItems: r._sum.sampleSize ?? 0 }));
  }

  /** Pending reviews of one reviewer (and unassigned ones when asked), oldest first. */
  async queue(
    teamId: string,
    reviewerId: string,
    includeUnassigned: boolean,
    limit: number,
  ): Promise<ReviewInDataset[]> {
    const rows = await this.db.review.findMany({
      where: { teamId, status: "PENDING", OR: [{ reviewerId }, ...(includeUnassigned ? [{ reviewerId: null }] : [])] },
      include: WITH_ASSIGNMENT,
      orderBy: { createdAt: "asc" },
      take: limit,
    });
    return rows.map(record);
  }

  /**
   * One page of a dataset's reviews, by range (its ref) then round, after
   * `after` (keyset paging: a page costs the same wherever it starts).
   */
  async pageOfDataset(datasetId: number, after: ReviewCursor | null, limit: number): Promise<ReviewWithRange[]> {
    const rows = await this.db.review.findMany({
      where: {
        assignment: { datasetId },
        ...(after
          ? {
              OR: [
                { assignmentId: { gt: after.assignmentId } },
                { assignmentId: after.assignmentId, round: { gt: after.round } },
              ],
            }
          : {}),
      },
      include: { errors: true, assignment: { select: { first: true, last: true } } },
      orderBy: [{ assignmentId: "asc" }, { round: "asc" }],
      take: limit,
    });
    return rows.map(({ assignment, ...r }) => ({ ...record(r), first: assignment.first, last: assignment.last }));
  }

  /** Every error category recorded in a review of the dataset, sorted. */
  async errorCategoriesOfDataset(datasetId: number): Promise<string[]> {
    const rows = await this.db.reviewError.findMany({
      where: { review: { assignment: { datasetId } } },
      distinct: ["category"],
      select: { category: true },
      orderBy: { category: "asc" },
    });
    return rows.map((r) => r.category);
  }
}
