import { rangeSize } from "../ranges.ts";
import type { Range } from "../types.ts";

export interface ReviewPolicy {
  /** share of a range's items checked in a sampled review, 0..1 */
  sampleRate: number;
  /** an annotator's first K ranges of a dataset are reviewed in full */
  firstK: number;
  /** false: only the first K ranges are reviewed at all */
  everyRange: boolean;
  /** items with known answers; always checked when inside the range */
  goldItems: readonly number[];
}

export interface ReviewPlan {
  review: boolean;
  full: boolean;
  /** sorted item numbers the reviewer checks */
  sample: number[];
  seed: string;
}

/**
 * Decides whether a submitted range is reviewed and which items are checked.
 * Reproducible: the same assignment and round always give the same sample.
 *
 * @param earlierRanges ranges of this annotator in this dataset submitted before this one
 */
export function planReview(policy: ReviewPolicy, range: Range, earlierRanges: number, seed: string): ReviewPlan {
  const size = rangeSize(range);
  const gold = policy.goldItems.filter((i) => i >= range.first && i <= range.last);
  if (earlierRanges < policy.firstK) {
    return { review: true, full: true, sample: sequence(range.first, range.last), seed };
  }
  if (!policy.everyRange || (policy.sampleRate <= 0 && gold.length === 0)) {
    return { review: false, full: false, sample: [], seed };
  }
  const k = policy.sampleRate <= 0 ? 0 : Math.min(size, Math.max(1, Math.ceil(size * policy.sampleRate)));
  const picked = new Set<number>(gold);
  const random = seededRandom(seed);
  for (const offset of sampleDistinct(size, k, random)) picked.add(range.first + offset);
  const sample = [...picked].sort((a, b) => a - b);
  return { review: true, full: sample.length === size, sample, seed };
}

function sequence(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** k distinct integers from 0..n-1 (Floyd's algorithm: O(k), whatever n is). */
export function sampleDistinct(n: number, k: number, random: () => number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen];
}

/** Deterministic PRNG (mulberry32) seeded by an FNV-1a hash of a string. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ReviewerCandidate {
  userId: string;
  /** items in reviews already waiting for this reviewer */
  pendingItems: number;
  /** dedicated reviewers are preferred over leads and admins at equal load */
  dedicated?: boolean;
}

/**
 * The reviewer of a submitted range: the one who reviewed the earlier round
 * (so a fix goes back to the same reviewer) when still eligible, otherwise the
 * least loaded eligible candidate (dedicated reviewers first at equal load).
 * Never the annotator.
 */
export function pickReviewer(
  candidates: readonly ReviewerCandidate[],
  annotatorId: string,
  previousReviewerId: string | null,
): string | null {
  const eligible = candidates.filter((c) => c.userId !== annotatorId);
  if (previousReviewerId && eligible.some((c) => c.userId === previousReviewerId)) return previousReviewerId;
  const sorted = [...eligible].sort(
    (a, b) =>
      a.pendingItems - b.pendingItems ||
      Number(b.dedicated ?? false) - Number(a.dedicated ?? false) ||
      a.userId.localeCompare(b.userId),
  );
  return sorted[0]?.userId ?? null;
}
