/**
 * The label repository on its own: each annotator's latest label of an item,
 * read back by item then annotator for a span of time; and a dataset's gold
 * answers by item, an answer given again replacing the earlier one.
 */
import { describe, expect, it } from "vitest";
import { dayAt, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** Creates datasets "cats" and "dogs"; their ids. */
async function datasets() {
  const ids: number[] = [];
  for (const slug of ["cats", "dogs"]) {
    await f.ledger.createDataset(LEAD, { slug, itemCount: 100 });
    ids.push((await f.ledger.getDataset(TEAM, slug)).id);
  }
  return ids as [number, number];
}

describe("labels", () => {
  it("keep each annotator's latest answer of an item, read by item then annotator within [from, to)", async () => {
    const [cats, dogs] = await datasets();
    expect(
      await f.repos.labels.record(
        cats,
        [
          { item: 7, annotatorId: "UZED", label: "cat" },
          { item: 7, annotatorId: "UAAA", label: "dog" },
          { item: 3, annotatorId: "UZED", label: "cat" },
        ],
        dayAt(10),
      ),
    ).toBe(3);
    await f.repos.labels.record(cats, [{ item: 7, annotatorId: "UAAA", label: "cat" }], dayAt(12));
    await f.repos.labels.record(cats, [{ item: 1, annotatorId: "UAAA", label: "cat" }], dayAt(14));
    await f.repos.labels.record(dogs, [{ item: 2, annotatorId: "UAAA", label: "dog" }], dayAt(11));
    expect(await f.repos.labels.ofDataset(cats, dayAt(10), dayAt(14))).toStrictEqual([
      { item: 3, annotatorId: "UZED", label: "cat", at: dayAt(10) },
      { item: 7, annotatorId: "UAAA", label: "cat", at: dayAt(12) },
      { item: 7, annotatorId: "UZED", label: "cat", at: dayAt(10) },
    ]);
    expect((await f.repos.labels.ofDataset(cats, dayAt(11), dayAt(15))).map((l) => l.item)).toEqual([1, 7]);
  });
});

describe("gold answers", () => {
  it("are a dataset's own, by item, an answer given again replacing the earlier one", async () => {
    const [cats, dogs] = await datasets();
    expect(
      await f.repos.labels.recordGold(
        cats,
        [
          { item: 9, label: "cat" },
          { item: 2, label: "dog" },
        ],
        dayAt(10),
      ),
    ).toBe(2);
    await f.repos.labels.recordGold(cats, [{ item: 9, label: "dog" }], dayAt(11));
    await f.repos.labels.recordGold(dogs, [{ item: 5, label: "dog" }], dayAt(11));
    expect(await f.repos.labels.goldOf(cats)).toStrictEqual([
      { item: 2, label: "dog" },
      { item: 9, label: "dog" },
    ]);
    expect(await f.repos.labels.goldOf(dogs)).toStrictEqual([{ item: 5, label: "dog" }]);
  });
});
