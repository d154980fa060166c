/** `/ledger qa`: a dataset's QA numbers for its reviewers and leads, and a person's own. */
import type { KnownBlock } from "@slack/types";
import type { DatasetAgreement, GoldLabelAccuracy, Kappa } from "../core/qa/agreement.ts";
import type { MyQaReport, QaReport, QaSpan } from "../core/qa/report.ts";
import type { Proportion } from "../core/qa/stats.ts";
import type { AnnotatorSummary, Quality, Throughput } from "../core/qa/summary.ts";
import { context, divider, esc, header, mention, plural, section } from "./format.ts";
import { type Message, msg } from "./message.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** "97.1 % (95 % CI 95.0–98.3 %, 1,240 checked)": the interval keeps a small sample from reading like a large one. */
export function proportionText(p: Proportion, of: string): string {
  return `${pct(p.value)} (95 % CI ${(p.low * 100).toFixed(1)}–${pct(p.high)}, ${plural(p.trials, of)})`;
}

const spanText = (span: QaSpan) =>
  "weeks" in span ? (span.weeks === 1 ? "this week" : `the last ${span.weeks} weeks`) : `since ${span.since}`;

function throughputText(t: Throughput): string {
  const items = `${plural(t.items, "item")} completed`;
  if (t.trend.kind === "no-history") return items;
  const { current, baseline, ratio } = t.trend;
  const vs = ratio === null ? "none the 4 weeks before" : `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(0)} %`;
  return `${items} · last week ${current.toLocaleString("en-US")} against ${baseline.toFixed(1)} a week before (${vs})`;
}

function qualityLines(q: Quality): string[] {
  const lines = [
    q.accuracy.kind === "measured"
      ? `Accuracy ${proportionText(q.accuracy, "item")} checked in ${plural(q.reviews, "review")}`
      : "Accuracy: no reviews decided",
  ];
  if (q.gold.kind === "measured") lines.push(`Gold ${proportionText(q.gold, "gold item")}`);
  if (q.firstPass.ranges > 0)
    lines.push(
      `First-pass acceptance ${q.firstPass.acceptedFirst} of ${plural(q.firstPass.ranges, "range")}${q.firstPass.rate === null ? "" : ` (${pct(q.firstPass.rate)})`}${q.firstPass.reworkMax ? ` · rework rounds up to ${q.firstPass.reworkMax}` : ""}`,
    );
  if (q.pareto.length)
    lines.push(
      `Errors: ${q.pareto
        .slice(0, 5)
        .map((p) => `${esc(p.category)} ${p.count} (${pct(p.cumulative)} cum.)`)
        .join(", ")}`,
    );
  return lines;
}

const kappaText = (k: Kappa) => (k.kind === "kappa" ? `κ ${k.value.toFixed(2)}` : "κ undefined (every label the same)");

/**
 * Inter-annotator agreement over labels, or null when no labels were given.
 * With `people`, each pair of raters is named (for those who judge the work);
 * without, only the team's figures: percent agreement and Cohen's kappa
 * averaged over the pairs weighted by the items they share, and Fleiss' kappa.
 */
export function agreementText(a: DatasetAgreement | null, o: { people: boolean }): string | null {
  if (!a) return null;
  if (a.pairs.length === 0) return `*Agreement*: no overlap (${plural(a.items, "item")} labelled, none by two people)`;
  const shared = a.pairs.reduce((n, p) => n + p.items, 0);
  const percent = a.pairs.reduce((n, p) => n + p.percentAgreement * p.items, 0) / shared;
  const measured = a.pairs.filter((p) => p.kappa.kind === "kappa");
  const weight = measured.reduce((n, p) => n + p.items, 0);
  const kappa = weight
    ? ` · Cohen's κ ${(measured.reduce((n, p) => n + (p.kappa.kind === "kappa" ? p.kappa.value : 0) * p.items, 0) / weight).toFixed(2)}`
    : "";
  const fleiss =
    a.fleiss.kind === "fleiss"
      ? ` · Fleiss' ${kappaText(a.fleiss.kappa)} over ${plural(a.fleiss.items, "item")} with ${a.fleiss.ratersPerItem} raters each`
      : "";
  let text = `*Agreement*: ${pct(percent)} over ${plural(shared, "shared label pair")} of ${plural(a.pairs.length, "pair")} of raters${kappa}${fleiss}`;
  if (o.people)
    text += `\n${a.pairs
      .slice(0, 5)
      .map(
        (p) =>
          `${mention(p.raters[0])} & ${mention(p.raters[1])}: ${pct(p.percentAgreement)}, ${kappaText(p.kappa)} over ${plural(p.items, "item")}`,
      )
      .join("\n")}${a.pairs.length > 5 ? `\n…and ${plural(a.pairs.length - 5, "more pair")}` : ""}`;
  return text;
}

/** Gold accuracy from the labels tools sent, per annotator; null when no gold item was labelled. */
export function goldLabelsText(g: GoldLabelAccuracy | null): string | null {
  if (!g) return null;
  const people = g.raters
    .slice(0, 5)
    .map((r) => `${mention(r.rater)} ${pct(r.accuracy.value)} of ${plural(r.accuracy.trials, "label")}`)
    .join(", ");
  return `*Gold from labels*: ${proportionText(g.overall, "label")} · ${people}${g.raters.length > 5 ? ", …" : ""}`;
}

/** A dataset's numbers, then one line per annotator and per reviewer. */
export function qaMessage(r: QaReport): Message {
  const s = r.summary;
  const d = s.dataset;
  const forecast =
    d.forecast.kind === "finished"
      ? "every item is done"
      : d.forecast.kind === "no-forecast"
        ? "no forecast (no items completed in the last weeks)"
        : `finish about ${d.forecast.finish} at ${d.forecast.perWeek.toFixed(0)} items a week`;
  const blocks: KnownBlock[] = [
    header(`QA of ${r.dataset}, ${spanText(r.span)}`),
    section(
      [
        `*Throughput*: ${throughputText(d.throughput)}`,
        `*Left*: ${plural(d.remaining.free, "item")} free, ${d.remaining.inFlight.toLocaleString("en-US")} in flight · ${forecast}`,
        ...qualityLines(d),
        d.turnaround.medianHours === null
          ? "*Review turnaround*: no reviews decided"
          : `*Review turnaround*: median ${d.turnaround.medianHours.toFixed(1)} h, p90 ${(d.turnaround.p90Hours ?? 0).toFixed(1)} h over ${plural(d.turnaround.reviews, "review")}${d.unassignedReviews ? ` · ${plural(d.unassignedReviews, "review")} waiting for a reviewer` : ""}`,
        ...[agreementText(r.agreement, { people: true }), goldLabelsText(r.goldLabels)].filter((x) => x !== null),
      ].join("\n"),
    ),
  ];
  const annotators = s.annotators.filter((a) => a.throughput.items > 0 || a.reviews > 0);
  if (annotators.length) {
    blocks.push(divider(), section("*Annotators*"));
    for (const a of annotators.slice(0, 20)) blocks.push(section(annotatorLine(mention(a.annotatorId), a)));
    if (annotators.length > 20) blocks.push(context(`…and ${annotators.length - 20} more annotators`));
  }
  const reviewers = s.reviewers.filter((v) => v.decided > 0 || v.pending > 0);
  if (reviewers.length) {
    blocks.push(divider(), section("*Reviewers*"));
    blocks.push(
      section(
        reviewers
          .slice(0, 20)
          .map(
            (v) =>
              `${mention(v.reviewerId)}: ${plural(v.decided, "verdict")}${v.turnaround.medianHours === null ? "" : `, median ${v.turnaround.medianHours.toFixed(1)} h`} · ${v.pending} waiting (${plural(v.itemsToCheck, "item")} to check)`,
          )
          .join("\n"),
      ),
    );
  }
  blocks.push(context(`Weeks are ISO weeks in ${esc(r.timeZone)}. Accuracy is 1 − errors ÷ items checked.`));
  return msg(`QA of ${r.dataset}, ${spanText(r.span)}`, blocks);
}

function annotatorLine(who: string, a: AnnotatorSummary): string {
  return `${who}: ${qualityLines(a).concat(throughputText(a.throughput)).join(" · ")}`;
}

/** A person's own numbers, dataset by dataset. */
export function myQaMessage(r: MyQaReport): Message {
  if (r.datasets.length === 0)
    return msg("No QA numbers yet", [
      section(`:bar_chart: Nothing of yours was completed or reviewed ${spanText(r.span)}.`),
    ]);
  const blocks: KnownBlock[] = [header(`Your QA numbers, ${spanText(r.span)}`)];
  for (const line of r.datasets.slice(0, 20)) blocks.push(section(annotatorLine(`*${esc(line.dataset)}*`, line.mine)));
  blocks.push(context(`Weeks are ISO weeks in ${esc(r.timeZone)}. Only you see this.`));
  return msg(`Your QA numbers, ${spanText(r.span)}`, blocks);
}
