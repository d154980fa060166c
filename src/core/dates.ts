import { Temporal } from "temporal-polyfill";
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

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

/** The short English weekday of a date (YYYY-MM-DD): "Fri". */
export function weekdayOf(date: string): string {
  const w = WEEKDAYS[(parseIsoDate(date).getUTCDay() + 6) % 7]!;
  return w[0]!.toUpperCase() + w.slice(1);
}

/** The most days ahead a relative due date (`+Nd`, `+Nw`) may reach: ten years. */
export const MAX_DUE_DAYS_AHEAD = 3650;

/** How a due date may be typed, for the sentence that refuses one. */
export const DUE_DATE_FORMS = "YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w";

/** ISO 1 = Monday … 7 = Sunday, of "fri", "friday" (any case), or null. */
function weekdayNumber(word: string): number | null {
  const w = word.toLowerCase();
  const i = WEEKDAYS.findIndex(
    (d, n) => w === d || w === WEEKDAY_NAMES[n] || (w.length >= 3 && WEEKDAY_NAMES[n]!.startsWith(w)),
  );
  return i < 0 ? null : i + 1;
}

type DueWords = { kind: "date"; date: string } | { kind: "days"; days: number } | { kind: "weekday"; weekday: number };

function readDueWords(text: string): DueWords | string {
  const t = text.trim().toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    try {
      return { kind: "date", date: formatIsoDate(parseIsoDate(t)) };
    } catch {
      return `${t} is not a real date`;
    }
  }
  if (t === "today") return { kind: "days", days: 0 };
  if (t === "tomorrow") return { kind: "days", days: 1 };
  const rel = /^\+(\d{1,6})([dw])$/.exec(t);
  if (rel) {
    const days = Number(rel[1]) * (rel[2] === "w" ? 7 : 1);
    if (days > MAX_DUE_DAYS_AHEAD)
      return `"${excerpt(text)}" is too far ahead; a due date is at most ${MAX_DUE_DAYS_AHEAD} days (+${MAX_DUE_DAYS_AHEAD}d) away`;
    return { kind: "days", days };
  }
  const weekday = weekdayNumber(t);
  if (weekday !== null) return { kind: "weekday", weekday };
  return `"${excerpt(text)}" is not a date; write ${DUE_DATE_FORMS}`;
}

/** Why `text` cannot be a due date, or null when it can (whatever today is). */
export function dueDateProblem(text: string): string | null {
  const r = readDueWords(text);
  return typeof r === "string" ? r : null;
}

/**
 * The calendar date (YYYY-MM-DD) a due date typed by a person means, given
 * their `today` (YYYY-MM-DD, in their own time zone): an ISO date as it is;
 * `today`, `tomorrow`; `+3d` or `+2w` days or weeks after today; a weekday
 * (`fri`, `friday`) its next occurrence after today, so `fri` typed on a
 * Friday is the Friday a week later. Refuses anything else with a sentence
 * naming the forms it takes. Whether the date is past is for the caller.
 */
export function resolveDueDate(text: string, today: string): string {
  const r = readDueWords(text);
  if (typeof r === "string") throw invalid(r, { field: "dueDate" });
  const day = Temporal.PlainDate.from(today);
  switch (r.kind) {
    case "date":
      return r.date;
    case "days":
      return day.add({ days: r.days }).toString();
    case "weekday":
      return day.add({ days: ((r.weekday - day.dayOfWeek + 6) % 7) + 1 }).toString();
  }
}
