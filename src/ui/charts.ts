/**
 * Chart images for the weekly QA digest: figures in, a PNG (and the SVG it was
 * drawn from, and an alt text) out. Pure: no I/O beyond reading the font that
 * ships with the dependencies, no state kept between calls.
 *
 * ECharts draws the chart as SVG on the server (no DOM, no canvas, no
 * animation); resvg turns the SVG into a PNG with DejaVu Sans loaded from the
 * `dejavu-fonts-ttf` package and no system font, so the text looks the same on
 * every machine, one with no fonts installed included.
 *
 * Empty data: a chart with nothing to show (no item completed and no review in
 * the eight weeks; no error counted) is still drawn, with its title and the
 * sentence "No … in these weeks" in the middle, and says so in its alt text;
 * `empty` is true, so a caller that would rather leave the image out can.
 */
import { createRequire } from "node:module";
import resvg from "@resvg/resvg-js";
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from "echarts/charts";
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TitleComponent,
  type TitleComponentOption,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { Temporal } from "temporal-polyfill";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption
>;

/** A size that reads well inline in Slack (it scales images down to the message width). */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;
/** Weeks the throughput chart shows, the last one included. */
export const THROUGHPUT_WEEKS = 8;
/** Bars of the Pareto chart: the largest categories, the rest summed in one last bar. */
export const PARETO_BARS = 10;

export interface ChartImage {
  /** PNG bytes, CHART_WIDTH × CHART_HEIGHT, on a white background. */
  png: Buffer;
  /** The SVG the PNG was drawn from. */
  svg: string;
  /** The figures in words, for the image's alt text. */
  alt: string;
  /** Nothing to show: the image only says so. */
  empty: boolean;
}

/** What one ISO week did. */
export interface ThroughputWeek {
  /** ISO week, e.g. "2026-W42". */
  week: string;
  /** Items completed in the week. */
  completed: number;
  /** Reviews decided in the week (first rounds only). */
  reviewed: number;
  /** Of those, accepted at once, without asking for changes. */
  acceptedFirstPass: number;
}

export interface ThroughputInput {
  /** The last week shown (ISO week, e.g. "2026-W42"); the chart shows it and the 7 before it. */
  through: string;
  /** Figures by week; a week of the eight that is not here completed nothing and had no review. */
  weeks: readonly ThroughputWeek[];
  /** Shown after the title, e.g. the dataset's title. */
  subject?: string;
}

export interface ErrorCount {
  category: string;
  count: number;
}

export interface ParetoInput {
  /** Errors found by reviews, by category, in any order; categories with no error are left out. */
  errors: readonly ErrorCount[];
  /** Shown after the title, e.g. the dataset's title and the period. */
  subject?: string;
}

const FONT_FAMILY = "DejaVu Sans";
const fontFile = (name: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
const FONT_FILES = [fontFile("DejaVuSans.ttf"), fontFile("DejaVuSans-Bold.ttf")];

const INK = "#333333";
const MUTED = "#6e7079";
const BAR = "#3b6fb6";
const LINE = "#e07b1a";

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The Monday of an ISO week given as "YYYY-Www", or a message saying what is wrong with it. */
function mondayOf(week: string, field: string): Temporal.PlainDate {
  const m = ISO_WEEK.exec(week);
  if (!m) throw new RangeError(`${field} "${week}" is not an ISO week such as 2026-W42`);
  const year = Number(m[1]);
  const n = Number(m[2]);
  // 4 January is always in week 1; 28 December always in the year's last week.
  const weeksInYear = Temporal.PlainDate.from({ year, month: 12, day: 28 }).weekOfYear!;
  if (n < 1 || n > weeksInYear) {
    throw new RangeError(`${field} "${week}" does not exist: ${year} has weeks 01 to ${weeksInYear}`);
  }
  const jan4 = Temporal.PlainDate.from({ year, month: 1, day: 4 });
  return jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: n - 1 });
}

const isoWeekOf = (d: Temporal.PlainDate) => `${d.yearOfWeek}-W${String(d.weekOfYear).padStart(2, "0")}`;

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field} must be a whole number of 0 or more, not ${value}`);
  }
  return value;
}

const percent = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10;
const fmt = (n: number) => n.toLocaleString("en-US");

/** The two-line title: what the chart is, then what about. */
const titles = (text: string, subject: string | undefined): TitleComponentOption => ({
  text,
  ...(subject ? { subtext: subject } : {}),
  left: "center",
  top: 8,
  textStyle: { fontSize: 16, fontWeight: "bold", color: INK, fontFamily: FONT_FAMILY },
  subtextStyle: { fontSize: 12, color: MUTED, fontFamily: FONT_FAMILY },
});

const noData = (sentence: string): TitleComponentOption => ({
  text: sentence,
  left: "center",
  top: "middle",
  textStyle: { fontSize: 14, fontWeight: "normal", color: MUTED, fontFamily: FONT_FAMILY },
});

const BASE: ChartOption = {
  animation: false,
  backgroundColor: "#ffffff",
  textStyle: { fontFamily: FONT_FAMILY, fontSize: 12, color: INK },
};

/** Axis settings shared by both charts. */
const valueAxis = (name: string, extra: Record<string, unknown> = {}) => ({
  type: "value" as const,
  name,
  nameLocation: "middle" as const,
  nameGap: 44,
  nameTextStyle: { fontSize: 12, color: MUTED },
  axisLabel: { fontSize: 11 },
  ...extra,
});

const percentAxis = (name: string) =>
  valueAxis(name, {
    min: 0,
    max: 100,
    interval: 20,
    axisLabel: { fontSize: 11, formatter: "{value} %" },
    splitLine: { show: false },
    nameGap: 48,
  });

/** The bars of both charts: counts on the first axis, each labelled with its value. */
const barSeries = (name: string, data: number[], barMaxWidth: number) => ({
  type: "bar" as const,
  name,
  data,
  itemStyle: { color: BAR },
  barMaxWidth,
  label: { show: true, position: "top" as const, fontSize: 11, color: INK },
});

/** The line of both charts: a share in % on the second axis; a null is a gap (ECharts' default, stated). */
const shareLine = (name: string, data: (number | null)[]) => ({
  type: "line" as const,
  name,
  yAxisIndex: 1,
  data,
  connectNulls: false,
  itemStyle: { color: LINE },
  lineStyle: { color: LINE, width: 2 },
  symbol: "circle" as const,
  symbolSize: 7,
});

function render(option: ChartOption): { png: Buffer; svg: string } {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const image = new resvg.Resvg(svg, {
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    background: "#ffffff",
  }).render();
  return { png: image.asPng(), svg };
}

/**
 * Items completed per ISO week over the eight weeks through `through` (bars),
 * with the first-pass acceptance rate as a line on a second axis (0–100 %). A
 * week without a review has no acceptance point: the line breaks there rather
 * than dropping to 0.
 */
export function weeklyThroughputChart(input: ThroughputInput): ChartImage {
  const last = mondayOf(input.through, "through");
  const weeks = Array.from({ length: THROUGHPUT_WEEKS }, (_, i) =>
    isoWeekOf(last.subtract({ weeks: THROUGHPUT_WEEKS - 1 - i })),
  );
  const byWeek = new Map<string, ThroughputWeek>();
  for (const row of input.weeks) {
    const key = isoWeekOf(mondayOf(row.week, "week"));
    if (!weeks.includes(key)) {
      throw new RangeError(`week ${row.week} is outside the ${THROUGHPUT_WEEKS} weeks ${weeks[0]} to ${input.through}`);
    }
    if (byWeek.has(key)) throw new RangeError(`week ${row.week} is given twice`);
    count(row.completed, `completed of ${row.week}`);
    count(row.reviewed, `reviewed of ${row.week}`);
    count(row.acceptedFirstPass, `acceptedFirstPass of ${row.week}`);
    if (row.acceptedFirstPass > row.reviewed) {
      throw new RangeError(
        `acceptedFirstPass of ${row.week} (${row.acceptedFirstPass}) is more than its reviews (${row.reviewed})`,
      );
    }
    byWeek.set(key, row);
  }

  const rows = weeks.map((week) => {
    const r = byWeek.get(week);
    const reviewed = r?.reviewed ?? 0;
    const accepted = r?.acceptedFirstPass ?? 0;
    return {
      week,
      label: `W${week.slice(-2)}`,
      completed: r?.completed ?? 0,
      reviewed,
      accepted,
      rate: reviewed > 0 ? percent(accepted, reviewed) : null,
    };
  });

  const title = "Items completed per week";
  const span = `${weeks[0]} to ${weeks.at(-1)}`;
  const empty = rows.every((r) => r.completed === 0 && r.reviewed === 0);
  if (empty) {
    const sentence = "No items completed and no reviews in these 8 weeks";
    return {
      ...render({ ...BASE, title: [titles(title, subjectLine(input.subject, span)), noData(sentence)] }),
      alt: `${title}${input.subject ? ` (${input.subject})` : ""}, ${span}: no items completed and no reviews.`,
      empty,
    };
  }

  const option: ChartOption = {
    ...BASE,
    title: titles(title, subjectLine(input.subject, span)),
    legend: {
      bottom: 6,
      itemGap: 24,
      textStyle: { fontSize: 12, color: INK },
      data: ["Items completed", "First-pass acceptance"],
    },
    grid: { left: 76, right: 84, top: 72, bottom: 72 },
    xAxis: {
      type: "category",
      data: rows.map((r) => r.label),
      name: "ISO week",
      nameLocation: "middle",
      nameGap: 28,
      nameTextStyle: { fontSize: 12, color: MUTED },
      axisLabel: { fontSize: 11, interval: 0 },
    },
    yAxis: [valueAxis("Items completed", { minInterval: 1 }), percentAxis("First-pass acceptance")],
    series: [
      barSeries(
        "Items completed",
        rows.map((r) => r.completed),
        48,
      ),
      // a week without reviews is a gap in the line, not 0 %
      shareLine(
        "First-pass acceptance",
        rows.map((r) => r.rate),
      ),
    ],
  };

  const parts = rows.map((r) => {
    const acceptance =
      r.rate === null
        ? "no reviews"
        : `first-pass acceptance ${r.rate} % (${fmt(r.accepted)} of ${fmt(r.reviewed)} reviews)`;
    return `${r.week}: ${fmt(r.completed)} completed, ${acceptance}`;
  });
  const total = rows.reduce((s, r) => s + r.completed, 0);
  return {
    ...render(option),
    alt: `${title}${input.subject ? ` (${input.subject})` : ""}, ${span}, ${fmt(total)} in all. ${parts.join("; ")}.`,
    empty,
  };
}

/**
 * Errors by category, largest first (bars), with the cumulative share of all
 * errors as a line on a second axis (0–100 %). Categories past the first
 * PARETO_BARS − 1 are summed in one last bar ("N more categories") when there
 * are more than PARETO_BARS; ties keep the alphabetical order of their names.
 */
export function errorParetoChart(input: ParetoInput): ChartImage {
  const seen = new Set<string>();
  for (const e of input.errors) {
    if (e.category.trim() === "") throw new RangeError("an error category must have a name");
    if (seen.has(e.category)) throw new RangeError(`error category "${e.category}" is given twice`);
    seen.add(e.category);
    count(e.count, `count of "${e.category}"`);
  }
  const sorted = input.errors
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  const total = sorted.reduce((s, e) => s + e.count, 0);
  const title = "Review errors by category";
  const about = input.subject ? ` (${input.subject})` : "";

  if (total === 0) {
    return {
      ...render({ ...BASE, title: [titles(title, input.subject), noData("No review errors in this period")] }),
      alt: `${title}${about}: no errors found.`,
      empty: true,
    };
  }

  const bars: ErrorCount[] =
    sorted.length > PARETO_BARS
      ? [
          ...sorted.slice(0, PARETO_BARS - 1),
          {
            category: `${sorted.length - (PARETO_BARS - 1)} more categories`,
            count: sorted.slice(PARETO_BARS - 1).reduce((s, e) => s + e.count, 0),
          },
        ]
      : sorted;
  let running = 0;
  const rows = bars.map((b) => {
    running += b.count;
    return { ...b, share: percent(b.count, total), cumulative: percent(running, total) };
  });

  const option: ChartOption = {
    ...BASE,
    title: titles(title, input.subject),
    legend: {
      bottom: 6,
      itemGap: 24,
      textStyle: { fontSize: 12, color: INK },
      data: ["Errors", "Cumulative share"],
    },
    grid: { left: 76, right: 84, top: 72, bottom: 100 },
    xAxis: {
      type: "category",
      data: rows.map((r) => r.category),
      name: "Error category",
      nameLocation: "middle",
      nameGap: rows.length > 5 ? 50 : 28,
      nameTextStyle: { fontSize: 12, color: MUTED },
      // Names slant past five bars and are cut to fit: past eight, the first one's start would leave the image.
      axisLabel: {
        fontSize: 11,
        interval: 0,
        rotate: rows.length > 5 ? 20 : 0,
        width: rows.length > 8 ? 92 : 110,
        overflow: "truncate",
        ellipsis: "…",
      },
    },
    yAxis: [valueAxis("Errors", { minInterval: 1 }), percentAxis("Cumulative share")],
    series: [
      barSeries(
        "Errors",
        rows.map((r) => r.count),
        56,
      ),
      shareLine(
        "Cumulative share",
        rows.map((r) => r.cumulative),
      ),
    ],
  };

  const parts = rows.map((r) => `${r.category} ${fmt(r.count)} (${r.share} %, cumulative ${r.cumulative} %)`);
  return {
    ...render(option),
    alt: `${title}${about}, ${fmt(total)} in all, largest first: ${parts.join("; ")}.`,
    empty: false,
  };
}

function subjectLine(subject: string | undefined, span: string): string {
  return subject ? `${subject} · ${span}` : span;
}
