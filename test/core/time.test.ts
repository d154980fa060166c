/** Instants in people's zones: the end of a due date, working hours, and DST. */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_WORKING_HOURS,
  endOfDate,
  formatMinutes,
  inWorkingHours,
  localTime,
  minutesOf,
  nextWorkingInstant,
} from "../../src/core/time.ts";

const iso = (d: Date) => d.toISOString();

describe("the end of a due date", () => {
  it("is the next local midnight, as an instant, in each zone", () => {
    expect(iso(endOfDate("2026-11-30", "Asia/Tokyo"))).toBe("2026-11-30T15:00:00.000Z");
    expect(iso(endOfDate("2026-11-30", "America/Los_Angeles"))).toBe("2026-12-01T08:00:00.000Z");
    expect(iso(endOfDate("2026-11-30", "Asia/Kolkata"))).toBe("2026-11-30T18:30:00.000Z");
  });
  it("follows DST: a day of 23 hours ends an hour earlier in UTC than the day before", () => {
    // Los Angeles springs forward on 2026-03-08 (02:00 → 03:00).
    expect(iso(endOfDate("2026-03-07", "America/Los_Angeles"))).toBe("2026-03-08T08:00:00.000Z");
    expect(iso(endOfDate("2026-03-08", "America/Los_Angeles"))).toBe("2026-03-09T07:00:00.000Z");
  });
});

describe("working hours", () => {
  const h = DEFAULT_WORKING_HOURS;
  it("knows the local day and minute", () => {
    expect(localTime(new Date("2026-11-30T23:30:00Z"), "Asia/Tokyo")).toEqual({
      date: "2026-12-01",
      weekday: 2,
      minute: 8 * 60 + 30,
    });
  });
  it("delivers at once inside them, in the person's own zone", () => {
    const monday10Berlin = new Date("2026-11-30T09:00:00Z");
    expect(inWorkingHours(monday10Berlin, "Europe/Berlin", h)).toBe(true);
    expect(nextWorkingInstant(monday10Berlin, "Europe/Berlin", h)).toEqual(monday10Berlin);
    // The same instant is 01:00 in Los Angeles: wait for 09:00 there.
    expect(inWorkingHours(monday10Berlin, "America/Los_Angeles", h)).toBe(false);
    expect(iso(nextWorkingInstant(monday10Berlin, "America/Los_Angeles", h))).toBe("2026-11-30T17:00:00.000Z");
  });
  it("waits over the evening and the weekend", () => {
    const fridayEvening = new Date("2026-12-04T18:30:00Z"); // 19:30 in Berlin
    expect(iso(nextWorkingInstant(fridayEvening, "Europe/Berlin", h))).toBe("2026-12-07T08:00:00.000Z");
    const sunday = new Date("2026-12-06T12:00:00Z");
    expect(iso(nextWorkingInstant(sunday, "Asia/Tokyo", h))).toBe("2026-12-07T00:00:00.000Z");
    // 18:00 itself is after hours.
    expect(inWorkingHours(new Date("2026-12-01T17:00:00Z"), "Europe/Berlin", h)).toBe(false);
  });
  it("opens at 09:00 local time on either side of a DST change", () => {
    // Berlin moves to summer time on 2026-03-29: 09:00 is 08:00Z before, 07:00Z after.
    const saturday = new Date("2026-03-28T12:00:00Z");
    expect(iso(nextWorkingInstant(saturday, "Europe/Berlin", h))).toBe("2026-03-30T07:00:00.000Z");
    expect(iso(nextWorkingInstant(new Date("2026-03-26T20:00:00Z"), "Europe/Berlin", h))).toBe(
      "2026-03-27T08:00:00.000Z",
    );
  });
  it("takes a start inside a DST gap as the first instant after it", () => {
    const early = { start: 2 * 60 + 30, end: 12 * 60, days: [7] }; // Sundays from 02:30
    // 2026-03-08 02:30 does not exist in Los Angeles: the day starts working at 03:30 PDT (10:30Z).
    expect(iso(nextWorkingInstant(new Date("2026-03-08T08:00:00Z"), "America/Los_Angeles", early))).toBe(
      "2026-03-08T10:30:00.000Z",
    );
  });
  it("reads and writes HH:MM", () => {
    expect(minutesOf("09:00")).toBe(540);
    expect(minutesOf("24:00")).toBe(1440);
    expect(minutesOf("24:30")).toBeNull();
    expect(minutesOf("9am")).toBeNull();
    expect(formatMinutes(1080)).toBe("18:00");
  });
  it("reads every hour of the day, one digit or two, and nothing around it", () => {
    expect(minutesOf("7:05")).toBe(425);
    expect(minutesOf("00:00")).toBe(0);
    expect(minutesOf("19:59")).toBe(19 * 60 + 59);
    expect(minutesOf("20:00")).toBe(1200);
    expect(minutesOf("23:59")).toBe(1439);
    for (const bad of ["23:60", "25:00", "30:00", " 09:00", "09:00 ", "09:00x", "x09:00", "2:5", "09-00", "", "123:00"])
      expect(minutesOf(bad), bad).toBeNull();
    expect([0, 5, 65, 1439, 1440].map(formatMinutes)).toEqual(["00:00", "00:05", "01:05", "23:59", "24:00"]);
  });
  it("begins at the start minute and ends before the end minute, on the listed days only", () => {
    // 2026-12-01 is a Tuesday; UTC keeps the arithmetic plain.
    const at = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00Z`);
    expect(inWorkingHours(at("09:00"), "UTC", h)).toBe(true);
    expect(inWorkingHours(at("08:59"), "UTC", h)).toBe(false);
    expect(inWorkingHours(at("17:59"), "UTC", h)).toBe(true);
    expect(inWorkingHours(at("12:00"), "UTC", { ...h, days: [1, 3] })).toBe(false);
    expect(iso(nextWorkingInstant(at("12:00"), "UTC", { ...h, days: [1, 3] }))).toBe("2026-12-02T09:00:00.000Z");
    // The closing minute itself waits for the next day's opening.
    expect(iso(nextWorkingInstant(at("18:00"), "UTC", h))).toBe("2026-12-02T09:00:00.000Z");
  });
  it("waits a whole week for the one working day just ended", () => {
    const mondays = { ...h, days: [1] };
    // Monday 2026-11-30, 19:00 UTC: the next Monday's 09:00.
    expect(iso(nextWorkingInstant(new Date("2026-11-30T19:00:00Z"), "UTC", mondays))).toBe("2026-12-07T09:00:00.000Z");
  });
  it("takes hours that run to midnight (24:00) as ending at the next day's first instant", () => {
    const evenings = { start: 22 * 60, end: 1440, days: [2] };
    expect(iso(nextWorkingInstant(new Date("2026-12-01T21:00:00Z"), "UTC", evenings))).toBe("2026-12-01T22:00:00.000Z");
    expect(iso(nextWorkingInstant(new Date("2026-12-01T23:59:00Z"), "UTC", evenings))).toBe("2026-12-01T23:59:00.000Z");
    expect(iso(nextWorkingInstant(new Date("2026-12-02T00:00:00Z"), "UTC", evenings))).toBe("2026-12-08T22:00:00.000Z");
  });
  it("sends at once when there are no working hours to wait for", () => {
    const now = new Date("2026-12-05T03:00:00Z"); // a Saturday night
    expect(nextWorkingInstant(now, "UTC", { ...h, days: [] })).toEqual(now);
    expect(nextWorkingInstant(now, "UTC", { ...h, start: 600, end: 600 })).toEqual(now);
    expect(nextWorkingInstant(now, "UTC", { ...h, start: 700, end: 600 })).toEqual(now);
  });
});
