import { describe, expect, it } from "vitest";
import { dateIn, dueDateProblem, resolveDueDate, weekdayOf } from "../../src/core/dates.ts";
import { DomainError } from "../../src/core/errors.ts";
import { formatCount, ITEM_NUMBER, MAX_INT, MAX_ITEMS, readWhole } from "../../src/core/limits.ts";

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error("expected a refusal");
};

// Monday 30 November 2026.
const MONDAY = "2026-11-30";

describe("a due date as people type it", () => {
  it("takes an ISO date as it is, and refuses one that is not a real date", () => {
    expect(resolveDueDate("2026-12-24", MONDAY)).toBe("2026-12-24");
    expect(refusal(() => resolveDueDate("2026-02-30", MONDAY))).toBe("invalid: 2026-02-30 is not a real date");
  });

  it("counts today, tomorrow, +Nd and +Nw from the person's today", () => {
    expect(resolveDueDate("today", MONDAY)).toBe("2026-11-30");
    expect(resolveDueDate("Tomorrow", MONDAY)).toBe("2026-12-01");
    expect(resolveDueDate("+3d", MONDAY)).toBe("2026-12-03");
    expect(resolveDueDate("+0d", MONDAY)).toBe("2026-11-30");
    expect(resolveDueDate("+2w", MONDAY)).toBe("2026-12-14");
  });

  it("takes a weekday as its next occurrence after today: the same weekday as today is a week later", () => {
    expect(resolveDueDate("fri", MONDAY)).toBe("2026-12-04");
    expect(resolveDueDate("Friday", MONDAY)).toBe("2026-12-04");
    expect(resolveDueDate("tue", MONDAY)).toBe("2026-12-01");
    expect(resolveDueDate("thurs", MONDAY)).toBe("2026-12-03");
    expect(resolveDueDate("sun", MONDAY)).toBe("2026-12-06");
    expect(resolveDueDate("mon", MONDAY)).toBe("2026-12-07");
    expect(resolveDueDate("monday", MONDAY)).toBe("2026-12-07");
  });

  it("crosses the year end and a leap day", () => {
    // Thursday 31 December 2026.
    expect(resolveDueDate("tomorrow", "2026-12-31")).toBe("2027-01-01");
    expect(resolveDueDate("fri", "2026-12-31")).toBe("2027-01-01");
    expect(resolveDueDate("thu", "2026-12-31")).toBe("2027-01-07");
    expect(resolveDueDate("+2w", "2026-12-31")).toBe("2027-01-14");
    expect(resolveDueDate("+1d", "2028-02-28")).toBe("2028-02-29");
  });

  it("counts from today in the person's own zone, across a DST change", () => {
    // 23:30 UTC on Saturday 28 March 2026 is 00:30 on Sunday 29 March in Berlin, the night clocks go forward.
    const berlinNight = new Date("2026-03-28T23:30:00Z");
    expect(resolveDueDate("today", dateIn("Europe/Berlin", berlinNight))).toBe("2026-03-29");
    expect(resolveDueDate("tomorrow", dateIn("Europe/Berlin", berlinNight))).toBe("2026-03-30");
    expect(resolveDueDate("tomorrow", dateIn("UTC", berlinNight))).toBe("2026-03-29");
    // 06:30 UTC on Sunday 1 November 2026 is still Saturday 31 October, 23:30, in Los Angeles, hours before clocks go back.
    const laEvening = new Date("2026-11-01T06:30:00Z");
    expect(resolveDueDate("today", dateIn("America/Los_Angeles", laEvening))).toBe("2026-10-31");
    expect(resolveDueDate("sun", dateIn("America/Los_Angeles", laEvening))).toBe("2026-11-01");
    expect(resolveDueDate("+1w", dateIn("America/Los_Angeles", laEvening))).toBe("2026-11-07");
  });

  it("refuses anything else, naming the forms it takes", () => {
    const forms = "YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w";
    expect(refusal(() => resolveDueDate("soon", MONDAY))).toBe(`invalid: "soon" is not a date; write ${forms}`);
    expect(dueDateProblem("fr")).toBe(`"fr" is not a date; write ${forms}`);
    expect(dueDateProblem("3d")).toBe(`"3d" is not a date; write ${forms}`);
    expect(dueDateProblem("+9999d")).toBe('"+9999d" is too far ahead; a due date is at most 3650 days (+3650d) away');
    expect(dueDateProblem("+522w")).toMatch(/too far ahead/);
    expect(dueDateProblem("fri")).toBeNull();
    expect(dueDateProblem("2026-12-04")).toBeNull();
  });

  it("names a date's weekday", () => {
    expect(weekdayOf("2026-12-04")).toBe("Fri");
    expect(weekdayOf("2026-11-30")).toBe("Mon");
    expect(weekdayOf("2027-01-03")).toBe("Sun");
  });
});

describe("the largest numbers rangekeeper takes", () => {
  it("are the integer column's and a dataset's largest", () => {
    expect(MAX_INT).toBe(2 ** 31 - 1);
    expect(formatCount(MAX_INT)).toBe("2,147,483,647");
    expect(MAX_ITEMS).toBe(100_000_000);
  });

  it("refuses a number beyond its bound, naming the bound and why", () => {
    expect(readWhole("2000000000", { what: "the size", ...ITEM_NUMBER })).toEqual({
      ok: false,
      problem: 'the size must be at most 100,000,000 (the most items a dataset can have), not "2000000000"',
    });
    expect(readWhole("0", { what: "the size", ...ITEM_NUMBER })).toEqual({
      ok: false,
      problem: 'the size must be at least 1, not "0"',
    });
    expect(readWhole("12x", { what: "the size", ...ITEM_NUMBER })).toEqual({
      ok: false,
      problem: 'the size must be a whole number, not "12x"',
    });
    expect(readWhole("100000000", { what: "the size", ...ITEM_NUMBER })).toEqual({ ok: true, value: 100_000_000 });
    expect(readWhole("99999999999999999999999", { what: "n", min: 0, max: MAX_INT }).ok).toBe(false);
  });

  it("takes its bounds themselves, spaces around the digits, and nothing but digits", () => {
    const days = { what: "the days", min: 2, max: 9 };
    expect(readWhole(" 2 ", days)).toEqual({ ok: true, value: 2 });
    expect(readWhole("9", days)).toEqual({ ok: true, value: 9 });
    expect(readWhole("-5", days)).toEqual({ ok: false, problem: 'the days must be a whole number, not "-5"' });
    expect(readWhole("x12", days)).toEqual({ ok: false, problem: 'the days must be a whole number, not "x12"' });
    expect(readWhole("1", days)).toEqual({ ok: false, problem: 'the days must be at least 2, not "1"' });
    // Without a reason for the bound, none is given.
    expect(readWhole("10", days)).toEqual({ ok: false, problem: 'the days must be at most 9, not "10"' });
  });
});
