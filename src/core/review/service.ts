import type { AssignmentInDataset, ReviewInDataset } from "../../db/records.ts";
import type { Repositories } from "../../db/store.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { change, type LedgerContext, roleOf } from "../ledger/context.ts";
import { rangeSize } from "../ranges.ts";
import { assignmentRef, parseReviewRef, reviewRef } from "../refs.ts";
import { atLeast } from "../roles.ts";
import { person, text } from "../text.ts";
import { assertTransition } from "../transitions.ts";
import type { Actor, AssignmentView, ChangeOptions, DatasetView, ReviewView } from "../types.ts";
import { assignmentView, datasetView, reviewView } from "../views.ts";
import { goldOfSample, pickReviewer, planReview, type ReviewerCandidate } from "./policy.ts";

const MAY_REVIEW = ["REVIEWER", "LEAD", "ADMIN"] as const;

/** Users who may review ranges of a dataset: reviewers, leads and admins, by workspace or dataset role. */
export async function reviewersOf(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  datasetId: number,
): Promise<ReviewerCandidate[]> {
  const [members, onDataset, backlog] = await Promise.all([
    r.members.holdingRoles(teamId, MAY_REVIEW),
    r.members.holdingDatasetRoles(datasetId, MAY_REVIEW),
    r.reviews.backlog(teamId),
  ]);
  const ids = new Set([...members, ...onDataset].map((m) => m.userId));
  for (const admin of ctx.config.bootstrapAdmins) ids.add(admin);
  const dedicated = new Set([...members, ...onDataset].filter((m) => m.role === "REVIEWER").map((m) => m.userId));
  const load = new Map(backlog.map((b) => [b.reviewerId, b.pendingItems]));
  return [...ids].map((userId) => ({ userId, pendingItems: load.get(userId) ?? 0, dedicated: dedicated.has(userId) }));
}

/**
 * Called inside the submit transaction. Returns the review that was opened,
 * or null when the policy reviews nothing and the range is complete.
 */
export async function startReviewOnSubmit(
  ctx: LedgerContext,
  r: Repositories,
  a: AssignmentInDataset,
  round: number,
  /** the annotator's note on submitting, kept on the review for the reviewer */
  submitNote: string | null = null,
): Promise<ReviewView | null> {
  const previous = round > 1 ? await r.reviews.latestRound(a.id) : null;
  let sample: { items: number[]; size: number; full: boolean; seed: string };
  if (previous && previous.status === "CHANGES_REQUESTED") {
    // The fix goes back over the same items.
    sample = {
      items: previous.sampleItems,
      size: previous.sampleSize,
      full: previous.sampleFull,
      seed: previous.sampleSeed,
    };
  } else {
    const earlier = await r.assignments.submittedBefore(a.datasetId, a.assigneeId, a.id);
    const plan = planReview(
      {
        sampleRate: a.dataset.reviewSampleRate,
        firstK: a.dataset.reviewFirstK,
        everyRange: a.dataset.reviewEveryRange,
        goldItems: a.dataset.goldItems,
      },
      a,
      earlier,
      `${a.id}:${round}`,
    );
    if (!plan.review) return null;
    sample = { items: plan.sample, size: plan.size, full: plan.full, seed: plan.seed };
  }
  const candidates = await reviewersOf(ctx, r, a.teamId, a.datasetId);
  const reviewerId = pickReviewer(candidates, a.assigneeId, previous?.reviewerId ?? null);
  const review = await r.reviews.create({
    teamId: a.teamId,
    assignmentId: a.id,
    round,
    reviewerId,
    annotatorId: a.assigneeId,
    sampleItems: sample.items,
    sampleSize: sample.size,
    sampleFull: sample.full,
    sampleSeed: sample.seed,
    submitNote,
    // the ledger's clock, as the decision's time is: turnaround is the difference of the two
    createdAt: ctx.config.clock(),
  });
  await r.audit.append({
    teamId: a.teamId,
    actorId: "system:review-policy",
    action: "review.open",
    datasetId: a.datasetId,
    assignmentId: a.id,
    reviewId: review.id,
    after: { reviewerId, round, sampleSize: sample.size, full: sample.full },
    at: ctx.config.clock(),
  });
  return reviewView(review, a.dataset.slug);
}

export interface ReviewVerdict {
  verdict: "accept" | "changes";
  itemsChecked: number;
  /** error counts by taxonomy category */
  errors: Record<string, number>;
  /** gold items answered correctly (of the gold items in the sample) */
  goldCorrect?: number;
  comment?: string | null;
}

/** A review as people know it: by its range and round ("the review of A17 (round 2)"); its own ref is only in buttons. */
const reviewLabel = (assignmentId: number, round: number) =>
  `the review of ${assignmentRef(assignmentId)} (round ${round})`;

async function loadReview(r: Repositories, teamId: string, ref: string | number): Promise<ReviewInDataset> {
  const id = typeof ref === "number" ? ref : parseReviewRef(ref);
  const review = await r.reviews.findInTeam(teamId, id);
  if (!review) throw notFound(`there is no such review (${reviewRef(id)})`);
  return review;
}

/** Refuses unless the actor may decide review `r` now: it is pending, not their own range, and theirs to review or they lead. */
async function checkMayReview(
  ctx: LedgerContext,
  repos: Repositories,
  actor: Actor,
  r: ReviewInDataset,
  opts: { register: boolean },
) {
  const label = reviewLabel(r.assignmentId, r.round);
  if (r.status !== "PENDING") {
    const on = r.decidedAt ? ` on ${r.decidedAt.toISOString().slice(0, 10)}` : "";
    const outcome = { ACCEPTED: "accepted", CHANGES_REQUESTED: "sent back for changes", CANCELLED: "called off" }[
      r.status
    ];
    throw conflict(
      r.reviewerId && r.status !== "CANCELLED"
        ? text`${label} was already decided: ${outcome} by ${person(r.reviewerId)}${on}`
        : `${label} was already decided: ${outcome}${on}`,
      { status: r.status },
    );
  }
  if (r.annotatorId === actor.userId)
    throw forbidden(`nobody reviews their own range; ${assignmentRef(r.assignmentId)} is yours`);
  const role = await roleOf(ctx, repos, actor, r.assignment.datasetId, { register: opts.register });
  if (r.reviewerId !== actor.userId && !atLeast(role, "LEAD")) {
    throw forbidden(
      r.reviewerId
        ? text`${label} is assigned to ${person(r.reviewerId)}; only they or a lead can decide it`
        : `${label} has no reviewer yet; only a lead can decide it`,
    );
  }
  if (!atLeast(role, "REVIEWER")) throw forbidden("only reviewers and leads can review");
}

/** Record a reviewer's verdict on a submitted range. */
export async function recordReview(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
  v: ReviewVerdict,
  opts: ChangeOptions = {},
) {
  return change(ctx, actor.teamId, "review.decide", opts.idempotencyKey, async (repos) => {
    const found = await loadReview(repos, actor.teamId, ref);
    await repos.reviews.lock(found.id);
    const r = await loadReview(repos, actor.teamId, found.id);
    const a = r.assignment;
    await checkMayReview(ctx, repos, actor, r, { register: true });
    assertTransition(v.verdict === "accept" ? "accept" : "request_changes", a.status, assignmentRef(a.id));
    const label = `${assignmentRef(a.id)} in review round ${r.round}`;
    // Never more than the sample, nor than the range (a sample is never larger than its range).
    const mostChecked = Math.min(r.sampleSize, rangeSize(a));
    if (!Number.isSafeInteger(v.itemsChecked) || v.itemsChecked < 1 || v.itemsChecked > mostChecked) {
      throw invalid(`items checked must be between 1 and ${mostChecked} (the sample of ${label})`, {
        field: "itemsChecked",
      });
    }
    const taxonomy = new Set(a.dataset.errorTaxonomy);
    let totalErrors = 0;
    for (const [cat, n] of Object.entries(v.errors)) {
      const field = `errors.${cat}`;
      if (!taxonomy.has(cat))
        throw invalid(
          `"${cat}" is not an error category of ${a.dataset.slug}; categories: ${[...taxonomy].join(", ")}`,
          { field },
        );
      if (!Number.isSafeInteger(n) || n < 0)
        throw invalid(`the count of "${cat}" errors must be a whole number ≥ 0`, { field });
      // An item counts at most one error of a category: more errors than items checked mean nothing.
      if (n > v.itemsChecked)
        throw invalid(
          `${n} "${cat}" errors is more than the ${v.itemsChecked} items checked; count each item with an error once`,
          { field },
        );
      totalErrors += n;
    }
    if (totalErrors > v.itemsChecked)
      throw invalid(
        `${totalErrors} errors in all is more than the ${v.itemsChecked} items checked; count each item with an error once, under its main category`,
        { field: "errors" },
      );
    const comment = v.comment?.trim() || null;
    if (v.verdict === "changes" && !comment)
      throw invalid("say what to change: a comment is required when requesting changes", { field: "comment" });
    const goldInSample = goldOfSample(r, a, a.dataset.goldItems).length;
    const goldCorrect = v.goldCorrect ?? goldInSample;
    if (!Number.isSafeInteger(goldCorrect) || goldCorrect < 0 || goldCorrect > goldInSample)
      throw invalid(
        goldInSample === 0
          ? `the sample of ${label} holds no gold items, so none can be right`
          : `gold items right must be between 0 and ${goldInSample} (the gold items in the sample of ${label})`,
        { field: "goldCorrect" },
      );
    const now = ctx.config.clock();
    const errors = Object.fromEntries(Object.entries(v.errors).filter(([, n]) => n > 0));
    const decided = await repos.reviews.decide(r.id, {
      status: v.verdict === "accept" ? "ACCEPTED" : "CHANGES_REQUESTED",
      reviewerId: r.reviewerId ?? actor.userId,
      itemsChecked: v.itemsChecked,
      goldChecked: goldInSample,
      goldCorrect,
      comment,
      decidedAt: now,
      errors,
    });
    const assignment = await repos.assignments.update(
      a.id,
      v.verdict === "accept" ? { status: "COMPLETED", completedAt: now } : { status: "CHANGES_REQUESTED" },
    );
    await repos.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: v.verdict === "accept" ? "review.accept" : "review.request_changes",
      datasetId: a.datasetId,
      assignmentId: a.id,
      reviewId: r.id,
      before: { status: a.status },
      after: { status: assignment.status, itemsChecked: v.itemsChecked, errors, goldCorrect },
      reason: comment,
      at: now,
    });
    return { review: reviewView(decided, a.dataset.slug), assignment: assignmentView(assignment, a.dataset) };
  });
}

/**
 * Whether the actor may decide review `ref` now, e.g. before showing its
 * form: refused, with the sentence a verdict would get, when not.
 */
export async function checkMayDecideReview(ctx: LedgerContext, actor: Actor, ref: string | number): Promise<void> {
  const repos = ctx.store.read;
  await checkMayReview(ctx, repos, actor, await loadReview(repos, actor.teamId, ref), { register: false });
}

/**
 * A pending review as its reviewer sees it (e.g. to show the review form):
 * refused, with the same reasons as a verdict would be, when the actor may
 * not decide it.
 */
export async function reviewToDecide(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
): Promise<{ review: ReviewView; assignment: AssignmentView; dataset: DatasetView }> {
  const repos = ctx.store.read;
  const r = await loadReview(repos, actor.teamId, ref);
  await checkMayReview(ctx, repos, actor, r, { register: false });
  const d = r.assignment.dataset;
  return {
    review: reviewView(r, d.slug),
    assignment: assignmentView(r.assignment, d),
    dataset: datasetView(d, await repos.datasets.latestInstruction(d.id)),
  };
}

export async function getReview(ctx: LedgerContext, teamId: string, ref: string | number): Promise<ReviewView> {
  const r = await loadReview(ctx.store.read, teamId, ref);
  return reviewView(r, r.assignment.dataset.slug);
}

/** Pending reviews waiting for a reviewer (or unassigned ones, for leads), oldest first. */
export async function reviewQueue(
  ctx: LedgerContext,
  teamId: string,
  reviewerId: string,
  includeUnassigned = false,
): Promise<ReviewView[]> {
  return (await ctx.store.read.reviews.queue(teamId, reviewerId, includeUnassigned, 50)).map((r) =>
    reviewView(r, r.assignment.dataset.slug),
  );
}

/**
 * The items of a sampled review as CSV (item, and whether it is a gold
 * item), for its reviewer and for reviewers and leads of its dataset; never
 * for the annotator whose range it is. A full review has no list: it is
 * every item of the range.
 */
export async function reviewSampleCsv(
  ctx: LedgerContext,
  actor: Actor,
  ref: string | number,
): Promise<{ csv: string; items: number; ref: string; assignmentRef: string }> {
  const repos = ctx.store.read;
  const r = await loadReview(repos, actor.teamId, ref);
  const label = `${reviewRef(r.id)} of ${assignmentRef(r.assignmentId)}`;
  if (r.annotatorId === actor.userId) throw forbidden(`the sample of ${label} is for its reviewer; it is your range`);
  if (r.reviewerId !== actor.userId) {
    const role = await roleOf(ctx, repos, actor, r.assignment.datasetId, { register: false });
    if (!atLeast(role, "REVIEWER")) throw forbidden(`only reviewers and leads can see the sample of ${label}`);
  }
  if (r.sampleFull)
    throw invalid(
      `${label} is a full review: every item of ${r.assignment.first}–${r.assignment.last}, with no list to send`,
    );
  const gold = new Set(r.assignment.dataset.goldItems);
  const lines = ["item,gold", ...r.sampleItems.map((i) => `${i},${gold.has(i) ? "yes" : "no"}`)];
  return {
    csv: `${lines.join("\r\n")}\r\n`,
    items: r.sampleItems.length,
    ref: reviewRef(r.id),
    assignmentRef: assignmentRef(r.assignmentId),
  };
}
