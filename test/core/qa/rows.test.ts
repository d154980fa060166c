/** The rows the QA numbers are made of (src/core/qa/rows.ts): a range's size and a review's verdict. */
import { describe, expect, it } from "vitest";
import { isDecided, sizeOf } from "../../../src/core/qa/rows.ts";

describe("QA rows", () => {
  it("counts a range's items from its first to its last, both included", () => {
    expect(sizeOf({ first: 1, last: 1 })).toBe(1);
    expect(sizeOf({ first: 11, last: 60 })).toBe(50);
  });

  it("takes a review as decided when it has a verdict and the time of it, and no other", () => {
    const when = new Date("2026-11-23T10:00:00Z");
    expect(isDecided({ status: "ACCEPTED", decidedAt: when })).toBe(true);
    expect(isDecided({ status: "CHANGES_REQUESTED", decidedAt: when })).toBe(true);
    // A verdict without its time (never written so) is not one to count.
    expect(isDecided({ status: "ACCEPTED", decidedAt: null })).toBe(false);
    expect(isDecided({ status: "CHANGES_REQUESTED", decidedAt: null })).toBe(false);
    // Pending or cancelled: no verdict, whatever the time says.
    expect(isDecided({ status: "PENDING", decidedAt: when })).toBe(false);
    expect(isDecided({ status: "CANCELLED", decidedAt: when })).toBe(false);
  });
});
