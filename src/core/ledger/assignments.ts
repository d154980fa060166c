import type { AssignmentInDataset, AssignmentRecord, DatasetRecord } from "../../db/records.ts";
import type { AssignmentPatch, Repositories } from "../../db/store.ts";
import { formatIsoDate, parseIsoDate, resolveDueDate } from "../dates.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { checkRangeInside, formatRange, intersection } from "../ranges.ts";
import { assignmentRef, parseAssignmentRef } from "../refs.ts";
import { startReviewOnSubmit } from "../review/service.ts";
import { atLeast } from "../roles.ts";
import { hint, person, text } from "../text.ts";
import { assertTransition, OPEN_STATUSES, statusAfterProgress } from "../transitions.ts";
import type { Actor, AssignmentView, ChangeOptions, Range } from "../types.ts";
import { assignmentView } from "../views.ts";
import { WORKING_DAYS_PER_WEEK } from "../workload.ts";
import { change, type LedgerContext, leadsOf, requireLead, roleOf, todayFor } from "./context.ts";
import { requireDataset } from "./datasets.ts";
import { currentInstructions, type InstructionsView, requireAcknowledged } from "./instructions.ts";

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

/** A count of items done, a step (start or pause), or both at once. */
export interface ProgressUpdate {
  count?: number;
  step?: "start" | "pause";
}

function cleanNote(note: string | null | undefined): string | null {
  const n = note?.trim();
  if (!n) return null;
  if (n.length > MAX_NOTE)
    throw invalid(`the note is ${n.length} characters long; keep it under ${MAX_NOTE}`, { field: "note" });
  return n;
}

/**
 * The due date `due` as typed by `typedBy` (an ISO date, today, tomorrow, a
 * weekday, +3d: see resolveDueDate), resolved in their time zone and checked
 * not to be past for the range's owner `userId`.
 */
async function checkDue(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  userId: string,
  due: string | null | undefined,
  typedBy: string = userId,
): Promise<Date | null> {
  if (!due) return null;
  const typersToday = await todayFor(ctx, r, teamId, typedBy);
  const resolved = resolveDueDate(due, typersToday);
  const today = typedBy === userId ? typersToday : await todayFor(ctx, r, teamId, userId);
  if (resolved < today)
    throw invalid(`the due date ${resolved} is in the past (today is ${today})`, { field: "dueDate" });
  return parseIsoDate(resolved);
}

/** The refusal of a range whose items are held, naming who holds what and what is free instead. */
async function heldError(r: Repositories, d: DatasetRecord, range: Range, actorId: string, held: AssignmentRecord[]) {
  const h = held[0]!;
  const overlap = intersection(range, h)!;
  const who = h.assigneeId === actorId ? "you" : person(h.assigneeId);
  const more = held.length > 1 ? ` (and ${held.length - 1} more range${held.length > 2 ? "s" : ""})` : "";
  const size = range.last - range.first + 1;
  const free = await r.assignments.lowestFreeSpan(d.id, size);
  const instead = free ? { first: free.first, last: free.first + size - 1 } : null;
  const suggestion = instead
    ? `; the lowest free range of ${size} item${size === 1 ? "" : "s"} is ${formatRange(instead)}`
    : "";
  return conflict(
    text`items ${formatRange(overlap)} of ${d.slug} are already held by ${who} in ${assignmentRef(h.id)}${more}${suggestion}`,
    // `instead`: the free range the refusal names, which a surface may offer to claim.
    { heldBy: h.assigneeId, ref: assignmentRef(h.id), overlap, dataset: d.slug, instead },
  );
}

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string) => `${count(n)} ${one}${n === 1 ? "" : "s"}`;

/**
 * The dataset's claim limits against a new range for `assigneeId`: its size
 * against max-claim, and the days of work of this dataset they would hold
 * (open items not done ÷ their daily capacity) against max-days. Returns
 * the sentences of the limits exceeded (none when within them).
 */
async function limitsExceeded(
  ctx: LedgerContext,
  r: Repositories,
  d: DatasetRecord,
  assigneeId: string,
  range: Range,
  self: boolean,
): Promise<{ sentence: string }[]> {
  const size = range.last - range.first + 1;
  const out: { sentence: string }[] = [];
  if (d.maxClaim !== null && size > d.maxClaim) {
    out.push({
      sentence: `A claim of ${plural(size, "item")} is more than ${d.slug} allows at once (${count(d.maxClaim)}). ${self ? "Claim" : "Give"} at most ${count(d.maxClaim)}${self ? ", or ask a lead" : ""}.`,
    });
  }
  if (d.maxDays !== null) {
    const member = await r.members.ensure(d.teamId, assigneeId);
    const perDay = (member.capacityPerWeek ?? ctx.config.defaultCapacity) / WORKING_DAYS_PER_WEEK;
    const held = (await r.assignments.openOf(d.id, assigneeId)).reduce(
      (n, a) => n + a.last - a.first + 1 - a.itemsDone,
      0,
    );
    const days = (held + size) / perDay;
    if (days > d.maxDays) {
      const room = Math.floor(d.maxDays * perDay) - held;
      const who = self ? "you" : "them";
      const advice =
        room > 0
          ? `${self ? "Claim" : "Give"} at most ${count(room)}${self ? ", or ask a lead" : ""}.`
          : self
            ? "Finish some of your open ranges first, or ask a lead."
            : `They need to finish some of their open ranges first.`;
      out.push({
        sentence: `${self ? "Claiming" : "Assigning"} ${plural(size, "item")} would give ${who} ${round1(days)} days of work in ${d.slug}, more than it allows one person (${plural(d.maxDays, "day")}, at ${count(round1(perDay))} items a day). ${advice}`,
      });
    }
  }
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

interface NewRange {
  action: "assignment.claim" | "assignment.assign";
  dataset: DatasetRecord;
  range: Range;
  assigneeId: string;
  due: Date | null;
  note: string | null;
  reason: string | null;
  /** the caller locked the dataset and found `range` free under that lock */
  knownFree?: boolean;
}

/** A new range, and the dataset's limits it exceeds (a lead's assignment may; a claim is refused). */
interface CreatedRange {
  view: AssignmentView;
  overLimits: string[];
  /** the dataset's current instructions (a claimer has acknowledged them) */
  instructions: InstructionsView | null;
}

/** Creates a live range after checking it fits the dataset and no live range holds its items. */
async function createRange(ctx: LedgerContext, r: Repositories, actor: Actor, n: NewRange): Promise<CreatedRange> {
  const d = n.dataset;
  if (d.archived) {
    throw invalid(
      text`${d.slug} is archived; a lead can reopen it${hint({ kind: "reopen-dataset", dataset: d.slug })}`,
    );
  }
  checkRangeInside(n.range, d.itemCount, d.slug);
  if (!n.knownFree) {
    await r.datasets.lock(d.id);
    const held = await r.assignments.overlappingLive(d.id, n.range);
    if (held.length) throw await heldError(r, d, n.range, actor.userId, held);
  }
  const over = await limitsExceeded(ctx, r, d, n.assigneeId, n.range, n.assigneeId === actor.userId);
  // The field of a form that set the size: the size of a next-free claim, else the range itself.
  if (over.length && n.action === "assignment.claim")
    throw invalid(over[0]!.sentence, { field: n.knownFree ? "size" : "range" });
  // A claimer starts work now: on the current instructions. An assignee acknowledges them before their own progress.
  const instructions =
    n.action === "assignment.claim" ? await requireAcknowledged(r, d, n.assigneeId) : await currentInstructions(r, d);
  await r.members.ensure(actor.teamId, n.assigneeId);
  const a = await r.assignments.create({
    teamId: actor.teamId,
    datasetId: d.id,
    first: n.range.first,
    last: n.range.last,
    assigneeId: n.assigneeId,
    assignedBy: actor.userId,
    dueDate: n.due,
    note: n.note,
    createdAt: ctx.config.clock(),
  });
  const view = assignmentView(a, d);
  await r.audit.append({
    teamId: actor.teamId,
    actorId: actor.userId,
    action: n.action,
    datasetId: d.id,
    assignmentId: a.id,
    after: {
      first: a.first,
      last: a.last,
      assigneeId: n.assigneeId,
      status: a.status,
      dueDate: view.dueDate,
      note: n.note,
    },
    reason: n.reason,
    at: ctx.config.clock(),
  });
  return { view, overLimits: over.map((o) => o.sentence), instructions };
}

const datasetSummary = (
  d: { slug: string; title: string; itemNoun: string },
  instructions: InstructionsView | null,
) => ({
  slug: d.slug,
  title: d.title,
  itemNoun: d.itemNoun,
  instructions,
});

/**
 * Claims an explicit range: for oneself, or (a lead) for someone else. The
 * due date is checked in the assignee's time zone.
 */
async function claimRange(
  ctx: LedgerContext,
  actor: Actor,
  input: ClaimInput & { assigneeId: string },
  o: ChangeOptions & { action: NewRange["action"] },
) {
  const note = cleanNote(input.note);
  return change(ctx, actor.teamId, o.action, o.idempotencyKey, async (r) => {
    const dataset = await requireDataset(r, actor.teamId, input.dataset);
    if (o.action === "assignment.assign") await requireLead(ctx, r, actor, "assign ranges to others", dataset.id);
    const due = await checkDue(ctx, r, actor.teamId, input.assigneeId, input.dueDate, actor.userId);
    const created = await createRange(ctx, r, actor, {
      action: o.action,
      dataset,
      range: { first: input.first, last: input.last },
      assigneeId: input.assigneeId,
      due,
      note,
      reason: o.reason ?? null,
    });
    return {
      assignment: created.view,
      dataset: datasetSummary(dataset, created.instructions),
      overLimits: created.overLimits,
    };
  });
}

/** Claim an explicit range for oneself. */
export const claim = (ctx: LedgerContext, actor: Actor, input: ClaimInput, opts: ChangeOptions = {}) =>
  claimRange(ctx, actor, { ...input, assigneeId: actor.userId }, { ...opts, action: "assignment.claim" });

/** A lead assigns a range to someone. */
export const assign = (
  ctx: LedgerContext,
  actor: Actor,
  input: ClaimInput & { assigneeId: string },
  opts: ChangeOptions = {},
) => claimRange(ctx, actor, input, { ...opts, action: "assignment.assign" });

/** Claim the lowest free range of `size` items. */
export async function claimNext(ctx: LedgerContext, actor: Actor, input: ClaimNextInput, opts: ChangeOptions = {}) {
  const note = cleanNote(input.note);
  if (input.size !== undefined && (!Number.isSafeInteger(input.size) || input.size < 1)) {
    throw invalid("the size must be a whole number of at least 1", { field: "size" });
  }
  return change(ctx, actor.teamId, "assignment.claim", opts.idempotencyKey, async (r) => {
    const dataset = await requireDataset(r, actor.teamId, input.dataset);
    const due = await checkDue(ctx, r, actor.teamId, actor.userId, input.dueDate);
    const size = input.size ?? defaultClaimSize(dataset);
    if (size > dataset.itemCount) {
      throw invalid(`${dataset.slug} has only ${dataset.itemCount} items; ask for at most ${dataset.itemCount}`, {
        field: "size",
      });
    }
    await r.datasets.lock(dataset.id);
    const span = await r.assignments.lowestFreeSpan(dataset.id, size);
    if (!span) throw await noFreeRange(r, dataset, size);
    const created = await createRange(ctx, r, actor, {
      action: "assignment.claim",
      dataset,
      range: { first: span.first, last: span.first + size - 1 },
      assigneeId: actor.userId,
      due,
      note,
      reason: opts.reason ?? null,
      knownFree: true,
    });
    return {
      assignment: created.view,
      dataset: datasetSummary(dataset, created.instructions),
      overLimits: created.overLimits,
    };
  });
}

/** The size of a next-free claim that names none: the batch size, within the dataset's max-claim. */
export const defaultClaimSize = (d: Pick<DatasetRecord, "batchSize" | "maxClaim">): number =>
  Math.min(d.batchSize, d.maxClaim ?? d.batchSize);

async function noFreeRange(r: Repositories, d: DatasetRecord, size: number) {
  const l = await r.assignments.largestFreeSpan(d.id);
  if (!l) return conflict(`every item of ${d.slug} is already claimed`);
  const n = l.last - l.first + 1;
  return conflict(
    `no free range of ${size} items is left in ${d.slug}; the largest free range is ${formatRange(l)} (${n} item${n === 1 ? "" : "s"})`,
    { largest: l, field: "size" },
  );
}

const refId = (ref: string | number) => (typeof ref === "number" ? ref : parseAssignmentRef(ref));

/**
 * Loads an assignment the actor may change: their own, or any when they lead
 * its dataset. Locks its row for the rest of the transaction.
 */
export async function loadOwnAssignment(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  ref: string | number,
  what: string,
  opts: { lockDatasetFirst?: boolean } = {},
): Promise<AssignmentInDataset> {
  const id = refId(ref);
  const found = await r.assignments.findInTeam(actor.teamId, id);
  if (!found) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  if (opts.lockDatasetFirst) await r.datasets.lock(found.datasetId);
  await r.assignments.lock(id);
  const a = (await r.assignments.findInTeam(actor.teamId, id))!;
  await refuseUnlessMayChange(ctx, r, actor, a, what, { register: true });
  return a;
}

/** Refuses unless the actor may change `a`: their own range, or any when they lead its dataset. */
async function refuseUnlessMayChange(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  a: AssignmentRecord,
  what: string,
  opts: { register: boolean },
): Promise<void> {
  if (a.assigneeId === actor.userId) return;
  const role = await roleOf(ctx, r, actor, a.datasetId, opts);
  if (!atLeast(role, "LEAD")) {
    throw forbidden(
      text`${assignmentRef(a.id)} belongs to ${person(a.assigneeId)}; only they or a lead can ${what} it`,
    );
  }
}

/**
 * Whether the actor may `what` (update, hand off…) range `ref`, e.g. before
 * showing a form for it: refused, with the sentence the change would get,
 * unless it is theirs or they lead its dataset.
 */
export async function checkMayChange(ctx: LedgerContext, actor: Actor, ref: string | number, what: string) {
  const r = ctx.store.read;
  const id = refId(ref);
  const a = await r.assignments.findInTeam(actor.teamId, id);
  if (!a) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  await refuseUnlessMayChange(ctx, r, actor, a, what, { register: false });
}

type Snapshot = Pick<AssignmentRecord, "status" | "itemsDone">;
const snap = (a: Snapshot) => ({ status: a.status, itemsDone: a.itemsDone });

/** Applies a patch to a loaded assignment and writes its audit event (status and items done before and after). */
async function applyChange(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  c: {
    action: string;
    before: AssignmentInDataset;
    patch: AssignmentPatch;
    reason: string | null;
    extra?: Record<string, unknown>;
  },
): Promise<AssignmentInDataset> {
  const after = await r.assignments.update(c.before.id, c.patch);
  await r.audit.append({
    teamId: actor.teamId,
    actorId: actor.userId,
    action: c.action,
    datasetId: c.before.datasetId,
    assignmentId: c.before.id,
    before: snap(c.before),
    after: { ...snap(after), ...c.extra },
    reason: c.reason,
    at: ctx.config.clock(),
  });
  return { ...after, dataset: c.before.dataset };
}

const startPatch = (a: AssignmentRecord, now: Date): AssignmentPatch => ({
  status: "IN_PROGRESS",
  startedAt: a.startedAt ?? now,
  lastProgressAt: now,
});

/**
 * Records items done (0..size), starts or pauses a range, or both at once
 * (a count with start or pause, as the progress form sends them): both are
 * checked first against the range as it is, then applied in the order that
 * keeps the second valid (start before the count, the count before pause),
 * in one transaction with an audit event each. Any progress starts a pending
 * range.
 */
export async function updateProgress(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  u: ProgressUpdate,
  opts: ChangeOptions = {},
) {
  if (u.count === undefined && u.step === undefined) throw invalid("give the number of items done, or start or pause");
  const operation =
    u.count === undefined ? `assignment.${u.step}` : u.step ? `assignment.progress+${u.step}` : "assignment.progress";
  return change(ctx, actor.teamId, operation, opts.idempotencyKey, async (r) => {
    const a = await loadOwnAssignment(ctx, r, actor, ref, u.count === undefined ? u.step! : "update");
    const label = assignmentRef(a.id);
    if (u.step) assertTransition(u.step, a.status, label);
    if (u.count !== undefined) {
      assertTransition("progress", a.status, label);
      const size = a.last - a.first + 1;
      if (!Number.isSafeInteger(u.count) || u.count < 0 || u.count > size) {
        throw invalid(`${label} has ${size} items; items done must be between 0 and ${size}`, { field: "count" });
      }
    }
    if (a.assigneeId === actor.userId) await requireAcknowledged(r, a.dataset, actor.userId);
    const now = ctx.config.clock();
    const reason = opts.reason ?? null;
    let current = a;
    const count = async () => {
      const patch: AssignmentPatch = {
        itemsDone: u.count!,
        status: statusAfterProgress(current.status),
        startedAt: current.startedAt ?? now,
        lastProgressAt: now,
      };
      current = await applyChange(ctx, r, actor, { action: "assignment.progress", before: current, patch, reason });
    };
    if (u.step === "start")
      current = await applyChange(ctx, r, actor, {
        action: "assignment.start",
        before: current,
        patch: startPatch(current, now),
        reason,
      });
    if (u.count !== undefined) await count();
    if (u.step === "pause")
      current = await applyChange(ctx, r, actor, {
        action: "assignment.pause",
        before: current,
        patch: { status: "PENDING" },
        reason,
      });
    return { assignment: assignmentView(current, current.dataset), previous: snap(a) };
  });
}

/** Set items done (0..size). Any progress starts a pending range. */
export const setProgress = (
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  count: number,
  opts?: ChangeOptions,
) => updateProgress(ctx, actor, ref, { count }, opts);
export const start = (ctx: LedgerContext, actor: Actor, ref: string | number, opts?: ChangeOptions) =>
  updateProgress(ctx, actor, ref, { step: "start" }, opts);
export const pause = (ctx: LedgerContext, actor: Actor, ref: string | number, opts?: ChangeOptions) =>
  updateProgress(ctx, actor, ref, { step: "pause" }, opts);

export interface SubmitOptions extends ChangeOptions {
  /** the count of items done the submitter states: it must be the range's size */
  count?: number;
  /** the submitter confirmed that items not yet counted as done are done */
  confirmed?: boolean;
}

/**
 * Submit a finished range: all its items count as done; the dataset's review
 * policy decides whether it goes to review (with a reviewer and a sample) or
 * is completed at once. A range with items left is submitted only when the
 * submitter confirms it (or states the full count): otherwise nothing
 * changes and the refusal carries `confirm: "submit"` with the counts.
 */
export async function submit(ctx: LedgerContext, actor: Actor, ref: string | number, opts: SubmitOptions = {}) {
  return change(ctx, actor.teamId, "assignment.submit", opts.idempotencyKey, async (r) => {
    const a = await loadOwnAssignment(ctx, r, actor, ref, "submit");
    const label = assignmentRef(a.id);
    assertTransition("submit", a.status, label);
    const instructions =
      a.assigneeId === actor.userId
        ? await requireAcknowledged(r, a.dataset, actor.userId)
        : await currentInstructions(r, a.dataset);
    const size = a.last - a.first + 1;
    if (opts.count !== undefined && opts.count !== size) {
      throw invalid(
        `submitting ${label} counts all ${size} of its items as done, not ${opts.count}; record ${opts.count} as a count of progress and submit when all ${size} are done`,
        { field: "count" },
      );
    }
    if (opts.count === undefined && !opts.confirmed && a.itemsDone < size) {
      throw invalid(
        `${label} has ${a.itemsDone} of ${size} items done; submitting it counts all ${size} as done, so confirm that or state the count of ${size}`,
        { field: "count", confirm: "submit", ref: label, dataset: a.dataset.slug, itemsDone: a.itemsDone, size },
      );
    }
    const round = a.reviewRound + 1;
    const now = ctx.config.clock();
    // The note said on submitting (`/progress A3 done <note>`, the form's note) goes to the reviewer.
    const review = await startReviewOnSubmit(ctx, r, a, round, cleanNote(opts.reason));
    const updated = await applyChange(ctx, r, actor, {
      action: "assignment.submit",
      before: a,
      patch: {
        itemsDone: size,
        reviewRound: round,
        status: review ? "IN_REVIEW" : "COMPLETED",
        startedAt: a.startedAt ?? now,
        lastProgressAt: now,
        submittedAt: now,
        completedAt: review ? null : now,
      },
      reason: opts.reason ?? null,
      extra: { reviewId: review?.id ?? null, round, ...(a.itemsDone < size ? { confirmedFrom: a.itemsDone } : {}) },
    });
    return { assignment: assignmentView(updated, a.dataset), review, previous: snap(a), instructions };
  });
}

/**
 * How a range with items done is released: `unstarted` keeps the done items
 * (counted from the start of the range) with their owner under the same
 * reference and frees the rest; `all` frees every item and discards the
 * count.
 */
export type ReleaseMode = "unstarted" | "all";

export interface ReleaseOptions extends ChangeOptions {
  /** required once the range has items done */
  mode?: ReleaseMode;
  /**
   * The items done the releaser was shown when they chose `mode` (a button
   * of the question): if progress moved since, nothing is released and the
   * question is asked again with the new count.
   */
  expectDone?: number;
}

export interface ReleaseOutcome {
  /** the range after the change: released, or (mode `unstarted`) the part kept */
  assignment: AssignmentView;
  previous: { status: AssignmentRecord["status"]; itemsDone: number };
  withdrawnHandoffId: number | null;
  /** the items free again */
  freed: Range;
  /** done items kept with the owner (mode `unstarted`) */
  doneKept: number;
  /** done items whose count was thrown away (mode `all`) */
  doneDiscarded: number;
  /** the dataset's leads, told when done items were kept or discarded */
  leads: string[];
}

/**
 * Give back a range that is not finished; its items are free again, and its
 * pending handoff request is withdrawn. A range with items done changes only
 * with a mode: without one, nothing changes and the refusal carries
 * `confirm: "release"` with what each mode would do.
 */
export async function release(ctx: LedgerContext, actor: Actor, ref: string | number, opts: ReleaseOptions = {}) {
  return change<ReleaseOutcome>(ctx, actor.teamId, "assignment.release", opts.idempotencyKey, async (r) => {
    const a = await loadOwnAssignment(ctx, r, actor, ref, "release", { lockDatasetFirst: true });
    const label = assignmentRef(a.id);
    assertTransition("release", a.status, label);
    const size = a.last - a.first + 1;
    const done = a.itemsDone;
    const keep = done > 0 && done < size ? { first: a.first, last: a.first + done - 1 } : null;
    const changedSince = opts.expectDone !== undefined && opts.expectDone !== done;
    if ((done > 0 && !opts.mode) || changedSince) {
      const since = changedSince ? `${label} changed since you were asked: ` : "";
      const tail = keep
        ? `: release only the ${size - done} unstarted items ${formatRange({ first: keep.last + 1, last: a.last })} and keep ${formatRange(keep)} (counted from the start of the range), or release all ${size} and discard the ${done} done`
        : `: submit it, or release all ${size} and discard them`;
      throw invalid(`${since}${label} has ${done} of ${size} items done${tail}`, {
        confirm: "release",
        ref: label,
        dataset: a.dataset.slug,
        owner: a.assigneeId,
        itemsDone: done,
        size,
        keep,
        free: keep ? { first: keep.last + 1, last: a.last } : null,
        shownDone: changedSince ? (opts.expectDone ?? null) : null,
      });
    }
    if (opts.mode === "unstarted" && done > 0 && !keep)
      throw invalid(
        `all ${size} items of ${label} are done, so none is unstarted: submit it, or release all of it and discard them`,
      );
    const now = ctx.config.clock();
    const pending = await r.handoffs.pendingFor(a.id);
    const cancelled = await r.handoffs.cancelPendingFor(a.id, now, "the range was released");
    const reason = opts.reason ?? null;
    let updated: AssignmentInDataset;
    let freed: Range;
    if (keep && opts.mode === "unstarted") {
      freed = { first: keep.last + 1, last: a.last };
      // Shrinking the range frees its tail.
      const after = await r.assignments.update(a.id, { last: keep.last });
      updated = { ...after, dataset: a.dataset };
      await r.audit.append({
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "assignment.release",
        datasetId: a.datasetId,
        assignmentId: a.id,
        before: { first: a.first, last: a.last, ...snap(a) },
        after: {
          first: after.first,
          last: after.last,
          ...snap(after),
          freed,
          doneKept: done,
          cancelledHandoffs: cancelled,
        },
        reason,
        at: now,
      });
    } else {
      freed = { first: a.first, last: a.last };
      updated = await applyChange(ctx, r, actor, {
        action: "assignment.release",
        before: a,
        patch: { status: "RELEASED", releasedAt: now },
        reason,
        extra: { cancelledHandoffs: cancelled, freed, doneDiscarded: done },
      });
    }
    const kept = opts.mode === "unstarted" && keep ? done : 0;
    return {
      assignment: assignmentView(updated, a.dataset),
      previous: snap(a),
      withdrawnHandoffId: pending?.id ?? null,
      freed,
      doneKept: kept,
      doneDiscarded: done - kept,
      leads: done > 0 ? await leadsOf(ctx, r, a.teamId, a.datasetId) : [],
    };
  });
}

/**
 * Moves (or clears) a range's due date: leads only, on a range still being
 * worked on; a new date may not be in the past for its owner. Reminders of
 * the old date stop; the new one has its own.
 */
export async function setDueDate(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  due: string | null,
  opts: ChangeOptions & { expectDue?: string | null } = {},
) {
  return change(ctx, actor.teamId, "assignment.due", opts.idempotencyKey, async (r) => {
    const id = refId(ref);
    const found = await r.assignments.findInTeam(actor.teamId, id);
    if (!found) throw notFound(`there is no assignment ${assignmentRef(id)}`);
    await requireLead(ctx, r, actor, `move the due date of ${assignmentRef(id)}`, found.datasetId);
    await r.assignments.lock(id);
    const a = (await r.assignments.findInTeam(actor.teamId, id))!;
    // Accepting a proposal: it stands only while the date it would replace is still the date.
    const current = a.dueDate ? formatIsoDate(a.dueDate) : null;
    if (opts.expectDue !== undefined && opts.expectDue !== current)
      throw conflict(
        `the due date of ${assignmentRef(id)} changed since the proposal (it is ${current ?? "none"} now, not ${opts.expectDue ?? "none"})`,
      );
    if (!OPEN_STATUSES.includes(a.status))
      throw invalid(
        `${assignmentRef(id)} is ${a.status.toLowerCase().replace("_", " ")}: only open ranges have a due date to move`,
      );
    const date = await checkDue(ctx, r, actor.teamId, a.assigneeId, due, actor.userId);
    const before = a.dueDate ? formatIsoDate(a.dueDate) : null;
    const after = await r.assignments.update(a.id, { dueDate: date });
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "assignment.due",
      datasetId: a.datasetId,
      assignmentId: a.id,
      before: { dueDate: before },
      after: { dueDate: date ? formatIsoDate(date) : null },
      reason: opts.reason ?? null,
      at: ctx.config.clock(),
    });
    return { assignment: assignmentView(after, a.dataset), previousDue: before };
  });
}

/**
 * An owner's proposal of a new due date, checked as a lead's move would be
 * (an open range, a date not in the past for its owner, a change); returns
 * the range, its current due date and the leads who decide. Nothing changes
 * until a lead accepts.
 */
export async function proposeDueDate(ctx: LedgerContext, actor: Actor, ref: string | number, due: string) {
  const r = ctx.store.read;
  const a = await proposable(r, actor, ref);
  const date = formatIsoDate((await checkDue(ctx, r, actor.teamId, a.assigneeId, due, actor.userId))!);
  const current = a.dueDate ? formatIsoDate(a.dueDate) : null;
  if (current === date) throw invalid(`${assignmentRef(a.id)} is due ${date} already`, { field: "dueDate" });
  return {
    /** the proposed date, resolved (YYYY-MM-DD) */
    due: date,
    assignment: assignmentView(a, a.dataset),
    currentDue: current,
    leads: await proposalLeads(ctx, r, actor, a),
  };
}

/**
 * Whether the actor may propose a new due date for range `ref` (before
 * showing the form): refused, with the sentence a proposal would get, unless
 * it is their own open range and someone leads its dataset to decide.
 */
export async function checkMayProposeDue(ctx: LedgerContext, actor: Actor, ref: string | number): Promise<void> {
  const r = ctx.store.read;
  await proposalLeads(ctx, r, actor, await proposable(r, actor, ref));
}

/** The range of a proposal: the actor's own, still open. */
async function proposable(r: Repositories, actor: Actor, ref: string | number): Promise<AssignmentInDataset> {
  const id = refId(ref);
  const a = await r.assignments.findInTeam(actor.teamId, id);
  if (!a) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  if (a.assigneeId !== actor.userId)
    throw forbidden(
      text`${assignmentRef(id)} belongs to ${person(a.assigneeId)}; only they propose a new due date for it`,
    );
  if (!OPEN_STATUSES.includes(a.status))
    throw invalid(
      `${assignmentRef(id)} is ${a.status.toLowerCase().replace("_", " ")}: only open ranges have a due date to move`,
    );
  return a;
}

/** The leads who decide a proposal on `a` (not its proposer); refused when there are none. */
async function proposalLeads(ctx: LedgerContext, r: Repositories, actor: Actor, a: AssignmentInDataset) {
  const leads = (await leadsOf(ctx, r, actor.teamId, a.datasetId)).filter((l) => l !== actor.userId);
  if (leads.length === 0) throw invalid(`nobody leads ${a.dataset.slug} to decide a new due date; ask an admin`);
  return leads;
}

/**
 * Declining a proposal: refuses (forbidden) unless the actor leads the
 * dataset of the range, and (conflict) once the date it would replace is no
 * longer the date (another lead decided meanwhile).
 */
export async function declineDueProposal(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  from: string | null,
): Promise<void> {
  const id = refId(ref);
  const a = await ctx.store.read.assignments.findInTeam(actor.teamId, id);
  if (!a) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  await requireLead(ctx, ctx.store.read, actor, `decide on the due date of ${assignmentRef(id)}`, a.datasetId);
  const current = a.dueDate ? formatIsoDate(a.dueDate) : null;
  if (current !== from)
    throw conflict(
      `the due date of ${assignmentRef(id)} changed since the proposal (it is ${current ?? "none"} now, not ${from ?? "none"})`,
    );
}

export async function getAssignment(ctx: LedgerContext, teamId: string, ref: string | number): Promise<AssignmentView> {
  const id = refId(ref);
  const a = await ctx.store.read.assignments.findInTeam(teamId, id);
  if (!a) throw notFound(`there is no assignment ${assignmentRef(id)}`);
  return assignmentView(a, a.dataset);
}

/** The most items one report of items done may name. */
export const MAX_REPORTED_ITEMS = 5_000;

/** Items given as single numbers, as the spans they make ("1–3, 7"). */
export function spansOf(items: readonly number[]): Range[] {
  const sorted = [...new Set(items)].sort((a, b) => a - b);
  const out: Range[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && last.last === i - 1) last.last = i;
    else out.push({ first: i, last: i });
  }
  return out;
}

export interface ItemsDoneReport {
  /** the open ranges whose items done went up, as they are now */
  changed: AssignmentView[];
  /** items in ranges that are not open (in review, completed): not counted */
  notOpen: { ref: string; items: Range[] }[];
  /** items no live range holds: not counted */
  unheld: Range[];
}

/**
 * Items of dataset `slug` reported done (an annotation tool's report): each
 * open range holding some counts at least its items ever reported done (a
 * report sent twice counts once), with the rules and the audit event of
 * progress; items of ranges in review or completed, and items nobody holds,
 * are given back rather than dropped. One transaction for the whole report.
 */
export async function reportItemsDone(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  items: readonly number[],
  opts: ChangeOptions = {},
): Promise<ItemsDoneReport & { replayed: boolean }> {
  if (items.length === 0) throw invalid("name at least one item", { field: "items" });
  if (items.length > MAX_REPORTED_ITEMS)
    throw invalid(`at most ${MAX_REPORTED_ITEMS} items at once`, { field: "items" });
  return change(ctx, actor.teamId, "assignment.items-done", opts.idempotencyKey, async (r) => {
    const d = await requireDataset(r, actor.teamId, slug);
    items.forEach((item, i) => {
      if (!Number.isSafeInteger(item) || item < 1 || item > d.itemCount)
        throw invalid(`items[${i}] ${item} is outside ${d.slug} (items 1–${d.itemCount})`, { field: `items.${i}` });
    });
    const unique = [...new Set(items)];
    const holding = await r.assignments.liveHolding(d.id, unique);
    const now = ctx.config.clock();
    const changed: AssignmentView[] = [];
    const notOpen: ItemsDoneReport["notOpen"] = [];
    const held = new Set<number>();
    for (const found of holding) {
      const mine = unique.filter((i) => i >= found.first && i <= found.last);
      for (const i of mine) held.add(i);
      await r.assignments.lock(found.id);
      const a = (await r.assignments.findInTeam(actor.teamId, found.id))!;
      await refuseUnlessMayChange(ctx, r, actor, a, "report items done in", { register: true });
      if (!OPEN_STATUSES.includes(a.status)) {
        notOpen.push({ ref: assignmentRef(a.id), items: spansOf(mine) });
        continue;
      }
      const reported = await r.assignments.reportDone(a.id, mine);
      const count = Math.min(a.last - a.first + 1, Math.max(a.itemsDone, reported));
      if (count === a.itemsDone) continue;
      const after = await applyChange(ctx, r, actor, {
        action: "assignment.progress",
        before: a,
        patch: {
          itemsDone: count,
          status: statusAfterProgress(a.status),
          startedAt: a.startedAt ?? now,
          lastProgressAt: now,
        },
        reason: opts.reason ?? null,
        extra: { reportedItems: mine.length },
      });
      changed.push(assignmentView(after, after.dataset));
    }
    return { changed, notOpen, unheld: spansOf(unique.filter((i) => !held.has(i))) };
  });
}
