/** The real app in Socket Mode (SLACK_APP_TOKEN set): the same listeners over the stand-in's WebSocket. */
import { createServer } from "node:net";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_JOB_CRONS } from "../../src/config/env.ts";
import { Ledger } from "../../src/core/ledger/index.ts";
import { Store } from "../../src/db/store.ts";
import { OutboxSender, outboxClient } from "../../src/delivery/slack-sender.ts";
import { JobsControl } from "../../src/jobs/control.ts";
import { createRangekeeper, type Rangekeeper } from "../../src/slack/app.ts";
import { SlackIdentity } from "../../src/slack/identity.ts";
import { createTestDatabase } from "../support/db.ts";

const TEAM = "T0SOCKET";
/** The first requests after a start warm everything up; on a loaded machine they may take longer than the stand-in's default wait. */
const FIRST_REPLIES = { timeoutMs: 30_000 };

let slack: Standin;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let rk: Rangekeeper;
let sender: OutboxSender;
let healthPort: number;

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });

beforeAll(async () => {
  slack = await startStandin({ teamId: TEAM, users: [{ id: "U0SOCKADA", name: "ada", real_name: "Ada", tz: "UTC" }] });
  db = await createTestDatabase();
  const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: ["U0SOCKADA"] });
  healthPort = await freePort();
  const identity = new SlackIdentity(outboxClient(slack.botToken, slack.apiUrl), pino({ level: "silent" }));
  expect(await identity.check()).toBe(true);
  sender = new OutboxSender({
    client: new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    outbox: ledger.outbox,
    logger: pino({ level: "silent" }),
  });
  rk = createRangekeeper({
    identity,
    botToken: slack.botToken,
    appToken: slack.appToken,
    apiUrl: slack.apiUrl,
    ledger,
    logger: pino({ level: "silent" }),
    healthPort,
    databaseHealthy: async () => true,
    retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 50 },
    jobs: new JobsControl({ ledger, logger: pino({ level: "silent" }) }, DEFAULT_JOB_CRONS, false),
    sender,
  });
  expect(await rk.start(0)).toBeNull();
  sender.start();
  await slack.waitForSocket();
});

afterAll(async () => {
  await rk?.stop();
  await sender?.stop();
  await slack?.close();
  await db?.dispose();
});

describe("Socket Mode", () => {
  it("answers slash commands over the socket and changes the ledger", async () => {
    const ada = slack.as("U0SOCKADA");
    const added = await (await ada.command("/ledger", "dataset add socks 100")).reply(FIRST_REPLIES);
    expect(added.text).toContain("Added dataset *socks*");
    const res = await ada.command("/claim", "socks next 10");
    expect(res.transport).toBe("socket");
    const reply = await res.reply(FIRST_REPLIES);
    expect(reply.text).toMatch(/Claimed A\d+: socks 1–10/);
    expect(await db.prisma.assignment.count({ where: { teamId: TEAM, first: 1, last: 10 } })).toBe(1);
  });

  it("still serves /healthz and /metrics over HTTP", async () => {
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text()).toContain(
      "rangekeeper_requests_total",
    );
  });
});
