/** Agreement between raters: percent agreement, Cohen's and Fleiss' kappa, against textbook examples. */
import { describe, expect, it } from "vitest";
import {
  cohen,
  datasetAgreement,
  fleiss,
  goldLabelAccuracy,
  type LabelRow,
  labelsByItem,
  pairwiseCohen,
} from "../../../src/core/qa/agreement.ts";
import { wilson } from "../../../src/core/qa/stats.ts";

/** Label rows for two raters from a 2×2 table of yes/no counts (a's label first). */
function twoByTwo(yy: number, yn: number, ny: number, nn: number): LabelRow[] {
  const rows: LabelRow[] = [];
  let item = 0;
  const add = (count: number, a: string, b: string) => {
    for (let i = 0; i < count; i++, item++) {
      rows.push({ item, rater: "A", label: a }, { item, rater: "B", label: b });
    }
  };
  add(yy, "yes", "yes");
  add(yn, "yes", "no");
  add(ny, "no", "yes");
  add(nn, "no", "no");
  return rows;
}

/** Label rows from a table of category counts per subject (Fleiss' layout): raters r1…rn in turn. */
function fromCounts(table: number[][], categories: string[]): LabelRow[] {
  const rows: LabelRow[] = [];
  table.forEach((counts, subject) => {
    let rater = 1;
    counts.forEach((count, j) => {
      for (let i = 0; i < count; i++) rows.push({ item: `s${subject}`, rater: `r${rater++}`, label: categories[j]! });
    });
  });
  return rows;
}

describe("Cohen's kappa", () => {
  it("matches the worked example: 50 items, 20/5/10/15 → p_o 0.7, p_e 0.5, κ 0.4", () => {
    const r = cohen(twoByTwo(20, 5, 10, 15), "A", "B");
    if (r.kind !== "agreement" || r.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(r.items).toBe(50);
    expect(r.percentAgreement).toBeCloseTo(0.7, 12);
    expect(r.kappa.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa.value).toBeCloseTo(0.4, 12);
  });
  it("matches the two tables of equal agreement and different kappa: 45/15/25/15 → 0.1304, 25/35/5/35 → 0.2593", () => {
    const first = cohen(twoByTwo(45, 15, 25, 15), "A", "B");
    const second = cohen(twoByTwo(25, 35, 5, 35), "A", "B");
    expect(first).toMatchObject({ percentAgreement: 0.6, kappa: { kind: "kappa" } });
    expect(second).toMatchObject({ percentAgreement: 0.6, kappa: { kind: "kappa" } });
    if (first.kind !== "agreement" || first.kappa.kind !== "kappa") throw new Error("a kappa");
    if (second.kind !== "agreement" || second.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(first.kappa.expected).toBeCloseTo(0.54, 12);
    expect(first.kappa.value).toBeCloseTo(0.06 / 0.46, 12);
    expect(second.kappa.expected).toBeCloseTo(0.46, 12);
    expect(second.kappa.value).toBeCloseTo(0.14 / 0.54, 12);
  });
  it("is 1 for perfect agreement and 0 for agreement no better than chance", () => {
    expect(cohen(twoByTwo(3, 0, 0, 2), "A", "B")).toMatchObject({ kappa: { kind: "kappa", value: 1 } });
    // A always says yes, B always no: p_o = 0, p_e = 0.
    expect(cohen(twoByTwo(0, 4, 0, 0), "A", "B")).toMatchObject({
      percentAgreement: 0,
      kappa: { kind: "kappa", value: 0, expected: 0 },
    });
  });
  it("is negative for agreement worse than chance", () => {
    const r = cohen(twoByTwo(0, 5, 5, 0), "A", "B"); // p_o 0, p_e 0.5
    expect(r).toMatchObject({ kappa: { kind: "kappa", value: -1, expected: 0.5 } });
  });
  it("is undefined, with its reason, when every label is the same one", () => {
    expect(cohen(twoByTwo(7, 0, 0, 0), "A", "B")).toEqual({
      raters: ["A", "B"],
      kind: "agreement",
      items: 7,
      percentAgreement: 1,
      kappa: { kind: "undefined", reason: "every label is the same", observed: 1, expected: 1 },
    });
    // one shared item, the same label: undefined too
    expect(cohen(twoByTwo(1, 0, 0, 0), "A", "B")).toMatchObject({ kappa: { kind: "undefined" } });
  });
  it("of one item labelled differently is 0", () => {
    expect(cohen(twoByTwo(0, 1, 0, 0), "A", "B")).toMatchObject({ items: 1, kappa: { kind: "kappa", value: 0 } });
  });
  it("counts only the items both raters labelled", () => {
    const rows: LabelRow[] = [
      ...twoByTwo(20, 5, 10, 15),
      { item: "extra-1", rater: "A", label: "yes" },
      { item: "extra-2", rater: "B", label: "no" },
      { item: "extra-3", rater: "C", label: "no" },
    ];
    expect(cohen(rows, "A", "B")).toMatchObject({ items: 50, percentAgreement: 0.7 });
  });
  it("says no overlap, not a number, for raters without a shared item, or without rows", () => {
    const rows: LabelRow[] = [
      { item: 1, rater: "A", label: "cat" },
      { item: 2, rater: "B", label: "cat" },
    ];
    expect(cohen(rows, "A", "B")).toEqual({ raters: ["A", "B"], kind: "no-overlap" });
    expect(cohen([], "A", "B")).toEqual({ raters: ["A", "B"], kind: "no-overlap" });
  });
  it("takes a rater's later label of an item over the earlier one", () => {
    const rows: LabelRow[] = [
      { item: 1, rater: "A", label: "dog" },
      { item: 1, rater: "B", label: "cat" },
      { item: 1, rater: "A", label: "cat" },
    ];
    expect(labelsByItem(rows).get("1")).toEqual(
      new Map([
        ["A", "cat"],
        ["B", "cat"],
      ]),
    );
    expect(cohen(rows, "A", "B")).toMatchObject({ items: 1, percentAgreement: 1 });
  });
  it("works on labels of any strings, more than two of them", () => {
    // 4 items: A = cat cat dog bird, B = cat dog dog bird → p_o 3/4;
    // p_e = (2/4)(1/4) + (1/4)(2/4) + (1/4)(1/4) = 5/16; κ = (3/4 − 5/16) ÷ (11/16) = 7/11.
    const a = ["cat", "cat", "dog", "bird"];
    const b = ["cat", "dog", "dog", "bird"];
    const rows = a.flatMap((label, item) => [
      { item, rater: "A", label },
      { item, rater: "B", label: b[item]! },
    ]);
    const r = cohen(rows, "A", "B");
    if (r.kind !== "agreement" || r.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(r.kappa.expected).toBeCloseTo(5 / 16, 12);
    expect(r.kappa.value).toBeCloseTo(7 / 11, 12);
  });
});

describe("pairwise agreement", () => {
  it("gives each pair of raters once, in order, with no overlap where they share no item", () => {
    const rows: LabelRow[] = [
      { item: 1, rater: "B", label: "x" },
      { item: 1, rater: "A", label: "x" },
      { item: 2, rater: "A", label: "y" },
      { item: 2, rater: "B", label: "x" },
      { item: 3, rater: "C", label: "x" },
    ];
    const pairs = pairwiseCohen(rows);
    expect(pairs.map((p) => [p.raters, p.kind])).toEqual([
      [["A", "B"], "agreement"],
      [["A", "C"], "no-overlap"],
      [["B", "C"], "no-overlap"],
    ]);
    // A = x y, B = x x: p_o 1/2, p_e = (1/2)(1) + (1/2)(0) = 1/2, κ 0
    expect(pairs[0]).toMatchObject({ items: 2, percentAgreement: 0.5, kappa: { kind: "kappa", value: 0 } });
  });
  it("is empty for no rows or one rater", () => {
    expect(pairwiseCohen([])).toEqual([]);
    expect(pairwiseCohen([{ item: 1, rater: "A", label: "x" }])).toEqual([]);
  });
});

describe("Fleiss' kappa", () => {
  // Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories.
  const WORKED = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  it("matches the worked example: P̄ 0.378, P̄_e 0.213, κ 0.210", () => {
    const r = fleiss(fromCounts(WORKED, ["1", "2", "3", "4", "5"]));
    if (r.kind !== "fleiss" || r.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(r).toMatchObject({ items: 10, ratersPerItem: 14, itemsLeftOut: 0 });
    expect(r.kappa.observed).toBeCloseTo(0.378022, 6);
    expect(r.kappa.expected).toBeCloseTo(0.212755, 6);
    expect(r.kappa.value).toBeCloseTo(0.209931, 6);
  });
  it("is 1 when every item is labelled alike by all its raters, with more than one label in use", () => {
    const r = fleiss(
      fromCounts(
        [
          [3, 0],
          [0, 3],
          [3, 0],
        ],
        ["yes", "no"],
      ),
    );
    expect(r).toMatchObject({ kind: "fleiss", kappa: { kind: "kappa", value: 1 } });
  });
  it("computes a small case by hand: 2 items × 3 raters", () => {
    // item 1: a a b → P_1 = (4 + 1 − 3) / 6 = 1/3; item 2: a a a → P_2 = 1; P̄ = 2/3.
    // p_a = 5/6, p_b = 1/6 → P̄_e = 26/36; κ = (2/3 − 26/36) ÷ (10/36) = −0.2.
    const r = fleiss(
      fromCounts(
        [
          [2, 1],
          [3, 0],
        ],
        ["a", "b"],
      ),
    );
    expect(r).toMatchObject({ kind: "fleiss", items: 2, ratersPerItem: 3 });
    if (r.kind !== "fleiss" || r.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(r.kappa.value).toBeCloseTo(-0.2, 12);
  });
  it("uses the items with the most common count of raters and says how many it left out", () => {
    const rows = [
      ...fromCounts(
        [
          [2, 1],
          [3, 0],
        ],
        ["a", "b"],
      ), // two items of 3 raters
      ...fromCounts([[4, 0]], ["a", "b"]).map((r) => ({ ...r, item: "four" })), // one of 4
      ...fromCounts([[1, 1]], ["a", "b"]).map((r) => ({ ...r, item: "two" })), // two raters: not counted
    ];
    const r = fleiss(rows);
    expect(r).toMatchObject({ kind: "fleiss", items: 2, ratersPerItem: 3, itemsLeftOut: 1 });
    if (r.kind !== "fleiss" || r.kappa.kind !== "kappa") throw new Error("a kappa");
    expect(r.kappa.value).toBeCloseTo(-0.2, 12);
  });
  it("takes the larger count of raters when two counts are as common", () => {
    const rows = [
      ...fromCounts([[3, 0]], ["a", "b"]).map((r) => ({ ...r, item: "three" })),
      ...fromCounts([[2, 2]], ["a", "b"]).map((r) => ({ ...r, item: "four" })),
    ];
    expect(fleiss(rows)).toMatchObject({ kind: "fleiss", items: 1, ratersPerItem: 4, itemsLeftOut: 1 });
  });
  it("is undefined, with its reason, when every label is the same one", () => {
    expect(fleiss(fromCounts([[3], [3]], ["cat"]))).toEqual({
      kind: "fleiss",
      items: 2,
      ratersPerItem: 3,
      itemsLeftOut: 0,
      kappa: { kind: "undefined", reason: "every label is the same", observed: 1, expected: 1 },
    });
  });
  it("says there are no items when none has three raters", () => {
    const none = { kind: "no-items", reason: "no item has three or more raters" };
    expect(fleiss([])).toEqual(none);
    expect(fleiss(twoByTwo(20, 5, 10, 15))).toEqual(none);
  });
});

describe("a dataset's agreement", () => {
  it("compares only the pairs of raters who share items, the most shared first, the same figures as Cohen's pair by pair", () => {
    const rows: LabelRow[] = [
      // a and b share items 1–4 (3 of 4 the same); b and c share item 5; d labels item 9 alone
      ...[1, 2, 3, 4].flatMap((item) => [
        { item, rater: "a", label: item === 4 ? "dog" : "cat" },
        { item, rater: "b", label: "cat" },
      ]),
      { item: 4, rater: "b", label: "cat" },
      { item: 5, rater: "b", label: "dog" },
      { item: 5, rater: "c", label: "dog" },
      { item: 9, rater: "d", label: "cat" },
    ];
    const a = datasetAgreement(rows)!;
    expect(a).toMatchObject({ labels: rows.length, items: 6, raters: 4 });
    expect(a.pairs.map((p) => [p.raters, p.items])).toEqual([
      [["a", "b"], 4],
      [["b", "c"], 1],
    ]);
    expect(a.pairs[0]).toEqual(cohen(rows, "a", "b"));
    expect(a.pairs[0]!.percentAgreement).toBe(0.75);
    expect(a.fleiss).toEqual(fleiss(rows));
  });
  it("orders the pairs by items shared, then by raters in code-point order, whatever order the labels come in", () => {
    const both = (item: number, a: string, b: string): LabelRow[] => [
      { item, rater: a, label: "cat" },
      { item, rater: b, label: item % 2 ? "cat" : "dog" },
    ];
    const a = datasetAgreement([
      ...both(1, "y", "x"), // one item, raters given in reverse order
      ...both(2, "m", "z"),
      ...both(3, "m", "c"),
      ...both(4, "p", "q"),
      ...both(5, "q", "p"),
      ...both(6, "p", "q"),
      ...both(7, "n", "m"),
      ...both(8, "m", "o"),
      ...both(9, "o", "n"),
    ])!;
    expect(a.pairs.map((p) => [p.raters, p.items])).toEqual([
      [["p", "q"], 3],
      [["c", "m"], 1],
      [["m", "n"], 1],
      [["m", "o"], 1],
      [["m", "z"], 1],
      [["n", "o"], 1],
      [["x", "y"], 1],
    ]);
  });
  it("says there is no overlap when nobody labelled an item somebody else did, and nothing without labels", () => {
    const a = datasetAgreement([
      { item: 1, rater: "a", label: "cat" },
      { item: 2, rater: "b", label: "cat" },
    ]);
    expect(a).toMatchObject({ labels: 2, items: 2, raters: 2, pairs: [] });
    expect(datasetAgreement([])).toBeNull();
  });
});

describe("gold accuracy from labels", () => {
  const answers = new Map<string | number, string>([
    [1, "cat"],
    [2, "dog"],
    [3, "cat"],
  ]);

  it("counts each label of an item with a known answer, per rater and together, with the Wilson interval", () => {
    const g = goldLabelAccuracy(
      [
        { item: 1, rater: "UANA", label: "cat" },
        { item: 2, rater: "UANA", label: "dog" },
        { item: 3, rater: "UANA", label: "dog" },
        { item: 1, rater: "UBOB", label: "dog" },
        { item: 9, rater: "UBOB", label: "cat" }, // no known answer: not counted
      ],
      answers,
    )!;
    expect(g.overall).toEqual(wilson(2, 4));
    expect(g.raters).toEqual([
      { rater: "UANA", accuracy: wilson(2, 3) },
      { rater: "UBOB", accuracy: wilson(0, 1) },
    ]);
    expect(g.overall.low).toBeLessThan(0.5);
    expect(g.overall.high).toBeGreaterThan(0.5);
  });

  it("lists the raters with the most labels of gold items first, and raters with as many by name", () => {
    const g = goldLabelAccuracy(
      [
        { item: 1, rater: "UDAN", label: "cat" },
        { item: 1, rater: "UCAT", label: "cat" },
        { item: 2, rater: "UCAT", label: "cat" },
        { item: 1, rater: "UBOB", label: "cat" },
        { item: 2, rater: "UBOB", label: "dog" },
        { item: 3, rater: "UBOB", label: "cat" },
        { item: 3, rater: "UAMY", label: "dog" },
      ],
      answers,
    )!;
    expect(g.raters.map((r) => [r.rater, r.accuracy.successes, r.accuracy.trials])).toEqual([
      ["UBOB", 3, 3],
      ["UCAT", 1, 2],
      ["UAMY", 0, 1],
      ["UDAN", 1, 1],
    ]);
  });

  it("says nothing when no gold item was labelled", () => {
    expect(goldLabelAccuracy([{ item: 9, rater: "UANA", label: "cat" }], answers)).toBeNull();
    expect(goldLabelAccuracy([], new Map())).toBeNull();
  });
});
