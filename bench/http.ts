/**
 * The HTTP round trip of a signed `/claim <dataset> next 1` through the real
 * app (Bolt, the ledger on embedded PGlite), against a bare Bolt app in the
 * same run that only acks the command and answers "ok" on its response_url.
 * Both run against the local Slack stand-in, which signs the requests and
 * receives the replies. Measured: the ack (HTTP response to Slack, which
 * Slack wants within 3 s) and the reply (the answer reaching response_url).
 */
import { App, HTTPReceiver } from "@slack/bolt";
import { pino } from "pino";
import { openDatabase } from "../src/db/client.js";
import { applyMigrations } from "../src/db/migrate.js";
import { Store } from "../src/db/store.js";
import { Ledger } from "../src/core/ledger/index.js";
import { createRangekeeper } from "../src/slack/app.js";
import { startStandin, type Standin } from "../src/standin/index.js";
import { percentile, type Row } from "./stats.js";

const TEAM = "T0BENCHHTTP";
const USERS = Array.from({ length: 50 }, (_, i) => ({ id: `U0BENCH${i}`, name: `user${i}`, real_name: `User ${i}`, tz: "UTC" }));

export interface HttpBenchOptions {
  concurrency: number[];
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

async function withApp(slack: Standin, start: () => Promise<{ port: number; stop: () => Promise<void> }>, fn: () => Promise<void>) {
  const { port, stop } = await start();
  slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
  try {
    await fn();
  } finally {
    await stop();
  }
}

export async function benchHttp(o: HttpBenchOptions): Promise<Row[]> {
  const slack = await startStandin({ teamId: TEAM, users: USERS, signingSecret: "0123456789abcdef0123456789abcdef" });
  const rows: Row[] = [];
  const results = new Map<string, Map<number, Sample[]>>();
  const logger = pino({ level: "error" });
  try {
    // Bare Bolt: ack, then one respond() — the least any app can do.
    await withApp(
      slack,
      async () => {
        const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: "/slack/events" });
        const app = new App({ token: slack.botToken, receiver, clientOptions: { slackApiUrl: slack.apiUrl } });
        app.command("/claim", async ({ ack, respond }) => {
          await ack();
          await respond({ response_type: "ephemeral", text: "ok" });
        });
        const server = await receiver.start(0);
        return { port: (server.address() as { port: number }).port, stop: () => receiver.stop() };
      },
      async () => {
        const byC = new Map<number, Sample[]>();
        await drive(slack, "bench next 1", 50, 5);
        for (const c of o.concurrency) byC.set(c, await drive(slack, "bench next 1", o.requests, c));
        results.set("bare Bolt", byC);
      },
    );
    // The real app on an embedded database.
    const db = await openDatabase({ kind: "pglite", dataDir: undefined });
    await applyMigrations(db);
    const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: [USERS[0]!.id] });
    await ledger.createDataset({ teamId: TEAM, userId: USERS[0]!.id }, { slug: "bench", itemCount: 10_000_000 });
    await withApp(
      slack,
      async () => {
        const rk = createRangekeeper({
          botToken: slack.botToken,
          signingSecret: slack.signingSecret,
          apiUrl: slack.apiUrl,
          ledger,
          logger,
          databaseHealthy: async () => true,
        });
        const port = (await rk.start(0))!;
        return { port, stop: () => rk.stop() };
      },
      async () => {
        const byC = new Map<number, Sample[]>();
        await drive(slack, "bench next 1", 50, 5);
        for (const c of o.concurrency) {
          byC.set(c, await drive(slack, "bench next 1", o.requests, c));
          o.log(`rangekeeper: ${o.requests} claims at concurrency ${c} done`);
        }
        results.set("rangekeeper", byC);
      },
    );
    await db.close();
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
        rows.push({ backend: name, op: `/claim ${what}`, live: c, p50, p99, r50: p50 / percentile(b, 50), r99: p99 / percentile(b, 99) });
      }
    }
  }
  return rows;
}
