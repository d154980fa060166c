import type { Assignment } from "../../generated/prisma/client.js";
import {
  assignmentView,
  audit,
  ensureMember,
  findAssignment,
  lockAssignment,
  lockDataset,
  lowestFreeSpan,
  overlappingLive,
  type AssignmentWithDataset,
  type Tx,
} from "../../db/store.js";
import { atLeast } from "../roles.js";
import { conflict, forbidden, invalid, notFound } from "../errors.js";
import { parseIsoDate } from "../dates.js";
import { checkRangeInside, formatRange, intersection } from "../ranges.js";
import { assignmentRef, parseAssignmentRef } from "../refs.js";
import { assertTransition, statusAfterProgress } from "../transitions.js";
import type { Actor, AssignmentView, ChangeOptions, Range } from "../types.js";
import { roleOf, requireLead, todayFor, type LedgerContext } from "./context.js";
import { requireDataset } from "./datasets.js";
import { startReviewOnSubmit } from "../review/service.js";

export const MAX_NOTE = 500;

export interface ClaimInput {
  dataset: string;
  first: number;
  last: number;
  /** YYYY-MM-DD */
  dueDate?: string | null;
  note?: string | null;
}

export interface ClaimNextInput {
  dataset: string;
  /** default: the dataset's batch size */
  size?: number;
  dueDate?: string | null;
  note?: string | null;
}

function cleanNote(note: string | null | undefined): string | null {
  const n = note?.trim();
  if (!n) return null;
  if (n.length > MAX_NOTE) throw invalid(`the note is ${n.length} characters long; keep it under ${MAX_NOTE}`, { field: "note" });
  return n;
}

async function checkDue(ctx: LedgerContext, tx: Tx, teamId: string, userId: string, due: string | null | undefined) {
  if (!due) return null;
  const date = parseIsoDate(due);
  const today = await todayFor(ctx, tx, teamId, userId);
  if (due < today) throw invalid(`the due date ${due} is in the past (today is ${today})`, { field: "dueDate" });
  return date;
}

/** The refusal of a range whose items are held, naming who holds what and what is free instead. */
async function heldError(tx: Tx, datasetId: number, slug: string, range: Range, actorId: string, held: Assignment[]) {
  const h = held[0]!;
  const overlap = intersection(range, h)!;
  const who = h.assigneeId === actorId ? "you" : `<@${h.assigneeId}>`;
  const more = held.length > 1 ? ` (and ${held.length - 1} more range${held.length > 2 ? "s" : ""})` : "";
  const size = range.last - range.first + 1;
  const free = await lowestFreeSpan(tx, datasetId, size);
  const suggestion = free
    ? `; the lowest free range of ${size} item${size === 1 ? "" : "s"} is ${formatRange({ first: free.first, last: free.first + size - 1 })}`
    : "";
  return conflict(
    `items ${formatRange(overlap)} of ${slug} are already held by ${who} in ${assignmentRef(h.id)}${more}${suggestion}`,
    { heldBy: h.assigneeId, ref: assignmentRef(h.id), overlap },
  );
}

async function createRange(
  ctx: LedgerContext,
  tx: Tx,
  actor: Actor,
  action: string,
  d: { id: number; slug: string; itemNoun: string; itemCount: number; archived: boolean },
  range: Range,
  assigneeId: string,
  due: Date | null,
  note: string | null,
  reason: string | null,
  /** the caller locked the dataset and found `range` free under that lock */
  knownFree = false,
) {
  if (d.archived) throw invalid(`${d.slug} is archived; a lead can reopen it with /ledger dataset set ${d.slug} archived no`);
  checkRangeInside(range, d.itemCount, d.slug);
  if (!knownFree) {
    await lockDataset(tx, d.id);
    const held = await overlappingLive(tx, d.id, range);
    if (held.length) throw await heldError(tx, d.id, d.slug, range, actor.userId, held);
  }
  await ensureMember(tx, actor.teamId, assigneeId);
  const a = await tx.assignment.create({
    data: {
      teamId: actor.teamId,
      datasetId: d.id,
      first: range.first,
      last: range.last,
      assigneeId,
      assignedBy: actor.userId,
      dueDate: due,
      note,
    },
  });
  const view = assignmentView(a, d);
  await audit(tx, {
    teamId: actor.teamId,
    actorId: actor.userId,
    action,
    datasetId: d.id,
    assignmentId: a.id,
    after: { first: a.first, last: a.last, assigneeId, status: a.status, dueDate: view.dueDate, note },
    reason,
    at: ctx.config.clock(),
  });
  return view;
}

const datasetSummary = (d: { slug: string; title: string; itemNoun: string }) => ({ slug: d.slug, title: d.title, itemNoun: d.itemNoun });

/** Claim an explicit range for oneself. */
export async function claim(ctx: LedgerContext, actor: Actor, input: ClaimInput, opts: ChangeOptions = {}) {
  const note = cleanNote(input.note);
  return ctx.store.change(actor.teamId, "assignment.claim", opts.idempotencyKey, async (tx) => {
    const d = await requireDataset(tx, actor.teamId, input.dataset);
    const due = await checkDue(ctx, tx, actor.teamId, actor.userId, input.dueDate);
    const range = { first: input.first, last: input.last };
    const assignment = await createRange(ctx, tx, actor, "assignment.claim", d, range, actor.userId, due, note, opts.reason ?? null);
    return { assignment, dataset: datasetSummary(d) };
  });
}

/** Claim the lowest free range of `size` items. */
export async function claimNext(ctx: LedgerContext, actor: Actor, input: ClaimNextInput, opts: ChangeOptions = {}) {
  const note = cleanNote(input.note);
  if (input.size !== undefined && (!Number.isSafeInteger(input.size) || input.size < 1)) {
    throw invalid("the size must be a whole number of at least 1", { field: "size" });
  }
  return ctx.store.change(actor.teamId, "assignment.claim", opts.idempotencyKey, async (tx) => {
    const d = await requireDataset(tx, actor.teamId, input.dataset);
    const due = await checkDue(ctx, tx, actor.teamId, actor.userId, input.dueDate);
    const size = input.size ?? d.batchSize;
    if (size > d.itemCount) throw invalid(`${d.slug} has only ${d.itemCount} items; ask for at most ${d.itemCount}`, { field: "size" });
    await lockDataset(tx, d.id);
    const span = await lowestFreeSpan(tx, d.id, size);
    if (!span) throw await noFreeRange(tx, d.id, d.slug, size);
    const range = { first: span.first, last: span.first + size - 1 };
    const assignment = await createRange(ctx, tx, actor, "assignment.claim", d, range, actor.userId, due, note, opts.reason ?? null, true);
    return { assignment, dataset: datasetSummary(d) };
  });
}

async function noFreeRange(tx: Tx, datasetId: number, slug: string, size: number) {
  const largest = await tx.$queryRaw<Range[]>`
    SELECT "first", "last" FROM "FreeSpan" WHERE "datasetId" = ${datasetId}
    ORDER BY "last" - "first" DESC, "first" LIMIT 1`;
  const l = largest[0];
  if (!l) return conflict(`every item of ${slug} is already claimed`);
  const n = l.last - l.first + 1;
  return conflict(
    `no free range of ${size} items is left in ${slug}; the largest free range is ${formatRange(l)} (${n} item${n === 1 ? "" : "s"})`,
    { largest: l, field: "size" },
  );
}

/** A lead assigns a range to someone. */
export async function assign(
  ctx: LedgerContext,
  actor: Actor,
  input: ClaimInput & { assigneeId: string },
  opts: ChangeOptions = {},
) {
  const note = cleanNote(input.note);
  return ctx.store.change(actor.teamId, "assignment.assign", opts.idempotencyKey, async (tx) => {
    const d = await requireDataset(tx, actor.teamId, input.dataset);
    await requireLead(ctx, tx, actor, "assign ranges to others", d.id);
    const due = await checkDue(ctx, tx, actor.teamId, input.assigneeId, input.dueDate);
    const range = { first: input.first, last: input.last };
    const assignment = await createRange(ctx, tx, actor, "assignment.assign", d, range, input.assigneeId, due, note, opts.reason ?? null);
    return { assignment, dataset: datasetSummary(d) };
  });
}

/**
 * Loads an assignment the actor may change: their own, or any when they lead
 * its dataset. Locks its row for the rest of the transaction.
 */
export async function loadOwnAssignment(
  ctx: LedgerContext,
  tx: Tx,
  actor: Actor,
  ref: string | number,
  what: string,
  opts: { lockDatasetFirst?: boolean } = {},
): Promise<AssignmentWithDataset> {
  const id = typeof ref === "number" ? ref : parseAssignmentRef(ref);
  const found = await findAssignment(tx, actor.teamId, id);
  if (!found) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  if (opts.lockDatasetFirst) await lockDataset(tx, found.datasetId);
  await lockAssignment(tx, id);
  const a = (await findAssignment(tx, actor.teamId, id))!;
  if (a.assigneeId !== actor.userId) {
    const role = await roleOf(ctx, tx, actor, a.datasetId);
    if (!atLeast(role, "LEAD")) {
      throw forbidden(`${assignmentRef(id)} belongs to <@${a.assigneeId}>; only they or a lead can ${what} it`);
    }
  }
  return a;
}

type Snapshot = Pick<Assignment, "status" | "itemsDone">;
const snap = (a: Snapshot) => ({ status: a.status, itemsDone: a.itemsDone });

async function recordChange(
  ctx: LedgerContext,
  tx: Tx,
  actor: Actor,
  action: string,
  before: AssignmentWithDataset,
  after: Assignment,
  reason: string | null,
  extra: Record<string, unknown> = {},
) {
  await audit(tx, {
    teamId: actor.teamId,
    actorId: actor.userId,
    action,
    datasetId: before.datasetId,
    assignmentId: before.id,
    before: snap(before),
    after: { ...snap(after), ...extra },
    reason,
    at: ctx.config.clock(),
  });
  return assignmentView(after, before.dataset);
}

/** Set items done (0..size). Any progress starts a pending range. */
export async function setProgress(ctx: LedgerContext, actor: Actor, ref: string | number, count: number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "assignment.progress", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "update");
    const r = assignmentRef(a.id);
    assertTransition("progress", a.status, r);
    const size = a.last - a.first + 1;
    if (!Number.isSafeInteger(count) || count < 0 || count > size) {
      throw invalid(`${r} has ${size} items; items done must be between 0 and ${size}`, { field: "count" });
    }
    const now = ctx.config.clock();
    const updated = await tx.assignment.update({
      where: { id: a.id },
      data: {
        itemsDone: count,
        status: statusAfterProgress(a.status),
        startedAt: a.startedAt ?? now,
        lastProgressAt: now,
      },
    });
    return { assignment: await recordChange(ctx, tx, actor, "assignment.progress", a, updated, opts.reason ?? null), previous: snap(a) };
  });
}

export async function start(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "assignment.start", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "start");
    assertTransition("start", a.status, assignmentRef(a.id));
    const now = ctx.config.clock();
    const updated = await tx.assignment.update({
      where: { id: a.id },
      data: { status: "IN_PROGRESS", startedAt: a.startedAt ?? now, lastProgressAt: now },
    });
    return { assignment: await recordChange(ctx, tx, actor, "assignment.start", a, updated, opts.reason ?? null), previous: snap(a) };
  });
}

export async function pause(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "assignment.pause", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "pause");
    assertTransition("pause", a.status, assignmentRef(a.id));
    const updated = await tx.assignment.update({ where: { id: a.id }, data: { status: "PENDING" } });
    return { assignment: await recordChange(ctx, tx, actor, "assignment.pause", a, updated, opts.reason ?? null), previous: snap(a) };
  });
}

/**
 * Submit a finished range: all its items count as done; the dataset's review
 * policy decides whether it goes to review (with a reviewer and a sample) or
 * is completed at once.
 */
export async function submit(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "assignment.submit", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "submit");
    assertTransition("submit", a.status, assignmentRef(a.id));
    const size = a.last - a.first + 1;
    const round = a.reviewRound + 1;
    const now = ctx.config.clock();
    const review = await startReviewOnSubmit(ctx, tx, a, round);
    const updated = await tx.assignment.update({
      where: { id: a.id },
      data: {
        itemsDone: size,
        reviewRound: round,
        status: review ? "IN_REVIEW" : "COMPLETED",
        startedAt: a.startedAt ?? now,
        lastProgressAt: now,
        submittedAt: now,
        completedAt: review ? null : now,
      },
    });
    const assignment = await recordChange(ctx, tx, actor, "assignment.submit", a, updated, opts.reason ?? null, {
      reviewId: review?.id ?? null,
      round,
    });
    return { assignment, review, previous: snap(a) };
  });
}

/** Give back a range that is not finished; its items are free again. */
export async function release(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "assignment.release", opts.idempotencyKey, async (tx) => {
    const a = await loadOwnAssignment(ctx, tx, actor, ref, "release", { lockDatasetFirst: true });
    assertTransition("release", a.status, assignmentRef(a.id));
    const updated = await tx.assignment.update({
      where: { id: a.id },
      data: { status: "RELEASED", releasedAt: ctx.config.clock() },
    });
    const cancelled = await tx.handoffRequest.updateMany({
      where: { assignmentId: a.id, status: "PENDING" },
      data: { status: "CANCELLED", decidedAt: ctx.config.clock(), decisionComment: "the range was released" },
    });
    const assignment = await recordChange(ctx, tx, actor, "assignment.release", a, updated, opts.reason ?? null, {
      cancelledHandoffs: cancelled.count,
    });
    return { assignment, previous: snap(a) };
  });
}

export async function getAssignment(ctx: LedgerContext, teamId: string, ref: string | number): Promise<AssignmentView> {
  const id = typeof ref === "number" ? ref : parseAssignmentRef(ref);
  const a = await findAssignment(ctx.store.prisma, teamId, id);
  if (!a) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  return assignmentView(a, a.dataset);
}
