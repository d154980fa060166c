/**
 * The label repository on its own: each annotator's latest label of an item,
 * read back by item then annotator for a span of time; and a dataset's gold
 * answers by item, an answer given again replacing the earlier one.
 */
import { describe, expect, it } from "vitest";
import type { Repositories } from "../../../src/db/repositories/index.ts";
import { LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
let repos: Repositories;
useLedgerFixture((x) => {
  f = x;
  repos = x.ledger.ctx.store.read;
});

/** 2026-11-`day` at 10:00 UTC. */
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10));

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
      await repos.labels.record(
        cats,
        [
          { item: 7, annotatorId: "UZED", label: "cat" },
          { item: 7, annotatorId: "UAAA", label: "dog" },
          { item: 3, annotatorId: "UZED", label: "cat" },
        ],
        at(10),
      ),
    ).toBe(3);
    await repos.labels.record(cats, [{ item: 7, annotatorId: "UAAA", label: "cat" }], at(12));
    await repos.labels.record(cats, [{ item: 1, annotatorId: "UAAA", label: "cat" }], at(14));
    await repos.labels.record(dogs, [{ item: 2, annotatorId: "UAAA", label: "dog" }], at(11));
    expect(await repos.labels.ofDataset(cats, at(10), at(14))).toStrictEqual([
      { item: 3, annotatorId: "UZED", label: "cat", at: at(10) },
      { item: 7, annotatorId: "UAAA", label: "cat", at: at(12) },
      { item: 7, annotatorId: "UZED", label: "cat", at: at(10) },
    ]);
    expect((await repos.labels.ofDataset(cats, at(11), at(15))).map((l) => l.item)).toEqual([1, 7]);
  });
});

describe("gold answers", () => {
  it("are a dataset's own, by item, an answer given again replacing the earlier one", async () => {
    const [cats, dogs] = await datasets();
    expect(
      await repos.labels.recordGold(
        cats,
        [
          { item: 9, label: "cat" },
          { item: 2, label: "dog" },
        ],
        at(10),
      ),
    ).toBe(2);
    await repos.labels.recordGold(cats, [{ item: 9, label: "dog" }], at(11));
    await repos.labels.recordGold(dogs, [{ item: 5, label: "dog" }], at(11));
    expect(await repos.labels.goldOf(cats)).toStrictEqual([
      { item: 2, label: "dog" },
      { item: 9, label: "dog" },
    ]);
    expect(await repos.labels.goldOf(dogs)).toStrictEqual([{ item: 5, label: "dog" }]);
  });
});
