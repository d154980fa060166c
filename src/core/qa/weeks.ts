/**
 * ISO weeks in a team's time zone: which week an instant falls in ("2026-W53"),
 * when a week begins and ends as instants, and rows grouped by week. Zone
 * rules (DST) come from Temporal: a week is Monday 00:00 to the next Monday
 * 00:00 local time, whatever its length in hours.
 */
import { Temporal } from "temporal-polyfill";
import { byCodePoint } from "../text.ts";

/** An ISO week: its key ("2026-W05"), week-numbering year, number and Monday (YYYY-MM-DD). */
export interface IsoWeek {
  key: string;
  year: number;
  week: number;
  monday: string;
}

/** A span of time [from, to): from included, to excluded. */
export interface Period {
  from: Date;
  to: Date;
}

const keyOf = (year: number, week: number) => `${year}-W${String(week).padStart(2, "0")}`;

function weekOfDate(date: Temporal.PlainDate): IsoWeek {
  const year = date.yearOfWeek;
  const week = date.weekOfYear;
  if (year === undefined || week === undefined) throw new RangeError("ISO weeks need the ISO calendar");
  return { key: keyOf(year, week), year, week, monday: date.subtract({ days: date.dayOfWeek - 1 }).toString() };
}

/** The ISO week the instant `at` falls in, in time zone `tz`. */
export function isoWeekOf(at: Date, tz: string): IsoWeek {
  return weekOfDate(Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(tz).toPlainDate());
}

/**
 * A pure function of a string kept by its argument: the same few weeks and zones are asked for
 * again and again (App Home, after every change), and each answer costs a dozen Temporal objects.
 * Forgets everything past `limit` entries. Its answers are shared, so they are frozen.
 */
function remembered<R extends object>(limit: number, f: (key: string) => R): (key: string) => Readonly<R> {
  const kept = new Map<string, Readonly<R>>();
  return (key) => {
    let r = kept.get(key);
    if (r === undefined) {
      if (kept.size >= limit) kept.clear();
      r = Object.freeze(f(key));
      kept.set(key, r);
    }
    return r;
  };
}

const weekOfDay = remembered(4096, (date) => weekOfDate(Temporal.PlainDate.from(date)));

/** The ISO week of a calendar date (YYYY-MM-DD). */
export function isoWeekOfDate(date: string): IsoWeek {
  return weekOfDay(date);
}

const shifted = remembered(4096, (key) => {
  const [monday, weeks] = key.split(" ") as [string, string];
  return isoWeekOfDate(
    Temporal.PlainDate.from(monday)
      .add({ days: 7 * Number(weeks) })
      .toString(),
  );
});

/** The week `weeks` weeks after `week` (before, when negative). */
export function shiftWeek(week: IsoWeek, weeks: number): IsoWeek {
  return shifted(`${week.monday} ${weeks}`);
}

const periodOfWeek = remembered(4096, (key) => {
  const [monday, tz] = key.split(" ") as [string, string];
  const first = Temporal.PlainDate.from(monday);
  const start = (d: Temporal.PlainDate) => new Date(d.toZonedDateTime({ timeZone: tz }).epochMilliseconds);
  return { from: start(first), to: start(first.add({ days: 7 })) };
});

/** The instants week `week` spans in `tz`: from its Monday's local midnight to the next Monday's (shared: never changed). */
export function weekPeriod(week: IsoWeek, tz: string): Period {
  return periodOfWeek(`${week.monday} ${tz}`);
}

/** The weeks that `period` touches in `tz`, oldest first (none for an empty period). */
export function weeksOf(period: Period, tz: string): IsoWeek[] {
  if (period.to <= period.from) return [];
  const last = isoWeekOf(new Date(period.to.getTime() - 1), tz);
  const weeks: IsoWeek[] = [];
  for (let w = isoWeekOf(period.from, tz); w.monday <= last.monday; w = shiftWeek(w, 1)) weeks.push(w);
  return weeks;
}

/** True when `at` lies in `period`. */
export const within = (at: Date, period: Period): boolean => at >= period.from && at < period.to;

/** The rows grouped by the ISO week (key) of `at(row)` in `tz`, keys in ascending order; rows without an instant are left out. */
export function groupByWeek<T>(rows: readonly T[], at: (row: T) => Date | null, tz: string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const when = at(row);
    if (when === null) continue;
    const key = isoWeekOf(when, tz).key;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => byCodePoint(a, b)));
}
