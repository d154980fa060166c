/**
 * Progress pushed through the HTTP API, as a ratio to the same change made
 * through the ledger core directly in the same run, on PGlite and PostgreSQL.
 *
 * The API: the bot in a process of its own (as in production), a write token
 * made with `/ledger token create`, one range of 100,000 items claimed by an
 * annotator; then `PUT /assignments/{ref}/progress` with counts going up
 * (single), and `POST /datasets/{slug}/items-done` with 100 new items each
 * (batched), each from 1 client and from 10 at once. The core: the same
 * changes through `Ledger.setProgress` and `Ledger.reportItemsDone` with a
 * write token's actor, in this process, on a database of its own of the same
 * kind. Figures are changes per second (a batch counts as one change of 100
 * items); the ratio is core ÷ API: what the HTTP round trip, the token check,
 * the validation and the follow-ups cost.
 */
import { type SimulatedUser, startStandin } from "@rangekeeper/slack-standin";
import { integrationActor } from "../src/core/api-tokens.ts";
import { Ledger } from "../src/core/ledger/index.ts";
import { type DatabaseTarget, openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { Store } from "../src/db/store.ts";
import { withAppProcess } from "./http.ts";
import { withScratchDatabase } from "./ledger.ts";

const TEAM = "T0BENCHAPI";
const ADMIN = "U0BAADMIN";
const ANA = "U0BAANA";
const USERS = [ADMIN, ANA].map((id) => ({ id, name: id.toLowerCase(), real_name: id, tz: "UTC" }));
const ITEMS = 100_000;
const BATCH = 100;

export interface ApiBenchOptions {
  /** changes of each kind per measurement */
  changes: number;
  postgresUrl: string | null;
  log: (line: string) => void;
}

export interface ApiRow {
  backend: string;
  what: string;
  clients: number;
  apiPerSecond: number;
  corePerSecond: number;
  ratio: number;
}

/** Runs `n` numbered changes from `clients` concurrent clients; returns changes per second. */
async function rate(n: number, clients: number, change: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < n; i = next++) await change(i);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

const batchOf = (i: number) => Array.from({ length: BATCH }, (_, k) => i * BATCH + k + 1);

/** The core's figures: setProgress and reportItemsDone on one range of a fresh database. */
async function coreRates(target: DatabaseTarget, o: ApiBenchOptions) {
  const db = await openDatabase(target);
  try {
    await applyMigrations(db);
    const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: [ADMIN] });
    const actor = integrationActor({ teamId: TEAM, name: "bench", scope: "write" });
    const out = new Map<string, number>();
    for (const clients of [1, 10]) {
      const slug = `core${clients}`;
      await ledger.createDataset({ teamId: TEAM, userId: ADMIN }, { slug, itemCount: ITEMS });
      const a = (await ledger.claim({ teamId: TEAM, userId: ANA }, { dataset: slug, first: 1, last: ITEMS })).assignment
        .ref;
      let count = 0;
      out.set(
        `single:${clients}`,
        await rate(o.changes, clients, async () => {
          await ledger.setProgress(actor, a, ++count);
        }),
      );
      out.set(
        `batched:${clients}`,
        await rate(o.changes, clients, async (i) => {
          await ledger.reportItemsDone(actor, slug, batchOf(i));
        }),
      );
    }
    return out;
  } finally {
    await db.close();
  }
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function answerText(user: SimulatedUser, command: string, text: string): Promise<string> {
  const sent = await user.command(command, text);
  if (sent.status !== 200) throw new Error(`${command} ${text}: HTTP ${sent.status}`);
  return JSON.stringify(await sent.reply({ timeoutMs: 30_000 }));
}

export async function benchApi(o: ApiBenchOptions): Promise<ApiRow[]> {
  const slack = await startStandin({ teamId: TEAM, users: USERS, signingSecret: "0123456789abcdef0123456789abcdef" });
  const rows: ApiRow[] = [];
  const run = async (backend: string, env: Record<string, string>, core: Map<string, number>) =>
    withAppProcess(
      slack,
      "src/start.mjs",
      { LEDGER_ADMINS: ADMIN, API_RATE_PER_SECOND: "10000", API_RATE_BURST: "100000", ...env },
      async (url) => {
        const base = url.replace("/slack/events", "/api/v1");
        const admin = slack.as(ADMIN);
        const made = await answerText(admin, "/ledger", "token create bench write");
        const token = /rk_[A-Za-z0-9_-]{43}/.exec(made)?.[0];
        if (!token) throw new Error(`no token in ${made}`);
        const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        for (const clients of [1, 10]) {
          const slug = `api${clients}`;
          await answerText(admin, "/ledger", `dataset add ${slug} ${ITEMS}`);
          const claimed = await answerText(slack.as(ANA), "/claim", `${slug} 1-${ITEMS}`);
          const ref = /\bA\d+\b/.exec(claimed)?.[0];
          if (!ref) throw new Error(`no range in ${claimed}`);
          let count = 0;
          const single = await rate(o.changes, clients, async () => {
            await json(
              await fetch(`${base}/assignments/${ref}/progress`, {
                method: "PUT",
                headers,
                body: JSON.stringify({ itemsDone: ++count }),
              }),
            );
          });
          const batched = await rate(o.changes, clients, async (i) => {
            await json(
              await fetch(`${base}/datasets/${slug}/items-done`, {
                method: "POST",
                headers,
                body: JSON.stringify({ items: batchOf(i) }),
              }),
            );
          });
          for (const [what, api] of [
            ["single", single],
            ["batched", batched],
          ] as const) {
            const c = core.get(`${what}:${clients}`)!;
            rows.push({
              backend,
              what: what === "single" ? "progress (single)" : `items done (batches of ${BATCH})`,
              clients,
              apiPerSecond: api,
              corePerSecond: c,
              ratio: c / api,
            });
          }
          o.log(`${backend}: ${clients} client(s) measured`);
        }
      },
    );
  try {
    await run("PGlite", {}, await coreRates({ kind: "pglite", dataDir: undefined }, o));
    if (o.postgresUrl) {
      await withScratchDatabase(o.postgresUrl, async (coreUrl) => {
        const core = await coreRates({ kind: "postgres", url: coreUrl }, o);
        await withScratchDatabase(o.postgresUrl!, async (url) => {
          const db = await openDatabase({ kind: "postgres", url });
          await applyMigrations(db);
          await db.close();
          await run("PostgreSQL", { DATABASE_URL: url }, core);
        });
      });
    }
  } finally {
    await slack.close();
  }
  return rows;
}
