import type { SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/review/policy.ts";
import type { AssignmentView, DatasetView, ReviewView } from "../../src/core/types.ts";
import { compactItemList, itemListTexts, splitItemList } from "../../src/ui/item-list.ts";
import { reviewModal } from "../../src/ui/modals.ts";
import { reviewRequestMessage } from "../../src/ui/review-messages.ts";

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

/** n scattered items of 1..max, sorted and distinct (seven or eight digits each). */
function scattered(n: number, max = 10_000_000): number[] {
  const random = seededRandom("items");
  const set = new Set<number>();
  while (set.size < n) set.add(1_000_000 + Math.floor(random() * (max - 1_000_000)));
  return [...set].sort((a, b) => a - b);
}

/** The items a compact list names, expanded again ("109–118" → 109…118). */
function expand(text: string): number[] {
  return text
    .replace(/, … and [\d,]+ more$/, "")
    .split(", ")
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b] = part.split("–").map(Number);
      return range(a!, b ?? a!);
    });
}

describe("compact item lists", () => {
  it("writes runs of consecutive items as ranges", () => {
    expect(compactItemList([...range(109, 118), 138], 100)).toBe("109–118, 138");
    expect(compactItemList([1, 3, 4, 5, 9], 100)).toBe("1, 3–5, 9");
    expect(compactItemList([], 100)).toBe("");
  });

  it("cuts only between runs and counts what it leaves out", () => {
    const items = scattered(1250);
    const text = compactItemList(items, 300);
    expect(text.length).toBeLessThanOrEqual(300);
    const more = Number(/… and ([\d,]+) more$/.exec(text)![1]!.replace(/,/g, ""));
    const shown = expand(text);
    expect(shown).toEqual(items.slice(0, shown.length));
    expect(shown.length + more).toBe(1250);
  });

  it("splits a long list into parts that together name every item", () => {
    const items = [...scattered(1250), ...range(9_999_000, 9_999_099)].sort((a, b) => a - b);
    const { parts, more } = splitItemList(items, 2900, 40);
    expect(more).toBe(0);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(2900);
    expect(parts.flatMap((p) => expand(p.text))).toEqual(items);
    // too few parts: the last one ends with the count of the rest
    const texts = itemListTexts(items, 500, 2);
    expect(texts).toHaveLength(2);
    const more2 = Number(/… and ([\d,]+) more$/.exec(texts[1]!)![1]!.replace(/,/g, ""));
    expect(texts.flatMap(expand).length + more2).toBe(items.length);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(500);
  });
});

const assignment = (first: number, last: number): AssignmentView => ({
  id: 2,
  ref: "A2",
  teamId: "T",
  datasetId: 1,
  dataset: "huge",
  itemNoun: "frame",
  first,
  last,
  size: last - first + 1,
  assigneeId: "UANA",
  status: "IN_REVIEW",
  itemsDone: last - first + 1,
  dueDate: null,
  note: null,
  reviewRound: 1,
  parentId: null,
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
  lastProgressAt: null,
});

const review = (sample: number[], full = false, size = sample.length): ReviewView => ({
  submitNote: null,
  id: 5,
  ref: "R5",
  teamId: "T",
  assignmentId: 2,
  assignmentRef: "A2",
  dataset: "huge",
  round: 1,
  reviewerId: "UREV",
  annotatorId: "UANA",
  status: "PENDING",
  sampleItems: sample,
  sampleSize: size,
  sampleFull: full,
  itemsChecked: null,
  errors: {},
  goldChecked: 0,
  goldCorrect: 0,
  comment: null,
  createdAt: "2026-11-30T10:00:00.000Z",
  decidedAt: null,
});

const dataset = (gold: number[]) =>
  ({
    id: 1,
    teamId: "T",
    slug: "huge",
    title: "Ten million frames",
    itemCount: 10_000_000,
    itemNoun: "frame",
    goldItems: gold,
    errorTaxonomy: ["missing label", "wrong class"],
  }) as unknown as DatasetView;

const sectionTexts = (blocks: unknown[]) =>
  (blocks as SectionBlock[]).filter((b) => b.type === "section").map((b) => b.text!.text);

describe("the review request and the review form", () => {
  const a = assignment(1_000_001, 10_000_000);
  const items = scattered(1350);

  it("the DM shows the first runs of a long sample, counts the rest and points to the form", () => {
    const m = reviewRequestMessage(review(items), a);
    const [text] = sectionTexts(m.blocks);
    expect(text!.length).toBeLessThanOrEqual(3000);
    expect(text).toContain("Check 1,350 frames: ");
    const match = /… and ([\d,]+) more \(the \*Review\* form lists them all\)\.$/.exec(text!);
    expect(match).toBeTruthy();
    const list = text!.slice(text!.indexOf("Check 1,350 frames: ") + 20, text!.indexOf(" (the *Review*"));
    const shown = expand(list);
    expect(shown).toEqual(items.slice(0, shown.length));
    expect(shown.length + Number(match![1]!.replace(/,/g, ""))).toBe(1350);
  });

  it("the DM of a short sample lists it whole, and a full review names the range", () => {
    const short = reviewRequestMessage(review([...range(109, 118), 138]), assignment(101, 200));
    expect(sectionTexts(short.blocks)[0]).toContain("Check 11 frames: 109–118, 138.");
    const full = reviewRequestMessage(review([], true, 9_000_000), a);
    expect(sectionTexts(full.blocks)[0]).toContain(
      "Check every item (full review): 9,000,000 frames, 1000001–10000000.",
    );
  });

  it("the form lists every item of a long sample over several sections, within Slack's limits", () => {
    const gold = [1_000_005, ...items.slice(0, 3)];
    const view = reviewModal(review(items), a, dataset(gold), { channelId: null });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const texts = sectionTexts(view.blocks);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join(" ")).not.toContain("more");
    const head = texts[0]!;
    const listed = [head.slice(head.indexOf("Check 1,350 frames:") + 20), ...texts.slice(1)].flatMap(expand);
    expect(listed).toEqual(items);
    // items checked up to the sample's size; the gold items of the sample only
    const inputs = JSON.stringify(view.blocks);
    expect(inputs).toContain('"max_value":"1350"');
    expect(inputs).toContain("Gold items right (of 3)");
  });
});
