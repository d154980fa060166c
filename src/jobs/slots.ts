/**
 * Slots of a cron schedule in a time zone: the scheduled instant a given time
 * falls in (the latest one at or before it), and the next one after it.
 * node-cron decides what matches (its own parser and zone handling); this
 * only walks the minutes (and, for six-field schedules, the seconds).
 */
import cron from "node-cron";

const MINUTE = 60_000;
/** How far to look: past any weekly schedule. */
const HORIZON_MINUTES = 8 * 24 * 60;

export interface Schedule {
  expression: string;
  timezone: string;
}

function matchers(s: Schedule) {
  const fields = s.expression.trim().split(/\s+/);
  const full = cron.createTask(s.expression, () => undefined, { timezone: s.timezone });
  // Six fields: the first is seconds; the other five say which minutes can hold a slot.
  const minutes =
    fields.length === 6 ? cron.createTask(fields.slice(1).join(" "), () => undefined, { timezone: s.timezone }) : full;
  return { full, minutes, withSeconds: fields.length === 6 };
}

function scan(s: Schedule, from: Date, direction: 1 | -1): Date | null {
  const { full, minutes, withSeconds } = matchers(s);
  try {
    const start = Math.floor(from.getTime() / MINUTE) * MINUTE;
    for (let i = 0; i <= HORIZON_MINUTES; i++) {
      const minute = new Date(start + direction * i * MINUTE);
      if (!minutes.match(minute)) continue;
      if (!withSeconds) {
        if ((direction === 1 && minute > from) || (direction === -1 && minute <= from)) return minute;
        continue;
      }
      for (let k = 0; k < 60; k++) {
        const sec = new Date(minute.getTime() + (direction === 1 ? k : 59 - k) * 1000);
        if ((direction === 1 && sec <= from) || (direction === -1 && sec > from)) continue;
        if (full.match(sec)) return sec;
      }
    }
    return null;
  } finally {
    void full.destroy();
    if (minutes !== full) void minutes.destroy();
  }
}

/** The slot `at` falls in: the latest scheduled instant at or before it (null when none in the last eight days). */
export const slotAt = (s: Schedule, at: Date): Date | null => scan(s, at, -1);

/** The first scheduled instant after `after`. */
export const nextSlot = (s: Schedule, after: Date): Date | null => scan(s, after, 1);

/** True when `slot` is an instant of the schedule. */
export function isSlot(s: Schedule, slot: Date): boolean {
  const task = cron.createTask(s.expression, () => undefined, { timezone: s.timezone });
  try {
    return slot.getMilliseconds() === 0 && task.match(slot);
  } finally {
    void task.destroy();
  }
}
