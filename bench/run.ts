/**
 * npm run bench — latency figures as ratios to baselines measured in the same
 * run (the machines are shared and noisy, so only ratios compare across runs).
 *   BENCH_DATABASE_URL / DATABASE_URL: PostgreSQL server to measure too
 *   (default postgresql://postgres@127.0.0.1:5432/test; "none" skips it).
 *   BENCH_QUICK=1: small sizes, for a smoke run.
 *   BENCH_ONLY=ledger|http: one part only.
 */
import { benchHttp } from "./http.ts";
import { benchLedger } from "./ledger.ts";
import { formatTable } from "./stats.ts";

const quick = process.env.BENCH_QUICK === "1";
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const log = (line: string) => process.stderr.write(`${line}\n`);

const only = process.env.BENCH_ONLY;
const sizes = quick ? [100, 1_000] : [1_000, 100_000];
if (only !== "http") await ledgerPart();
if (only !== "ledger") await httpPart();

async function ledgerPart() {
  const rows = await benchLedger({
    sizes,
    samples: quick ? 30 : 200,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });

  console.log(
    "\nClaim latency (ms) against live ranges in one dataset; ratios to a single-row INSERT round trip through the same driver\n",
  );
  console.log(
    formatTable(
      ["backend", "operation", "live ranges", "p50 ms", "p99 ms", "p50 ×base", "p99 ×base"],
      rows.map((r) => [r.backend, r.op, r.live, r.p50, r.p99, r.r50, r.r99]),
    ),
  );
  const [small, large] = sizes as [number, number];
  console.log(
    `\nGrowth from ${small.toLocaleString("en-US")} to ${large.toLocaleString("en-US")} live ranges (p50 ratio; 1.00 = flat, ${large / small} = linear):`,
  );
  for (const backend of new Set(rows.map((r) => r.backend))) {
    for (const op of ["explicit claim", "next-free claim"]) {
      const a = rows.find((r) => r.backend === backend && r.op === op && r.live === small);
      const b = rows.find((r) => r.backend === backend && r.op === op && r.live === large);
      if (a && b) console.log(`  ${backend.padEnd(10)} ${op.padEnd(16)} ${(b.p50 / a.p50).toFixed(2)}`);
    }
  }
}

async function httpPart() {
  const rows = await benchHttp({
    concurrency: [1, 10, 50],
    requests: quick ? 50 : 300,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });
  console.log(
    "\nSigned /claim through the real app vs a bare Bolt app that only acks and answers (ms; ratios to the bare app at the same concurrency)\n",
  );
  console.log(
    formatTable(
      ["app", "measure", "concurrency", "p50 ms", "p99 ms", "p50 ×bare", "p99 ×bare"],
      rows.map((r) => [r.backend, r.op, r.live, r.p50, r.p99, r.r50, r.r99]),
    ),
  );
}
