import { spawn } from "node:child_process";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../src/core/ledger/index.ts";
import { Store } from "../../src/db/store.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { createTestDatabase, usingPostgres } from "../support/db.ts";
import { type ClaimOutcome, makeClaims, runClaims } from "./fixtures/claims.ts";

const TEAM = "T0CONC";
const ITEMS = 400;

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;
let db: TestDb;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

async function freshDataset(ledger: Ledger, slug: string) {
  await ledger.createDataset({ teamId: TEAM, userId: "UADMIN" }, { slug, itemCount: ITEMS });
  return (await db.prisma.dataset.findFirstOrThrow({ where: { teamId: TEAM, slug } })).id;
}

/** The ledger's guarantees after a race: no overlap, each item held once, losers got conflicts, one audit event per success. */
async function checkAfterRace(datasetId: number, outcomes: ClaimOutcome[]) {
  const overlaps = await db.prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Assignment" a JOIN "Assignment" b
      ON a."id" < b."id" AND a."datasetId" = b."datasetId"
     AND a."status" <> 'RELEASED' AND b."status" <> 'RELEASED'
     AND a."first" <= b."last" AND b."first" <= a."last"
    WHERE a."datasetId" = ${datasetId}`;
  expect(Number(overlaps[0]!.n)).toBe(0);
  const doubly = await db.prisma.$queryRaw<{ item: number }[]>`
    SELECT i AS item FROM generate_series(1, ${ITEMS}::int) i
    JOIN "Assignment" a ON i BETWEEN a."first" AND a."last" AND a."status" <> 'RELEASED' AND a."datasetId" = ${datasetId}
    GROUP BY i HAVING count(*) > 1`;
  expect(doubly).toEqual([]);
  const wins = outcomes.filter((o) => o.ok);
  const losses = outcomes.filter((o) => !o.ok);
  expect(wins.length).toBeGreaterThan(1);
  expect(losses.length).toBeGreaterThan(1);
  for (const l of losses) expect(l, JSON.stringify(l)).toMatchObject({ ok: false, code: "conflict" });
  const rows = await db.prisma.assignment.findMany({ where: { datasetId }, orderBy: { id: "asc" } });
  expect(rows.map((r) => `A${r.id}:${r.first}-${r.last}`).sort()).toEqual(
    wins.map((w) => (w.ok ? `${w.ref}:${w.first}-${w.last}` : "")).sort(),
  );
  const events = await db.prisma.auditEvent.count({ where: { datasetId, action: "assignment.claim" } });
  expect(events).toBe(wins.length);
  const spans = await db.prisma.freeSpan.aggregate({
    where: { datasetId },
    _sum: { last: true, first: true },
    _count: true,
  });
  const free = (spans._sum.last ?? 0) - (spans._sum.first ?? 0) + spans._count;
  expect(free + rows.reduce((n, r) => n + r.last - r.first + 1, 0)).toBe(ITEMS);
}

describe("concurrent claims", () => {
  it("50 claims at once over the same free space: every item held at most once", async () => {
    const pools: PrismaClient[] = [];
    const ledgers: Ledger[] = [];
    if (db.url) {
      // Separate connection pools: the claims really run in parallel transactions.
      for (let i = 0; i < 10; i++) {
        const p = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 5 }) });
        pools.push(p);
        ledgers.push(new Ledger(new Store(p), { bootstrapAdmins: ["UADMIN"] }));
      }
    } else {
      ledgers.push(new Ledger(new Store(db.prisma), { bootstrapAdmins: ["UADMIN"] }));
    }
    const datasetId = await freshDataset(ledgers[0]!, "race");
    const outcomes = await runClaims(ledgers, makeClaims(50, ITEMS, 7, "A"));
    await Promise.all(pools.map((p) => p.$disconnect()));
    await checkAfterRace(datasetId, outcomes);
  });

  it.runIf(usingPostgres())("claims from two processes at once on PostgreSQL", async () => {
    const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: ["UADMIN"] });
    const datasetId = await freshDataset(ledger, "race2");
    const mine = makeClaims(25, ITEMS, 11, "P");
    const theirs = makeClaims(25, ITEMS, 13, "Q");
    const child = spawn(process.execPath, ["test/core/fixtures/claim-worker.ts", db.url!, JSON.stringify(theirs)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.startsWith("ready\n")) resolve();
      });
      void exited.then((code) => reject(new Error(`claim worker exited (${code}) before it was ready: ${err}`)));
    });
    out = "";
    child.stdin.end("go\n");
    const local = await runClaims(
      [ledger],
      mine.map((c) => ({ ...c })),
      TEAM,
      "race2",
    );
    expect(await exited, err).toBe(0);
    const remote = JSON.parse(out.trim().split("\n").pop()!) as ClaimOutcome[];
    expect(remote).toHaveLength(25);
    await checkAfterRace(datasetId, [...local, ...remote]);
  });
});
