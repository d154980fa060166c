import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ANA, BOB, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 5000, itemNoun: "frame" });
  // 400 items a week: 80 a day
  await f.ledger.setCapacity(LEAD, ANA.userId, 400);
});
afterEach(async () => {
  await f.dispose();
});

const live = () => f.prisma.assignment.count({ where: { teamId: TEAM, status: { not: "RELEASED" } } });

describe("claim limits", () => {
  it("are dataset settings a lead sets, shows and clears, with an audit event", async () => {
    const set = await f.ledger.configureDataset(LEAD, "cats", { key: "max-claim", value: 500 });
    expect(set.dataset.maxClaim).toBe(500);
    expect((await f.ledger.configureDataset(LEAD, "cats", { key: "max-days", value: 5 })).dataset.maxDays).toBe(5);
    expect((await f.ledger.getDataset(TEAM, "cats")).maxClaim).toBe(500);
    const cleared = await f.ledger.configureDataset(LEAD, "cats", { key: "max-claim", value: null });
    expect(cleared.dataset.maxClaim).toBeNull();
    const audit = await f.prisma.auditEvent.findMany({ where: { action: "dataset.set" }, orderBy: { id: "asc" } });
    expect(audit.map((e) => [e.before, e.after])).toEqual([
      [{ "max-claim": null }, { "max-claim": 500 }],
      [{ "max-days": null }, { "max-days": 5 }],
      [{ "max-claim": 500 }, { "max-claim": null }],
    ]);
    await expectDomainError(
      f.ledger.configureDataset(LEAD, "cats", { key: "max-days", value: 0 }),
      "invalid",
      /max-days must be at least 1/,
    );
    await expectDomainError(
      f.ledger.configureDataset(ANA, "cats", { key: "max-claim", value: 10 }),
      "forbidden",
      /only leads and admins/,
    );
  });

  it("refuse a claim larger than max-claim, by range and next, naming the limit; nothing is claimed", async () => {
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-claim", value: 500 });
    await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5000 }),
      "invalid",
      "A claim of 5,000 items is more than cats allows at once (500). Claim at most 500, or ask a lead.",
    );
    await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "cats", size: 501 }),
      "invalid",
      /A claim of 501 items is more than cats allows at once \(500\)/,
    );
    expect(await live()).toBe(0);
    const ok = await f.ledger.claimNext(ANA, { dataset: "cats", size: 500 });
    expect(ok.assignment).toMatchObject({ first: 1, last: 500 });
    // a next-free claim without a size takes the batch size within the limit
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-claim", value: 40 });
    expect((await f.ledger.claimNext(BOB, { dataset: "cats" })).assignment).toMatchObject({ first: 501, last: 540 });
  });

  it("refuse a claim that would hold more than max-days of work at the claimer's capacity", async () => {
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-days", value: 5 });
    // 5 days at 80 a day = 400 items
    const first = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 300 });
    await f.ledger.setProgress(ANA, first.assignment.ref, 100); // 200 left
    const err = await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "cats", size: 300 }),
      "invalid",
      /Claiming 300 items would give you 6.3 days of work in cats, more than it allows one person \(5 days, at 80 items a day\)\. Claim at most 200, or ask a lead\./,
    );
    expect(err.details).toMatchObject({ field: "size" });
    expect(await live()).toBe(1);
    await f.ledger.claimNext(ANA, { dataset: "cats", size: 200 });
    await expectDomainError(
      f.ledger.claimNext(ANA, { dataset: "cats", size: 1 }),
      "invalid",
      /Finish some of your open ranges first, or ask a lead/,
    );
    // another person, at the default capacity (1000 a week = 200 a day), has room of their own
    expect((await f.ledger.claimNext(BOB, { dataset: "cats", size: 1000 })).assignment.size).toBe(1000);
  });

  it("speak of one item and one day in the singular, and name the field each claim set", async () => {
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-days", value: 1 });
    // 5 items a week: 1 a day
    await f.ledger.setCapacity(LEAD, ANA.userId, 5);
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 1 });
    const sentence =
      "Claiming 1 item would give you 2 days of work in cats, more than it allows one person (1 day, at 1 items a day). Finish some of your open ranges first, or ask a lead.";
    const next = await expectDomainError(f.ledger.claimNext(ANA, { dataset: "cats", size: 1 }), "invalid", sentence);
    expect(next.details).toEqual({ field: "size" });
    const range = await expectDomainError(
      f.ledger.claim(ANA, { dataset: "cats", first: 9, last: 9 }),
      "invalid",
      sentence,
    );
    expect(range.details).toEqual({ field: "range" });
    const given = await f.ledger.assign(LEAD, { dataset: "cats", first: 9, last: 9, assigneeId: ANA.userId });
    expect(given.overLimits).toEqual([
      "Assigning 1 item would give them 2 days of work in cats, more than it allows one person (1 day, at 1 items a day). They need to finish some of their open ranges first.",
    ]);
  });

  it("let a lead assign past them, saying which limits the assignment exceeds", async () => {
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-claim", value: 500 });
    await f.ledger.configureDataset(LEAD, "cats", { key: "max-days", value: 5 });
    const r = await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 5000, assigneeId: ANA.userId });
    expect(r.assignment).toMatchObject({ assigneeId: ANA.userId, size: 5000 });
    expect(r.overLimits).toEqual([
      "A claim of 5,000 items is more than cats allows at once (500). Give at most 500.",
      "Assigning 5,000 items would give them 62.5 days of work in cats, more than it allows one person (5 days, at 80 items a day). Give at most 400.",
    ]);
  });
});
