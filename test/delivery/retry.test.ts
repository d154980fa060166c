/** What the outbox does after a failed delivery. */
import { describe, expect, it } from "vitest";
import { afterFailure, DEFAULT_RETRY_POLICY } from "../../src/delivery/retry.ts";

const now = new Date("2026-11-30T10:00:00Z");
const at = (attempts: number, firstDueAt = now, random = 0.5) => ({ attempts, firstDueAt, now, random });
const inMs = (v: ReturnType<typeof afterFailure>) => (v.retry ? v.at.getTime() - now.getTime() : null);

describe("after a failed delivery", () => {
  it("waits exactly what a 429 asks (at least a second)", () => {
    expect(inMs(afterFailure({ kind: "rate-limited", retryAfterSec: 30 }, at(0)))).toBe(30_000);
    expect(inMs(afterFailure({ kind: "rate-limited", retryAfterSec: 0 }, at(3)))).toBe(1_000);
  });
  it("backs off exponentially, with jitter, up to the longest wait, for 5xx, network and Slack's transient errors", () => {
    expect(inMs(afterFailure({ kind: "http", status: 503 }, at(0)))).toBe(2_000);
    expect(inMs(afterFailure({ kind: "network", message: "ECONNRESET" }, at(3)))).toBe(16_000);
    expect(inMs(afterFailure({ kind: "platform", error: "internal_error" }, at(20)))).toBe(
      DEFAULT_RETRY_POLICY.maxDelayMs,
    );
    expect(inMs(afterFailure({ kind: "http", status: 500 }, at(1, now, 0)))).toBe(3_200);
    expect(inMs(afterFailure({ kind: "http", status: 500 }, at(1, now, 0.999)))).toBeCloseTo(4_798, -1);
  });
  it("gives up at once on what a retry cannot fix, saying why", () => {
    for (const error of ["channel_not_found", "invalid_blocks", "not_in_channel", "account_inactive"])
      expect(afterFailure({ kind: "platform", error }, at(0))).toEqual({ retry: false, reason: error });
    expect(afterFailure({ kind: "http", status: 404 }, at(0))).toEqual({ retry: false, reason: "HTTP 404" });
  });
  it("gives up on a message failing for longer than the policy allows", () => {
    const sevenHoursAgo = new Date(now.getTime() - 7 * 3_600_000);
    const v = afterFailure({ kind: "http", status: 502 }, at(40, sevenHoursAgo));
    expect(v).toEqual({ retry: false, reason: "gave up after 41 attempts over 6 h: HTTP 502" });
  });
});
