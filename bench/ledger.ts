/**
 * Claim latency against the size of the ledger, on PGlite and PostgreSQL.
 * Every figure is also given as a ratio to a baseline measured in the same
 * run through the same driver: a single-row INSERT round trip.
 */
import pg from "pg";
import { Ledger } from "../src/core/ledger/index.ts";
import { type Database, type DatabaseTarget, openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { Store } from "../src/db/store.ts";
import { percentile, type Row } from "./stats.ts";

const TEAM = "T0BENCH";
const ADMIN = { teamId: TEAM, userId: "UBENCHADMIN" };
export const RANGE = 10;
const HOLES = 10;
const TAIL = 50_000;

export interface LedgerBenchOptions {
  sizes: number[];
  samples: number;
  postgresUrl: string | null;
  log: (line: string) => void;
}

async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/** Fills a dataset of workspace `teamId` with `live` packed ranges of RANGE items, HOLES released gaps among them, and a free tail. */
export async function populate(db: Database, datasetId: number, live: number, teamId = TEAM): Promise<void> {
  const p = db.prisma;
  const every = Math.floor(live / HOLES);
  // Bulk load with the FreeSpan trigger off, then rebuild FreeSpan in one statement.
  await p.$executeRawUnsafe(`ALTER TABLE "Assignment" DISABLE TRIGGER "Assignment_free_spans"`);
  await p.$executeRaw`
    INSERT INTO "Assignment" ("teamId", "datasetId", "first", "last", "assigneeId", "assignedBy", "status", "updatedAt")
    SELECT ${teamId}, ${datasetId}, g * ${RANGE}::int + 1, g * ${RANGE}::int + ${RANGE}::int, 'U' || (g % 50), 'UBENCHADMIN',
           (CASE WHEN g % ${every}::int = ${every}::int / 2 THEN 'RELEASED' ELSE 'PENDING' END)::"AssignmentStatus", now()
    FROM generate_series(0, ${live + HOLES}::int - 1) g`;
  await p.$executeRawUnsafe(`ALTER TABLE "Assignment" ENABLE TRIGGER "Assignment_free_spans"`);
  await p.$executeRaw`DELETE FROM "FreeSpan" WHERE "datasetId" = ${datasetId}`;
  await p.$executeRaw`
    INSERT INTO "FreeSpan" ("datasetId", "first", "last")
    SELECT ${datasetId}, gap_first, gap_last FROM (
      SELECT coalesce(lag("last") OVER (ORDER BY "first"), 0) + 1 AS gap_first, "first" - 1 AS gap_last
      FROM "Assignment" WHERE "datasetId" = ${datasetId} AND "status" <> 'RELEASED'
      UNION ALL
      SELECT coalesce(max("last"), 0) + 1, (SELECT "itemCount" FROM "Dataset" WHERE "id" = ${datasetId})
      FROM "Assignment" WHERE "datasetId" = ${datasetId} AND "status" <> 'RELEASED'
    ) gaps WHERE gap_first <= gap_last`;
  await p.$executeRawUnsafe(`ANALYZE "Assignment"`);
  await p.$executeRawUnsafe(`ANALYZE "FreeSpan"`);
}

async function benchBackend(name: string, target: DatabaseTarget, o: LedgerBenchOptions): Promise<Row[]> {
  const db = await openDatabase(target);
  try {
    await applyMigrations(db);
    const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: [ADMIN.userId] });
    await db.prisma.$executeRawUnsafe(
      `CREATE TABLE IF NOT EXISTS bench_baseline (id serial PRIMARY KEY, v integer NOT NULL)`,
    );
    await timeIt(50, (i) => db.prisma.$executeRaw`INSERT INTO bench_baseline (v) VALUES (${i})`);
    const base = await timeIt(
      o.samples * 2,
      (i) => db.prisma.$executeRaw`INSERT INTO bench_baseline (v) VALUES (${i})`,
    );
    const b50 = percentile(base, 50);
    const b99 = percentile(base, 99);
    const rows: Row[] = [{ backend: name, op: "baseline INSERT", live: 0, p50: b50, p99: b99, r50: 1, r99: 1 }];
    o.log(`${name}: baseline single-row INSERT p50 ${b50.toFixed(3)} ms, p99 ${b99.toFixed(3)} ms`);
    for (const live of o.sizes) {
      const slug = `bench-${live}`;
      const itemCount = (live + HOLES) * RANGE + TAIL;
      const { dataset } = await ledger.createDataset(ADMIN, { slug, itemCount });
      const t0 = performance.now();
      await populate(db, dataset.id, live);
      o.log(
        `${name}: ${live.toLocaleString("en-US")} live ranges loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const tailStart = (live + HOLES) * RANGE + 1;
      const user = (i: number) => ({ teamId: TEAM, userId: `UB${i % 20}` });
      await timeIt(20, (i) =>
        ledger.claim(user(i), { dataset: slug, first: tailStart + i * RANGE, last: tailStart + i * RANGE + RANGE - 1 }),
      );
      const explicit = await timeIt(o.samples, (i) => {
        const first = tailStart + (20 + i) * RANGE;
        return ledger.claim(user(i), { dataset: slug, first, last: first + RANGE - 1 });
      });
      const next = await timeIt(o.samples, (i) => ledger.claimNext(user(i), { dataset: slug, size: RANGE }));
      for (const [op, times] of [
        ["explicit claim", explicit],
        ["next-free claim", next],
      ] as const) {
        const p50 = percentile(times, 50);
        const p99 = percentile(times, 99);
        rows.push({ backend: name, op, live, p50, p99, r50: p50 / b50, r99: p99 / b99 });
      }
    }
    return rows;
  } finally {
    await db.close();
  }
}

export async function withScratchDatabase<T>(url: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `rk_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** PostgreSQL's own defaults, which PGlite would start with: what the embedded sizing is compared with. */
const SERVER_SETTINGS = {
  shared_buffers: "128MB",
  max_connections: "100",
  maintenance_work_mem: "64MB",
  temp_buffers: "8MB",
};

export async function benchLedger(o: LedgerBenchOptions): Promise<Row[]> {
  const rows = await benchBackend("PGlite", { kind: "pglite", dataDir: undefined }, o);
  rows.push(
    ...(await benchBackend(
      "PGlite, server settings",
      { kind: "pglite", dataDir: undefined, settings: SERVER_SETTINGS },
      o,
    )),
  );
  if (o.postgresUrl) {
    rows.push(
      ...(await withScratchDatabase(o.postgresUrl, (url) => benchBackend("PostgreSQL", { kind: "postgres", url }, o))),
    );
  }
  return rows;
}
