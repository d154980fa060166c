/**
 * The largest numbers rangekeeper takes, and the one reader of a whole number
 * a person typed (a command's word, a setting's value, a form's field) that
 * names the bound it breaks.
 */
import { excerpt } from "./text.ts";

/** The largest value of an integer column (PostgreSQL `integer`, Prisma's `Int`): ids, counts, days. */
export const MAX_INT = 2_147_483_647;

/** The most items a dataset can have, so the largest item number, range size or count of items done. */
export const MAX_ITEMS = 100_000_000;

/** 2147483647 as "2,147,483,647". */
export const formatCount = (n: number): string => n.toLocaleString("en-US");

export interface WholeBounds {
  /** how the sentence names the number: "the size", "items done" */
  what: string;
  min: number;
  max: number;
  /** why `max` is the bound, said after it: "the most items a dataset can have" */
  because?: string;
}

export type WholeRead = { ok: true; value: number } | { ok: false; problem: string };

/** Bounds of an item number (first or last of a range), a range's size and a count of items done. */
export const ITEM_NUMBER: Omit<WholeBounds, "what"> = {
  min: 1,
  max: MAX_ITEMS,
  because: "the most items a dataset can have",
};

/**
 * Reads `text` as a whole number within `bounds`: refused, with a sentence
 * naming the bound, when it is not digits, below `min` or above `max`.
 */
export function readWhole(text: string, bounds: WholeBounds): WholeRead {
  const t = text.trim();
  const quoted = `"${excerpt(t, 30)}"`;
  if (!/^\d+$/.test(t)) return { ok: false, problem: `${bounds.what} must be a whole number, not ${quoted}` };
  const n = Number(t);
  if (n < bounds.min)
    return { ok: false, problem: `${bounds.what} must be at least ${formatCount(bounds.min)}, not ${quoted}` };
  if (n > bounds.max) {
    const why = bounds.because ? ` (${bounds.because})` : "";
    return { ok: false, problem: `${bounds.what} must be at most ${formatCount(bounds.max)}${why}, not ${quoted}` };
  }
  return { ok: true, value: n };
}
