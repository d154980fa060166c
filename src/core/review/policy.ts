import { rangeSize } from "../ranges.ts";
import { byCodePoint } from "../text.ts";
import type { Range } from "../types.ts";

export interface ReviewPolicy {
  /** the most a sampled review checks, as a share of the range's items, 0..1 (see `sampleSize`) */
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
  /** every item of the range is checked (the items are not listed one by one) */
  full: boolean;
  /** how many items the reviewer checks */
  size: number;
  /** sorted item numbers the reviewer checks; empty in a full review */
  sample: number[];
  seed: string;
}

/**
 * ISO 2859-1 (ANSI/ASQ Z1.4) sample size code letters of general inspection
 * level II: the smallest lot size of each letter, and its sample size.
 */
export const ISO_2859_LEVEL_II: readonly { from: number; letter: string; size: number }[] = [
  { from: 2, letter: "A", size: 2 },
  { from: 9, letter: "B", size: 3 },
  { from: 16, letter: "C", size: 5 },
  { from: 26, letter: "D", size: 8 },
  { from: 51, letter: "E", size: 13 },
  { from: 91, letter: "F", size: 20 },
  { from: 151, letter: "G", size: 32 },
  { from: 281, letter: "H", size: 50 },
  { from: 501, letter: "J", size: 80 },
  { from: 1201, letter: "K", size: 125 },
  { from: 3201, letter: "L", size: 200 },
  { from: 10001, letter: "M", size: 315 },
  { from: 35001, letter: "N", size: 500 },
  { from: 150001, letter: "P", size: 800 },
  { from: 500001, letter: "Q", size: 1250 },
];

/** The code letter and sample size of a lot (a range) of `lotSize` items; a lot of one item is checked whole. */
export function isoSampleSize(lotSize: number): { letter: string; size: number } {
  if (lotSize < 2) return { letter: "-", size: Math.max(0, lotSize) };
  let row = ISO_2859_LEVEL_II[0]!;
  for (const r of ISO_2859_LEVEL_II) if (lotSize >= r.from) row = r;
  return { letter: row.letter, size: Math.min(row.size, lotSize) };
}

/**
 * Items drawn at random from a range of `rangeSize` items: the ISO 2859-1
 * level II sample size, bounded above by the dataset's share (rounded up),
 * at least 1 and at most the range; 0 when the share is 0 (gold items only).
 * The share is rounded to a millionth of an item first, so 10 % of 30 is 3,
 * not the 4 that floating point would make of 3.0000000000000004.
 */
export function sampleSize(rangeSize: number, share: number): number {
  if (share <= 0 || rangeSize <= 0) return 0;
  const byShare = Math.ceil(Math.round(rangeSize * Math.min(1, share) * 1e6) / 1e6);
  return Math.min(rangeSize, Math.max(1, Math.min(isoSampleSize(rangeSize).size, byShare)));
}

/**
 * Decides whether a submitted range is reviewed and which items are checked:
 * the annotator's first K ranges in full, later ones on a sample of
 * `sampleSize` items drawn at random plus every gold item inside the range.
 * Reproducible: the same range and seed always give the same sample. Its
 * work grows with the sample, never with the range.
 *
 * @param earlierRanges ranges of this annotator in this dataset submitted before this one
 */
export function planReview(policy: ReviewPolicy, range: Range, earlierRanges: number, seed: string): ReviewPlan {
  const size = rangeSize(range);
  const full: ReviewPlan = { review: true, full: true, size, sample: [], seed };
  if (earlierRanges < policy.firstK) return full;
  const gold = policy.goldItems.filter((i) => i >= range.first && i <= range.last);
  if (!policy.everyRange || (policy.sampleRate <= 0 && gold.length === 0)) {
    return { review: false, full: false, size: 0, sample: [], seed };
  }
  const k = sampleSize(size, policy.sampleRate);
  const picked = new Set<number>(gold);
  const random = seededRandom(seed);
  for (const offset of sampleDistinct(size, k, random)) picked.add(range.first + offset);
  if (picked.size === size) return full;
  const sample = [...picked].sort((a, b) => a - b);
  return { review: true, full: false, size: sample.length, sample, seed };
}

/**
 * The gold items a review's sample holds: every gold item of the range in a
 * full review, those among the listed items otherwise (sorted).
 */
export function goldOfSample(
  sample: { sampleFull: boolean; sampleItems: readonly number[] },
  range: Range,
  goldItems: readonly number[],
): number[] {
  if (sample.sampleFull) return goldItems.filter((i) => i >= range.first && i <= range.last);
  const gold = new Set(goldItems);
  return sample.sampleItems.filter((i) => gold.has(i));
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
      byCodePoint(a.userId, b.userId),
  );
  return sorted[0]?.userId ?? null;
}
