/** Handoff requests and their decisions. */
import type { HandoffInDataset, HandoffRecord } from "../records.ts";
import type { Client } from "./client.ts";

export type NewHandoffRecord = Pick<
  HandoffRecord,
  "teamId" | "assignmentId" | "requesterId" | "fromUserId" | "toUserId" | "first" | "last" | "reason"
> &
  Partial<Pick<HandoffRecord, "doneMoved">> & {
    /** when it was asked (the ledger's clock) */
    createdAt: Date;
    /** a lead's handoff is decided as it is made */
    decided?: Pick<HandoffRecord, "status" | "decidedById" | "decisionComment"> & { decidedAt: Date };
  };

export type HandoffPatch = Partial<
  Pick<HandoffRecord, "status" | "decidedById" | "decidedAt" | "decisionComment" | "toUserId" | "resultAssignmentId">
>;

const WITH_ASSIGNMENT = { assignment: { include: { dataset: true } } } as const;

export class HandoffRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  create(h: NewHandoffRecord): Promise<HandoffRecord> {
    const { decided, ...rest } = h;
    return this.db.handoffRequest.create({ data: { ...rest, ...(decided ?? {}) } });
  }

  update(id: number, patch: HandoffPatch): Promise<HandoffRecord> {
    return this.db.handoffRequest.update({ where: { id }, data: patch });
  }

  /** A request of the workspace with its assignment and dataset, or null. */
  async findInTeam(teamId: string, id: number): Promise<HandoffInDataset | null> {
    const h = await this.db.handoffRequest.findUnique({ where: { id }, include: WITH_ASSIGNMENT });
    return h && h.teamId === teamId ? h : null;
  }

  /** Locks one request row for the rest of the transaction. */
  async lock(id: number): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM "HandoffRequest" WHERE "id" = ${id} FOR UPDATE`;
  }

  /** The request waiting for a decision on an assignment, if any (there is at most one). */
  pendingFor(assignmentId: number): Promise<HandoffRecord | null> {
    return this.db.handoffRequest.findFirst({ where: { assignmentId, status: "PENDING" } });
  }

  /** Closes every pending request of an assignment as cancelled; returns how many. */
  async cancelPendingFor(assignmentId: number, at: Date, comment: string): Promise<number> {
    const r = await this.db.handoffRequest.updateMany({
      where: { assignmentId, status: "PENDING" },
      data: { status: "CANCELLED", decidedAt: at, decisionComment: comment },
    });
    return r.count;
  }

  /** Pending requests of a workspace, oldest first. */
  pending(teamId: string, limit: number): Promise<HandoffInDataset[]> {
    return this.db.handoffRequest.findMany({
      where: { teamId, status: "PENDING" },
      include: WITH_ASSIGNMENT,
      orderBy: { createdAt: "asc" },
      take: limit,
    });
  }
}
