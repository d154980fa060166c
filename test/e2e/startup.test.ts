/**
 * The production entry point as a real process: configuration errors stop it
 * with one line per problem; it starts on the embedded database, answers
 * Slack through the stand-in, serves /healthz and /metrics, keeps its ledger
 * across a restart and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandin, type Standin } from "@rangekeeper/slack-standin";

const MAIN = resolve("src/main.ts");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

let slack: Standin;
let dir: string;

beforeAll(async () => {
  slack = await startStandin({ signingSecret: "0123456789abcdef0123456789abcdef", users: [{ id: "U0ADMIN1", name: "ada", real_name: "Ada Admin", tz: "Europe/Berlin" }] });
  dir = mkdtempSync(join(tmpdir(), "rk-start-"));
});
afterAll(async () => {
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Running & { ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const port = Number(env.PORT ?? 3000);
  const ready = new Promise<void>((res, rej) => {
    const timer = setInterval(() => {
      if (out.includes("rangekeeper is running")) {
        clearInterval(timer);
        res();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      rej(new Error(`exited ${code} before it was ready:\n${out}`));
    });
  });
  ready.catch(() => undefined); // awaited by the tests that expect a start
  return { child, port, output: () => out, exited, ready };
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
}

describe("npm start", () => {
  it("refuses a bad configuration with one line per problem and exit code 2", async () => {
    const r = run({ SLACK_BOT_TOKEN: "not-a-token", DEFAULT_TIMEZONE: "Nowhere/Land" });
    expect(await r.exited).toBe(2);
    expect(r.output()).toContain("rangekeeper can't start; fix the configuration:");
    expect(r.output()).toContain("  - SLACK_BOT_TOKEN must be a bot token starting with xoxb-");
    expect(r.output()).toContain("  - DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Berlin");
    expect(r.output()).toContain("  - SLACK_SIGNING_SECRET is missing");
  });

  it("serves Slack on the embedded database, keeps the ledger across a restart, and stops on SIGTERM", async () => {
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
    await first.ready;
    expect(first.output()).toMatch(/embedded database ready/);
    slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "ok" });
    const ada = slack.as("U0ADMIN1");
    const added = await (await ada.command("/ledger", "dataset add cats 500 Cat photos")).reply();
    expect(added.text).toContain("Added dataset *cats*");
    const claimed = await (await ada.command("/claim", "cats 1-50")).reply();
    expect(claimed.text).toContain("A1");
    // The counter moves when the listener returns, just after its reply went out.
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
      .toMatch(/rangekeeper_requests_total\{kind="command",name="\/claim",outcome="ok"\} 1/);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = run(env);
    await second.ready;
    expect(second.output()).toMatch(/"applied":\[\]/);
    const again = await (await ada.command("/claim", "cats 40-60")).reply();
    expect(again.text).toMatch(/already held by you in A1/);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
