import type { AssignmentInDataset, ReviewInDataset } from "../../db/records.ts";
import type { Repositories } from "../../db/store.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { change, type LedgerContext, roleOf } from "../ledger/context.ts";
import { assignmentRef, parseReviewRef, reviewRef } from "../refs.ts";
import { atLeast } from "../roles.ts";
import { person, text } from "../text.ts";
import { assertTransition } from "../transitions.ts";
import type { Actor, AssignmentView, ChangeOptions, DatasetView, ReviewView } from "../types.ts";
import { assignmentView, datasetView, reviewView } from "../views.ts";
import { pickReviewer, planReview, type ReviewerCandidate } from "./policy.ts";

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
  let sample: number[];
  let seed: string;
  if (previous && previous.status === "CHANGES_REQUESTED") {
    // The fix goes back over the same items.
    sample = previous.sampleItems;
    seed = previous.sampleSeed;
  } else {
    const earlier = await r.assignments.submittedBefore(a.datasetId, a.assigneeId, a.id);
    seed = `${a.id}:${round}`;
    const plan = planReview(
      {
        sampleRate: a.dataset.reviewSampleRate,
        firstK: a.dataset.reviewFirstK,
        everyRange: a.dataset.reviewEveryRange,
        goldItems: a.dataset.goldItems,
      },
      a,
      earlier,
      seed,
    );
    if (!plan.review) return null;
    sample = plan.sample;
  }
  const candidates = await reviewersOf(ctx, r, a.teamId, a.datasetId);
  const reviewerId = pickReviewer(candidates, a.assigneeId, previous?.reviewerId ?? null);
  const review = await r.reviews.create({
    teamId: a.teamId,
    assignmentId: a.id,
    round,
    reviewerId,
    annotatorId: a.assigneeId,
    sampleItems: sample,
    sampleSeed: seed,
    submitNote,
  });
  await r.audit.append({
    teamId: a.teamId,
    actorId: "system:review-policy",
    action: "review.open",
    datasetId: a.datasetId,
    assignmentId: a.id,
    reviewId: review.id,
    after: { reviewerId, round, sampleSize: sample.length },
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

async function loadReview(r: Repositories, teamId: string, ref: string | number): Promise<ReviewInDataset> {
  const id = typeof ref === "number" ? ref : parseReviewRef(ref);
  const review = await r.reviews.findInTeam(teamId, id);
  if (!review) throw notFound(`there is no review ${reviewRef(id)}`);
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
  const label = `${reviewRef(r.id)} of ${assignmentRef(r.assignmentId)}`;
  if (r.status !== "PENDING") {
    throw conflict(
      `${label} was already decided${r.decidedAt ? ` on ${r.decidedAt.toISOString().slice(0, 10)}` : ""}`,
      { status: r.status },
    );
  }
  if (r.annotatorId === actor.userId) throw forbidden(`nobody reviews their own range; ${label} is yours`);
  const role = await roleOf(ctx, repos, actor, r.assignment.datasetId, { register: opts.register });
  if (r.reviewerId !== actor.userId && !atLeast(role, "LEAD")) {
    throw forbidden(
      r.reviewerId
        ? text`${label} is assigned to ${person(r.reviewerId)}; only they or a lead can decide it`
        : `only reviewers and leads can review; you are not one`,
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
    const label = `${reviewRef(r.id)} of ${assignmentRef(a.id)}`;
    await checkMayReview(ctx, repos, actor, r, { register: true });
    assertTransition(v.verdict === "accept" ? "accept" : "request_changes", a.status, assignmentRef(a.id));
    const sampleSize = r.sampleItems.length;
    if (!Number.isSafeInteger(v.itemsChecked) || v.itemsChecked < 1 || v.itemsChecked > sampleSize) {
      throw invalid(`items checked must be between 1 and ${sampleSize} (the sample of ${label})`);
    }
    const taxonomy = new Set(a.dataset.errorTaxonomy);
    for (const [cat, n] of Object.entries(v.errors)) {
      if (!taxonomy.has(cat))
        throw invalid(
          `"${cat}" is not an error category of ${a.dataset.slug}; categories: ${[...taxonomy].join(", ")}`,
        );
      if (!Number.isSafeInteger(n) || n < 0) throw invalid(`the count of "${cat}" errors must be a whole number ≥ 0`);
    }
    const comment = v.comment?.trim() || null;
    if (v.verdict === "changes" && !comment)
      throw invalid("say what to change: a comment is required when requesting changes", { field: "comment" });
    const goldInSample = r.sampleItems.filter((i) => a.dataset.goldItems.includes(i)).length;
    const goldCorrect = v.goldCorrect ?? goldInSample;
    if (goldCorrect < 0 || goldCorrect > goldInSample)
      throw invalid(`gold correct must be between 0 and ${goldInSample}`);
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
