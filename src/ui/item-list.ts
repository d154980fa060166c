/**
 * Lists of items as people read them: runs of consecutive items
 * ("109–118, 138"), cut only between runs and never silently — what does not
 * fit is counted ("and 1,130 more").
 */
import { formatRange, itemRuns, rangeSize } from "../core/ranges.ts";

export interface ItemListPart {
  /** the runs shown, joined with ", " */
  text: string;
  /** items in the runs shown */
  items: number;
}

export interface ItemList {
  /** consecutive parts, each at most the size asked for */
  parts: ItemListPart[];
  /** items that did not fit in any part */
  more: number;
}

const moreText = (n: number) => `and ${n.toLocaleString("en-US")} more`;
/** room kept at the end of the last part for "… and N more" */
const MORE_ROOM = 32;

/**
 * Splits the compact list of `items` (sorted, distinct) into at most
 * `maxParts` parts of at most `maxChars` characters each; the items past the
 * last part are counted in `more`. The last part keeps room for the count.
 */
export function splitItemList(items: readonly number[], maxChars: number, maxParts = 1): ItemList {
  const runs = itemRuns(items);
  const parts: ItemListPart[] = [];
  let text = "";
  let count = 0;
  let i = 0;
  for (; i < runs.length; i++) {
    const run = runs[i]!;
    const piece = formatRange(run);
    const lastPart = parts.length === maxParts - 1;
    // the last part must keep room for the count unless this run is the very last one
    const limit = lastPart && i < runs.length - 1 ? maxChars - MORE_ROOM : maxChars;
    const next = text ? `${text}, ${piece}` : piece;
    if (next.length <= limit) {
      text = next;
      count += rangeSize(run);
      continue;
    }
    if (lastPart || !text) break;
    parts.push({ text, items: count });
    text = piece;
    count = rangeSize(run);
    if (text.length > maxChars) break;
  }
  if (text) parts.push({ text, items: count });
  const shown = parts.reduce((n, p) => n + p.items, 0);
  return { parts, more: items.length - shown };
}

/** The compact list of `items` in at most `maxChars` characters: "3, 7–9, 20", or a prefix of it "… and N more". */
export function compactItemList(items: readonly number[], maxChars: number): string {
  const { parts, more } = splitItemList(items, maxChars, 1);
  const text = parts[0]?.text ?? "";
  if (!more) return text;
  return text ? `${text}, … ${moreText(more)}` : `${moreText(more)}`;
}

/** The parts of a long list as texts, the last one ending in "… and N more" when items are left over. */
export function itemListTexts(items: readonly number[], maxChars: number, maxParts: number): string[] {
  const { parts, more } = splitItemList(items, maxChars, maxParts);
  const texts = parts.map((p) => p.text);
  if (more) {
    const last = texts.length - 1;
    if (last >= 0) texts[last] = `${texts[last]}, … ${moreText(more)}`;
    else texts.push(moreText(more));
  }
  return texts;
}
