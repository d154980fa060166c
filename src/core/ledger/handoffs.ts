import type { AssignmentInDataset, AssignmentRecord, HandoffInDataset } from "../../db/records.ts";
import type { Repositories } from "../../db/store.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { contains, doneWithin, formatRange, splitAround } from "../ranges.ts";
import { assignmentRef, handoffRef, parseHandoffRef } from "../refs.ts";
import { atLeast, requireRole } from "../roles.ts";
import { person, text } from "../text.ts";
import { assertTransition } from "../transitions.ts";
import type { Actor, AssignmentView, ChangeOptions, HandoffView, Range, Role } from "../types.ts";
import { assignmentView, handoffView } from "../views.ts";
import { loadOwnAssignment } from "./assignments.ts";
import { change, type LedgerContext, leadsOf, requireLead, roleOf } from "./context.ts";

export const MAX_REASON = 500;

export interface HandoffInput {
  /** recipient user id; null hands the items back to the pool */
  to: string | null;
  /** a sub-range to hand off; the whole range when absent */
  range?: Range | null;
  reason: string;
  /**
   * items done inside the handed-off part; when absent, done items are
   * counted from the start of the range (60 done of 1–100 are items 1–60)
   */
  doneMoved?: number | null;
}

/** How a handoff divides a range's done items: the part that moves and each part the owner keeps. */
export interface HandoffSplit {
  moved: Range & { itemsDone: number };
  kept: (Range & { itemsDone: number })[];
  /** true when the requester stated the count of the moved part */
  stated: boolean;
}

/**
 * Splits `a`'s done items between the handed-off `range` and the parts the
 * owner keeps: the moved part gets `doneMoved` when stated, else the done
 * items counted from the start of the range fall where they fall; the kept
 * parts hold the rest, the earlier part first. Refuses a stated count out of
 * bounds or inconsistent with the range's total.
 */
export function splitDone(
  a: Range & { id: number; itemsDone: number },
  range: Range,
  doneMoved: number | null | undefined,
): HandoffSplit {
  const ref = assignmentRef(a.id);
  const size = range.last - range.first + 1;
  const parts = splitAround(a, range);
  const keptParts = [parts.before, parts.after].filter((p): p is Range => p !== null);
  const keptSize = keptParts.reduce((n, p) => n + p.last - p.first + 1, 0);
  const stated = doneMoved !== null && doneMoved !== undefined;
  let moved = doneWithin(a, a.itemsDone, range);
  if (stated) {
    if (!Number.isSafeInteger(doneMoved) || doneMoved < 0 || doneMoved > size)
      throw invalid(`${formatRange(range)} has ${size} items; the done items in it must be between 0 and ${size}`, {
        field: "doneMoved",
      });
    if (doneMoved > a.itemsDone)
      throw invalid(`${ref} has only ${a.itemsDone} items done, so ${formatRange(range)} cannot hold ${doneMoved}`, {
        field: "doneMoved",
      });
    if (a.itemsDone - doneMoved > keptSize)
      throw invalid(
        `${ref} has ${a.itemsDone} items done; with ${doneMoved} in ${formatRange(range)}, the other ${a.itemsDone - doneMoved} do not fit in the ${keptSize} items kept`,
        { field: "doneMoved" },
      );
    moved = doneMoved;
  }
  let rest = a.itemsDone - moved;
  const kept = keptParts.map((p) => {
    const n = Math.min(rest, p.last - p.first + 1);
    rest -= n;
    return { ...p, itemsDone: n };
  });
  return { moved: { ...range, itemsDone: moved }, kept, stated };
}

function cleanReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw invalid("a handoff needs a reason (it is kept in the ledger's history)", { field: "reason" });
  if (r.length > MAX_REASON)
    throw invalid(`the reason is ${r.length} characters long; keep it under ${MAX_REASON}`, { field: "reason" });
  return r;
}

function checkHandoff(
  a: AssignmentInDataset,
  to: string | null,
  range: Range,
  doneMoved: number | null | undefined,
): HandoffSplit {
  const ref = assignmentRef(a.id);
  assertTransition("handoff", a.status, ref);
  if (!contains(a, range)) {
    throw invalid(`${formatRange(range)} is not inside ${ref} (${a.dataset.slug} ${formatRange(a)})`);
  }
  if (to === a.assigneeId) throw invalid(text`${ref} already belongs to ${person(to)}`, { field: "to" });
  return splitDone(a, range, doneMoved);
}

/**
 * Moves `range` of assignment `a` to `to` (or the pool). A sub-range splits the
 * assignment: the owner keeps the parts before and after it, each with the
 * done items that fall inside it. Returns the recipient's new assignment (if
 * any) and what the owner keeps.
 */
async function applyHandoff(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  m: {
    assignment: AssignmentInDataset;
    range: Range;
    to: string | null;
    handoffId: number;
    reason: string;
    split: HandoffSplit;
  },
): Promise<{ moved: AssignmentView | null; kept: AssignmentView[] }> {
  const { assignment: a, range, to, split } = m;
  const now = ctx.config.clock();
  let moved: AssignmentRecord | null = null;
  const kept: AssignmentRecord[] = [];
  if (to) await r.members.ensure(actor.teamId, to);
  if (range.first === a.first && range.last === a.last) {
    if (to) {
      moved = await r.assignments.update(a.id, {
        assigneeId: to,
        status: a.status === "IN_PROGRESS" ? "PENDING" : a.status,
      });
    } else {
      await r.assignments.update(a.id, { status: "RELEASED", releasedAt: now });
    }
  } else {
    const parts = splitAround(a, range);
    const keepFirst = (parts.before ?? parts.after)!;
    const doneIn = (p: Range) => split.kept.find((k) => k.first === p.first)?.itemsDone ?? 0;
    // Shrink first (frees the rest), then create the other parts inside the freed items.
    kept.push(
      await r.assignments.update(a.id, {
        first: keepFirst.first,
        last: keepFirst.last,
        itemsDone: doneIn(keepFirst),
      }),
    );
    const common = {
      teamId: a.teamId,
      datasetId: a.datasetId,
      dueDate: a.dueDate,
      note: a.note,
      parentId: a.id,
      assignedBy: actor.userId,
      createdAt: ctx.config.clock(),
    };
    if (parts.before && parts.after) {
      kept.push(
        await r.assignments.create({
          ...common,
          ...parts.after,
          assigneeId: a.assigneeId,
          status: a.status,
          itemsDone: doneIn(parts.after),
          startedAt: a.startedAt,
          lastProgressAt: a.lastProgressAt,
        }),
      );
    }
    if (to)
      moved = await r.assignments.create({
        ...common,
        ...range,
        assigneeId: to,
        itemsDone: split.moved.itemsDone,
      });
  }
  await r.audit.append({
    teamId: actor.teamId,
    actorId: actor.userId,
    action: "handoff.apply",
    datasetId: a.datasetId,
    assignmentId: a.id,
    handoffId: m.handoffId,
    before: { first: a.first, last: a.last, assigneeId: a.assigneeId, status: a.status, itemsDone: a.itemsDone },
    after: {
      to,
      range,
      doneMoved: split.moved.itemsDone,
      doneStated: split.stated,
      moved: moved
        ? { ref: assignmentRef(moved.id), first: moved.first, last: moved.last, itemsDone: moved.itemsDone }
        : null,
      kept: kept.map((k) => ({ ref: assignmentRef(k.id), first: k.first, last: k.last, itemsDone: k.itemsDone })),
    },
    reason: m.reason,
    at: now,
  });
  return {
    moved: moved ? assignmentView(moved, a.dataset) : null,
    kept: kept.map((k) => assignmentView(k, a.dataset)),
  };
}

export interface HandoffOutcome {
  handoff: HandoffView;
  /** true when the change is done (a lead's handoff, an approval); false for a request awaiting a lead */
  applied: boolean;
  moved: AssignmentView | null;
  kept: AssignmentView[];
  /** who decides a pending request */
  leads: string[];
  /** how the done items are (or, pending, would be) divided */
  split: HandoffSplit;
}

/**
 * Hand off a range or a sub-range. From a lead of the dataset it happens at
 * once; from the owner it is a request that a lead approves or rejects.
 */
export async function handoff(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  input: HandoffInput,
  opts: ChangeOptions = {},
) {
  const reason = cleanReason(input.reason);
  return change<HandoffOutcome>(ctx, actor.teamId, "handoff.request", opts.idempotencyKey, async (r) => {
    const a = await loadOwnAssignment(ctx, r, actor, ref, "hand off", { lockDatasetFirst: true });
    const range = input.range ?? { first: a.first, last: a.last };
    const split = checkHandoff(a, input.to, range, input.doneMoved);
    const isLead = atLeast(await roleOf(ctx, r, actor, a.datasetId), "LEAD");
    const pending = await r.handoffs.pendingFor(a.id);
    if (pending) {
      throw conflict(
        `${assignmentRef(a.id)} already has a handoff request waiting for a lead (${handoffRef(pending.id)})`,
      );
    }
    const now = ctx.config.clock();
    const h = await r.handoffs.create({
      teamId: a.teamId,
      assignmentId: a.id,
      requesterId: actor.userId,
      fromUserId: a.assigneeId,
      toUserId: input.to,
      ...range,
      reason,
      doneMoved: split.stated ? split.moved.itemsDone : null,
      createdAt: now,
      ...(isLead
        ? {
            decided: {
              status: "APPROVED",
              decidedById: actor.userId,
              decidedAt: now,
              decisionComment: "handed off by a lead",
            },
          }
        : {}),
    });
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: isLead ? "handoff.direct" : "handoff.request",
      datasetId: a.datasetId,
      assignmentId: a.id,
      handoffId: h.id,
      after: {
        to: input.to,
        first: range.first,
        last: range.last,
        status: h.status,
        doneMoved: split.moved.itemsDone,
        doneStated: split.stated,
      },
      reason,
      at: now,
    });
    if (!isLead) {
      return {
        handoff: handoffView(h, a.dataset.slug),
        applied: false,
        moved: null,
        kept: [],
        leads: await leadsOf(ctx, r, a.teamId, a.datasetId),
        split,
      };
    }
    const result = await applyHandoff(ctx, r, actor, {
      assignment: a,
      range,
      to: input.to,
      handoffId: h.id,
      reason,
      split,
    });
    const done = await r.handoffs.update(h.id, { resultAssignmentId: result.moved?.id ?? null });
    return { handoff: handoffView(done, a.dataset.slug), applied: true, ...result, leads: [], split };
  });
}

export interface HandoffDecision {
  approve: boolean;
  /** approve to someone other than the requested recipient */
  toUserId?: string | null;
  comment?: string | null;
}

async function loadHandoff(r: Repositories, teamId: string, ref: string | number): Promise<HandoffInDataset> {
  const id = typeof ref === "number" ? ref : parseHandoffRef(ref);
  const h = await r.handoffs.findInTeam(teamId, id);
  if (!h) throw notFound(`there is no handoff request ${handoffRef(id)}`);
  return h;
}

/** Locks a request's row for the rest of the transaction and reads it again. */
async function lockHandoff(r: Repositories, id: number, teamId: string): Promise<HandoffInDataset> {
  await r.handoffs.lock(id);
  return loadHandoff(r, teamId, id);
}

/** Refuses unless someone with `role` may decide request `h` now: it is pending, they lead its dataset, and it is not their own. */
function checkMayDecide(actor: Actor, role: Role, h: HandoffInDataset): void {
  const label = handoffRef(h.id);
  if (h.status !== "PENDING") {
    const by = h.decidedById ? text` by ${person(h.decidedById)}` : [];
    throw conflict(text`${label} was already ${h.status.toLowerCase()}${by}`, {
      status: h.status,
      decidedById: h.decidedById,
    });
  }
  requireRole(role, "LEAD", "approve or reject handoffs");
  if (h.requesterId === actor.userId)
    throw forbidden(`nobody decides their own request; another lead must decide ${label}`);
}

/** Closes a pending request without moving anything (rejected by a lead, or withdrawn), with its audit event. */
async function closeHandoff(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  c: { handoff: HandoffInDataset; status: "REJECTED" | "CANCELLED"; comment: string | null },
) {
  const h = c.handoff;
  const now = ctx.config.clock();
  const closed = await r.handoffs.update(h.id, {
    status: c.status,
    decidedAt: now,
    decisionComment: c.comment,
    ...(c.status === "REJECTED" ? { decidedById: actor.userId } : {}),
  });
  await r.audit.append({
    teamId: actor.teamId,
    actorId: actor.userId,
    action: c.status === "REJECTED" ? "handoff.reject" : "handoff.cancel",
    datasetId: h.assignment.datasetId,
    assignmentId: h.assignmentId,
    handoffId: h.id,
    before: { status: "PENDING" },
    after: { status: c.status },
    reason: c.comment,
    at: now,
  });
  return handoffView(closed, h.assignment.dataset.slug);
}

/** A lead approves (optionally to another recipient) or rejects a pending handoff request. */
export async function decideHandoff(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  d: HandoffDecision,
  opts: ChangeOptions = {},
) {
  const comment = d.comment?.trim() || null;
  if (comment && comment.length > MAX_REASON)
    throw invalid(`the comment is too long; keep it under ${MAX_REASON} characters`);
  return change<HandoffOutcome>(ctx, actor.teamId, "handoff.decide", opts.idempotencyKey, async (r) => {
    const found = await loadHandoff(r, actor.teamId, ref);
    const role = await requireLead(ctx, r, actor, "approve or reject handoffs", found.assignment.datasetId);
    await r.datasets.lock(found.assignment.datasetId);
    const h = await lockHandoff(r, found.id, actor.teamId);
    checkMayDecide(actor, role, h);
    if (!d.approve) {
      return {
        handoff: await closeHandoff(ctx, r, actor, { handoff: h, status: "REJECTED", comment }),
        applied: false,
        moved: null,
        kept: [],
        leads: [],
        split: { moved: { first: h.first, last: h.last, itemsDone: 0 }, kept: [], stated: false },
      };
    }
    const now = ctx.config.clock();
    await r.assignments.lock(h.assignmentId);
    const a = (await r.assignments.findInTeam(actor.teamId, h.assignmentId))!;
    const to = d.toUserId === undefined ? h.toUserId : d.toUserId;
    const range = { first: h.first, last: h.last };
    if (a.assigneeId !== h.fromUserId || !contains(a, range)) {
      throw conflict(
        text`${assignmentRef(a.id)} changed since ${handoffRef(h.id)} was asked (now ${formatRange(a)}, held by ${person(a.assigneeId)}); reject it and ask again`,
      );
    }
    const split = checkHandoff(a, to, range, h.doneMoved);
    const result = await applyHandoff(ctx, r, actor, {
      assignment: a,
      range,
      to,
      handoffId: h.id,
      reason: h.reason,
      split,
    });
    const approved = await r.handoffs.update(h.id, {
      status: "APPROVED",
      decidedById: actor.userId,
      decidedAt: now,
      decisionComment: comment,
      toUserId: to,
      resultAssignmentId: result.moved?.id ?? null,
    });
    await r.audit.append({
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
    return { handoff: handoffView(approved, a.dataset.slug), applied: true, ...result, leads: [], split };
  });
}

/**
 * The request as someone about to decide it sees it (e.g. to show the
 * decision form): refused, with the same reasons as a decision would be, when
 * they may not decide it.
 */
export async function handoffToDecide(ctx: LedgerContext, actor: Actor, ref: string | number): Promise<HandoffView> {
  const r = ctx.store.read;
  const h = await loadHandoff(r, actor.teamId, ref);
  checkMayDecide(actor, await roleOf(ctx, r, actor, h.assignment.datasetId, { register: false }), h);
  return handoffView(h, h.assignment.dataset.slug);
}

/** The requester withdraws a pending request. */
export async function cancelHandoff(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return change(ctx, actor.teamId, "handoff.cancel", opts.idempotencyKey, async (r) => {
    const found = await loadHandoff(r, actor.teamId, ref);
    const h = await lockHandoff(r, found.id, actor.teamId);
    if (h.requesterId !== actor.userId)
      throw forbidden(text`only ${person(h.requesterId)} can withdraw ${handoffRef(h.id)}`);
    if (h.status !== "PENDING") throw conflict(`${handoffRef(h.id)} was already ${h.status.toLowerCase()}`);
    return { handoff: await closeHandoff(ctx, r, actor, { handoff: h, status: "CANCELLED", comment: "withdrawn" }) };
  });
}

export async function getHandoff(ctx: LedgerContext, teamId: string, ref: string | number): Promise<HandoffView> {
  const h = await loadHandoff(ctx.store.read, teamId, ref);
  return handoffView(h, h.assignment.dataset.slug);
}

/** Pending requests a lead can decide (all of the workspace's), oldest first. */
export async function pendingHandoffs(ctx: LedgerContext, teamId: string): Promise<HandoffView[]> {
  return (await ctx.store.read.handoffs.pending(teamId, 50)).map((h) => handoffView(h, h.assignment.dataset.slug));
}
