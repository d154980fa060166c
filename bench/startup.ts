/**
 * Start-up, as an operator sees it: `npm start` (the README's command) in a
 * directory of its own, against the local Slack stand-in. Measured: the time
 * from spawning npm to the bot's "rangekeeper is running" line, on a fresh
 * ./data (the embedded database is created and migrated) and on a warm one,
 * and the resident memory of every process of the tree a few seconds after,
 * when the bot is idle. Ratios are to a bare Node.js process that only
 * starts (`node -e 0` through npm), measured in the same run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startStandin } from "@rangekeeper/slack-standin";
import { freePort } from "../test/support/bot-process.ts";
import { percentile } from "./stats.ts";

const REPO = resolve(".");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StartupOptions {
  /** starts of each kind */
  runs: number;
  /** how long the bot idles before its memory is read */
  idleMs: number;
  log: (line: string) => void;
}

export interface StartupRow {
  what: string;
  readyMs: number;
  readyRatio: number;
  rssMB: number;
  processes: string;
}

/** The processes of a tree, from /proc (Linux). */
function processTree(root: number): { pid: number; command: string; rssKB: number }[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: { pid: number; command: string; rssKB: number }[] = [];
  const visit = (pid: number) => {
    try {
      const rssKB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      out.push({
        pid,
        command: argv
          .slice(0, 2)
          .join(" ")
          .replace(/^\S*\//, ""),
        rssKB,
      });
    } catch {
      return;
    }
    for (const [child, parent] of parents) if (parent === pid) visit(child);
  };
  visit(root);
  return out;
}

/** Spawns `npm <args>` in `cwd` until its output shows `ready`; returns the time it took and the tree's memory at idle. */
async function startOnce(cwd: string, args: string[], env: Record<string, string>, ready: string, idleMs: number) {
  const t0 = performance.now();
  const child: ChildProcess = spawn("npm", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  let readyAt: number | null = null;
  const onData = (c: Buffer) => {
    out += c.toString();
    if (readyAt === null && out.includes(ready)) readyAt = performance.now() - t0;
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<void>((r) => child.on("close", () => r()));
  while (readyAt === null && child.exitCode === null) await sleep(10);
  if (readyAt === null) throw new Error(`npm ${args.join(" ")} ended before it was ready:\n${out}`);
  await sleep(idleMs);
  const tree = processTree(child.pid!);
  try {
    process.kill(-child.pid!, "SIGTERM");
  } catch {
    // already gone
  }
  await exited;
  return { readyMs: readyAt as number, tree };
}

export async function benchStartup(o: StartupOptions): Promise<StartupRow[]> {
  const slack = await startStandin({ signingSecret: "0123456789abcdef0123456789abcdef" });
  const dir = mkdtempSync(join(tmpdir(), "rk-bench-start-"));
  try {
    // A project directory of its own (./data is the bench's): the package.json, the code, node_modules.
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };
    pkg.scripts.bare = "exec node -e \"console.log('ready')\"";
    writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
    copyFileSync(join(REPO, "package-lock.json"), join(dir, "package-lock.json"));
    for (const entry of ["src", "prisma", "node_modules"]) symlinkSync(join(REPO, entry), join(dir, entry));
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: "info",
    };
    const samples: Record<string, { readyMs: number; rssMB: number; processes: string }[]> = {};
    const record = (what: string, r: Awaited<ReturnType<typeof startOnce>>) => {
      const rssMB = r.tree.reduce((n, p) => n + p.rssKB, 0) / 1024;
      const processes = r.tree.map((p) => `${p.command} ${Math.round(p.rssKB / 1024)} MB`).join(" + ");
      (samples[what] ??= []).push({ readyMs: r.readyMs, rssMB, processes });
    };
    for (let i = 0; i < o.runs; i++) {
      record("bare node (npm run bare)", await startOnce(dir, ["run", "--silent", "bare"], env, "ready", 0));
      rmSync(join(dir, "data"), { recursive: true, force: true });
      record(
        "npm start, fresh ./data",
        await startOnce(dir, ["start", "--silent"], env, "rangekeeper is running", o.idleMs),
      );
      record(
        "npm start, warm ./data",
        await startOnce(dir, ["start", "--silent"], env, "rangekeeper is running", o.idleMs),
      );
      o.log(`startup: round ${i + 1} of ${o.runs} done`);
    }
    const median = (what: string, key: "readyMs" | "rssMB") =>
      percentile(
        samples[what]!.map((s) => s[key]),
        50,
      );
    const bare = median("bare node (npm run bare)", "readyMs");
    return Object.keys(samples).map((what) => ({
      what,
      readyMs: median(what, "readyMs"),
      readyRatio: median(what, "readyMs") / bare,
      rssMB: median(what, "rssMB"),
      processes: samples[what]!.at(-1)!.processes,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await slack.close();
  }
}
