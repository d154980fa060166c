import { assignmentView, audit, reviewView, type AssignmentWithDataset, type Tx } from "../../db/store.js";
import { conflict, forbidden, invalid, notFound } from "../errors.js";
import { assignmentRef, parseReviewRef, reviewRef } from "../refs.js";
import { atLeast } from "../roles.js";
import { assertTransition } from "../transitions.js";
import type { Actor, ChangeOptions, ReviewView } from "../types.js";
import { roleOf, type LedgerContext } from "../ledger/context.js";
import { pickReviewer, planReview, type ReviewerCandidate } from "./policy.js";

/** Users who may review ranges of a dataset: reviewers, leads and admins, by workspace or dataset role. */
export async function reviewersOf(ctx: LedgerContext, tx: Tx, teamId: string, datasetId: number): Promise<ReviewerCandidate[]> {
  const [members, onDataset, pending] = await Promise.all([
    tx.member.findMany({ where: { teamId, role: { in: ["REVIEWER", "LEAD", "ADMIN"] } }, select: { userId: true, role: true } }),
    tx.datasetRole.findMany({ where: { datasetId, role: { in: ["REVIEWER", "LEAD", "ADMIN"] } }, select: { userId: true, role: true } }),
    tx.review.findMany({ where: { teamId, status: "PENDING", reviewerId: { not: null } }, select: { reviewerId: true, sampleItems: true } }),
  ]);
  const ids = new Set([...members, ...onDataset].map((m) => m.userId));
  for (const admin of ctx.config.bootstrapAdmins) ids.add(admin);
  const dedicated = new Set([...members, ...onDataset].filter((m) => m.role === "REVIEWER").map((m) => m.userId));
  const load = new Map<string, number>();
  for (const r of pending) load.set(r.reviewerId!, (load.get(r.reviewerId!) ?? 0) + r.sampleItems.length);
  return [...ids].map((userId) => ({ userId, pendingItems: load.get(userId) ?? 0, dedicated: dedicated.has(userId) }));
}

/**
 * Called inside the submit transaction. Returns the review that was opened,
 * or null when the policy reviews nothing and the range is complete.
 */
export async function startReviewOnSubmit(
  ctx: LedgerContext,
  tx: Tx,
  a: AssignmentWithDataset,
  round: number,
): Promise<ReviewView | null> {
  const previous = round > 1
    ? await tx.review.findFirst({ where: { assignmentId: a.id }, orderBy: { round: "desc" } })
    : null;
  let sample: number[];
  let seed: string;
  if (previous && previous.status === "CHANGES_REQUESTED") {
    // The fix goes back over the same items.
    sample = previous.sampleItems;
    seed = previous.sampleSeed;
  } else {
    const earlier = await tx.assignment.count({
      where: { datasetId: a.datasetId, assigneeId: a.assigneeId, reviewRound: { gt: 0 }, id: { not: a.id } },
    });
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
  const candidates = await reviewersOf(ctx, tx, a.teamId, a.datasetId);
  const reviewerId = pickReviewer(candidates, a.assigneeId, previous?.reviewerId ?? null);
  const r = await tx.review.create({
    data: {
      teamId: a.teamId,
      assignmentId: a.id,
      round,
      reviewerId,
      annotatorId: a.assigneeId,
      sampleItems: sample,
      sampleSeed: seed,
    },
  });
  await audit(tx, {
    teamId: a.teamId,
    actorId: "system:review-policy",
    action: "review.open",
    datasetId: a.datasetId,
    assignmentId: a.id,
    reviewId: r.id,
    after: { reviewerId, round, sampleSize: sample.length },
    at: ctx.config.clock(),
  });
  return reviewView(r, a.dataset.slug);
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

async function loadReview(tx: Tx, teamId: string, ref: string | number) {
  const id = typeof ref === "number" ? ref : parseReviewRef(ref);
  const r = await tx.review.findUnique({ where: { id }, include: { assignment: { include: { dataset: true } }, errors: true } });
  if (!r || r.teamId !== teamId) throw notFound(`there is no review ${reviewRef(id)}`);
  return r;
}

/** Record a reviewer's verdict on a submitted range. */
export async function recordReview(ctx: LedgerContext, actor: Actor, ref: string | number, v: ReviewVerdict, opts: ChangeOptions = {}) {
  return ctx.store.change(actor.teamId, "review.decide", opts.idempotencyKey, async (tx) => {
    const found = await loadReview(tx, actor.teamId, ref);
    await tx.$queryRaw`SELECT 1 FROM "Review" WHERE "id" = ${found.id} FOR UPDATE`;
    const r = await loadReview(tx, actor.teamId, found.id);
    const a = r.assignment;
    const label = `${reviewRef(r.id)} of ${assignmentRef(a.id)}`;
    if (r.status !== "PENDING") {
      throw conflict(`${label} was already decided${r.decidedAt ? ` on ${r.decidedAt.toISOString().slice(0, 10)}` : ""}`);
    }
    if (r.annotatorId === actor.userId) throw forbidden(`nobody reviews their own range; ${label} is yours`);
    const role = await roleOf(ctx, tx, actor, a.datasetId);
    if (r.reviewerId !== actor.userId && !atLeast(role, "LEAD")) {
      throw forbidden(
        r.reviewerId ? `${label} is assigned to <@${r.reviewerId}>; only they or a lead can decide it` : `only reviewers and leads can review; you are not one`,
      );
    }
    if (!atLeast(role, "REVIEWER")) throw forbidden("only reviewers and leads can review");
    assertTransition(v.verdict === "accept" ? "accept" : "request_changes", a.status, assignmentRef(a.id));
    const sampleSize = r.sampleItems.length;
    if (!Number.isSafeInteger(v.itemsChecked) || v.itemsChecked < 1 || v.itemsChecked > sampleSize) {
      throw invalid(`items checked must be between 1 and ${sampleSize} (the sample of ${label})`);
    }
    const taxonomy = new Set(a.dataset.errorTaxonomy);
    for (const [cat, n] of Object.entries(v.errors)) {
      if (!taxonomy.has(cat)) throw invalid(`"${cat}" is not an error category of ${a.dataset.slug}; categories: ${[...taxonomy].join(", ")}`);
      if (!Number.isSafeInteger(n) || n < 0) throw invalid(`the count of "${cat}" errors must be a whole number ≥ 0`);
    }
    const comment = v.comment?.trim() || null;
    if (v.verdict === "changes" && !comment) throw invalid("say what to change: a comment is required when requesting changes");
    const goldInSample = r.sampleItems.filter((i) => a.dataset.goldItems.includes(i)).length;
    const goldCorrect = v.goldCorrect ?? goldInSample;
    if (goldCorrect < 0 || goldCorrect > goldInSample) throw invalid(`gold correct must be between 0 and ${goldInSample}`);
    const now = ctx.config.clock();
    const nonZero = Object.entries(v.errors).filter(([, n]) => n > 0);
    const updated = await tx.review.update({
      where: { id: r.id },
      data: {
        status: v.verdict === "accept" ? "ACCEPTED" : "CHANGES_REQUESTED",
        reviewerId: r.reviewerId ?? actor.userId,
        itemsChecked: v.itemsChecked,
        goldChecked: goldInSample,
        goldCorrect,
        comment,
        decidedAt: now,
        errors: { create: nonZero.map(([category, count]) => ({ category, count })) },
      },
      include: { errors: true },
    });
    const assignment = await tx.assignment.update({
      where: { id: a.id },
      data: v.verdict === "accept" ? { status: "COMPLETED", completedAt: now } : { status: "CHANGES_REQUESTED" },
    });
    await audit(tx, {
      teamId: actor.teamId,
      actorId: actor.userId,
      action: v.verdict === "accept" ? "review.accept" : "review.request_changes",
      datasetId: a.datasetId,
      assignmentId: a.id,
      reviewId: r.id,
      before: { status: a.status },
      after: { status: assignment.status, itemsChecked: v.itemsChecked, errors: Object.fromEntries(nonZero), goldCorrect },
      reason: comment,
      at: now,
    });
    return { review: reviewView(updated, a.dataset.slug), assignment: assignmentView(assignment, a.dataset) };
  });
}

export async function getReview(ctx: LedgerContext, teamId: string, ref: string | number): Promise<ReviewView> {
  const r = await ctx.store.transaction((tx) => loadReview(tx, teamId, ref));
  return reviewView(r, r.assignment.dataset.slug);
}

/** Pending reviews waiting for a reviewer (or unassigned ones, for leads), oldest first. */
export async function reviewQueue(ctx: LedgerContext, teamId: string, reviewerId: string, includeUnassigned = false): Promise<ReviewView[]> {
  const rows = await ctx.store.prisma.review.findMany({
    where: {
      teamId,
      status: "PENDING",
      OR: [{ reviewerId }, ...(includeUnassigned ? [{ reviewerId: null }] : [])],
    },
    include: { assignment: { include: { dataset: true } }, errors: true },
    orderBy: { createdAt: "asc" },
    take: 50,
  });
  return rows.map((r) => reviewView(r, r.assignment.dataset.slug));
}
