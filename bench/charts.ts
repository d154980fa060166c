/**
 * The digest's chart images (src/ui/charts.ts): how long one image takes, and
 * what loading the chart libraries costs a process in memory.
 *
 * Time: each chart drawn `samples` times in this process after a warm-up,
 * split into the whole call and, for the throughput chart, resvg alone (the
 * same SVG to PNG again). Ratios are to resvg turning a blank 800×400 SVG into
 * a PNG, measured in the same run: the floor of any PNG of that size.
 *
 * Memory: a fresh Node.js process reads its resident memory before importing
 * the module, after importing it, after its first image and after 50 more
 * (each read after a full garbage collection), so the figures are of the chart
 * module alone and not of this bench. The process yields to the event loop
 * between images, as a job does: resvg's images are native memory, freed by
 * finalizers that run after a collection, so a synchronous loop of a hundred
 * images holds a few hundred MB until it yields.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import resvg from "@resvg/resvg-js";
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  errorParetoChart,
  type ThroughputInput,
  weeklyThroughputChart,
} from "../src/ui/charts.ts";
import { percentile } from "./stats.ts";

export interface ChartsOptions {
  samples: number;
  log: (line: string) => void;
}

export interface ChartTimeRow {
  what: string;
  p50: number;
  p99: number;
  ratio50: number;
}

export interface ChartMemoryRow {
  stage: string;
  rssMB: number;
  heapMB: number;
}

export const THROUGHPUT: ThroughputInput = {
  through: "2026-W48",
  subject: "Cats",
  weeks: [41, 42, 43, 44, 45, 46, 47, 48].map((w, i) => ({
    week: `2026-W${w}`,
    completed: 200 + 37 * i,
    reviewed: i === 3 ? 0 : 10 + i,
    acceptedFirstPass: i === 3 ? 0 : 8 + (i % 3),
  })),
};

export const ERRORS = [
  { category: "missing label", count: 31 },
  { category: "wrong class", count: 17 },
  { category: "boundary/geometry", count: 44 },
  { category: "attribute", count: 6 },
  { category: "guideline violation", count: 3 },
  { category: "other", count: 2 },
];

function time(samples: number, f: () => unknown): number[] {
  for (let i = 0; i < 3; i++) f();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

export function benchChartTimes({ samples, log }: ChartsOptions): ChartTimeRow[] {
  const blank = `<svg width="${CHART_WIDTH}" height="${CHART_HEIGHT}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="#ffffff"/></svg>`;
  const svg = weeklyThroughputChart(THROUGHPUT).svg;
  const require = createRequire(import.meta.url);
  const fonts = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
  const toPng = (s: string, fontFiles: string[]) =>
    new resvg.Resvg(s, { font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" } })
      .render()
      .asPng();
  const runs: [string, number[]][] = [];
  log("charts: blank PNG");
  runs.push(["blank 800×400 SVG → PNG (base)", time(samples, () => toPng(blank, []))]);
  log("charts: throughput");
  runs.push(["weeklyThroughputChart, whole call", time(samples, () => weeklyThroughputChart(THROUGHPUT))]);
  runs.push(["  of which its SVG → PNG (resvg, fonts)", time(samples, () => toPng(svg, fonts))]);
  log("charts: pareto");
  runs.push(["errorParetoChart, whole call", time(samples, () => errorParetoChart({ errors: ERRORS }))]);
  const base = percentile(runs[0]![1], 50);
  return runs.map(([what, ms]) => ({
    what,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    ratio50: percentile(ms, 50) / base,
  }));
}

const MEMORY_PROBE = (moduleUrl: string) => `
const mb = (n) => Math.round((n / 1048576) * 10) / 10;
const read = (stage) => { globalThis.gc(); const m = process.memoryUsage(); return { stage, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) }; };
const rows = [read("before import")];
const t0 = performance.now();
const charts = await import(${JSON.stringify(moduleUrl)});
const importMs = performance.now() - t0;
rows.push(read("after import"));
const t1 = performance.now();
charts.weeklyThroughputChart(${JSON.stringify(THROUGHPUT)});
const firstMs = performance.now() - t1;
rows.push(read("after the first image"));
for (let i = 0; i < 25; i++) {
  charts.weeklyThroughputChart(${JSON.stringify(THROUGHPUT)});
  await new Promise((next) => setImmediate(next));
  charts.errorParetoChart({ errors: ${JSON.stringify(ERRORS)} });
  await new Promise((next) => setImmediate(next));
}
rows.push(read("after 50 more images"));
console.log(JSON.stringify({ rows, importMs, firstMs }));
`;

/** Memory and cold timings of the chart module in a process of its own. */
export function benchChartMemory(): { rows: ChartMemoryRow[]; importMs: number; firstMs: number } {
  const moduleUrl = pathToFileURL(resolve("src/ui/charts.ts")).href;
  const run = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", MEMORY_PROBE(moduleUrl)], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`the memory probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}
