/**
 * Resident memory of the bot as operators run it (`npm start`, so with the
 * memory settings of its start script), on the embedded database and on
 * PostgreSQL in the same run: idle a few seconds after start, then with a
 * dataset of 100,000 live ranges through a burst of 300 signed `/claim`
 * commands (the peak while they are worked through, and a few seconds after
 * the last answer). The figures are the bot's own process; npm, which only
 * waits for it, is given apart. Each backend runs twice: with the settings
 * `npm start` ships (its V8 flags, OPTIMIZE_FOR's default for the backend) and
 * with V8's defaults (`V8_FLAGS=` and `OPTIMIZE_FOR=speed`), so the memory
 * saved and what it costs in time are seen side by side. Ratios: memory to
 * PostgreSQL at the same point with the same settings; the burst's time to
 * the same backend with V8's defaults.
 */
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { startStandin } from "@rangekeeper/slack-standin";
import { Ledger } from "../src/core/ledger/index.ts";
import { type DatabaseTarget, DEFAULT_PGLITE_DIR, openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { Store } from "../src/db/store.ts";
import { BotProcesses, freePort, standinEnv } from "../test/support/bot-process.ts";
import { populate, RANGE, withScratchDatabase } from "./ledger.ts";
import { runLoad } from "./load-worker.ts";
import { percentile } from "./stats.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADMIN = "U0MEMADMIN";
const CLAIMERS = 10;

export interface MemoryBenchOptions {
  /** live ranges in the dataset the burst claims from */
  live: number;
  /** signed /claim commands in the burst */
  burst: number;
  /** how long the bot idles before a reading */
  idleMs: number;
  /** PostgreSQL server (a database of the bench's own is made on it), or null */
  postgresUrl: string | null;
  log: (line: string) => void;
}

/** The settings a backend runs with: a name and the environment they add. */
export interface MemorySettings {
  name: string;
  env: Record<string, string>;
}

export const SHIPPED: MemorySettings = { name: "as shipped", env: {} };
export const V8_DEFAULTS: MemorySettings = { name: "V8 defaults", env: { V8_FLAGS: "", OPTIMIZE_FOR: "speed" } };

export interface MemoryRow {
  backend: string;
  settings: string;
  point: string;
  /** the bot's process, MB */
  botMB: number;
  /** the same point on PostgreSQL (NaN without it) */
  ratio: number;
  /** npm's own process, MB (NaN where not read) */
  npmMB: number;
  /** the burst's acks and answers (NaN outside the burst) */
  ackP50: number;
  ackP99: number;
  answered: number;
  /** from the first command sent to the last answer received, ms (NaN outside the burst) */
  answersMs: number;
  /** answersMs as a ratio to the same backend with V8's defaults (NaN outside the burst) */
  timeRatio: number;
}

/** Resident memory of a process, MB (0 once it is gone). */
async function rssMB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Fills the database at `target` with a dataset of `live` ranges of workspace `teamId`, then closes it. */
async function seed(target: DatabaseTarget, teamId: string, live: number): Promise<void> {
  const db = await openDatabase(target);
  try {
    await applyMigrations(db);
    const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: [ADMIN] });
    // Room after the live ranges for every claim of the burst.
    const { dataset } = await ledger.createDataset(
      { teamId, userId: ADMIN },
      { slug: "mem", itemCount: live * RANGE * 2 + 1_000_000 },
    );
    await populate(db, dataset.id, live, teamId);
  } finally {
    await db.close();
  }
}

async function measureBackend(
  backend: string,
  target: (dir: string) => DatabaseTarget,
  env: Record<string, string>,
  o: MemoryBenchOptions,
  settings: MemorySettings,
): Promise<Omit<MemoryRow, "ratio" | "timeRatio">[]> {
  const users = [{ id: ADMIN, name: "ada", real_name: "Ada Admin", tz: "UTC" }];
  for (let i = 0; i < CLAIMERS; i++)
    users.push({ id: `U0MEM${i}`, name: `m${i}`, real_name: `Claimer ${i}`, tz: "UTC" });
  const slack = await startStandin({ signingSecret: "0123456789abcdef0123456789abcdef", users });
  const bots = new BotProcesses();
  const dir = bots.projectDir();
  try {
    const t0 = performance.now();
    await seed(target(dir), slack.teamId, o.live);
    o.log(
      `memory ${backend}: ${o.live.toLocaleString("en-US")} ranges seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const port = await freePort();
    const bot = bots.run(
      {
        ...standinEnv(slack, port),
        LEDGER_ADMINS: ADMIN,
        DEFAULT_CAPACITY: "100000000",
        ...env,
        ...settings.env,
      },
      dir,
    );
    const pid = await bot.ready;
    const url = `http://127.0.0.1:${port}/slack/events`;
    slack.setRequestUrl(url);
    await sleep(o.idleMs);
    const rows: Omit<MemoryRow, "ratio" | "timeRatio">[] = [];
    const none = { ackP50: Number.NaN, ackP99: Number.NaN, answered: Number.NaN, answersMs: Number.NaN };
    rows.push({
      backend,
      settings: settings.name,
      point: "idle after start",
      botMB: await rssMB(pid),
      npmMB: await rssMB(bot.child.pid!),
      ...none,
    });

    const commands = Array.from({ length: o.burst }, (_, i) =>
      slack.as(`U0MEM${i % CLAIMERS}`).preparedCommand("/claim", `mem next ${RANGE}`),
    );
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssMB(pid));
        await sleep(20);
      }
    })();
    const sent = performance.now();
    const samples = await runLoad({
      url,
      signingSecret: slack.signingSecret,
      bodies: commands.map((c) => c.body),
      concurrency: 50,
    });
    const answered = () => commands.filter((c) => c.replies().some((r) => /\bA\d+\b/.test(r.text ?? ""))).length;
    const deadline = Date.now() + 180_000;
    while (answered() < o.burst && Date.now() < deadline) await sleep(20);
    const answersMs = performance.now() - sent;
    sampling = false;
    await sampler;
    const acks = samples.filter((s) => s.status === 200).map((s) => s.ackMs);
    const burst = { ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), answered: answered(), answersMs };
    rows.push({
      backend,
      settings: settings.name,
      point: `burst of ${o.burst} claims, peak`,
      botMB: peak,
      npmMB: Number.NaN,
      ...burst,
    });
    await sleep(o.idleMs);
    rows.push({
      backend,
      settings: settings.name,
      point: "after the burst",
      botMB: await rssMB(pid),
      npmMB: await rssMB(bot.child.pid!),
      ...none,
    });
    o.log(
      `memory ${backend}, ${settings.name}: ${burst.answered} of ${o.burst} claims answered in ${(answersMs / 1000).toFixed(1)} s`,
    );
    bot.child.kill("SIGTERM");
    await bot.exited;
    return rows;
  } finally {
    bots.killAll();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMemory(o: MemoryBenchOptions): Promise<MemoryRow[]> {
  // Measured in the order the table shows them: each backend with both settings.
  const all: Omit<MemoryRow, "ratio" | "timeRatio">[] = [];
  for (const settings of [SHIPPED, V8_DEFAULTS])
    all.push(
      ...(await measureBackend(
        "PGlite",
        (dir) => ({ kind: "pglite", dataDir: join(dir, DEFAULT_PGLITE_DIR) }),
        {},
        o,
        settings,
      )),
    );
  if (o.postgresUrl) {
    const server = o.postgresUrl;
    for (const settings of [SHIPPED, V8_DEFAULTS])
      all.push(
        ...(await withScratchDatabase(server, (url) =>
          measureBackend("PostgreSQL", () => ({ kind: "postgres", url }), { DATABASE_URL: url }, o, settings),
        )),
      );
  }
  return all.map((r) => {
    const pg = all.find((p) => p.backend === "PostgreSQL" && p.settings === r.settings && p.point === r.point);
    const v8 = all.find((p) => p.backend === r.backend && p.settings === V8_DEFAULTS.name && p.point === r.point);
    return {
      ...r,
      ratio: pg ? r.botMB / pg.botMB : Number.NaN,
      timeRatio: v8 ? r.answersMs / v8.answersMs : Number.NaN,
    };
  });
}
