/**
 * What to do after a failed delivery: try again later (Slack's Retry-After
 * for a 429, exponential backoff with jitter for a 5xx or a network error),
 * or give up (an error that a retry cannot fix, or a message that has been
 * failing for longer than the policy allows). Pure: no clock, no I/O.
 */

export interface RetryPolicy {
  /** first backoff, doubled after each failure */
  baseDelayMs: number;
  /** longest backoff */
  maxDelayMs: number;
  /** give up on a message failing this long after it was first due */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  giveUpAfterMs: 6 * 3_600_000,
};

/** A failure, as the sender saw it. */
export type Failure =
  /** HTTP 429: Slack says when to come back */
  | { kind: "rate-limited"; retryAfterSec: number }
  /** Slack answered ok:false with this error code */
  | { kind: "platform"; error: string }
  /** an HTTP status other than 200 and 429 */
  | { kind: "http"; status: number }
  /** no answer: connection refused or reset, timeout */
  | { kind: "network"; message: string };

/** Slack error codes that a later attempt can succeed on. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** True when a later attempt can succeed (Slack's side, not the request or the token). */
export function transient(f: Failure): boolean {
  return (
    f.kind === "rate-limited" ||
    f.kind === "network" ||
    (f.kind === "http" && (f.status >= 500 || f.status === 408)) ||
    (f.kind === "platform" && TRANSIENT_PLATFORM_ERRORS.has(f.error))
  );
}

export const describeFailure = (f: Failure): string => {
  switch (f.kind) {
    case "rate-limited":
      return `rate limited (Retry-After ${f.retryAfterSec} s)`;
    case "platform":
      return f.error;
    case "http":
      return `HTTP ${f.status}`;
    case "network":
      return `network: ${f.message}`;
  }
};

export type Verdict = { retry: true; at: Date; reason: string } | { retry: false; reason: string };

/**
 * The verdict on a failure of a message first due at `firstDueAt` that has
 * failed `attempts` times before. `random` in [0, 1) spreads retries of many
 * messages (jitter of ±20 %).
 */
export function afterFailure(
  f: Failure,
  o: { attempts: number; firstDueAt: Date; now: Date; random: number },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Verdict {
  const reason = describeFailure(f);
  if (!transient(f)) return { retry: false, reason };
  const delay =
    f.kind === "rate-limited"
      ? Math.max(1, f.retryAfterSec) * 1000
      : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(o.attempts, 30)) * (0.8 + 0.4 * o.random);
  const at = new Date(o.now.getTime() + delay);
  if (at.getTime() - o.firstDueAt.getTime() > policy.giveUpAfterMs) {
    const hours = policy.giveUpAfterMs / 3_600_000;
    return { retry: false, reason: `gave up after ${o.attempts + 1} attempts over ${hours} h: ${reason}` };
  }
  return { retry: true, at, reason };
}

/** Slack error codes answered after the work may have been done. */
const AMBIGUOUS_PLATFORM_ERRORS = new Set(["internal_error", "fatal_error", "request_timeout", "service_unavailable"]);

/**
 * True when the failed call may have reached Slack and been done all the
 * same (a 5xx, a lost connection, a timeout, an internal error): the next
 * attempt looks before posting again, so a message never shows twice.
 */
export function ambiguous(f: Failure): boolean {
  return (
    f.kind === "network" ||
    (f.kind === "http" && f.status >= 500) ||
    (f.kind === "platform" && AMBIGUOUS_PLATFORM_ERRORS.has(f.error))
  );
}
