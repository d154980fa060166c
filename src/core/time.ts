/**
 * Instants in a person's or a team's time zone: when a due date ends, whether
 * an instant falls in working hours, when they next open. Zone rules (DST,
 * offsets that are not whole hours) come from Temporal, not from arithmetic.
 */
import { Temporal } from "temporal-polyfill";

/** Working hours: minutes after local midnight [start, end) on ISO weekdays (1 = Monday … 7 = Sunday). */
export interface WorkingHours {
  start: number;
  end: number;
  days: readonly number[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: 9 * 60, end: 18 * 60, days: [1, 2, 3, 4, 5] };

const zoned = (at: Date, tz: string) => Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(tz);

/** The first instant of the local day `date` (YYYY-MM-DD) in `tz`, plus `minutes` of local clock time. */
function localInstant(date: Temporal.PlainDate, tz: string, minutes: number): Date {
  const day = date.add({ days: Math.floor(minutes / 1440) });
  const m = minutes % 1440;
  const z = day.toZonedDateTime({
    timeZone: tz,
    plainTime: new Temporal.PlainTime(Math.floor(m / 60), m % 60),
  });
  return new Date(z.epochMilliseconds);
}

/** The instant the calendar date `date` (YYYY-MM-DD) ends in `tz`: the first instant of the next day there. */
export function endOfDate(date: string, tz: string): Date {
  return new Date(Temporal.PlainDate.from(date).add({ days: 1 }).toZonedDateTime({ timeZone: tz }).epochMilliseconds);
}

/** The local date (YYYY-MM-DD), ISO weekday and minute of the day of `at` in `tz`. */
export function localTime(at: Date, tz: string): { date: string; weekday: number; minute: number } {
  const z = zoned(at, tz);
  return { date: z.toPlainDate().toString(), weekday: z.dayOfWeek, minute: z.hour * 60 + z.minute };
}

/** True when `at` lies in the working hours of someone in `tz`. */
export function inWorkingHours(at: Date, tz: string, hours: WorkingHours): boolean {
  const t = localTime(at, tz);
  return hours.days.includes(t.weekday) && t.minute >= hours.start && t.minute < hours.end;
}

/**
 * The earliest instant at or after `at` within the working hours of someone
 * in `tz`: `at` itself when they are working, else when their next working
 * day starts. A local start time that a DST change skips is taken as the
 * first instant after the gap.
 */
export function nextWorkingInstant(at: Date, tz: string, hours: WorkingHours): Date {
  if (hours.days.length === 0 || hours.start >= hours.end) return at;
  const today = zoned(at, tz).toPlainDate();
  for (let d = 0; d <= 7; d++) {
    const date = today.add({ days: d });
    if (!hours.days.includes(date.dayOfWeek)) continue;
    const opens = localInstant(date, tz, hours.start);
    const closes = localInstant(date, tz, hours.end);
    if (at < opens) return opens;
    if (at < closes) return at;
  }
  return at;
}

/** Parses "HH:MM" into minutes after midnight; "24:00" is the end of the day. */
export function minutesOf(hhmm: string): number | null {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

/** Minutes after midnight as "HH:MM". */
export const formatMinutes = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
