/**
 * Acknowledged work after a crash: the real bot (`npm start`) gets a burst of
 * signed `/claim` commands and one process is killed with SIGKILL at a random
 * number of acks. Embedded database: the bot is started again on the same
 * data. PostgreSQL: two bots share one database, half the burst each, and the
 * survivor finishes what the killed one acked. Reported: commands acked,
 * acked ones never answered (must be 0), answered twice (must be 0), ranges
 * claimed twice (must be 0), and how long until the last acked one was answered.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { type PreparedCommand, type Standin, signRequest, startStandin } from "@rangekeeper/slack-standin";
import pg from "pg";
import { BotProcesses, freePort } from "../test/support/bot-process.ts";

const REPO = resolve(".");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CrashOptions {
  /** rounds (kills) per backend */
  rounds: number;
  /** commands per burst */
  burst: number;
  /** PostgreSQL server (a database of the bench's own is created on it), or null */
  postgresUrl: string | null;
  log: (line: string) => void;
}

export interface CrashRow {
  backend: string;
  round: number;
  killedAt: number;
  sent: number;
  acked: number;
  unanswered: number;
  doubled: number;
  sameRangeTwice: number;
  lastAnswerMs: number;
}

interface Bot {
  child: ChildProcess;
  pid: number;
  url: string;
  exited: Promise<unknown>;
}

/** `npm start` in `cwd` on a free port, once it says it runs. */
async function startBot(bots: BotProcesses, cwd: string, env: Record<string, string>): Promise<Bot> {
  const port = await freePort();
  const r = bots.run({ ...env, PORT: String(port) }, cwd);
  return { child: r.child, pid: await r.ready, url: `http://127.0.0.1:${port}/slack/events`, exited: r.exited };
}

function stopBot(bot: Bot): Promise<unknown> {
  try {
    process.kill(-bot.child.pid!, "SIGTERM");
  } catch {
    // already gone
  }
  return bot.exited;
}

/** Sends prepared commands at once, each to the bot `target(i)` names; `onAck(n)` after the n-th ack. */
async function burst(
  slack: Standin,
  commands: PreparedCommand[],
  target: (i: number) => Bot,
  onAck: (n: number) => void,
): Promise<boolean[]> {
  let acked = 0;
  return Promise.all(
    commands.map(async (c, i) => {
      const ts = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(target(i).url, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": String(ts),
            "x-slack-signature": signRequest(slack.signingSecret, ts, c.body),
          },
          body: c.body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) return false;
        onAck(++acked);
        return true;
      } catch {
        return false; // the connection died with the process: never acked
      }
    }),
  );
}

/** Waits (up to 2 minutes) until every acked command has an answer; returns the round's figures. */
async function outcome(commands: PreparedCommand[], acked: boolean[], since: number) {
  const answers = (c: PreparedCommand) => c.replies().filter((r) => !r.error);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && commands.some((c, i) => acked[i] && answers(c).length === 0)) await sleep(100);
  const lastAnswerMs = Date.now() - since;
  const refs = new Map<string, number>();
  let unanswered = 0;
  let doubled = 0;
  commands.forEach((c, i) => {
    const a = answers(c);
    if (acked[i] && a.length === 0) unanswered++;
    // A reply sent again after a crash replaces the one Slack may show already: messages shown count, not posts.
    if (new Set(a.map((r) => r.message?.ts)).size > 1) doubled++;
    for (const r of a.slice(0, 1)) {
      const ref = /\bA\d+\b/.exec(r.text ?? "")?.[0];
      if (ref) refs.set(ref, (refs.get(ref) ?? 0) + 1);
    }
  });
  const sameRangeTwice = [...refs.values()].filter((n) => n > 1).length;
  return { acked: acked.filter(Boolean).length, unanswered, doubled, sameRangeTwice, lastAnswerMs };
}

/** A database of the bench's own on the server, migrated; dropped by the returned function. */
async function freshPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rk_bench_crash_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await new Promise<void>((res, rej) => {
    const m = spawn("npm", ["run", "--silent", "db:migrate"], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: url },
      stdio: "ignore",
    });
    m.on("close", (code) => (code === 0 ? res() : rej(new Error(`db:migrate exited ${code}`))));
  });
  return {
    url,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function benchCrash(o: CrashOptions): Promise<CrashRow[]> {
  const rows: CrashRow[] = [];
  const users = [{ id: "U0ADMIN1", name: "ada", real_name: "Ada Admin", tz: "UTC" }];
  for (let i = 0; i < 10; i++) users.push({ id: `U0CLAIM${i}`, name: `c${i}`, real_name: `Claimer ${i}`, tz: "UTC" });
  const backends: ("pglite" | "postgresql")[] = o.postgresUrl ? ["pglite", "postgresql"] : ["pglite"];
  for (const backend of backends) {
    const slack = await startStandin({ signingSecret: "0123456789abcdef0123456789abcdef", users });
    const processes = new BotProcesses();
    const dir = processes.projectDir();
    const db = backend === "postgresql" ? await freshPostgres(o.postgresUrl!) : null;
    const env: Record<string, string> = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      LEDGER_ADMINS: "U0ADMIN1",
      DEFAULT_CAPACITY: "1000000",
      LOG_LEVEL: "info",
      ...(db ? { DATABASE_URL: db.url } : {}),
    };
    let bots: Bot[] = [];
    try {
      bots = db
        ? [await startBot(processes, dir, env), await startBot(processes, dir, env)]
        : [await startBot(processes, dir, env)];
      slack.setRequestUrl(bots[0]!.url);
      const added = await slack.as("U0ADMIN1").command("/ledger", "dataset add cats 10000000 Cats");
      await added.reply({ timeoutMs: 30_000 });
      for (let round = 1; round <= o.rounds; round++) {
        const commands = Array.from({ length: o.burst }, (_, i) =>
          slack.as(`U0CLAIM${i % 10}`).preparedCommand("/claim", "cats next 1"),
        );
        const victim = bots[0]!;
        const killedAt = 1 + Math.floor(Math.random() * (o.burst - 1));
        // PostgreSQL: every other command to each bot; embedded: all to the one bot.
        const acked = await burst(
          slack,
          commands,
          (i) => bots[i % bots.length]!,
          (n) => {
            if (n === killedAt) process.kill(victim.pid, "SIGKILL");
          },
        );
        await victim.exited;
        const since = Date.now();
        // Embedded: the next start finishes the work. PostgreSQL: the surviving bot does, on its own;
        // a replacement joins it for the next round only after.
        let r: Awaited<ReturnType<typeof outcome>>;
        if (db) {
          r = await outcome(commands, acked, since);
          bots = [bots[1]!, await startBot(processes, dir, env)];
        } else {
          bots = [await startBot(processes, dir, env)];
          r = await outcome(commands, acked, since);
        }
        rows.push({ backend, round, killedAt, sent: o.burst, ...r });
        o.log(
          `crash ${backend} round ${round}: killed after ${killedAt} acks; ${r.acked} acked, ${r.unanswered} unanswered, ${r.doubled} answered twice`,
        );
      }
    } finally {
      await Promise.all(bots.map(stopBot));
      await slack.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
