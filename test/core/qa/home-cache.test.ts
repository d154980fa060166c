/**
 * The App Home's cache of dataset summaries on its own (src/core/qa/home.ts):
 * how long a summary is kept, what is forgotten, and that a clock gone back
 * or a failed summary is never served.
 */
import { describe, expect, it } from "vitest";
import { QaSummaryCache } from "../../../src/core/qa/home.ts";
import type { DatasetSummary } from "../../../src/core/qa/summary.ts";

const T0 = Date.parse("2026-11-23T10:00:00Z");
const at = (ms: number) => new Date(T0 + ms);
const WEEK = "2026-W48";

/** A maker that counts its calls; each summary made is a distinct object. */
function maker() {
  const made: DatasetSummary[] = [];
  const make = () => {
    const s = { n: made.length } as unknown as DatasetSummary;
    made.push(s);
    return Promise.resolve(s);
  };
  return { made, make };
}

describe("the App Home's summary cache", () => {
  it("keeps a summary five minutes by default, served to the last millisecond", async () => {
    const cache = new QaSummaryCache();
    expect(cache.maxAgeMs).toBe(5 * 60_000);
    const { made, make } = maker();
    const first = await cache.get(1, WEEK, at(0), make);
    expect(await cache.get(1, WEEK, at(0), make)).toBe(first);
    expect(await cache.get(1, WEEK, at(5 * 60_000 - 1), make)).toBe(first);
    expect(made).toHaveLength(1);
    expect(await cache.get(1, WEEK, at(5 * 60_000), make)).not.toBe(first);
    expect(made).toHaveLength(2);
    expect(cache.madeAt(1, WEEK)).toEqual(at(5 * 60_000));
  });

  it("makes a summary again when the clock went back", async () => {
    const cache = new QaSummaryCache(60_000);
    const { made, make } = maker();
    await cache.get(1, WEEK, at(0), make);
    await cache.get(1, WEEK, at(-1), make);
    expect(made).toHaveLength(2);
    expect(cache.madeAt(1, WEEK)).toEqual(at(-1));
  });

  it("forgets the other summaries once they are too old, and keeps the younger ones", async () => {
    const cache = new QaSummaryCache(60_000);
    const { make } = maker();
    await cache.get(1, WEEK, at(0), make);
    await cache.get(2, WEEK, at(30_000), make);
    await cache.get(3, WEEK, at(59_999), make);
    expect(cache.madeAt(1, WEEK)).toEqual(at(0));
    await cache.get(3, "2026-W49", at(60_000), make);
    expect(cache.madeAt(1, WEEK)).toBeNull();
    expect(cache.madeAt(2, WEEK)).toEqual(at(30_000));
    expect(cache.madeAt(3, WEEK)).toEqual(at(59_999));
  });

  it("keeps no summary that failed: the next caller makes it again", async () => {
    const cache = new QaSummaryCache(60_000);
    const { made, make } = maker();
    await expect(cache.get(1, WEEK, at(0), () => Promise.reject(new Error("the database went away")))).rejects.toThrow(
      "the database went away",
    );
    expect(cache.madeAt(1, WEEK)).toBeNull();
    await cache.get(1, WEEK, at(1), make);
    expect(made).toHaveLength(1);
  });
});
