/**
 * The scheduled jobs over a large ledger: 100 datasets of 1,000 ranges each
 * (100,000 live ranges) held by 1,000 annotators in four time zones, a tenth
 * of them overdue, a few annotators holding far more than the others while
 * some have finished everything. Measured on PGlite and PostgreSQL: one overdue run (all
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
    const items = o.rangesPerDataset * 10 + 50;
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
    // People who finished their ranges (completed ones, nothing open): the idle side of an imbalance.
    await p.$executeRaw`
      INSERT INTO "Assignment" ("teamId", "datasetId", "first", "last", "assigneeId", "assignedBy", "status", "itemsDone", "completedAt", "updatedAt")
      SELECT ${TEAM}, d."id", ${o.rangesPerDataset * 10}::int + g * 10 + 1, ${o.rangesPerDataset * 10}::int + g * 10 + 10,
             'UIDLE' || ((d."id" + g) % 20), 'ULEADJOBS', 'COMPLETED'::"AssignmentStatus", 10, now(), now()
      FROM "Dataset" d, generate_series(0, 4) g
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
    const slack = await startStandin({ teamId: TEAM, strictChannels: false, validateBlocks: false });
    try {
      const sender = new OutboxSender({
        client: new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        outbox: ledger.outbox,
        logger,
        batch: 100,
      });
      const rows: JobsRow[] = [
        {
          backend: name,
          what: "full read of Assignment (baseline)",
          ms: base,
          ratio: 1,
          detail: `${live.toLocaleString("en-US")} rows`,
        },
      ];
      for (const job of ["overdue", "imbalance"] as const) {
        const decided = await time(() =>
          runJob({ ledger, logger }, { job, slot: at, at, dryRun: false, force: false }),
        );
        const messages = decided.value.messages;
        const people = new Set(messages.flatMap((m) => ("user" in m.to ? [m.to.user] : [])));
        const channels = new Set(messages.flatMap((m) => ("channel" in m.to ? [m.to.channel] : [])));
        const mark = slack.mark();
        const delivery = await time(() => sender.drain());
        const calls = slack.calls().filter((c) => c.seq > mark).length;
        const expected = people.size + channels.size;
        o.log(`${name}: ${job} run ${decided.ms.toFixed(0)} ms, delivery ${delivery.ms.toFixed(0)} ms`);
        rows.push({
          backend: name,
          what: `${job} run`,
          ms: decided.ms,
          ratio: decided.ms / base,
          detail: `${decided.value.facts.toLocaleString("en-US")} facts; ${calls} Slack calls to deliver it, for ${people.size} people and ${channels.size} channels (${calls === expected ? "one per recipient: yes" : `expected ${expected}: NO`}), in ${Math.round(delivery.ms)} ms`,
        });
      }
      return rows;
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
