/**
 * The digest's chart images: real PNGs of the promised size that show the
 * figures (bars and line in their colours, the gaps where there is nothing to
 * draw), alt texts that say the numbers, and SVGs kept as golden files.
 *
 * Golden files (test/ui/__golden__/*.svg) are the SVGs the charts draw, with
 * ECharts' per-instance ids made neutral. After an intended change, rewrite
 * them with `UPDATE_GOLDEN=1 npx vitest run test/ui/charts.test.ts` and look at
 * the diff (or open the SVGs) before committing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartImage,
  errorParetoChart,
  type ThroughputInput,
  weeklyThroughputChart,
} from "../../src/ui/charts.ts";

const GOLDEN = new URL("./__golden__/", import.meta.url);
const BAR = [0x3b, 0x6f, 0xb6];
const LINE = [0xe0, 0x7b, 0x1a];
// The plot area of both charts: 76 px from the left, 84 from the right.
const PLOT_LEFT = 76;
const PLOT_WIDTH = CHART_WIDTH - 76 - 84;
// …and from 72 px below the top to the x axis at 328 px, with a point drawn on it (not the labels and legend below).
const PLOT_TOP = 72;
const PLOT_BOTTOM = 332;

/**
 * The only parts that vary: ECharts numbers each chart instance of a process
 * (zr0-, zr1-…) and its CSS classes and clip paths from counters shared by the
 * process. Each name is renumbered in the order it first appears.
 */
function normalise(svg: string): string {
  const names = new Map<string, string>();
  const counts = new Map<string, number>();
  return svg.replace(/\bzr\d+-(cls-|c)\d+\b/g, (name, kind: string) => {
    let renamed = names.get(name);
    if (renamed === undefined) {
      const n = counts.get(kind) ?? 0;
      counts.set(kind, n + 1);
      names.set(name, (renamed = `zr-${kind}${n}`));
    }
    return renamed;
  });
}

function expectGolden(name: string, svg: string) {
  const file = new URL(name, GOLDEN);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, normalise(svg));
  }
  if (!existsSync(file)) throw new Error(`no golden file ${name}: write it with UPDATE_GOLDEN=1 and review it`);
  expect(normalise(svg)).toBe(readFileSync(file, "utf8"));
}

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
}

/** The PNG's own header (signature, IHDR) checked byte by byte, then its pixels decoded. */
function decode(png: Uint8Array): Pixels {
  const bytes = Buffer.from(png);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
  const header = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  const image = PNG.sync.read(bytes);
  expect({ width: image.width, height: image.height }).toEqual(header);
  return {
    ...header,
    at: (x, y) => {
      const i = (y * image.width + x) * 4;
      return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    },
  };
}

const near = (p: readonly number[], colour: readonly number[]) => p.every((v, i) => Math.abs(v - colour[i]!) <= 8);

/** Share of pixels that are not the white background, and how many colours there are. */
function inkOf(p: Pixels) {
  const colours = new Set<number>();
  let ink = 0;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const [r, g, b] = p.at(x, y);
      colours.add((r << 16) | (g << 8) | b);
      if (r < 250 || g < 250 || b < 250) ink++;
    }
  }
  return { share: ink / (p.width * p.height), colours: colours.size };
}

/** Pixels of a colour in a vertical strip of the plot area (x ± 3), from top to bottom. */
function inColumn(p: Pixels, x: number, colour: readonly number[]): number[] {
  const ys: number[] = [];
  for (let y = PLOT_TOP; y <= PLOT_BOTTOM; y++) {
    for (let dx = -3; dx <= 3; dx++) if (near(p.at(Math.round(x) + dx, y), colour)) ys.push(y);
  }
  return ys;
}

const centreOf = (i: number, of: number) => PLOT_LEFT + (PLOT_WIDTH / of) * (i + 0.5);

function expectAPicture(chart: ChartImage, minShare: number) {
  const pixels = decode(chart.png);
  expect({ width: pixels.width, height: pixels.height }).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  const ink = inkOf(pixels);
  expect(ink.colours).toBeGreaterThan(10); // text is anti-aliased: many greys, not one flat colour
  expect(ink.share).toBeGreaterThan(minShare);
  return pixels;
}

const EIGHT_WEEKS: ThroughputInput = {
  through: "2026-W02",
  subject: "Cats",
  weeks: [
    { week: "2025-W48", completed: 120, reviewed: 10, acceptedFirstPass: 8 },
    { week: "2025-W50", completed: 340, reviewed: 20, acceptedFirstPass: 17 },
    { week: "2025-W51", completed: 95, reviewed: 0, acceptedFirstPass: 0 },
    { week: "2025-W52", completed: 410, reviewed: 25, acceptedFirstPass: 24 },
    { week: "2026-W01", completed: 0, reviewed: 4, acceptedFirstPass: 2 },
    { week: "2026-W02", completed: 388, reviewed: 18, acceptedFirstPass: 15 },
  ],
};

const TAXONOMY_ERRORS = [
  { category: "missing label", count: 31 },
  { category: "wrong class", count: 17 },
  { category: "boundary/geometry", count: 44 },
  { category: "attribute", count: 6 },
  { category: "guideline violation", count: 3 },
  { category: "other", count: 2 },
];

describe("weeklyThroughputChart", () => {
  it("draws the eight ISO weeks through the given one, across a year's end, as bars with the acceptance line", () => {
    const chart = weeklyThroughputChart(EIGHT_WEEKS);
    const pixels = expectAPicture(chart, 0.05);
    expect(chart.empty).toBe(false);

    // Weeks 2025-W47 … 2026-W02 (2025 has 52 ISO weeks): bars where items were completed, none where not.
    const completed = [0, 120, 0, 340, 95, 410, 0, 388];
    const barTops = completed.map((_, i) => inColumn(pixels, centreOf(i, 8), BAR)[0] ?? null);
    completed.forEach((n, i) => {
      if (n === 0) expect(barTops[i], `week ${i}`).toBeNull();
      else expect(barTops[i], `week ${i}`).not.toBeNull();
    });
    // Taller bar, higher top: 410 > 388 > 340 > 120 > 95.
    const order = [5, 7, 3, 1, 4].map((i) => barTops[i]!);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    // The line has a point in each week with reviews and nothing in a week without:
    // W47 and W49 are gaps (not 0 %), W51's 95 items had no review.
    const reviewed = [false, true, false, true, false, true, true, true];
    reviewed.forEach((has, i) => {
      expect(inColumn(pixels, centreOf(i, 8), LINE).length > 0, `week ${i}`).toBe(has);
    });

    expect(chart.alt).toBe(
      "Items completed per week (Cats), 2025-W47 to 2026-W02, 1,353 in all. " +
        "2025-W47: 0 completed, no reviews; " +
        "2025-W48: 120 completed, first-pass acceptance 80 % (8 of 10 reviews); " +
        "2025-W49: 0 completed, no reviews; " +
        "2025-W50: 340 completed, first-pass acceptance 85 % (17 of 20 reviews); " +
        "2025-W51: 95 completed, no reviews; " +
        "2025-W52: 410 completed, first-pass acceptance 96 % (24 of 25 reviews); " +
        "2026-W01: 0 completed, first-pass acceptance 50 % (2 of 4 reviews); " +
        "2026-W02: 388 completed, first-pass acceptance 83.3 % (15 of 18 reviews).",
    );
    // What the picture says in words: title, week labels, axis names, legend.
    for (const text of [
      "Items completed per week",
      "Cats · 2025-W47 to 2026-W02",
      ">W47<",
      ">W01<",
      ">W02<",
      "ISO week",
      "Items completed",
      "First-pass acceptance",
      "100 %",
    ]) {
      expect(chart.svg).toContain(text);
    }
    expectGolden("weekly-throughput.svg", chart.svg);
  });

  it("draws the same image every time", () => {
    const a = weeklyThroughputChart(EIGHT_WEEKS);
    const b = weeklyThroughputChart(EIGHT_WEEKS);
    expect(normalise(b.svg)).toBe(normalise(a.svg));
    expect(Buffer.from(b.png).equals(Buffer.from(a.png))).toBe(true);
  });

  it("says there is nothing to show when no item was completed and nothing reviewed", () => {
    const chart = weeklyThroughputChart({ through: "2026-W48", weeks: [] });
    expectAPicture(chart, 0.001);
    expect(chart.empty).toBe(true);
    expect(chart.alt).toBe("Items completed per week, 2026-W41 to 2026-W48: no items completed and no reviews.");
    expect(chart.svg).toContain("No items completed and no reviews in these 8 weeks");
    expect(chart.svg).not.toContain("ISO week"); // no empty axes
    expectGolden("weekly-throughput-empty.svg", chart.svg);
  });

  it("refuses figures it cannot draw truthfully, saying which", () => {
    const week = { week: "2026-W48", completed: 1, reviewed: 2, acceptedFirstPass: 1 };
    const bad: [ThroughputInput, string][] = [
      [{ through: "2026-48", weeks: [] }, 'through "2026-48" is not an ISO week such as 2026-W42'],
      [{ through: "2025-W53", weeks: [] }, 'through "2025-W53" does not exist: 2025 has weeks 01 to 52'],
      [{ through: "2026-W48", weeks: [{ ...week, week: "2026-W40" }] }, "week 2026-W40 is outside the 8 weeks"],
      [{ through: "2026-W48", weeks: [week, week] }, "week 2026-W48 is given twice"],
      [
        { through: "2026-W48", weeks: [{ ...week, completed: -1 }] },
        "completed of 2026-W48 must be a whole number of 0 or more, not -1",
      ],
      [
        { through: "2026-W48", weeks: [{ ...week, reviewed: 1.5 }] },
        "reviewed of 2026-W48 must be a whole number of 0 or more, not 1.5",
      ],
      [
        { through: "2026-W48", weeks: [{ ...week, acceptedFirstPass: 3 }] },
        "acceptedFirstPass of 2026-W48 (3) is more than its reviews (2)",
      ],
    ];
    for (const [input, message] of bad) expect(() => weeklyThroughputChart(input)).toThrow(message);
    // 2026 has 53 ISO weeks: its last one is a week like any other.
    expect(weeklyThroughputChart({ through: "2026-W53", weeks: [] }).alt).toContain("2026-W46 to 2026-W53");
  });
});

describe("errorParetoChart", () => {
  it("draws categories largest first with the cumulative share reaching 100 %", () => {
    const chart = errorParetoChart({ subject: "Cats", errors: TAXONOMY_ERRORS });
    const pixels = expectAPicture(chart, 0.05);
    expect(chart.empty).toBe(false);

    // Bars fall from left to right (44, 31, 17, 6, 3, 2): each top lower than the last.
    const tops = TAXONOMY_ERRORS.map((_, i) => inColumn(pixels, centreOf(i, 6), BAR)[0]!);
    for (let i = 1; i < tops.length; i++) expect(tops[i]!).toBeGreaterThan(tops[i - 1]!);
    // The cumulative line rises: its point over each bar is higher than the one before.
    const line = TAXONOMY_ERRORS.map((_, i) => inColumn(pixels, centreOf(i, 6), LINE)[0]!);
    for (let i = 1; i < line.length; i++) expect(line[i]!).toBeLessThan(line[i - 1]!);

    expect(chart.alt).toBe(
      "Review errors by category (Cats), 103 in all, largest first: " +
        "boundary/geometry 44 (42.7 %, cumulative 42.7 %); missing label 31 (30.1 %, cumulative 72.8 %); " +
        "wrong class 17 (16.5 %, cumulative 89.3 %); attribute 6 (5.8 %, cumulative 95.1 %); " +
        "guideline violation 3 (2.9 %, cumulative 98.1 %); other 2 (1.9 %, cumulative 100 %).",
    );
    for (const text of [
      "Review errors by category",
      "Error category",
      "Errors",
      "Cumulative share",
      "boundary/geometry",
    ]) {
      expect(chart.svg).toContain(text);
    }
    expectGolden("error-pareto.svg", chart.svg);
  });

  it("sums the categories past the ninth in one last bar and leaves out those with no error", () => {
    const errors = Array.from({ length: 13 }, (_, i) => ({
      category: `c${String(i).padStart(2, "0")}`,
      count: 13 - i,
    }));
    const chart = errorParetoChart({ errors: [...errors, { category: "never", count: 0 }] });
    expectAPicture(chart, 0.03);
    // c00..c08 (13..5), then c09..c12 (4+3+2+1) together.
    expect(chart.alt).toContain("c08 5 (5.5 %, cumulative 89 %); 4 more categories 10 (11 %, cumulative 100 %).");
    expect(chart.alt).toContain(", 91 in all,");
    expect(chart.alt).not.toContain("never");
    expect(chart.alt).not.toContain("c09");
  });

  it("shortens long category names in the picture so none runs off it, and keeps them whole in the alt text", () => {
    const errors = Array.from({ length: 13 }, (_, i) => ({
      category: `a rather long category name ${i}`,
      count: 40 - i,
    }));
    const chart = errorParetoChart({ errors });
    const pixels = expectAPicture(chart, 0.05);
    expect(chart.svg).toMatch(/>a rather long c[a-z ]*…</);
    expect(chart.svg).not.toContain("a rather long category name 0");
    expect(chart.alt).toContain("a rather long category name 0 40 (");
    // Nothing drawn in the image's outermost columns: no name is cut by its edge.
    for (const x of [0, 1, 2, CHART_WIDTH - 1]) {
      for (let y = 0; y < CHART_HEIGHT; y++) expect(pixels.at(x, y), `pixel ${x},${y}`).toEqual([255, 255, 255]);
    }
  });

  it("orders ties by name, the same whatever order they come in", () => {
    const errors = [
      { category: "b", count: 2 },
      { category: "a", count: 2 },
      { category: "c", count: 5 },
    ];
    const a = errorParetoChart({ errors });
    const b = errorParetoChart({ errors: [...errors].reverse() });
    expect(a.alt).toBe(
      "Review errors by category, 9 in all, largest first: c 5 (55.6 %, cumulative 55.6 %); a 2 (22.2 %, cumulative 77.8 %); b 2 (22.2 %, cumulative 100 %).",
    );
    expect(normalise(b.svg)).toBe(normalise(a.svg));
  });

  it("says there is nothing to show when no error was found", () => {
    const chart = errorParetoChart({ errors: [{ category: "wrong class", count: 0 }] });
    expectAPicture(chart, 0.001);
    expect(chart.empty).toBe(true);
    expect(chart.alt).toBe("Review errors by category: no errors found.");
    expect(chart.svg).toContain("No review errors in this period");
    expectGolden("error-pareto-empty.svg", chart.svg);
  });

  it("refuses counts it cannot draw, saying which", () => {
    expect(() => errorParetoChart({ errors: [{ category: "other", count: -2 }] })).toThrow(
      'count of "other" must be a whole number of 0 or more, not -2',
    );
    expect(() =>
      errorParetoChart({
        errors: [
          { category: "other", count: 1 },
          { category: "other", count: 2 },
        ],
      }),
    ).toThrow('error category "other" is given twice');
    expect(() => errorParetoChart({ errors: [{ category: " ", count: 1 }] })).toThrow(
      "an error category must have a name",
    );
  });
});
