import { invalid } from "./errors.ts";
import { excerpt } from "./text.ts";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD into a UTC midnight Date; refuses impossible dates like 2026-02-30. */
export function parseIsoDate(text: string): Date {
  const m = ISO_DATE.exec(text);
  if (!m) throw invalid(`"${excerpt(text)}" is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw invalid(`${text} is not a real date`);
  }
  return d;
}

export const formatIsoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(tz: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      f = null;
    }
    if (formatters.size < 1000) formatters.set(tz, f);
  }
  return f;
}

export function isValidTimezone(tz: string): boolean {
  return formatterFor(tz) !== null;
}

/** The calendar date (YYYY-MM-DD) at `now` in time zone `tz`. */
export function dateIn(tz: string, now: Date): string {
  const f = formatterFor(tz);
  if (!f) throw invalid(`"${excerpt(tz)}" is not a time zone`);
  return f.format(now);
}

/** Whole days from date a to date b (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseIsoDate(b).getTime() - parseIsoDate(a).getTime()) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return formatIsoDate(new Date(parseIsoDate(date).getTime() + days * 86_400_000));
}

/** Today's date (YYYY-MM-DD) for someone in `timezone`, or in `fallback` when theirs is unknown or not a zone. */
export function todayIn(timezone: string | null | undefined, fallback: string, now: Date): string {
  return dateIn(timezone && isValidTimezone(timezone) ? timezone : fallback, now);
}
