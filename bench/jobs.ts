/**
 * The scheduled jobs over a large ledger: 100 datasets of 1,000 ranges each
 * (100,000 live ranges) held by 1,000 annotators in four time zones, a tenth
 * of them overdue. Measured on PGlite and PostgreSQL: one overdue run (all
 * decisions written to the outbox) and one imbalance run, each as a ratio to
 * a plain full read of the Assignment table through the same driver in the
 * same run; then the outbox delivered to the Slack stand-in, counting the
 * Web API calls, which must be one per recipient plus one per channel.
 */
import { startStandin } from "@rangekeeper/slack-standin";
import { WebClient } from "@slack/web-api";
import pino from "pino";
import { Ledger } from "../src/core/ledger/index.ts";
import { type DatabaseTarget, openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { Store } from "../src/db/store.ts";
import { OutboxSender } from "../src/delivery/slack-sender.ts";
import { runJob } from "../src/jobs/runner.ts";
import { withScratchDatabase } from "./ledger.ts";
import { percentile } from "./stats.ts";

const TEAM = "T0BENCHJOBS";
const ZONES = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"];

export interface JobsBenchOptions {
  datasets: number;
  rangesPerDataset: number;
  annotators: number;
  postgresUrl: string | null;
  log: (line: string) => void;
}

export interface JobsRow {
  backend: string;
  what: string;
  ms: number;
  ratio: number;
  detail: string;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function benchBackend(name: string, target: DatabaseTarget, o: JobsBenchOptions): Promise<JobsRow[]> {
  const db = await openDatabase(target);
  const logger = pino({ level: "silent" });
  try {
    await applyMigrations(db);
    const p = db.prisma;
    const t0 = performance.now();
    await p.workspace.create({
      data: { id: TEAM, workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] },
    });
    await p.member.createMany({
      data: Array.from({ length: o.annotators }, (_, i) => ({
        teamId: TEAM,
        userId: `UA${i}`,
        timezone: ZONES[i % ZONES.length]!,
        capacityPerWeek: 500 + (i % 5) * 250,
      })),
    });
    await p.member.create({ data: { teamId: TEAM, userId: "ULEADJOBS", role: "LEAD" } });
    const items = o.rangesPerDataset * 10;
    await p.dataset.createMany({
      data: Array.from({ length: o.datasets }, (_, d) => ({
        teamId: TEAM,
        slug: `d${d}`,
        title: `Dataset ${d}`,
        itemCount: items,
        channelId: `C0DATA${d}`,
        createdBy: "ULEADJOBS",
      })),
    });
    // Ranges in bulk, the FreeSpan trigger off (every item is held: no free spans to rebuild).
    await p.$executeRawUnsafe(`ALTER TABLE "Assignment" DISABLE TRIGGER "Assignment_free_spans"`);
    await p.$executeRaw`
      INSERT INTO "Assignment" ("teamId", "datasetId", "first", "last", "assigneeId", "assignedBy", "status", "itemsDone", "dueDate", "startedAt", "lastProgressAt", "updatedAt")
      SELECT ${TEAM}, d."id", g * 10 + 1, g * 10 + 10,
             -- Skewed: a few annotators hold far more than the others, so some datasets are unbalanced.
             'UA' || (CASE WHEN g % 7 = 0 THEN (d."id" % 10) ELSE ((g * 31 + d."id") % ${o.annotators}::int) END),
             'ULEADJOBS',
             (CASE WHEN g % 3 = 0 THEN 'IN_PROGRESS' ELSE 'PENDING' END)::"AssignmentStatus",
             (CASE WHEN g % 3 = 0 THEN 3 ELSE 0 END),
             (CASE WHEN g % 10 = 0 THEN now()::date - 3 ELSE now()::date + 30 END),
             (CASE WHEN g % 3 = 0 THEN now() - interval '5 days' END),
             (CASE WHEN g % 3 = 0 THEN now() - interval '5 days' END),
             now()
      FROM "Dataset" d, generate_series(0, ${o.rangesPerDataset}::int - 1) g
      WHERE d."teamId" = ${TEAM}`;
    await p.$executeRawUnsafe(`ALTER TABLE "Assignment" ENABLE TRIGGER "Assignment_free_spans"`);
    await p.$executeRawUnsafe(`ANALYZE`);
    const live = await p.assignment.count();
    o.log(
      `${name}: ${live.toLocaleString("en-US")} live ranges loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Baseline: the whole Assignment table read through the same driver (median of three).
    await p.assignment.findMany();
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) reads.push((await time(() => p.assignment.findMany())).ms);
    const base = percentile(reads, 50);

    const ledger = new Ledger(new Store(p), { bootstrapAdmins: [], defaultTimezone: "UTC" });
    const at = new Date();
    const run = (job: "overdue" | "imbalance") =>
      time(() => runJob({ ledger, logger }, { job, slot: at, at, dryRun: false, force: false }));
    const overdue = await run("overdue");
    o.log(`${name}: overdue run ${overdue.ms.toFixed(0)} ms`);
    const imbalance = await run("imbalance");
    o.log(`${name}: imbalance run ${imbalance.ms.toFixed(0)} ms`);
    const decided = [...overdue.value.messages, ...imbalance.value.messages];
    const recipients = new Set(decided.filter((m) => "user" in m.to).map((m) => (m.to as { user: string }).user));
    const channels = new Set(
      decided.filter((m) => "channel" in m.to).map((m) => (m.to as { channel: string }).channel),
    );

    // Deliver everything to the stand-in and count the Web API calls.
    const slack = await startStandin({ teamId: TEAM, strictChannels: false, validateBlocks: false });
    try {
      const sender = new OutboxSender({
        client: new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        outbox: ledger.outbox,
        logger,
        batch: 100,
      });
      const delivery = await time(() => sender.drain());
      const calls = slack.calls().filter((c) => c.method !== "auth.test").length;
      const expected = recipients.size + channels.size;
      // A recipient may get several messages (overdue and imbalance): one call per message decided.
      return [
        {
          backend: name,
          what: "full read of Assignment (baseline)",
          ms: base,
          ratio: 1,
          detail: `${live.toLocaleString("en-US")} rows`,
        },
        {
          backend: name,
          what: "overdue run",
          ms: overdue.ms,
          ratio: overdue.ms / base,
          detail: `${overdue.value.facts.toLocaleString("en-US")} facts, ${overdue.value.messages.length} messages`,
        },
        {
          backend: name,
          what: "imbalance run",
          ms: imbalance.ms,
          ratio: imbalance.ms / base,
          detail: `${imbalance.value.facts} unbalanced datasets, ${imbalance.value.messages.length} messages`,
        },
        {
          backend: name,
          what: "delivery of the outbox",
          ms: delivery.ms,
          ratio: delivery.ms / base,
          detail: `${calls} Slack calls for ${decided.length} messages to ${recipients.size} people and ${channels.size} channels (one call per message: ${calls === decided.length ? "yes" : "NO"}; ${expected} recipients+channels)`,
        },
      ];
    } finally {
      await slack.close();
    }
  } finally {
    await db.close();
  }
}

export async function benchJobs(o: JobsBenchOptions): Promise<JobsRow[]> {
  const rows = await benchBackend("PGlite", { kind: "pglite", dataDir: undefined }, o);
  if (o.postgresUrl)
    rows.push(
      ...(await withScratchDatabase(o.postgresUrl, (url) => benchBackend("PostgreSQL", { kind: "postgres", url }, o))),
    );
  return rows;
}
