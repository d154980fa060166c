/**
 * Acknowledged work survives the process. The real bot (`npm start`, embedded
 * database) gets a burst of 200 `/claim` commands and is killed with SIGKILL
 * after a random number of them were acked; after a restart on the same data,
 * every acked command has been applied once and answered once. The same with
 * a SIGTERM during a burst: what the grace period does not finish, the next
 * start does.
 */
import { rmSync } from "node:fs";
import { type SimulatedUser, type Standin, signRequest, startStandin } from "@rangekeeper/slack-standin";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BotProcesses, freePort, type Running } from "../support/bot-process.ts";
import { createTestDatabase, usingPostgres } from "../support/db.ts";

let slack: Standin;
const bots = new BotProcesses();
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  slack = await startStandin({
    signingSecret: "0123456789abcdef0123456789abcdef",
    users: [
      { id: "U0ADMIN1", name: "ada", real_name: "Ada Admin", tz: "UTC" },
      { id: "U0ANNO01", name: "ana", real_name: "Ana Lima", tz: "UTC" },
    ],
  });
  dir = bots.projectDir();
  const port = await freePort();
  env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    LEDGER_ADMINS: "U0ADMIN1",
    DEFAULT_CAPACITY: "100000",
    LOG_LEVEL: "info",
  };
  slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
});
afterAll(async () => {
  bots.killAll();
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  status: number;
  replies(): { text?: string; error?: string; message?: { ts: string } }[];
}

/** Sends `count` commands at once (the i-th to `url(i)`, else the stand-in's request URL); calls `onAck(n)` at the n-th ack. */
async function burst(
  user: SimulatedUser,
  count: number,
  text: string,
  onAck: (acked: number) => void,
  url?: (i: number) => string,
): Promise<Sent[]> {
  let acked = 0;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      try {
        const r = url ? await sendTo(url(i), user, text) : await user.command("/claim", text);
        if (r.status === 200) onAck(++acked);
        return { status: r.status, replies: () => r.replies() };
      } catch {
        return { status: 0, replies: () => [] }; // the connection died with the process: never acked
      }
    }),
  );
}

/** A /claim from `user`, signed as Slack would, to the bot at `url`. */
async function sendTo(url: string, user: SimulatedUser, text: string) {
  const prepared = user.preparedCommand("/claim", text);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signRequest(slack.signingSecret, timestamp, prepared.body),
    },
    body: prepared.body,
  });
  await res.arrayBuffer();
  return { status: res.status, replies: prepared.replies };
}

/** Waits until every acked command has an answer, and checks each was applied once and answered once. */
async function everyAckedAnswered(sent: Sent[]): Promise<{ acked: number; refs: Set<string> }> {
  const acked = sent.filter((s) => s.status === 200);
  await vi.waitFor(
    () => {
      const unanswered = acked.filter((s) => s.replies().filter((r) => !r.error).length === 0).length;
      expect(unanswered).toBe(0);
    },
    { timeout: 90_000, interval: 250 },
  );
  const refs = new Set<string>();
  for (const s of acked) {
    const answers = s.replies().filter((r) => !r.error);
    // One message shown: a reply sent again after the crash replaces the one Slack may show already.
    expect(new Set(answers.map((r) => r.message?.ts)).size).toBe(1);
    const ref = /\bA\d+\b/.exec(answers[0]!.text ?? "")?.[0];
    expect(ref, answers[0]!.text).toBeDefined();
    refs.add(ref!);
  }
  // One assignment per acked command: no two answers name the same range.
  expect(refs.size).toBe(acked.length);
  return { acked: acked.length, refs };
}

async function start(extra: Record<string, string> = {}): Promise<{ bot: Running; pid: number }> {
  const bot = bots.run({ ...env, ...extra }, dir);
  return { bot, pid: await bot.ready };
}

describe("acked commands survive the process", () => {
  it("SIGKILL at a random point of a 200-command burst: after a restart, every acked command is applied once and answered", {
    timeout: 300_000,
  }, async () => {
    const first = await start();
    const ada = slack.as("U0ADMIN1");
    const added = await (await ada.command("/ledger", "dataset add cats 100000 Cats")).reply({ timeoutMs: 30_000 });
    expect(added.text).toContain("Added dataset *cats*");
    const killAt = 20 + Math.floor(Math.random() * 160);
    const ana = slack.as("U0ANNO01");
    const sent = await burst(ana, 200, "cats next 1", (n) => {
      if (n === killAt) process.kill(first.pid, "SIGKILL");
    });
    await first.bot.exited;
    const acked = sent.filter((s) => s.status === 200).length;
    expect(acked, `killed after ${killAt} acks`).toBeGreaterThanOrEqual(killAt);

    const second = await start();
    const { refs } = await everyAckedAnswered(sent);
    expect(refs.size).toBe(acked);

    // A SIGTERM during a burst: stops taking requests, finishes what it can, leaves the rest to the next start.
    const stopAt = 10 + Math.floor(Math.random() * 80);
    const sent2 = await burst(ana, 100, "cats next 1", (n) => {
      if (n === stopAt) second.bot.child.kill("SIGTERM");
    });
    expect(await second.bot.exited).toBe(0);
    const third = await start();
    const after = await everyAckedAnswered(sent2);
    for (const ref of after.refs) expect(refs.has(ref)).toBe(false);
    third.bot.child.kill("SIGTERM");
    expect(await third.bot.exited).toBe(0);
  });
});

describe.skipIf(!usingPostgres())("two bots on one PostgreSQL", () => {
  it("SIGKILL of one during a burst: the other finishes what it acked, without a restart", {
    timeout: 300_000,
  }, async () => {
    const db = await createTestDatabase();
    try {
      const ports = [await freePort(), await freePort()];
      const [a, b] = await Promise.all(ports.map((p) => start({ DATABASE_URL: db.url!, PORT: String(p) })));
      const urls = ports.map((p) => `http://127.0.0.1:${p}/slack/events`);
      slack.setRequestUrl(urls[1]!);
      const ada = slack.as("U0ADMIN1");
      await (await ada.command("/ledger", "dataset add dogs 100000 Dogs")).reply({ timeoutMs: 30_000 });
      const killAt = 20 + Math.floor(Math.random() * 160);
      const sent = await burst(
        slack.as("U0ANNO01"),
        200,
        "dogs next 1",
        (n) => {
          if (n === killAt) process.kill(a!.pid, "SIGKILL");
        },
        (i) => urls[i % 2]!,
      );
      await a!.bot.exited;
      // No restart: b takes over a's open requests (its pid is gone) within its next look.
      const { refs } = await everyAckedAnswered(sent);
      expect(refs.size).toBe(sent.filter((s) => s.status === 200).length);
      b!.bot.child.kill("SIGTERM");
      expect(await b!.bot.exited).toBe(0);
    } finally {
      slack.setRequestUrl(`http://127.0.0.1:${env.PORT}/slack/events`);
      await db.dispose();
    }
  });
});
