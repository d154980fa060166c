/** ISO weeks in a team's zone: year boundaries, 53-week years, zones and DST. */
import { describe, expect, it } from "vitest";
import {
  groupByWeek,
  isoWeekOf,
  isoWeekOfDate,
  shiftWeek,
  weekPeriod,
  weeksOf,
  within,
} from "../../../src/core/qa/weeks.ts";

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe("the ISO week of an instant", () => {
  it("puts 2026-12-31 and 2027-01-01 in week 53 of 2026, a year of 53 weeks", () => {
    expect(isoWeekOf(at("2026-12-31T12:00:00Z"), "UTC")).toEqual({
      key: "2026-W53",
      year: 2026,
      week: 53,
      monday: "2026-12-28",
    });
    expect(isoWeekOf(at("2027-01-01T12:00:00Z"), "UTC").key).toBe("2026-W53");
    expect(isoWeekOf(at("2027-01-03T23:59:59Z"), "UTC").key).toBe("2026-W53");
    expect(isoWeekOf(at("2027-01-04T00:00:00Z"), "UTC")).toEqual({
      key: "2027-W01",
      year: 2027,
      week: 1,
      monday: "2027-01-04",
    });
  });
  it("puts 2026-01-01 (a Thursday) in week 1 of 2026, whose Monday is in 2025", () => {
    expect(isoWeekOf(at("2026-01-01T00:00:00Z"), "UTC")).toMatchObject({ key: "2026-W01", monday: "2025-12-29" });
    expect(isoWeekOf(at("2025-12-28T12:00:00Z"), "UTC").key).toBe("2025-W52");
  });
  it("reads the week in the team's zone: one instant, two weeks", () => {
    const sundayEveningUtc = at("2027-01-03T20:00:00Z");
    expect(isoWeekOf(sundayEveningUtc, "UTC").key).toBe("2026-W53");
    expect(isoWeekOf(sundayEveningUtc, "Asia/Tokyo").key).toBe("2027-W01"); // Monday 05:00 there
    expect(isoWeekOf(at("2027-01-04T05:00:00Z"), "America/Los_Angeles").key).toBe("2026-W53"); // Sunday 21:00 there
  });
  it("follows the DST change: Berlin's week 43 of 2026 lasts 169 hours", () => {
    // Berlin falls back on 2026-10-25 (03:00 CEST → 02:00 CET).
    const w43 = isoWeekOfDate("2026-10-21");
    expect(w43).toMatchObject({ key: "2026-W43", monday: "2026-10-19" });
    const p = weekPeriod(w43, "Europe/Berlin");
    expect(p.from.toISOString()).toBe("2026-10-18T22:00:00.000Z");
    expect(p.to.toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect((p.to.getTime() - p.from.getTime()) / HOUR).toBe(169);
    expect(isoWeekOf(at("2026-10-25T22:30:00Z"), "Europe/Berlin").key).toBe("2026-W43"); // Sunday 23:30 CET
    expect(isoWeekOf(at("2026-10-25T23:30:00Z"), "Europe/Berlin").key).toBe("2026-W44"); // Monday 00:30 CET
  });
  it("spans 167 hours in the week Los Angeles springs forward", () => {
    const p = weekPeriod(isoWeekOfDate("2026-03-08"), "America/Los_Angeles");
    expect(p.from.toISOString()).toBe("2026-03-02T08:00:00.000Z");
    expect(p.to.toISOString()).toBe("2026-03-09T07:00:00.000Z");
  });
});

describe("moving between weeks", () => {
  it("crosses year boundaries both ways", () => {
    const w53 = isoWeekOfDate("2026-12-28");
    expect(shiftWeek(w53, 1).key).toBe("2027-W01");
    expect(shiftWeek(shiftWeek(w53, 1), -1).key).toBe("2026-W53");
    expect(shiftWeek(isoWeekOfDate("2026-01-05"), -2).key).toBe("2025-W52");
    expect(shiftWeek(w53, 0)).toEqual(w53);
  });
  it("lists the weeks a period touches, the end excluded", () => {
    const keys = weeksOf({ from: at("2026-12-21T00:00:00Z"), to: at("2027-01-11T00:00:00Z") }, "UTC").map((w) => w.key);
    expect(keys).toEqual(["2026-W52", "2026-W53", "2027-W01"]);
    expect(
      weeksOf({ from: at("2026-12-30T00:00:00Z"), to: at("2026-12-30T00:00:01Z") }, "UTC").map((w) => w.key),
    ).toEqual(["2026-W53"]);
  });
  it("lists no week for an empty or backwards period", () => {
    expect(weeksOf({ from: at("2026-12-30T00:00:00Z"), to: at("2026-12-30T00:00:00Z") }, "UTC")).toEqual([]);
    expect(weeksOf({ from: at("2026-12-30T00:00:00Z"), to: at("2026-12-01T00:00:00Z") }, "UTC")).toEqual([]);
  });
  it("counts an instant in a period from its start, not at its end", () => {
    const p = { from: at("2026-12-01T00:00:00Z"), to: at("2026-12-02T00:00:00Z") };
    expect(within(p.from, p)).toBe(true);
    expect(within(p.to, p)).toBe(false);
  });
});

describe("grouping rows by week", () => {
  it("groups by the zone's week, keys in order across the year boundary, rows without an instant left out", () => {
    const rows = [
      { id: 1, at: at("2027-01-05T10:00:00Z") },
      { id: 2, at: at("2026-12-31T10:00:00Z") },
      { id: 3, at: null },
      { id: 4, at: at("2027-01-01T10:00:00Z") },
      { id: 5, at: at("2027-01-03T20:00:00Z") }, // Sunday in UTC, Monday in Tokyo
    ];
    const utc = groupByWeek(rows, (r) => r.at, "UTC");
    expect([...utc.entries()].map(([k, v]) => [k, v.map((r) => r.id)])).toEqual([
      ["2026-W53", [2, 4, 5]],
      ["2027-W01", [1]],
    ]);
    const tokyo = groupByWeek(rows, (r) => r.at, "Asia/Tokyo");
    expect([...tokyo.entries()].map(([k, v]) => [k, v.map((r) => r.id)])).toEqual([
      ["2026-W53", [2, 4]],
      ["2027-W01", [1, 5]],
    ]);
  });
  it("orders the weeks whatever order their rows come in", () => {
    const days = ["2026-11-18", "2026-12-02", "2026-11-04", "2026-12-30", "2026-11-25", "2026-11-11"];
    const weeks = groupByWeek(days, (d) => at(`${d}T12:00:00Z`), "UTC");
    expect([...weeks.keys()]).toEqual(["2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49", "2026-W53"]);
  });
  it("gives no groups for no rows", () => {
    expect(groupByWeek([], () => new Date(), "UTC").size).toBe(0);
  });
});
