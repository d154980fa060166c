/**
 * The production entry point as a real process, started the way the README
 * says (`npm start`) from a directory of its own: configuration errors stop
 * it with one line per problem; it starts on the embedded database, answers
 * Slack through the stand-in, serves /healthz and /metrics, keeps its ledger
 * across a restart, and stops cleanly when npm or the bot gets SIGTERM or
 * SIGINT, leaving no process behind.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive, BotProcesses, freePort } from "../support/bot-process.ts";
import { testServerUrl } from "../support/db.ts";

/** The first requests after a start warm everything up; on a loaded machine they may take longer than the stand-in's default wait. */
const FIRST_REPLIES = { timeoutMs: 30_000 };

const REPO = resolve(".");

/** A process's arguments, from /proc (Linux). */
const commandLine = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);

/** A process's environment as it started, from /proc (Linux). */
const environment = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );

let slack: Standin;
const bots = new BotProcesses();
const run = (env: Record<string, string>, cwd = dir) => bots.run(env, cwd);
let dir: string;

beforeAll(async () => {
  slack = await startStandin({
    signingSecret: "0123456789abcdef0123456789abcdef",
    users: [{ id: "U0ADMIN1", name: "ada", real_name: "Ada Admin", tz: "Europe/Berlin" }],
  });
  dir = bots.projectDir(); // so ./data is the test's
});
afterAll(async () => {
  bots.killAll();
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("refuses a bad configuration with one line per problem and exit code 2", async () => {
    const r = run({ SLACK_BOT_TOKEN: "not-a-token", DEFAULT_TIMEZONE: "Nowhere/Land" });
    expect(await r.exited).toBe(2);
    expect(r.output()).toContain("rangekeeper can't start; fix the configuration:");
    expect(r.output()).toContain("  - SLACK_BOT_TOKEN must be a bot token starting with xoxb-");
    expect(r.output()).toContain("  - DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Berlin");
    expect(r.output()).toContain("  - SLACK_SIGNING_SECRET is missing");
  });

  it("with nothing set and a bad log level, names every variable at once on its own line, then where they are described", async () => {
    const r = run({ LOG_LEVEL: "loud" });
    expect(await r.exited).toBe(2);
    expect(r.output().trim().split("\n")).toEqual([
      "rangekeeper can't start; fix the configuration:",
      "  - SLACK_BOT_TOKEN is missing: the bot token (xoxb-…) from OAuth & Permissions",
      "  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      "  - SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
      "Every variable is described in README.md, section Configuration.",
    ]);
  });

  it("a token Slack refuses ends start-up with one line naming the variable and Slack's answer, and exit code 2", async () => {
    slack.failNext("auth.test", { error: "invalid_auth" });
    const r = run({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await freePort()),
    });
    expect(await r.exited).toBe(2);
    expect(r.output().trim().split("\n")).toEqual([
      "SLACK_BOT_TOKEN was refused by Slack (auth.test answered invalid_auth); check the token and start again",
    ]);
  });

  it("an unreachable Slack is logged with the URL and method and tried again, while /healthz answers and says not ready", {
    timeout: 180_000,
  }, async () => {
    const own = bots.projectDir();
    try {
      const nobody = await freePort(); // nothing listens there
      const port = await freePort();
      const r = run(
        {
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_API_URL: `http://127.0.0.1:${nobody}/api/`,
          PORT: String(port),
          LOG_LEVEL: "info",
        },
        own,
      );
      await r.ready;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", ready: false, database: "ok", slack: "unreachable" });
      const unreachable = () =>
        r
          .output()
          .split("\n")
          .filter((l) => l.includes("Slack could not be reached"));
      expect(unreachable()[0]).toContain(`"url":"http://127.0.0.1:${nobody}/api/auth.test","method":"auth.test"`);
      // Tried again in the background.
      await expect.poll(() => unreachable().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      r.child.kill("SIGTERM");
      expect(await r.exited).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  // Two real starts, the first on a fresh data directory: minutes on a loaded machine, not seconds.
  it("serves Slack on the embedded database, keeps the ledger across a restart, and stops cleanly on SIGTERM or SIGINT to npm", {
    timeout: 180_000,
  }, async () => {
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      LEDGER_ADMINS: "U0ADMIN1",
      LOG_LEVEL: "info",
    };
    const first = run(env);
    const firstPid = await first.ready;
    expect(firstPid).not.toBe(first.child.pid); // npm runs the bot
    // With the start script's memory settings (README, Memory): glibc gives freed memory back, V8's young
    // generation is small, and on the embedded database the heap favours memory.
    expect(environment(firstPid).MALLOC_TRIM_THRESHOLD_).toBe("131072");
    expect(commandLine(firstPid)).toEqual(["node", "--max-semi-space-size=1", "src/start.mjs"]);
    expect(first.output()).toMatch(/"optimizeFor":"memory".*"msg":"rangekeeper is running"/);
    expect(first.output()).toMatch(/embedded database ready/);
    slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", ready: true, database: "ok", slack: "ok" });
    const ada = slack.as("U0ADMIN1");
    const added = await (await ada.command("/ledger", "dataset add cats 500 Cat photos")).reply(FIRST_REPLIES);
    expect(added.text).toContain("Added dataset *cats*");
    const claimed = await (await ada.command("/claim", "cats 1-50")).reply(FIRST_REPLIES);
    expect(claimed.text).toContain("A1");
    // The counter moves when the listener returns, just after its reply went out.
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
      .toMatch(/rangekeeper_requests_total\{kind="command",name="\/claim",outcome="ok"\} 1/);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
      /^rangekeeper_process_resident_memory_bytes [1-9]\d{6,}$/m,
    );
    // SIGTERM to npm reaches the bot, which stops cleanly; nothing is left running.
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/"msg":"shutting down"/);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    expect(alive(firstPid)).toBe(false);

    // An operator's own values replace them.
    const second = run({
      ...env,
      MALLOC_TRIM_THRESHOLD_: "1048576",
      V8_FLAGS: "--max-semi-space-size=8",
      OPTIMIZE_FOR: "speed",
    });
    const secondPid = await second.ready;
    expect(environment(secondPid).MALLOC_TRIM_THRESHOLD_).toBe("1048576");
    expect(commandLine(secondPid)).toEqual(["node", "--max-semi-space-size=8", "src/start.mjs"]);
    expect(second.output()).toMatch(/"optimizeFor":"speed".*"msg":"rangekeeper is running"/);
    expect(second.output()).toMatch(/"applied":\[\]/);
    const again = await (await ada.command("/claim", "cats 40-60")).reply(FIRST_REPLIES);
    expect(again.text).toMatch(/already held by you in A1/);
    // SIGINT (Ctrl-C on npm) too.
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/"signal":"SIGINT".*"msg":"shutting down"/);
    expect(alive(secondPid)).toBe(false);
  });

  it("stops cleanly when signalled while it starts, and starts again on the same data", {
    timeout: 180_000,
  }, async () => {
    const own = bots.projectDir();
    try {
      const env = {
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(await freePort()),
        LOG_LEVEL: "debug", // its "starting" line: signals are taken from then on
      };
      const interrupted = run(env, own);
      // Signalled once it takes signals, while the fresh embedded database is still being created.
      await interrupted.logged('"msg":"starting"');
      expect(interrupted.output()).not.toContain("rangekeeper is running");
      interrupted.child.kill("SIGTERM");
      expect(await interrupted.exited).toBe(0);
      expect(interrupted.output()).toMatch(/"msg":"shutting down"/);
      expect(interrupted.output()).toMatch(/"msg":"stopped"/);
      expect(interrupted.output()).not.toContain("rangekeeper is running");
      const again = run(env, own);
      await again.ready;
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it.skipIf(!testServerUrl())(
    "on a PostgreSQL database nobody migrated, names the missing migrations and what to run, in one line, exit code 2",
    async () => {
      const server = testServerUrl()!;
      const name = `rk_unmigrated_${process.pid}`;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(server);
        url.pathname = `/${name}`;
        const r = run({
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_API_URL: slack.apiUrl,
          PORT: String(await freePort()),
          DATABASE_URL: url.toString(),
        });
        expect(await r.exited).toBe(2);
        expect(r.output().trim().split("\n")).toEqual([
          expect.stringMatching(
            /^the PostgreSQL database \(DATABASE_URL\) lacks \d+ migrations \(\d{14}_\w+ to \d{14}_\w+\): run `npm run db:migrate` with the same DATABASE_URL, then start again$/,
          ),
        ]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );

  it("refuses to run on a Node.js older than the one it needs, in one line", async () => {
    // The machine's own Node.js (what runs npm) may be older; the entry point says so instead of failing on TypeScript.
    const asNode20 = "data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '20.20.2' })";
    const child = spawn(process.execPath, ["--import", asNode20, join(REPO, "src/start.mjs")], {
      env: { PATH: process.env.PATH ?? "" },
    });
    let out = "";
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(2);
    expect(out.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^rangekeeper needs Node\.js 24\.21 or later \(this is v20\.20\.2\); run it with `npm start`/,
      ),
    ]);
  });
});
