/**
 * The stalled and imbalance jobs: their rules on plain data, and their
 * decisions against a real database (told once, told again only when it got
 * worse, nothing when balanced).
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  findImbalance,
  imbalanceAmong,
  type MoveCandidate,
  median,
  movablePart,
  suggestMoves,
} from "../../src/core/jobs/imbalance.ts";
import { runJob } from "../../src/jobs/runner.ts";
import { ANA, BOB, CAL, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

const logger = pino({ level: "silent" });
const person = (userId: string, daysOfWork: number, capacityPerWeek = 500) => ({ userId, daysOfWork, capacityPerWeek });
const range = (
  id: number,
  assigneeId: string,
  first: number,
  last: number,
  status: MoveCandidate["status"] = "PENDING",
  itemsDone = 0,
): MoveCandidate => ({ id, assigneeId, first, last, status, itemsDone });

describe("imbalance rules", () => {
  it("takes the median of the loads", () => {
    expect(median([1, 9, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([])).toBe(0);
  });
  it("moves all of a pending range, or only the unstarted tail of one in progress", () => {
    expect(movablePart(range(1, "U", 1, 100))).toEqual({ first: 1, last: 100 });
    expect(movablePart(range(1, "U", 1, 100, "IN_PROGRESS", 40))).toEqual({ first: 41, last: 100 });
    expect(movablePart(range(1, "U", 1, 100, "IN_PROGRESS", 100))).toBeNull();
    expect(movablePart(range(1, "U", 1, 100, "IN_REVIEW"))).toBeNull();
  });
  it("is unbalanced only when the most loaded has more than twice the median and another less than a day", async () => {
    expect(imbalanceAmong([person("A", 10), person("B", 4), person("C", 0.5)])).toMatchObject({
      over: { userId: "A" },
      under: [{ userId: "C" }],
      median: 4,
    });
    expect(imbalanceAmong([person("A", 8), person("B", 4), person("C", 0.5)])).toBeNull(); // exactly twice
    expect(imbalanceAmong([person("A", 10), person("B", 4), person("C", 1.5)])).toBeNull(); // nobody idle
    expect(imbalanceAmong([person("A", 10)])).toBeNull();
    // The moves are looked for among the most loaded person's ranges only.
    const asked: string[] = [];
    const d = { id: 1, slug: "cats", title: "Cats" };
    const found = await findImbalance(d, [person("A", 10), person("B", 4), person("C", 0)], (u) => {
      asked.push(u);
      return [range(1, "A", 1, 500)];
    });
    expect(asked).toEqual(["A"]);
    expect(found?.moves.map((m) => m.ref)).toEqual(["A1"]);
  });
  it("suggests the piece that levels the two best, with both loads after", () => {
    // A: 500 items a week (100 a day), 10 days; C: 0 days. 500 items would level them.
    const moves = suggestMoves(
      person("A", 10),
      [person("C", 0)],
      [range(1, "A", 1, 200), range(2, "A", 201, 800), range(3, "A", 801, 1000, "IN_PROGRESS", 50)],
    );
    expect(moves).toEqual([
      {
        ref: "A2",
        from: "A",
        to: "C",
        range: { first: 301, last: 800 },
        whole: false,
        items: 500,
        fromDaysAfter: 5,
        toDaysAfter: 5,
      },
    ]);
    // A whole pending range is preferred when it fits.
    const whole = suggestMoves(
      person("A", 10),
      [person("C", 0)],
      [range(1, "A", 1, 450), range(2, "A", 451, 1000, "IN_PROGRESS", 500)],
    );
    expect(whole[0]).toMatchObject({ ref: "A1", whole: true, items: 450, fromDaysAfter: 5.5, toDaysAfter: 4.5 });
  });
});

describe("against the ledger", () => {
  let f: LedgerFixture;
  beforeEach(async () => {
    f = await ledgerFixture();
    await f.prisma.workspace.upsert({ where: { id: TEAM }, create: { id: TEAM }, update: {} });
  });
  afterEach(async () => {
    await f.dispose();
  });
  const run = (job: "stalled" | "imbalance", at: string) =>
    runJob({ ledger: f.ledger, logger }, { job, slot: new Date(at), at: new Date(at), dryRun: false, force: false });

  it("nudges the owner of a stalled range once per stall; progress starts a new episode", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cats" });
    const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 });
    await f.ledger.updateProgress(ANA, assignment.ref, { count: 10 }); // 2026-11-23T10:00Z
    expect((await run("stalled", "2026-11-26T09:00:00Z")).messages).toEqual([]); // 2 days 23 hours
    const first = await run("stalled", "2026-11-26T10:00:00Z");
    expect(first.messages.map((m) => [m.kind, m.to])).toEqual([["stalled_dm", { user: ANA.userId }]]);
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
    const text = JSON.stringify(toLead.content);
    expect(text).toContain(`<@${ANA.userId}> has *10 days* of work, more than twice the median (2 days)`);
    expect(text).toContain(
      `items 501–1000 of *${big.assignment.ref}*, 500 items, from <@${ANA.userId}> to <@${CAL.userId}>`,
    );
    expect(text).toContain(`"value":"${big.assignment.ref}:${ANA.userId}:${CAL.userId}:501-1000"`);
    // Not again the next day; again once it got worse.
    expect((await run("imbalance", "2026-11-25T09:00:00Z")).messages).toEqual([]);
    await f.ledger.assign(LEAD, { dataset: "cats", first: 2001, last: 2200, assigneeId: ANA.userId });
    expect((await run("imbalance", "2026-11-26T09:00:00Z")).messages.length).toBeGreaterThan(0);
    // The suggested move stands for a lead, not for an annotator, and not once the range moved on.
    const move = { ref: big.assignment.ref, from: ANA.userId, range: { first: 501, last: 1000 } };
    expect(await f.ledger.checkSuggestedMove(LEAD, move)).toBe(big.assignment.ref);
    await expectDomainError(
      f.ledger.checkSuggestedMove(BOB, move),
      "forbidden",
      /only leads and admins can apply a suggested move/,
    );
    await f.ledger.updateProgress(ANA, big.assignment.ref, { count: 600 });
    await expectDomainError(f.ledger.checkSuggestedMove(LEAD, move), "conflict", /changed since the suggestion/);
  });

  it("says nothing when the team is balanced", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 10_000, title: "Cats" });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 1000, assigneeId: ANA.userId });
    await f.ledger.assign(LEAD, { dataset: "cats", first: 1001, last: 1800, assigneeId: BOB.userId });
    expect((await run("imbalance", "2026-11-24T09:00:00Z")).messages).toEqual([]);
  });
});
