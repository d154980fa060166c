/** Calendar dates: ISO dates read strictly, time zones checked, today in a person's zone, and due dates as typed. */
import { describe, expect, it } from "vitest";
import {
  addDays,
  dateIn,
  daysBetween,
  dueDateProblem,
  isValidTimezone,
  parseIsoDate,
  resolveDueDate,
  todayIn,
  weekdayOf,
} from "../../src/core/dates.ts";
import { DomainError } from "../../src/core/errors.ts";
import { thrown } from "../support/thrown.ts";

describe("parseIsoDate", () => {
  it("reads YYYY-MM-DD as that day's UTC midnight", () => {
    expect(parseIsoDate("2028-02-29").toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });

  it("refuses a day, month or year that the calendar does not have", () => {
    // Each is a date JavaScript would quietly move: to 2026-03-02, 2027-01-01, 2025-12-10, 1950-01-01, 2026-05-01.
    for (const text of ["2026-02-30", "2026-13-01", "2026-00-10", "0050-01-01", "2026-04-31", "2026-01-00"])
      expect(thrown(DomainError, () => parseIsoDate(text)).message, text).toBe(`${text} is not a real date`);
  });

  it("refuses anything around the date, naming the form", () => {
    for (const text of ["12026-01-01", "2026-01-011", "x2026-01-01", "2026-01-01 ", "2026-1-01", "01.12.2026"])
      expect(thrown(DomainError, () => parseIsoDate(text)).message, text).toBe(
        `"${text}" is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01`,
      );
  });

  it("counts and adds whole days across month and year ends", () => {
    expect(daysBetween("2026-12-30", "2027-01-02")).toBe(3);
    expect(daysBetween("2027-01-02", "2026-12-30")).toBe(-3);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
  });
});

describe("time zones", () => {
  const now = new Date("2026-12-01T23:30:00Z");

  it("are checked by name", () => {
    expect(isValidTimezone("Asia/Tokyo")).toBe(true);
    expect(isValidTimezone("UTC")).toBe(true);
    expect(isValidTimezone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimezone("Mars/Olympus_Mons")).toBe(false); // asked again: the same answer
  });

  it("give the date there at an instant", () => {
    expect(dateIn("Asia/Tokyo", now)).toBe("2026-12-02");
    expect(dateIn("America/Los_Angeles", now)).toBe("2026-12-01");
    expect(thrown(DomainError, () => dateIn("Mars/Olympus_Mons", now)).message).toBe(
      '"Mars/Olympus_Mons" is not a time zone',
    );
  });

  it("give a person's today in their zone, or in the fallback when theirs is missing or no zone", () => {
    expect(todayIn("Asia/Tokyo", "UTC", now)).toBe("2026-12-02");
    expect(todayIn(null, "Asia/Tokyo", now)).toBe("2026-12-02");
    expect(todayIn(undefined, "UTC", now)).toBe("2026-12-01");
    expect(todayIn("", "Asia/Tokyo", now)).toBe("2026-12-02");
    expect(todayIn("Mars/Olympus_Mons", "Asia/Tokyo", now)).toBe("2026-12-02");
    expect(todayIn("UTC", "Asia/Tokyo", now)).toBe("2026-12-01");
  });
});

describe("due dates as typed", () => {
  const tuesday = "2026-12-01";

  it("take any case and spaces around the words", () => {
    expect(resolveDueDate(" Tomorrow ", tuesday)).toBe("2026-12-02");
    expect(resolveDueDate("TODAY", tuesday)).toBe(tuesday);
    expect(resolveDueDate(" FRI ", tuesday)).toBe("2026-12-04");
    expect(resolveDueDate(" +1W ", tuesday)).toBe("2026-12-08");
  });

  it("take a weekday by its short name, its full name, or any start of it of three letters or more", () => {
    for (const text of ["fri", "friday", "frid", "frida", "Friday"])
      expect(resolveDueDate(text, tuesday), text).toBe("2026-12-04");
    expect(resolveDueDate("satur", tuesday)).toBe("2026-12-05");
    expect(resolveDueDate("wednes", tuesday)).toBe("2026-12-02");
    expect(dueDateProblem("fr")).toBe(
      `"fr" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w`,
    );
    expect(dueDateProblem("fridays")).not.toBeNull();
  });

  it("take every day of the week, Monday the first, each the next one after today", () => {
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    expect(days.map((d) => resolveDueDate(d, tuesday))).toEqual([
      "2026-12-07",
      "2026-12-08",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
    ]);
  });

  it("reach ten years ahead at most", () => {
    expect(dueDateProblem("+3650d")).toBeNull();
    expect(resolveDueDate("+3650d", tuesday)).toBe("2036-11-28");
    expect(dueDateProblem("+3651d")).toBe('"+3651d" is too far ahead; a due date is at most 3650 days (+3650d) away');
    expect(dueDateProblem("+521w")).toBeNull();
    expect(dueDateProblem("+522w")).toBe('"+522w" is too far ahead; a due date is at most 3650 days (+3650d) away');
  });

  it("refuse words around a date or a count, naming the forms", () => {
    for (const text of ["x2026-12-24", "2026-12-24x", "x+3d", "+3dx", "+3", "3d", "+1234567d"])
      expect(dueDateProblem(text), text).toBe(
        `"${text}" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w`,
      );
    expect(dueDateProblem("2026-02-30")).toBe("2026-02-30 is not a real date");
  });

  it("refuse on the due date's field", () => {
    const e = thrown(DomainError, () => resolveDueDate("someday", tuesday));
    expect(e.code).toBe("invalid");
    expect(e.details).toEqual({ field: "dueDate" });
  });
});

describe("weekdayOf", () => {
  it("names the day of the week of a date, short and capitalised, Monday to Sunday", () => {
    const week = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"];
    expect(week.map(weekdayOf)).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
  });
});
