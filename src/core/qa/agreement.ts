/**
 * Agreement between raters who labelled the same items: percent agreement and
 * Cohen's kappa for each pair of raters, Fleiss' kappa over items labelled by
 * three or more. Labels are plain strings; a kappa that cannot be computed
 * says why instead of being NaN.
 */
import { byCodePoint } from "../text.ts";
import { type Proportion, wilson } from "./stats.ts";

/** One label given by one rater to one item. */
export interface LabelRow {
  item: string | number;
  rater: string;
  label: string;
}

/** A kappa, or why there is none. */
export type Kappa =
  | { kind: "kappa"; value: number; observed: number; expected: number }
  | {
      kind: "undefined";
      /** chance agreement is 1: every label given is the same one, so there is nothing to beat */
      reason: "every label is the same";
      observed: number;
      expected: number;
    };

/** The agreement of two raters over the items both labelled, or "no overlap" when they share none. */
export type PairAgreement = { raters: [string, string] } & (
  | { kind: "no-overlap" }
  | { kind: "agreement"; items: number; percentAgreement: number; kappa: Kappa }
);

/** Expected agreement this close to 1 counts as 1 (rounding of a sum of products). */
const EPSILON = 1e-12;

/** κ = (p_o − p_e) ÷ (1 − p_e), or "undefined" when p_e is 1. */
function kappaOf(observed: number, expected: number): Kappa {
  if (expected >= 1 - EPSILON) return { kind: "undefined", reason: "every label is the same", observed, expected };
  return { kind: "kappa", value: (observed - expected) / (1 - expected), observed, expected };
}

/** Each item's label by rater; a rater's later row for the same item replaces the earlier one. */
export function labelsByItem(rows: readonly LabelRow[]): Map<string, Map<string, string>> {
  const items = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const key = String(row.item);
    const labels = items.get(key) ?? new Map<string, string>();
    labels.set(row.rater, row.label);
    items.set(key, labels);
  }
  return items;
}

/**
 * Cohen's kappa of raters `a` and `b` over the items both labelled:
 * p_o = share of those items with the same label, p_e = Σ over labels of the
 * product of each rater's share of that label.
 */
export function cohen(rows: readonly LabelRow[], a: string, b: string): PairAgreement {
  return cohenOfPairs(sharedLabels(labelsByItem(rows), a, b), [a, b]);
}

/** The labels of `a` and `b` on each item both labelled. */
function sharedLabels(byItem: Map<string, Map<string, string>>, a: string, b: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const labels of byItem.values()) {
    const la = labels.get(a);
    const lb = labels.get(b);
    if (la !== undefined && lb !== undefined) pairs.push([la, lb]);
  }
  return pairs;
}

function cohenOfPairs(pairs: readonly [string, string][], raters: [string, string]): PairAgreement {
  const n = pairs.length;
  if (n === 0) return { raters, kind: "no-overlap" };
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let same = 0;
  for (const [la, lb] of pairs) {
    if (la === lb) same++;
    countA.set(la, (countA.get(la) ?? 0) + 1);
    countB.set(lb, (countB.get(lb) ?? 0) + 1);
  }
  let expected = 0;
  for (const [label, ca] of countA) expected += (ca / n) * ((countB.get(label) ?? 0) / n);
  const observed = same / n;
  return { raters, kind: "agreement", items: n, percentAgreement: observed, kappa: kappaOf(observed, expected) };
}

/** Cohen's kappa for every pair of raters in `rows` (raters in code-point order, each pair once). */
export function pairwiseCohen(rows: readonly LabelRow[]): PairAgreement[] {
  const byItem = labelsByItem(rows);
  const raters = [...new Set(rows.map((r) => r.rater))].sort(byCodePoint);
  const result: PairAgreement[] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const a = raters[i]!;
      const b = raters[j]!;
      result.push(cohenOfPairs(sharedLabels(byItem, a, b), [a, b]));
    }
  }
  return result;
}

/** Fleiss' kappa, or why there is none. */
export type FleissAgreement =
  | { kind: "no-items"; reason: "no item has three or more raters" }
  | {
      kind: "fleiss";
      /** items used: those with `ratersPerItem` raters */
      items: number;
      ratersPerItem: number;
      /** items with three or more raters left out because their count of raters differs */
      itemsLeftOut: number;
      kappa: Kappa;
    };

/**
 * Fleiss' kappa over the items labelled by three or more raters. The formula
 * needs the same number of raters n on every item, so it uses the items with
 * the most common such count (ties: the larger count) and reports how many
 * it left out: P_i = (Σ_j n_ij² − n) ÷ (n(n−1)), P̄ their mean,
 * p_j = Σ_i n_ij ÷ (N n), P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) ÷ (1 − P̄_e).
 */
export function fleiss(rows: readonly LabelRow[]): FleissAgreement {
  const items = [...labelsByItem(rows).values()].filter((labels) => labels.size >= 3);
  if (items.length === 0) return { kind: "no-items", reason: "no item has three or more raters" };
  const frequency = new Map<number, number>();
  for (const labels of items) frequency.set(labels.size, (frequency.get(labels.size) ?? 0) + 1);
  const [n] = [...frequency.entries()].sort(([a, x], [b, y]) => y - x || b - a)[0]!;
  const used = items.filter((labels) => labels.size === n);
  const totals = new Map<string, number>();
  let agreement = 0;
  for (const labels of used) {
    const counts = new Map<string, number>();
    for (const label of labels.values()) counts.set(label, (counts.get(label) ?? 0) + 1);
    let squares = 0;
    for (const [label, c] of counts) {
      squares += c * c;
      totals.set(label, (totals.get(label) ?? 0) + c);
    }
    agreement += (squares - n) / (n * (n - 1));
  }
  const observed = agreement / used.length;
  let expected = 0;
  for (const c of totals.values()) expected += (c / (used.length * n)) ** 2;
  return {
    kind: "fleiss",
    items: used.length,
    ratersPerItem: n,
    itemsLeftOut: items.length - used.length,
    kappa: kappaOf(observed, expected),
  };
}

/** A dataset's agreement over some labels: every pair of raters who labelled items in common, and Fleiss' kappa. */
export interface DatasetAgreement {
  /** labels read, items labelled, raters */
  labels: number;
  items: number;
  raters: number;
  /** pairs with items in common, the most shared items first (pairs without any are left out) */
  pairs: (PairAgreement & { kind: "agreement" })[];
  fleiss: FleissAgreement;
}

/**
 * The agreement of `rows`, or null when there are none. Only pairs of raters
 * who share an item are compared (found item by item, so a thousand raters
 * who each labelled their own items cost nothing); `pairs` is empty when no
 * item was labelled twice: there is no overlap to measure.
 */
export function datasetAgreement(rows: readonly LabelRow[]): DatasetAgreement | null {
  if (rows.length === 0) return null;
  const byItem = labelsByItem(rows);
  const shared = new Map<string, { raters: [string, string]; labels: [string, string][] }>();
  for (const labels of byItem.values()) {
    if (labels.size < 2) continue;
    const raters = [...labels.keys()].sort(byCodePoint);
    for (let i = 0; i < raters.length; i++) {
      for (let j = i + 1; j < raters.length; j++) {
        const a = raters[i]!;
        const b = raters[j]!;
        const key = `${a}\u0000${b}`;
        let pair = shared.get(key);
        if (!pair) {
          pair = { raters: [a, b], labels: [] };
          shared.set(key, pair);
        }
        pair.labels.push([labels.get(a)!, labels.get(b)!]);
      }
    }
  }
  const pairs = [...shared.values()]
    .map((p) => cohenOfPairs(p.labels, p.raters))
    .filter((p): p is PairAgreement & { kind: "agreement" } => p.kind === "agreement")
    .sort(
      (x, y) => y.items - x.items || byCodePoint(x.raters[0], y.raters[0]) || byCodePoint(x.raters[1], y.raters[1]),
    );
  return {
    labels: rows.length,
    items: byItem.size,
    raters: new Set(rows.map((r) => r.rater)).size,
    pairs,
    fleiss: fleiss(rows),
  };
}

/** Gold accuracy from labels: annotators' labels of gold items against the known answers. */
export interface GoldLabelAccuracy {
  /** every annotator together */
  overall: Proportion;
  /** per annotator, the most labels first */
  raters: { rater: string; accuracy: Proportion }[];
}

/**
 * How often the labels given to gold items match their known answers, with
 * the 95 % Wilson interval; null when no label was given to an item with a
 * known answer.
 */
export function goldLabelAccuracy(
  rows: readonly LabelRow[],
  answers: ReadonlyMap<string | number, string>,
): GoldLabelAccuracy | null {
  const per = new Map<string, { correct: number; total: number }>();
  let correct = 0;
  let total = 0;
  for (const r of rows) {
    const answer = answers.get(r.item);
    if (answer === undefined) continue;
    const hit = r.label === answer ? 1 : 0;
    const p = per.get(r.rater) ?? { correct: 0, total: 0 };
    p.correct += hit;
    p.total++;
    per.set(r.rater, p);
    correct += hit;
    total++;
  }
  if (total === 0) return null;
  return {
    overall: wilson(correct, total),
    raters: [...per]
      .sort(([a, x], [b, y]) => y.total - x.total || byCodePoint(a, b))
      .map(([rater, p]) => ({ rater, accuracy: wilson(p.correct, p.total) })),
  };
}
