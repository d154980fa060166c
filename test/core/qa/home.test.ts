/**
 * App Home's QA numbers: a person's own over the last four weeks, and for
 * leads the recently active datasets' summaries, kept a few minutes (never
 * across a new week) so that republishing App Home after every change does
 * not read every range and review each time.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { homeQa, QaSummaryCache } from "../../../src/core/qa/home.ts";
import { ANA, actor, BOB, LEAD, type LedgerFixture, ledgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, itemNoun: "image" });
  await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 10 });
});
afterEach(async () => {
  await f.dispose();
});

/** `who` completes `first`–`last`, reviewed in full with `errors` wrong classes. */
async function completed(who: typeof ANA, first: number, last: number, errors: number) {
  const ref = (await f.ledger.claim(who, { dataset: "cats", first, last })).assignment.ref;
  await f.ledger.submit(who, ref, { confirmed: true });
  const v = await f.prisma.review.findFirstOrThrow({ where: { assignmentId: Number(ref.slice(1)) } });
  await f.ledger.recordReview(actor(v.reviewerId!), `R${v.id}`, {
    verdict: "accept",
    itemsChecked: last - first + 1,
    errors: errors ? { "wrong class": errors } : {},
  });
}

describe("App Home's QA numbers", () => {
  it("gives each person their own numbers and leads the datasets', kept until they are minutes old", async () => {
    await completed(ANA, 1, 50, 5);
    const cache = new QaSummaryCache(60_000);
    const ana = await homeQa(f.ledger.ctx, cache, ANA, false);
    expect(ana.mine.map((l) => [l.dataset, l.mine.throughput.items])).toEqual([["cats", 50]]);
    expect(ana.mine[0]!.mine.accuracy).toMatchObject({ kind: "measured", value: 0.9 });
    expect(ana.datasets).toEqual([]);

    const first = await homeQa(f.ledger.ctx, cache, LEAD, true);
    expect(first.datasets.map((d) => [d.slug, d.summary.throughput.items])).toEqual([["cats", 50]]);
    expect(first.datasets[0]!.asOf).toEqual(f.clock.now);

    // Bob's work a moment later: the kept summary is shown (with its time); a person's own numbers are always fresh.
    f.clock.now = new Date(f.clock.now.getTime() + 30_000);
    await completed(BOB, 51, 100, 0);
    const kept = await homeQa(f.ledger.ctx, cache, LEAD, true);
    expect(kept.datasets[0]!.summary.throughput.items).toBe(50);
    expect(kept.datasets[0]!.asOf).toEqual(first.datasets[0]!.asOf);
    expect((await homeQa(f.ledger.ctx, cache, BOB, false)).mine[0]!.mine.throughput.items).toBe(50);

    // Once it is a minute old, made again.
    f.clock.now = new Date(f.clock.now.getTime() + 30_000);
    const fresh = await homeQa(f.ledger.ctx, cache, LEAD, true);
    expect(fresh.datasets[0]!.summary.throughput.items).toBe(100);
    expect(fresh.datasets[0]!.asOf).toEqual(f.clock.now);
  });

  it("starts afresh in a new ISO week even when the kept summary is young", async () => {
    await completed(ANA, 1, 50, 0);
    const cache = new QaSummaryCache(60 * 60_000);
    f.clock.now = new Date("2026-11-29T23:50:00Z"); // Sunday, the last minutes of 2026-W48
    const sunday = await homeQa(f.ledger.ctx, cache, LEAD, true);
    f.clock.now = new Date("2026-11-30T00:10:00Z"); // Monday, 2026-W49
    const monday = await homeQa(f.ledger.ctx, cache, LEAD, true);
    expect(monday.datasets[0]!.asOf).not.toEqual(sunday.datasets[0]!.asOf);
    expect(monday.datasets[0]!.summary.period.to > sunday.datasets[0]!.summary.period.to).toBe(true);
  });

  it("shows a lead no dataset nobody worked on in the weeks shown", async () => {
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    await completed(ANA, 1, 10, 0);
    const lead = await homeQa(f.ledger.ctx, new QaSummaryCache(), LEAD, true);
    expect(lead.datasets.map((d) => d.slug)).toEqual(["cats"]);
  });
});
