import { randomBytes } from "node:crypto";
import type { Json } from "./types.ts";

/** Generates Slack-looking ids and timestamps, deterministic in order. */
export class IdSource {
  private counters = new Map<string, number>();
  private lastMicros = 0;

  /** e.g. next('V') → "V0000000001" */
  next(prefix: string, width = 10): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return prefix + String(n).padStart(width, "0");
  }

  /** Strictly increasing Slack message timestamp "1700000000.000123" based on the wall clock. */
  ts(): string {
    const now = Date.now() * 1000;
    this.lastMicros = Math.max(this.lastMicros + 1, now);
    const sec = Math.floor(this.lastMicros / 1_000_000);
    const micro = this.lastMicros % 1_000_000;
    return `${sec}.${String(micro).padStart(6, "0")}`;
  }
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Deep copy of JSON data, so stored state is never aliased with what callers hold. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** UTC offset in seconds of an IANA zone at the given instant. */
export function tzOffsetSeconds(tz: string, at = new Date()): number {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(at);
    const name = parts.find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!m) return 0;
    const sign = m[1] === "-" ? -1 : 1;
    return sign * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  } catch {
    return 0;
  }
}

/** Long zone label, e.g. "Central European Summer Time". */
export function tzLabel(tz: string, at = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "long" }).formatToParts(at);
    return parts.find((p) => p.type === "timeZoneName")?.value ?? tz;
  } catch {
    return tz;
  }
}

/**
 * Waits until `check` returns a value other than undefined, re-checking whenever `subscribe`
 * signals a change (and every `pollMs`, for conditions that change outside the stand-in).
 * Rejects after `timeoutMs` with `describe()` in the message.
 */
export function waitUntil<T>(
  check: () => T | undefined,
  subscribe: (onChange: () => void) => () => void,
  timeoutMs: number,
  describe: () => string,
  pollMs = 10,
): Promise<T> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      fn();
    };
    const recheck = () => {
      let v: T | undefined;
      try {
        v = check();
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (v !== undefined) finish(() => resolve(v as T));
    };
    const unsubscribe = subscribe(recheck);
    const poll = setInterval(recheck, pollMs);
    const timer = setTimeout(
      () => finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`))),
      timeoutMs,
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Parses a JSON string argument, leaving anything else as it is. */
export function decodeJsonArg(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}
