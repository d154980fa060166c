/**
 * npm run bench — latency figures as ratios to baselines measured in the same
 * run (the machines are shared and noisy, so only ratios compare across runs).
 *   BENCH_DATABASE_URL / DATABASE_URL: PostgreSQL server to measure too
 *   (default postgresql://postgres@127.0.0.1:5432/test; "none" skips it).
 *   BENCH_QUICK=1: small sizes, for a smoke run.
 *   BENCH_ONLY=ledger|http|startup|memory|jobs|digest|api|crash|huge|charts: one part only.
 */

import { benchApi } from "./api.ts";
import { benchChartMemory, benchChartTimes } from "./charts.ts";
import { benchCrash } from "./crash.ts";
import { benchDigest } from "./digest.ts";
import { benchHttp } from "./http.ts";
import { benchHuge } from "./huge.ts";
import { benchJobs } from "./jobs.ts";
import { benchLedger } from "./ledger.ts";
import { benchMemory } from "./memory.ts";
import { benchStartup } from "./startup.ts";
import { formatTable } from "./stats.ts";

const quick = process.env.BENCH_QUICK === "1";
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const log = (line: string) => process.stderr.write(`${line}\n`);

const only = process.env.BENCH_ONLY;
const sizes = quick ? [100, 1_000] : [1_000, 100_000];
if (!only || only === "ledger") await ledgerPart();
if (!only || only === "http") await httpPart();
if (!only || only === "startup") await startupPart();
if (!only || only === "memory") await memoryPart();
if (!only || only === "jobs") await jobsPart();
if (!only || only === "digest") await digestPart();
if (!only || only === "api") await apiPart();
if (!only || only === "crash") await crashPart();
if (!only || only === "huge") await hugePart();
if (!only || only === "charts") chartsPart();

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
    "\nSigned /claim through each app, sent from a load generator of its own (ms; ratios to the ack-only floor and to the bare app that also answers, at the same mode and concurrency). users: each sender waits for its answer before the next command; burst: the next goes as soon as the ack is in, so the reply measures how fast a backlog is worked through\n",
  );
  const ratio = (v: number) => (Number.isNaN(v) ? "" : v);
  console.log(
    formatTable(
      [
        "app",
        "measure",
        "mode",
        "concurrency",
        "p50 ms",
        "p99 ms",
        "p50 ×floor",
        "p99 ×floor",
        "p50 ×bare",
        "p99 ×bare",
      ],
      rows.map((r) => [
        r.app,
        r.measure,
        r.mode,
        r.concurrency,
        r.p50,
        r.p99,
        ratio(r.floor50),
        ratio(r.floor99),
        ratio(r.bare50),
        ratio(r.bare99),
      ]),
    ),
  );
}

async function startupPart() {
  const rows = await benchStartup({ runs: quick ? 1 : 3, idleMs: 5_000, log });
  console.log(
    '\nStart-up through `npm start` (median of the runs): time to "rangekeeper is running" as a ratio to npm starting a bare node, and the resident memory of the process tree at idle\n',
  );
  console.log(
    formatTable(
      ["start", "ready ms", "× bare", "RSS MB", "processes (last run)"],
      rows.map((r) => [r.what, Math.round(r.readyMs), r.readyRatio, Math.round(r.rssMB), r.processes]),
    ),
  );
}

async function memoryPart() {
  const rows = await benchMemory({
    live: quick ? 10_000 : 100_000,
    burst: 300,
    idleMs: 5_000,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });
  console.log(
    "\nResident memory of the bot's process (`npm start`), idle after start, then with a dataset of that many live ranges through a burst of signed /claim commands (50 at a time): the peak, and 5 s after the last answer; each backend with the settings npm start ships and with V8's defaults (V8_FLAGS= OPTIMIZE_FOR=speed). × PostgreSQL: the same point on PostgreSQL with the same settings; answers s: from the first command sent to the last answer; × V8 defaults: that time as a ratio to the same backend with V8's defaults; npm (a supervisor only) apart\n",
  );
  const n = (v: number) => (Number.isNaN(v) ? "" : v);
  console.log(
    formatTable(
      [
        "backend",
        "settings",
        "point",
        "bot RSS MB",
        "× PostgreSQL",
        "npm MB",
        "ack p50 ms",
        "ack p99 ms",
        "answered",
        "answers s",
        "× V8 defaults",
      ],
      rows.map((r) => [
        r.backend,
        r.settings,
        r.point,
        Math.round(r.botMB),
        n(r.ratio),
        Number.isNaN(r.npmMB) ? "" : Math.round(r.npmMB),
        n(r.ackP50),
        n(r.ackP99),
        n(r.answered),
        Number.isNaN(r.answersMs) ? "" : (r.answersMs / 1000).toFixed(1),
        n(r.timeRatio),
      ]),
    ),
  );
}

async function apiPart() {
  const rows = await benchApi({ changes: quick ? 50 : 500, postgresUrl: pgUrl === "none" ? null : pgUrl, log });
  console.log(
    "\nProgress pushed through the HTTP API (changes per second; ratio: the same changes through the ledger core directly, in the same run, ÷ the API's)\n",
  );
  console.log(
    formatTable(
      ["backend", "what", "clients", "API /s", "core /s", "core ÷ API"],
      rows.map((r) => [
        r.backend,
        r.what,
        r.clients,
        Math.round(r.apiPerSecond),
        Math.round(r.corePerSecond),
        r.ratio.toFixed(2),
      ]),
    ),
  );
}

async function digestPart() {
  const rows = await benchDigest({
    datasets: quick ? 10 : 100,
    rangesPerDataset: quick ? 100 : 1_000,
    annotators: quick ? 100 : 1_000,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });
  console.log(
    "\nThe weekly digest over 100,000 ranges and 50,000 reviews in 100 datasets (ms; ratios to a full read of the Review table through the same driver in the same run)\n",
  );
  console.log(
    formatTable(
      ["backend", "what", "ms", "×base", "detail"],
      rows.map((r) => [r.backend, r.what, Math.round(r.ms), r.ratio.toFixed(1), r.detail]),
    ),
  );
}

async function jobsPart() {
  const rows = await benchJobs({
    datasets: quick ? 10 : 100,
    rangesPerDataset: quick ? 100 : 1_000,
    annotators: quick ? 100 : 1_000,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });
  console.log(
    "\nScheduled jobs over the whole ledger (one run each; ratios to a plain full read of the Assignment table through the same driver)\n",
  );
  console.log(
    formatTable(
      ["backend", "what", "ms", "× full read", "detail"],
      rows.map((r) => [r.backend, r.what, Math.round(r.ms), r.ratio, r.detail]),
    ),
  );
}

async function crashPart() {
  const rows = await benchCrash({
    rounds: quick ? 1 : 3,
    burst: 200,
    postgresUrl: pgUrl === "none" ? null : pgUrl,
    log,
  });
  console.log(
    "\nSIGKILL during a burst of signed /claim (embedded: restarted on the same data; PostgreSQL: two bots on one database, the survivor finishes alone). Acked commands never answered, answered twice, or claiming a range twice must all be 0\n",
  );
  console.log(
    formatTable(
      [
        "backend",
        "round",
        "killed after acks",
        "sent",
        "acked",
        "unanswered",
        "answered twice",
        "range twice",
        "last answer ms",
      ],
      rows.map((r) => [
        r.backend,
        r.round,
        r.killedAt,
        r.sent,
        r.acked,
        r.unanswered,
        r.doubled,
        r.sameRangeTwice,
        r.lastAnswerMs,
      ]),
    ),
  );
}

async function hugePart() {
  const rows = await benchHuge({ samples: quick ? 2 : 3, postgresUrl: pgUrl === "none" ? null : pgUrl, log });
  console.log(
    "\nEvery command on a dataset of 10,000,000 items in ranges of 1,000,000, through the app (ms from sending to the answer; ratio to the same command on a dataset of 900 items in ranges of 100, same app, same run; the slowest as a share of Slack's 3 s)\n",
  );
  console.log(
    formatTable(
      ["backend", "command", "p50 ms", "max ms", "small p50 ms", "p50 ×small", "max / 3 s"],
      rows.map((r) => [
        r.backend,
        r.command,
        Math.round(r.p50),
        Math.round(r.max),
        Math.round(r.small50),
        r.ratio,
        r.ofSlack,
      ]),
    ),
  );
}

function chartsPart() {
  const times = benchChartTimes({ samples: quick ? 20 : 100, log });
  console.log(
    "\nThe digest's chart images, 800×400 (ms per image, warm; ratio to resvg turning a blank SVG of that size into a PNG, same run)\n",
  );
  console.log(
    formatTable(
      ["chart", "p50 ms", "p99 ms", "p50 ×blank"],
      times.map((r) => [r.what, r.p50, r.p99, r.ratio50]),
    ),
  );
  const memory = benchChartMemory();
  console.log(
    `\nThe chart module in a fresh process: import ${Math.round(memory.importMs)} ms, first image ${Math.round(memory.firstMs)} ms; memory at each stage\n`,
  );
  console.log(
    formatTable(
      ["stage", "RSS MB", "heap MB"],
      memory.rows.map((r) => [r.stage, r.rssMB, r.heapMB]),
    ),
  );
}
