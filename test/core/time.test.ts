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
});
