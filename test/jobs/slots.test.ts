/** Which slot of a schedule an instant falls in, in the schedule's zone. */
import { describe, expect, it } from "vitest";
import { isSlot, nextSlot, slotAt } from "../../src/jobs/slots.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe("slots", () => {
  it("finds the latest slot at or before a time, and the next after it", () => {
    const hourly = { expression: "5 * * * *", timezone: "UTC" };
    expect(iso(slotAt(hourly, new Date("2026-11-30T10:04:59Z")))).toBe("2026-11-30T09:05:00.000Z");
    expect(iso(slotAt(hourly, new Date("2026-11-30T10:05:00Z")))).toBe("2026-11-30T10:05:00.000Z");
    expect(iso(nextSlot(hourly, new Date("2026-11-30T10:05:00Z")))).toBe("2026-11-30T11:05:00.000Z");
  });
  it("reads the schedule in its zone, across a DST change", () => {
    const monday9 = { expression: "0 9 * * 1", timezone: "Europe/Berlin" };
    // Winter: 09:00 in Berlin is 08:00Z; summer (from 2026-03-29): 07:00Z.
    expect(iso(slotAt(monday9, new Date("2026-03-27T12:00:00Z")))).toBe("2026-03-23T08:00:00.000Z");
    expect(iso(nextSlot(monday9, new Date("2026-03-27T12:00:00Z")))).toBe("2026-03-30T07:00:00.000Z");
    expect(isSlot(monday9, new Date("2026-03-30T07:00:00Z"))).toBe(true);
    expect(isSlot(monday9, new Date("2026-03-30T08:00:00Z"))).toBe(false);
  });
  it("handles schedules with seconds", () => {
    const every5s = { expression: "*/5 * * * * *", timezone: "UTC" };
    expect(iso(slotAt(every5s, new Date("2026-11-30T10:00:07.300Z")))).toBe("2026-11-30T10:00:05.000Z");
    expect(iso(nextSlot(every5s, new Date("2026-11-30T10:00:05Z")))).toBe("2026-11-30T10:00:10.000Z");
  });
  it("says when there is no slot within a week", () => {
    expect(slotAt({ expression: "0 0 29 2 *", timezone: "UTC" }, new Date("2026-11-30T10:00:00Z"))).toBeNull();
  });
});
