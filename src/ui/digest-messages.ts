/**
 * The weekly digest: a dataset channel's post (the team's numbers, with the
 * two chart images uploaded with it) and each annotator's DM (their own
 * numbers, their change from the week before, their most frequent error).
 * Personal numbers are never in the channel post.
 *
 * The post goes out through `files.uploadV2`, whose message takes section,
 * header and context blocks (not every block chat.postMessage takes): these
 * builders use only those.
 */
import type { KnownBlock } from "@slack/types";
import type { DatasetDigest, DigestInstructions, PersonalDigest, PersonalDigestLine } from "../core/jobs/digest.ts";
import type { AnnotatorSummary, Throughput } from "../core/qa/summary.ts";
import type { IsoWeek } from "../core/qa/weeks.ts";
import { errorParetoChart, weeklyThroughputChart } from "./charts.ts";
import { context, esc, header, plural, section } from "./format.ts";
import { type Message, msg, type UploadFile } from "./message.ts";
import { agreementText, proportionText } from "./qa-messages.ts";

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;
const n = (x: number) => x.toLocaleString("en-US");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "23–29 Nov 2026" (or "30 Nov – 6 Dec 2026") for an ISO week. */
export function weekDates(week: IsoWeek): string {
  const [y, m, d] = week.monday.split("-").map(Number) as [number, number, number];
  const sunday = new Date(Date.UTC(y, m - 1, d + 6));
  const endMonth = sunday.getUTCMonth();
  const end = `${sunday.getUTCDate()} ${MONTHS[endMonth]} ${sunday.getUTCFullYear()}`;
  return endMonth === m - 1 ? `${d}–${end}` : `${d} ${MONTHS[m - 1]} – ${end}`;
}

/** "+12 %" / "−8 %" of `now` against `before` (null: no base to compare with). */
function change(now: number, before: number): string | null {
  if (before <= 0) return null;
  const r = Math.round((now / before - 1) * 100);
  return r === 0 ? "same" : r > 0 ? `+${r} %` : `−${-r} %`;
}

function trendText(t: Throughput, noun: string): string {
  const done = `${plural(t.items, noun)} completed`;
  if (t.trend.kind === "no-history") return `${done} (the first weeks: no trend yet)`;
  const vs = change(t.trend.current, t.trend.baseline);
  return `${done} · ${vs === null ? "none in the 4 weeks before" : `${vs} on the mean of the weeks before (${n(Math.round(t.trend.baseline))} a week)`}`;
}

const instructionsText = (i: DigestInstructions, slug: string) =>
  i.url
    ? `<${i.url}|instructions v${i.version}>`
    : `instructions v${i.version} (\`/ledger instructions ${esc(slug)}\`)`;

/** The chart images of a dataset's post: throughput always, the Pareto when the week found errors. */
export function digestCharts(d: DatasetDigest): UploadFile[] {
  const subject = `${d.dataset.title}, ${d.week.key}`;
  const throughput = weeklyThroughputChart({ through: d.week.key, weeks: d.chart, subject: d.dataset.title });
  const files: UploadFile[] = [
    {
      filename: `${d.dataset.slug}-${d.week.key}-throughput.png`,
      title: `${d.dataset.title}: items completed per week`,
      alt_text: throughput.alt,
      data: throughput.png.toString("base64"),
    },
  ];
  if (d.summary.pareto.length > 0) {
    const pareto = errorParetoChart({
      errors: d.summary.pareto.map((p) => ({ category: p.category, count: p.count })),
      subject,
    });
    files.push({
      filename: `${d.dataset.slug}-${d.week.key}-errors.png`,
      title: `${d.dataset.title}: errors by category`,
      alt_text: pareto.alt,
      data: pareto.png.toString("base64"),
    });
  }
  return files;
}

/** The lines of a dataset's post, without the charts (what `digestChannelMessage` uploads them with). */
export function digestChannelBlocks(d: DatasetDigest): Message {
  const s = d.summary;
  const noun = d.dataset.itemNoun;
  const completed = Math.max(0, d.dataset.itemCount - s.remaining.total);
  const lines = [`*Throughput*: ${trendText(s.throughput, noun)}`];
  const forecast =
    s.forecast.kind === "finished"
      ? "every item is done"
      : s.forecast.kind === "no-forecast"
        ? "no forecast yet (nothing completed in the last weeks)"
        : `at ${n(Math.round(s.forecast.perWeek))} a week, finished about *${s.forecast.finish}*`;
  lines.push(
    `*Coverage*: ${d.dataset.itemCount > 0 ? pct(completed / d.dataset.itemCount) : "0 %"} of ${plural(d.dataset.itemCount, noun)} completed · ${n(s.remaining.inFlight)} in flight · ${n(s.remaining.free)} free · ${forecast}`,
  );
  lines.push(
    s.firstPass.ranges > 0
      ? `*First-pass acceptance*: ${s.firstPass.acceptedFirst} of ${plural(s.firstPass.ranges, "range")}${s.firstPass.rate === null ? "" : ` (${pct(s.firstPass.rate, 0)})`}`
      : "*First-pass acceptance*: no range judged this week",
  );
  lines.push(
    s.accuracy.kind === "measured"
      ? `*Accuracy*: ${proportionText(s.accuracy, "item")} checked in ${plural(s.reviews, "review")}`
      : "*Accuracy*: no review decided this week",
  );
  if (s.pareto.length)
    lines.push(
      `*Errors*: ${s.pareto
        .slice(0, 5)
        .map((p) => `${esc(p.category)} ${n(p.count)} (${pct(p.share, 0)}, ${pct(p.cumulative, 0)} cum.)`)
        .join(", ")}${s.pareto.length > 5 ? `, ${plural(s.pareto.length - 5, "more category")}` : ""}`,
    );
  if (s.gold.kind === "measured") lines.push(`*Gold*: ${proportionText(s.gold, "gold item")}`);
  if (s.turnaround.medianHours !== null)
    lines.push(
      `*Review turnaround*: median ${s.turnaround.medianHours.toFixed(1)} h, p90 ${(s.turnaround.p90Hours ?? 0).toFixed(1)} h${s.unassignedReviews ? ` · ${plural(s.unassignedReviews, "review")} waiting for a reviewer` : ""}`,
    );
  const agreement = agreementText(d.agreement, { people: false });
  if (agreement) lines.push(agreement);
  lines.push(
    `*Overdue*: ${plural(d.overdue, "range")} · *Stalled*: ${plural(d.stalled, "range")} (no progress for ${plural(d.stalledAfterDays, "day")})`,
  );
  const title = `${d.dataset.title}: the week of ${weekDates(d.week)}`;
  const blocks: KnownBlock[] = [
    header(`:bar_chart: ${title}`),
    section(lines.join("\n")),
    context(
      [
        `${plural(d.activeAnnotators, "annotator")} active; each gets their own numbers by DM.`,
        d.instructions ? instructionsText(d.instructions, d.dataset.slug) : null,
        `${d.week.key}, ISO weeks in ${esc(d.timeZone)}. Accuracy is 1 − errors ÷ items checked.`,
      ]
        .filter((x) => x !== null)
        .join(" · "),
    ),
  ];
  return msg(
    `Weekly digest of ${d.dataset.title} (${d.week.key}): ${plural(s.throughput.items, noun)} completed`,
    blocks,
  );
}

/** A dataset's post with its chart images, as the outbox uploads it. */
export function digestChannelMessage(d: DatasetDigest): Message & { files: UploadFile[] } {
  return { ...digestChannelBlocks(d), files: digestCharts(d) };
}

function personLine(l: PersonalDigestLine): string {
  const w: AnnotatorSummary = l.week;
  const b = l.before;
  const noun = l.dataset.itemNoun;
  const parts: string[] = [];
  const items = `${plural(w.throughput.items, noun)} completed`;
  const itemsChange = b ? change(w.throughput.items, b.throughput.items) : null;
  parts.push(
    b
      ? `${items} (the week before ${n(b.throughput.items)}${itemsChange ? `, ${itemsChange}` : ""})`
      : `${items} (nothing the week before)`,
  );
  if (w.accuracy.kind === "measured") {
    const before =
      b?.accuracy.kind === "measured"
        ? `; the week before ${pct(b.accuracy.value)}, ${pointsChange(w.accuracy.value, b.accuracy.value)}`
        : "";
    parts.push(`accuracy ${proportionText(w.accuracy, "item")} checked${before}`);
  } else parts.push("no review of your work decided");
  if (w.firstPass.ranges > 0)
    parts.push(`${w.firstPass.acceptedFirst} of ${plural(w.firstPass.ranges, "range")} accepted at the first review`);
  if (w.gold.kind === "measured") parts.push(`gold ${proportionText(w.gold, "gold item")}`);
  let line = `*${esc(l.dataset.title)}* (\`${esc(l.dataset.slug)}\`): ${parts.join(" · ")}`;
  if (l.topError)
    line += `\nMost frequent error: *${esc(l.topError.category)}* (${n(l.topError.count)})${l.instructions ? ` — see the ${instructionsText(l.instructions, l.dataset.slug)}` : ""}`;
  return line;
}

function pointsChange(now: number, before: number): string {
  const d = Math.round((now - before) * 1000) / 10;
  return d === 0 ? "no change" : d > 0 ? `+${d.toFixed(1)} points` : `−${(-d).toFixed(1)} points`;
}

/** An annotator's DM: their own numbers, dataset by dataset. */
export function digestPersonalMessage(p: PersonalDigest): Message {
  const blocks: KnownBlock[] = [header(`Your week of ${weekDates(p.week)}`)];
  for (const l of p.lines.slice(0, 45)) blocks.push(section(personLine(l)));
  blocks.push(
    context(
      `Only you get these numbers. \`/ledger qa me\` shows them any time. ${p.week.key}, ISO weeks in ${esc(p.timeZone)}.`,
    ),
  );
  const items = p.lines.reduce((t, l) => t + l.week.throughput.items, 0);
  return msg(`Your week of ${weekDates(p.week)}: ${n(items)} items completed`, blocks);
}
