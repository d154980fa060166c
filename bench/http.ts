/**
 * The HTTP round trip of a signed `/claim <dataset> next 1` through the real
 * app (Bolt, the ledger on embedded PGlite and on PostgreSQL), against two
 * Bolt apps of the same run: one that only acks (the framework's floor) and
 * one that acks and answers "ok" on the response_url (a bare app doing the
 * least an answering bot does). Every app runs in a process of its own; the
 * requests are signed and sent from a thread of their own (the load
 * generator), and the local Slack stand-in receives the replies on this one.
 * Measured: the ack (the HTTP response, which Slack wants within 3 s) and
 * the reply (the answer reaching response_url).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { BotProcesses, freePort, standinEnv } from "../test/support/bot-process.ts";
import { withScratchDatabase } from "./ledger.ts";
import { runLoad } from "./load-worker.ts";
import { percentile } from "./stats.ts";

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
  /** the answer reaching response_url; NaN for the floor, which answers nothing */
  reply: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Sends `total` signed `/claim <text>` from the load generator's own thread,
 * keeping `concurrency` in flight, while this thread's stand-in receives the
 * replies; returns per-request timings.
 */
async function drive(
  slack: Standin,
  url: string,
  text: string,
  total: number,
  concurrency: number,
  o: { replies: boolean; mode: Mode },
): Promise<Sample[]> {
  const { replies } = o;
  const prepared = Array.from({ length: total }, (_, i) =>
    slack.as(USERS[i % USERS.length]!.id).preparedCommand("/claim", text),
  );
  const ids = prepared.map((p) => p.responseUrl.slice(p.responseUrl.lastIndexOf("/") + 1));
  const index = new Map(ids.map((id, i) => [id, i]));
  const replied = o.mode === "users" && replies ? new SharedArrayBuffer(4 * total) : undefined;
  const flags = replied ? new Int32Array(replied) : null;
  const arrivals = new Map<string, number>();
  const onResponse = (record: { id: string }) => {
    if (arrivals.has(record.id)) return;
    arrivals.set(record.id, now());
    const i = index.get(record.id);
    if (flags && i !== undefined) {
      Atomics.store(flags, i, 1);
      Atomics.notify(flags, i);
    }
  };
  slack.workspace.on("response", onResponse);
  try {
    const acks = await runLoad({
      url,
      signingSecret: slack.signingSecret,
      bodies: prepared.map((p) => p.body),
      concurrency,
      ...(replied ? { replied } : {}),
    });
    for (const a of acks) if (a.status !== 200) throw new Error(`command answered HTTP ${a.status}: ${a.body}`);
    if (!replies) return acks.map((a) => ({ ack: a.ackMs, reply: Number.NaN }));
    const deadline = Date.now() + 30_000;
    while (ids.some((id) => !arrivals.has(id))) {
      if (Date.now() > deadline)
        throw new Error(`${ids.filter((id) => !arrivals.has(id)).length} of ${total} replies never came`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return acks.map((a, i) => {
      const reply = prepared[i]!.replies()[0];
      if (!/A\d+|ok/.test(reply?.text ?? "")) throw new Error(`unexpected reply: ${reply?.text}`);
      return { ack: a.ackMs, reply: arrivals.get(ids[i]!)! - a.sentAt };
    });
  } finally {
    slack.workspace.off("response", onResponse);
  }
}

/**
 * Runs an app in a process of its own (as in production: Slack is another
 * machine, so the driver must not share the app's event loop), points the
 * stand-in at it, runs `fn`, then stops it.
 */
export async function withAppProcess(
  slack: Standin,
  script: string,
  env: Record<string, string>,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "rk-bench-"));
  const child = spawn(process.execPath, [resolve(script)], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...standinEnv(slack, port),
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
    const url = `http://127.0.0.1:${port}/slack/events`;
    slack.setRequestUrl(url);
    await fn(url);
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The real bot through `npm start` in a directory of its own, pointed at by the stand-in while `fn` runs. */
async function withBotProcess(
  slack: Standin,
  env: Record<string, string>,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const bots = new BotProcesses();
  const cwd = bots.projectDir();
  try {
    const port = await freePort();
    const bot = bots.run({ ...standinEnv(slack, port), ...env }, cwd);
    await bot.ready;
    const url = `http://127.0.0.1:${port}/slack/events`;
    slack.setRequestUrl(url);
    await fn(url);
    bot.child.kill("SIGTERM");
    await bot.exited;
  } finally {
    bots.killAll();
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * "users": each of the concurrent senders waits for its command's answer
 * before the next (people typing); "burst": the next command goes as soon as
 * the ack is in (what a load generator such as autocannon does), so the app
 * builds a backlog and the reply measures how fast it works through it.
 */
export type Mode = "users" | "burst";

export interface HttpRow {
  mode: Mode;
  app: string;
  measure: "ack" | "reply";
  concurrency: number;
  p50: number;
  p99: number;
  /** ratios to the ack-only floor (acks only) */
  floor50: number;
  floor99: number;
  /** ratios to the bare app that acks and answers */
  bare50: number;
  bare99: number;
}

const FLOOR = "Bolt, ack only (floor)";
const BARE = "Bolt, ack + answer (bare)";

export async function benchHttp(o: HttpBenchOptions): Promise<HttpRow[]> {
  const slack = await startStandin({ teamId: TEAM, users: USERS, signingSecret: "0123456789abcdef0123456789abcdef" });
  const results = new Map<string, Map<string, Sample[]>>();
  const level = (mode: Mode, c: number) => `${mode} ${c}`;
  const measure = async (name: string, url: string, replies = true) => {
    const byLevel = new Map<string, Sample[]>();
    await drive(slack, url, "bench next 1", 50, 5, { replies, mode: "users" }); // warm-up: JIT, user cache, connections
    for (const mode of ["users", "burst"] as const) {
      for (const c of o.concurrency) {
        byLevel.set(level(mode, c), await drive(slack, url, "bench next 1", o.requests, c, { replies, mode }));
        o.log(`${name}: ${o.requests} /claim, ${mode} at concurrency ${c} done`);
      }
    }
    results.set(name, byLevel);
  };
  try {
    await withAppProcess(slack, "bench/floor-app.ts", {}, (url) => measure(FLOOR, url, false));
    await withAppProcess(slack, "bench/bare-app.ts", {}, (url) => measure(BARE, url));
    // The real app as operators run it (`npm start`, with its memory settings), on a fresh embedded database.
    const real = (name: string, env: Record<string, string>) =>
      withBotProcess(slack, { LEDGER_ADMINS: USERS[0]!.id, ...env }, async (url) => {
        const added = await (
          await slack.as(USERS[0]!.id).command("/ledger", "dataset add bench 10000000 Benchmark")
        ).reply();
        if (!/Added dataset/.test(added.text ?? "")) throw new Error(`could not add the dataset: ${added.text}`);
        await measure(name, url);
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
  const rows: HttpRow[] = [];
  const p = (samples: Sample[] | undefined, what: "ack" | "reply", q: number) =>
    samples
      ? percentile(
          samples.map((s) => s[what]).filter((v) => !Number.isNaN(v)),
          q,
        )
      : Number.NaN;
  for (const mode of ["users", "burst"] as const) {
    for (const [app, byLevel] of results) {
      for (const c of o.concurrency) {
        const samples = byLevel.get(level(mode, c))!;
        for (const what of ["ack", "reply"] as const) {
          if (app === FLOOR && what === "reply") continue;
          const p50 = p(samples, what, 50);
          const p99 = p(samples, what, 99);
          const floor = results.get(FLOOR)!.get(level(mode, c));
          const bare = results.get(BARE)!.get(level(mode, c));
          rows.push({
            mode,
            app,
            measure: what,
            concurrency: c,
            p50,
            p99,
            floor50: what === "ack" ? p50 / p(floor, "ack", 50) : Number.NaN,
            floor99: what === "ack" ? p99 / p(floor, "ack", 99) : Number.NaN,
            bare50: p50 / p(bare, what, 50),
            bare99: p99 / p(bare, what, 99),
          });
        }
      }
    }
  }
  return rows;
}
