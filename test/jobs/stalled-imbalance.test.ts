/**
 * The stalled and imbalance jobs' decisions against a real database (told
 * once, told again only when it got worse, nothing when balanced); the
 * imbalance rules on plain data are in test/core/jobs/imbalance.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJobAt } from "../support/jobs.ts";
import {
  ANA,
  actor,
  BOB,
  CAL,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

describe("against the ledger", () => {
  let f: LedgerFixture;
  beforeEach(async () => {
    f = await ledgerFixture();
    await f.prisma.workspace.upsert({ where: { id: TEAM }, create: { id: TEAM }, update: {} });
  });
  afterEach(async () => {
    await f.dispose();
  });
  const run = (job: "stalled" | "imbalance", at: string) => runJobAt(f.ledger, job, at);

  it("nudges the owner of a stalled range once per stall; progress starts a new episode", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cats" });
    const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.updateProgress(ANA, assignment.ref, { count: 10 }); // 2026-11-23T10:00Z
    expect((await run("stalled", "2026-11-26T09:00:00Z")).messages).toEqual([]); // 2 days 23 hours
    const first = await run("stalled", "2026-11-26T10:00:00Z");
    expect(first.messages.map((m) => [m.kind, m.to, m.key])).toEqual([
      [
        "stalled_dm",
        { user: ANA.userId },
        `stalled-dm:${ANA.userId}:stalled:${assignment.ref}:2026-11-23T10:00:00.000Z`,
      ],
    ]);
    expect(JSON.stringify(first.messages[0]!.content)).toContain(`No progress on *${assignment.ref}* for 3 days`);
    expect((await run("stalled", "2026-11-27T10:00:00Z")).messages).toEqual([]);
    // Leads see it in the dataset's status.
    f.clock.now = new Date("2026-11-27T10:00:00Z");
    expect((await f.ledger.coverage(TEAM, "cats")).stalled).toEqual([
      { ref: assignment.ref, assigneeId: ANA.userId, idleDays: 4 },
    ]);
    f.clock.now = new Date("2026-11-27T12:00:00Z");
    await f.ledger.updateProgress(ANA, assignment.ref, { count: 20 });
    expect((await run("stalled", "2026-11-29T12:00:00Z")).messages).toEqual([]);
    expect((await run("stalled", "2026-11-30T12:00:00Z")).messages).toHaveLength(1);
  });

  it("tells the leads of an unbalanced dataset once, again only when it got worse, with moves that hold", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 10_000, title: "Cats" });
    for (const who of [ANA, BOB, CAL]) await f.ledger.setCapacity(LEAD, who.userId, 500);
    // Ana: 1,000 items (10 days); Bob: 200 (2 days); Cal finished his (0 days).
    const big = await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 1000, assigneeId: ANA.userId });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1001, last: 1200, assigneeId: BOB.userId });
    const cal = await f.ledger.assign(LEAD, { dataset: "cats", first: 1201, last: 1210, assigneeId: CAL.userId });
    await f.ledger.updateProgress(CAL, cal.assignment.ref, { count: 10 });
    await f.ledger.submit(CAL, cal.assignment.ref);
    const first = await run("imbalance", "2026-11-24T09:00:00Z");
    const toLead = first.messages.find((m) => "user" in m.to && m.to.user === LEAD.userId)!;
    expect(toLead).toMatchObject({ kind: "imbalance", workingHours: true });
    const text = JSON.stringify(toLead.content);
    expect(text).toContain(`<@${ANA.userId}> has *10 days* of work, more than twice the median (2 days)`);
    expect(text).toContain(
      `items 501–1000 of *${big.assignment.ref}*, 500 items, from <@${ANA.userId}> to <@${CAL.userId}>`,
    );
    expect(text).toContain(`"value":"${big.assignment.ref}:${ANA.userId}:${CAL.userId}:501-1000"`);
    // Not again the next day, nor when it got worse by less than a day; again once worse by a day.
    expect((await run("imbalance", "2026-11-25T09:00:00Z")).messages).toEqual([]);
    const more = await f.ledger.assign(LEAD, { dataset: "cats", first: 2001, last: 2090, assigneeId: ANA.userId });
    expect((await run("imbalance", "2026-11-25T10:00:00Z")).messages).toEqual([]);
    await f.ledger.release(LEAD, more.assignment.ref);
    await f.ledger.assign(LEAD, { dataset: "cats", first: 2001, last: 2100, assigneeId: ANA.userId });
    expect((await run("imbalance", "2026-11-26T09:00:00Z")).messages.length).toBeGreaterThan(0);
    // The suggested move stands for a lead, not for an annotator, and not once the range moved on.
    const move = { ref: big.assignment.ref, from: ANA.userId, range: { first: 501, last: 1000 } };
    expect(await f.ledger.checkSuggestedMove(LEAD, move)).toBe(big.assignment.ref);
    const whole = { ...move, range: { first: 1, last: 1000 } };
    expect(await f.ledger.checkSuggestedMove(LEAD, whole)).toBe(big.assignment.ref);
    // Not from someone else, nor past the range's end, nor for a range that does not exist.
    for (const other of [
      { ...move, from: BOB.userId },
      { ...move, range: { first: 501, last: 1001 } },
    ])
      await expectDomainError(f.ledger.checkSuggestedMove(LEAD, other), "conflict", /changed since the suggestion/);
    await expectDomainError(
      f.ledger.checkSuggestedMove(LEAD, { ...move, ref: "A999" }),
      "not_found",
      "there is no assignment A999",
    );
    await expectDomainError(
      f.ledger.checkSuggestedMove(BOB, move),
      "forbidden",
      /only leads and admins can apply a suggested move/,
    );
    await f.ledger.updateProgress(ANA, big.assignment.ref, { count: 600 });
    await expectDomainError(f.ledger.checkSuggestedMove(LEAD, move), "conflict", /changed since the suggestion/);
  });

  it("tells an imbalance again, however mild, once the dataset was balanced in between", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 10_000, title: "Cats" });
    for (const who of [ANA, BOB, CAL]) await f.ledger.setCapacity(LEAD, who.userId, 500);
    // Ana 10 days, Bob 2, Cal none left (a range done): unbalanced.
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 1000, assigneeId: ANA.userId });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1001, last: 1200, assigneeId: BOB.userId });
    const done = await f.ledger.assign(LEAD, { dataset: "cats", first: 1201, last: 1210, assigneeId: CAL.userId });
    await f.ledger.updateProgress(CAL, done.assignment.ref, { count: 10 });
    await f.ledger.submit(CAL, done.assignment.ref);
    expect((await run("imbalance", "2026-11-24T09:00:00Z")).facts).toBe(1);
    // Cal takes two days of work: nobody is under a day, and that is remembered (not by a dry run).
    const cal = await f.ledger.assign(LEAD, { dataset: "cats", first: 1301, last: 1500, assigneeId: CAL.userId });
    const balanced = () => f.prisma.announcement.count({ where: { key: { endsWith: ":balanced" } } });
    await runJobAt(f.ledger, "imbalance", "2026-11-25T08:00:00Z", { dryRun: true });
    expect(await balanced()).toBe(0);
    expect((await run("imbalance", "2026-11-25T09:00:00Z")).messages).toEqual([]);
    expect(await balanced()).toBe(1);
    // Still balanced: nothing new to remember.
    expect((await run("imbalance", "2026-11-25T11:00:00Z")).messages).toEqual([]);
    expect(await balanced()).toBe(1);
    // Cal gives the range back: the same imbalance as before, no worse, is told again.
    await f.ledger.release(LEAD, cal.assignment.ref);
    const again = await run("imbalance", "2026-11-26T09:00:00Z");
    expect(again.facts).toBe(1);
    expect(again.messages.map((m) => m.to)).toContainEqual({ user: LEAD.userId });
  });

  /** A dataset with someone over (`overItems`), someone at `medianItems` and someone with a range done. */
  const unbalanced = async (slug: string, title: string, overItems: number, medianItems: number) => {
    const id = slug.toUpperCase();
    const [over, median, idle] = [actor(`UO${id}`), actor(`UM${id}`), actor(`UI${id}`)];
    await f.ledger.createDataset(LEAD, { slug, itemCount: 10_000, title });
    const held = await f.ledger.assign(LEAD, { dataset: slug, first: 1, last: overItems, assigneeId: over.userId });
    await f.ledger.assign(LEAD, {
      dataset: slug,
      first: overItems + 1,
      last: overItems + medianItems,
      assigneeId: median.userId,
    });
    const done = await f.ledger.assign(LEAD, {
      dataset: slug,
      first: 9_991,
      last: 10_000,
      assigneeId: idle.userId,
    });
    await f.ledger.updateProgress(idle, done.assignment.ref, { count: 10 });
    await f.ledger.submit(idle, done.assignment.ref);
    return { over, median, idle, held: held.assignment, done: done.assignment };
  };
  const toLead = (messages: { to: unknown; content: unknown }[]) =>
    messages.find((m) => JSON.stringify(m.to) === JSON.stringify({ user: LEAD.userId }));
  const titlesIn = (content: unknown) =>
    [...JSON.stringify(content).matchAll(/:scales: \*([^*]+)\* is unbalanced/g)].map((m) => m[1]);

  it("tells a lead the ten most severe datasets first (over-load against the median), the rest in the next run", async () => {
    // The default capacity is 1,000 items a week: 200 a working day.
    // Ten steep datasets: 5 to 14 days against a median of 2 days (2.5 to 7 times it).
    for (let d = 5; d <= 14; d++) await unbalanced(`steep${d}`, `Steep ${d}`, d * 200, 400);
    // The most work of all, but only 2.1 times its median of 14 days: the least severe.
    await unbalanced("wide", "Wide", 30 * 200, 14 * 200);
    const first = await run("imbalance", "2026-11-24T09:00:00Z");
    expect(first.facts).toBe(10);
    expect(titlesIn(toLead(first.messages)!.content)).toEqual(
      [14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map((d) => `Steep ${d}`),
    );
    // Still unbalanced the next day: the one left out is told now, and only it.
    const next = await run("imbalance", "2026-11-25T09:00:00Z");
    expect(next.facts).toBe(1);
    expect(titlesIn(toLead(next.messages)!.content)).toEqual(["Wide"]);
  });

  it("counts as one of a dataset's people whoever worked on it in the last 30 days, and leaves out archived datasets", async () => {
    const cats = await unbalanced("cats", "Cats", 2_000, 400);
    // The idle person's range was finished and last touched exactly 30 days before 09:00.
    await f.prisma.assignment.update({
      where: { id: cats.done.id },
      data: { status: "COMPLETED", updatedAt: new Date("2026-10-25T09:00:00Z") },
    });
    const dry = (at: string) => runJobAt(f.ledger, "imbalance", at, { dryRun: true });
    expect((await dry("2026-11-24T09:00:00Z")).facts).toBe(1);
    // An hour later they are not one of its people, and two people are never unbalanced.
    expect((await dry("2026-11-24T10:00:00Z")).facts).toBe(0);
    // Archived, an unbalanced dataset is not told; its people's load still counts elsewhere.
    await unbalanced("dogs", "Dogs", 3_000, 400);
    await f.ledger.configureDataset(LEAD, "dogs", { key: "archived", value: true });
    const run1 = await run("imbalance", "2026-11-24T09:00:00Z");
    expect(titlesIn(toLead(run1.messages)!.content)).toEqual(["Cats"]);
  });

  it("tells it again when someone else is the most loaded, even with less work than the last one told", async () => {
    const cats = await unbalanced("cats", "Cats", 2_000, 400); // 10 days against a median of 2
    expect((await run("imbalance", "2026-11-24T09:00:00Z")).facts).toBe(1);
    // The one over gives the range back for a small one; the one at the median takes 7 days more: 9 days,
    // the most now.
    await f.ledger.release(LEAD, cats.held.ref);
    await f.ledger.assign(LEAD, { dataset: "cats", first: 4_401, last: 4_410, assigneeId: cats.over.userId });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 3_001, last: 4_400, assigneeId: cats.median.userId });
    const again = await run("imbalance", "2026-11-24T10:00:00Z");
    expect(again.facts).toBe(1);
    expect(JSON.stringify(toLead(again.messages)!.content)).toContain(`<@${cats.median.userId}> has *9 days* of work`);
  });

  it("tells a dataset's imbalance at most once a day, even after a balanced spell that day, and another one alone", async () => {
    const cats = await unbalanced("cats", "Cats", 2_000, 400);
    expect((await run("imbalance", "2026-11-24T09:00:00Z")).facts).toBe(1);
    // Balanced at 10:00 (the idle one takes 2 days of work), unbalanced as before at 11:00.
    const taken = await f.ledger.assign(LEAD, {
      dataset: "cats",
      first: 5_001,
      last: 5_400,
      assigneeId: cats.idle.userId,
    });
    expect((await run("imbalance", "2026-11-24T10:00:00Z")).messages).toEqual([]);
    await f.ledger.release(LEAD, taken.assignment.ref);
    // Meanwhile another dataset became unbalanced, less severely: the lead hears of it alone.
    await unbalanced("dogs", "Dogs", 1_000, 400);
    const sameDay = await run("imbalance", "2026-11-24T11:00:00Z");
    expect(sameDay.facts).toBe(1);
    expect(titlesIn(toLead(sameDay.messages)!.content)).toEqual(["Dogs"]);
    // Nothing new for anyone an hour later.
    expect(await run("imbalance", "2026-11-24T12:00:00Z")).toMatchObject({ facts: 0, messages: [] });
    const nextDay = await run("imbalance", "2026-11-25T09:00:00Z");
    expect(nextDay.facts).toBe(1);
    expect(titlesIn(toLead(nextDay.messages)!.content)).toEqual(["Cats"]);
  });

  it("says nothing when the team is balanced", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 10_000, title: "Cats" });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 1000, assigneeId: ANA.userId });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1001, last: 1800, assigneeId: BOB.userId });
    expect((await run("imbalance", "2026-11-24T09:00:00Z")).messages).toEqual([]);
  });
});
