/**
 * The HTTP round trip of a signed `/claim <dataset> next 1` through the real
 * app (Bolt, the ledger on embedded PGlite), against a bare Bolt app in the
 * same run that only acks the command and answers "ok" on its response_url.
 * Both run against the local Slack stand-in, which signs the requests and
 * receives the replies. Measured: the ack (HTTP response to Slack, which
 * Slack wants within 3 s) and the reply (the answer reaching response_url).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { withScratchDatabase } from "./ledger.ts";
import { percentile, type Row } from "./stats.ts";

const TEAM = "T0BENCHHTTP";
const USERS = Array.from({ length: 50 }, (_, i) => ({
  id: `U0BENCH${i}`,
  name: `user${i}`,
  real_name: `User ${i}`,
  tz: "UTC",
}));

export interface HttpBenchOptions {
  concurrency: number[];
  /** also measure the app on PostgreSQL (a scratch database on this server) */
  postgresUrl: string | null;
  /** requests per concurrency level */
  requests: number;
  log: (line: string) => void;
}

interface Sample {
  ack: number;
  reply: number;
}

/** Sends `total` commands keeping `concurrency` in flight; returns per-request timings. */
async function drive(slack: Standin, text: string, total: number, concurrency: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  async function worker(w: number) {
    while (next < total) {
      const i = next++;
      const user = slack.as(USERS[(w + i) % USERS.length]!.id);
      const t0 = performance.now();
      const res = await user.command("/claim", text);
      const ack = performance.now() - t0;
      if (res.status !== 200) throw new Error(`command answered HTTP ${res.status}: ${res.body}`);
      const reply = await res.reply({ timeoutMs: 30_000 });
      if (!/A\d+|ok/.test(reply.text ?? "")) throw new Error(`unexpected reply: ${reply.text}`);
      samples.push({ ack, reply: performance.now() - t0 });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return samples;
}

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => r(p));
    });
  });
}

/**
 * Runs an app in a process of its own (as in production: Slack is another
 * machine, so the driver must not share the app's event loop), points the
 * stand-in at it, runs `fn`, then stops it.
 */
async function withAppProcess(
  slack: Standin,
  script: string,
  env: Record<string, string>,
  fn: () => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "rk-bench-"));
  const child = spawn(process.execPath, [resolve(script)], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  try {
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (!out.includes("rangekeeper is running")) return;
        clearInterval(t);
        res();
      }, 50);
      void exited.then((code) => {
        clearInterval(t);
        rej(new Error(`${script} exited ${code}: ${out}`));
      });
    });
    slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
    await fn();
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}

export async function benchHttp(o: HttpBenchOptions): Promise<Row[]> {
  const slack = await startStandin({ teamId: TEAM, users: USERS, signingSecret: "0123456789abcdef0123456789abcdef" });
  const rows: Row[] = [];
  const results = new Map<string, Map<number, Sample[]>>();
  const measure = async (name: string) => {
    const byC = new Map<number, Sample[]>();
    await drive(slack, "bench next 1", 50, 5); // warm-up: JIT, user cache, connections
    for (const c of o.concurrency) {
      byC.set(c, await drive(slack, "bench next 1", o.requests, c));
      o.log(`${name}: ${o.requests} /claim at concurrency ${c} done`);
    }
    results.set(name, byC);
  };
  try {
    await withAppProcess(slack, "bench/bare-app.ts", {}, () => measure("bare Bolt"));
    // The real app on its embedded database (a fresh one in a scratch directory).
    const real = (name: string, env: Record<string, string>) =>
      withAppProcess(slack, "src/start.mjs", { LEDGER_ADMINS: USERS[0]!.id, ...env }, async () => {
        const added = await (
          await slack.as(USERS[0]!.id).command("/ledger", "dataset add bench 10000000 Benchmark")
        ).reply();
        if (!/Added dataset/.test(added.text ?? "")) throw new Error(`could not add the dataset: ${added.text}`);
        await measure(name);
      });
    await real("rangekeeper PGlite", {});
    if (o.postgresUrl) {
      await withScratchDatabase(o.postgresUrl, async (url) => {
        const db = await openDatabase({ kind: "postgres", url });
        await applyMigrations(db);
        await db.close();
        await real("rangekeeper PostgreSQL", { DATABASE_URL: url });
      });
    }
  } finally {
    await slack.close();
  }
  const bare = results.get("bare Bolt")!;
  for (const [name, byC] of results) {
    for (const [c, samples] of byC) {
      const base = bare.get(c)!;
      for (const what of ["ack", "reply"] as const) {
        const v = samples.map((s) => s[what]);
        const b = base.map((s) => s[what]);
        const p50 = percentile(v, 50);
        const p99 = percentile(v, 99);
        rows.push({
          backend: name,
          op: `/claim ${what}`,
          live: c,
          p50,
          p99,
          r50: p50 / percentile(b, 50),
          r99: p99 / percentile(b, 99),
        });
      }
    }
  }
  return rows;
}
