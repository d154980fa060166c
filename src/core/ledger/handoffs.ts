import type { Assignment } from "../../generated/prisma/client.js";
import {
  assignmentView,
  audit,
  ensureMember,
  handoffView,
  lockAssignment,
  lockDataset,
  type AssignmentWithDataset,
  type Tx,
} from "../../db/store.js";
import { conflict, forbidden, invalid, notFound } from "../errors.js";
import { contains, doneWithin, formatRange, splitAround } from "../ranges.js";
import { assignmentRef, handoffRef, parseHandoffRef } from "../refs.js";
import { atLeast } from "../roles.js";
import { assertTransition } from "../transitions.js";
import type { Actor, AssignmentView, ChangeOptions, HandoffView, Range } from "../types.js";
import { roleOf, requireLead, type LedgerContext } from "./context.js";
import { loadOwnAssignment } from "./assignments.js";

export const MAX_REASON = 500;

export interface HandoffInput {
  /** recipient user id; null hands the items back to the pool */
  to: string | null;
  /** a sub-range to hand off; the whole range when absent */
  range?: Range | null;
  reason: string;
}

function cleanReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw invalid("a handoff needs a reason (it is kept in the ledger's history)", { field: "reason" });
  if (r.length > MAX_REASON) throw invalid(`the reason is ${r.length} characters long; keep it under ${MAX_REASON}`, { field: "reason" });
  return r;
}

/** Leads of a dataset: workspace leads/admins, dataset leads/admins and configured admins. */
export async function leadsOf(ctx: LedgerContext, tx: Tx, teamId: string, datasetId: number): Promise<string[]> {
  const [members, onDataset] = await Promise.all([
    tx.member.findMany({ where: { teamId, role: { in: ["LEAD", "ADMIN"] } }, select: { userId: true } }),
    tx.datasetRole.findMany({ where: { datasetId, role: { in: ["LEAD", "ADMIN"] } }, select: { userId: true } }),
  ]);
  return [...new Set([...members.map((m) => m.userId), ...onDataset.map((m) => m.userId), ...ctx.config.bootstrapAdmins])].sort();
}

function checkHandoff(a: AssignmentWithDataset, to: string | null, range: Range) {
  const ref = assignmentRef(a.id);
  assertTransition("handoff", a.status, ref);
  if (!contains(a, range)) {
    throw invalid(`${formatRange(range)} is not inside ${ref} (${a.dataset.slug} ${formatRange(a)})`);
  }
  if (to === a.assigneeId) throw invalid(`${ref} already belongs to <@${to}>`, { field: "to" });
}

/**
 * Moves `range` of assignment `a` to `to` (or the pool). A sub-range splits the
 * assignment: the owner keeps the parts before and after it, each with the
 * done items that fall inside it. Returns the recipient's new assignment (if
 * any) and what the owner keeps.
 */
async function applyHandoff(
  ctx: LedgerContext,
  tx: Tx,
  actor: Actor,
  a: AssignmentWithDataset,
  range: Range,
  to: string | null,
  handoffId: number,
  reason: string,
): Promise<{ moved: AssignmentView | null; kept: AssignmentView[] }> {
  const now = ctx.config.clock();
  let moved: Assignment | null = null;
  const kept: Assignment[] = [];
  if (to) await ensureMember(tx, actor.teamId, to);
  const whole = range.first === a.first && range.last === a.last;
  if (whole) {
    if (to) {
      moved = await tx.assignment.update({
        where: { id: a.id },
        data: { assigneeId: to, status: a.status === "IN_PROGRESS" ? "PENDING" : a.status },
      });
    } else {
      await tx.assignment.update({ where: { id: a.id }, data: { status: "RELEASED", releasedAt: now } });
    }
  } else {
    const parts = splitAround(a, range);
    const keepFirst = (parts.before ?? parts.after)!;
    // Shrink first (frees the rest), then create the other parts inside the freed items.
    kept.push(
      await tx.assignment.update({
        where: { id: a.id },
        data: { first: keepFirst.first, last: keepFirst.last, itemsDone: doneWithin(a, a.itemsDone, keepFirst) },
      }),
    );
    const common = {
      teamId: a.teamId,
      datasetId: a.datasetId,
      dueDate: a.dueDate,
      note: a.note,
      parentId: a.id,
      assignedBy: actor.userId,
    };
    if (parts.before && parts.after) {
      kept.push(
        await tx.assignment.create({
          data: {
            ...common,
            first: parts.after.first,
            last: parts.after.last,
            assigneeId: a.assigneeId,
            status: a.status,
            itemsDone: doneWithin(a, a.itemsDone, parts.after),
            startedAt: a.startedAt,
            lastProgressAt: a.lastProgressAt,
          },
        }),
      );
    }
    if (to) {
      moved = await tx.assignment.create({
        data: { ...common, first: range.first, last: range.last, assigneeId: to, itemsDone: doneWithin(a, a.itemsDone, range) },
      });
    }
  }
  await audit(tx, {
    teamId: actor.teamId,
    actorId: actor.userId,
    action: "handoff.apply",
    datasetId: a.datasetId,
    assignmentId: a.id,
    handoffId,
    before: { first: a.first, last: a.last, assigneeId: a.assigneeId, status: a.status, itemsDone: a.itemsDone },
    after: {
      to,
      range,
      moved: moved ? { ref: assignmentRef(moved.id), first: moved.first, last: moved.last, itemsDone: moved.itemsDone } : null,
      kept: kept.map((k) => ({ ref: assignmentRef(k.id), first: k.first, last: k.last, itemsDone: k.itemsDone })),
    },
    reason,
    at: now,
  });
  return { moved: moved ? assignmentView(moved, a.dataset) : null, kept: kept.map((k) => assignmentView(k, a.dataset)) };
}

export interface HandoffOutcome {
  handoff: HandoffView;
  /** true when the change is done (a lead's handoff, an approval); false for a request awaiting a lead */
  applied: boolean;
  moved: AssignmentView | null;
  kept: AssignmentView[];
  /** who decides a pending request */
  leads: string[];
}

/**
 * Hand off a range or a sub-range. From a lead of the dataset it happens at
 * once; from the owner it is a request that a lead approves or rejects.
 */
export async function handoff(ctx: LedgerContext, actor: Actor, ref: string | number, input: HandoffInput, opts: ChangeOptions = {}) {
  const reason = cleanReason(input.reason);
  return ctx.store.change<HandoffOutcome>(actor.teamId, "handoff.request", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "hand off", { lockDatasetFirst: true });
    const range = input.range ?? { first: a.first, last: a.last };
    checkHandoff(a, input.to, range);
    const role = await roleOf(ctx, tx, actor, a.datasetId);
    const isLead = atLeast(role, "LEAD");
    const pending = await tx.handoffRequest.findFirst({ where: { assignmentId: a.id, status: "PENDING" } });
    if (pending) {
      throw conflict(`${assignmentRef(a.id)} already has a handoff request waiting for a lead (${handoffRef(pending.id)})`);
    }
    const now = ctx.config.clock();
    const h = await tx.handoffRequest.create({
      data: {
        teamId: a.teamId,
        assignmentId: a.id,
        requesterId: actor.userId,
        fromUserId: a.assigneeId,
        toUserId: input.to,
        first: range.first,
        last: range.last,
        reason,
        ...(isLead ? { status: "APPROVED", decidedById: actor.userId, decidedAt: now, decisionComment: "handed off by a lead" } : {}),
      },
    });
    await audit(tx, {
      teamId: actor.teamId,
      actorId: actor.userId,
      action: isLead ? "handoff.direct" : "handoff.request",
      datasetId: a.datasetId,
      assignmentId: a.id,
      handoffId: h.id,
      after: { to: input.to, first: range.first, last: range.last, status: h.status },
      reason,
      at: now,
    });
    if (!isLead) {
      return { handoff: handoffView(h, a.dataset.slug), applied: false, moved: null, kept: [], leads: await leadsOf(ctx, tx, a.teamId, a.datasetId) };
    }
    const result = await applyHandoff(ctx, tx, actor, a, range, input.to, h.id, reason);
    const done = await tx.handoffRequest.update({ where: { id: h.id }, data: { resultAssignmentId: result.moved?.id ?? null } });
    return { handoff: handoffView(done, a.dataset.slug), applied: true, ...result, leads: [] };
  });
}

export interface HandoffDecision {
  approve: boolean;
  /** approve to someone other than the requested recipient */
  toUserId?: string | null;
  comment?: string | null;
}

async function loadHandoff(tx: Tx, teamId: string, ref: string | number) {
  const id = typeof ref === "number" ? ref : parseHandoffRef(ref);
  const h = await tx.handoffRequest.findUnique({ where: { id }, include: { assignment: { include: { dataset: true } } } });
  if (!h || h.teamId !== teamId) throw notFound(`there is no handoff request ${handoffRef(id)}`);
  return h;
}

/** Locks a request's row for the rest of the transaction and reads it again. */
async function lockHandoff(tx: Tx, id: number, teamId: string) {
  await tx.$queryRaw`SELECT 1 FROM "HandoffRequest" WHERE "id" = ${id} FOR UPDATE`;
  return loadHandoff(tx, teamId, id);
}

type LoadedHandoff = Awaited<ReturnType<typeof loadHandoff>>;

/** Closes a pending request without moving anything (rejected by a lead, or withdrawn), with its audit event. */
async function closeHandoff(
  ctx: LedgerContext,
  tx: Tx,
  actor: Actor,
  h: LoadedHandoff,
  status: "REJECTED" | "CANCELLED",
  comment: string | null,
) {
  const now = ctx.config.clock();
  const closed = await tx.handoffRequest.update({
    where: { id: h.id },
    data: { status, decidedAt: now, decisionComment: comment, ...(status === "REJECTED" ? { decidedById: actor.userId } : {}) },
  });
  await audit(tx, {
    teamId: actor.teamId,
    actorId: actor.userId,
    action: status === "REJECTED" ? "handoff.reject" : "handoff.cancel",
    datasetId: h.assignment.datasetId,
    assignmentId: h.assignmentId,
    handoffId: h.id,
    before: { status: "PENDING" },
    after: { status },
    reason: comment,
    at: now,
  });
  return handoffView(closed, h.assignment.dataset.slug);
}

/** A lead approves (optionally to another recipient) or rejects a pending handoff request. */
export async function decideHandoff(ctx: LedgerContext, actor: Actor, ref: string | number, d: HandoffDecision, opts: ChangeOptions = {}) {
  const comment = d.comment?.trim() || null;
  if (comment && comment.length > MAX_REASON) throw invalid(`the comment is too long; keep it under ${MAX_REASON} characters`);
  return ctx.store.change<HandoffOutcome>(actor.teamId, "handoff.decide", opts.idempotencyKey, async (tx) => {
    const found = await loadHandoff(tx, actor.teamId, ref);
    await requireLead(ctx, tx, actor, "approve or reject handoffs", found.assignment.datasetId);
    await lockDataset(tx, found.assignment.datasetId);
    const h = await lockHandoff(tx, found.id, actor.teamId);
    const label = handoffRef(h.id);
    if (h.status !== "PENDING") {
      const by = h.decidedById ? ` by <@${h.decidedById}>` : "";
      throw conflict(`${label} was already ${h.status.toLowerCase()}${by}`, { status: h.status, decidedById: h.decidedById });
    }
    if (h.requesterId === actor.userId) throw forbidden(`nobody decides their own request; another lead must decide ${label}`);
    if (!d.approve) {
      return { handoff: await closeHandoff(ctx, tx, actor, h, "REJECTED", comment), applied: false, moved: null, kept: [], leads: [] };
    }
    const now = ctx.config.clock();
    await lockAssignment(tx, h.assignmentId);
    const a = (await tx.assignment.findUnique({ where: { id: h.assignmentId }, include: { dataset: true } }))!;
    const to = d.toUserId === undefined ? h.toUserId : d.toUserId;
    const range = { first: h.first, last: h.last };
    if (a.assigneeId !== h.fromUserId || !contains(a, range)) {
      throw conflict(
        `${assignmentRef(a.id)} changed since ${label} was asked (now ${formatRange(a)}, held by <@${a.assigneeId}>); reject it and ask again`,
      );
    }
    checkHandoff(a, to, range);
    const result = await applyHandoff(ctx, tx, actor, a, range, to, h.id, h.reason);
    const approved = await tx.handoffRequest.update({
      where: { id: h.id },
      data: {
        status: "APPROVED",
        decidedById: actor.userId,
        decidedAt: now,
        decisionComment: comment,
        toUserId: to,
        resultAssignmentId: result.moved?.id ?? null,
      },
    });
    await audit(tx, {
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "handoff.approve",
      datasetId: a.datasetId,
      assignmentId: a.id,
      handoffId: h.id,
      before: { status: "PENDING", to: h.toUserId },
      after: { status: "APPROVED", to },
      reason: comment,
      at: now,
    });
    return { handoff: handoffView(approved, a.dataset.slug), applied: true, ...result, leads: [] };
  });
}

/** The requester withdraws a pending request. */
export async function cancelHandoff(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "handoff.cancel", opts.idempotencyKey, async (tx) => {
    const found = await loadHandoff(tx, actor.teamId, ref);
    const h = await lockHandoff(tx, found.id, actor.teamId);
    if (h.requesterId !== actor.userId) throw forbidden(`only <@${h.requesterId}> can withdraw ${handoffRef(h.id)}`);
    if (h.status !== "PENDING") throw conflict(`${handoffRef(h.id)} was already ${h.status.toLowerCase()}`);
    return { handoff: await closeHandoff(ctx, tx, actor, h, "CANCELLED", "withdrawn") };
  });
}

export async function getHandoff(ctx: LedgerContext, teamId: string, ref: string | number): Promise<HandoffView> {
  const h = await ctx.store.transaction((tx) => loadHandoff(tx, teamId, ref));
  return handoffView(h, h.assignment.dataset.slug);
}

/** Pending requests a lead can decide (all of the workspace's), oldest first. */
export async function pendingHandoffs(ctx: LedgerContext, teamId: string): Promise<HandoffView[]> {
  const rows = await ctx.store.prisma.handoffRequest.findMany({
    where: { teamId, status: "PENDING" },
    include: { assignment: { include: { dataset: true } } },
    orderBy: { createdAt: "asc" },
    take: 50,
  });
  return rows.map((h) => handoffView(h, h.assignment.dataset.slug));
}
