/**
 * The weekly digest over a large ledger: 100 datasets (each with a channel) of
 * 1,000 ranges (100,000 ranges), 1,000 annotators, half the ranges completed
 * over the last eight weeks and each of those reviewed once (50,000 reviews,
 * a third with errors). Measured on PGlite and PostgreSQL: one digest run (its
 * reads, the numbers, 200 chart images, the outbox written) as a ratio to a
 * plain full read of the Review table through the same driver in the same
 * run, the process's peak resident memory during the run (sampled every
 * 10 ms) against before it, and the Slack calls that deliver it: per channel
 * post one files.getUploadURLExternal per image and one
 * files.completeUploadExternal; per DM one chat.postMessage.
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

const TEAM = "T0BENCHDIGEST";
const CATEGORIES = ["missing label", "wrong class", "boundary/geometry", "attribute"];

export interface DigestBenchOptions {
  datasets: number;
  rangesPerDataset: number;
  annotators: number;
  postgresUrl: string | null;
  log: (line: string) => void;
}

export interface DigestRow {
  backend: string;
  what: string;
  ms: number;
  ratio: number;
  detail: string;
}

const MB = 1024 * 1024;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** Runs `fn` while sampling resident memory; returns its result and the peak. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

async function seed(p: Awaited<ReturnType<typeof openDatabase>>["prisma"], o: DigestBenchOptions) {
  await p.workspace.create({ data: { id: TEAM, workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] } });
  await p.member.createMany({
    data: Array.from({ length: o.annotators }, (_, i) => ({ teamId: TEAM, userId: `UA${i}`, timezone: "UTC" })),
  });
  await p.dataset.createMany({
    data: Array.from({ length: o.datasets }, (_, d) => ({
      teamId: TEAM,
      slug: `d${d}`,
      title: `Dataset ${d}`,
      itemCount: o.rangesPerDataset * 10,
      channelId: `C0DIG${d}`,
      createdBy: "ULEAD",
      errorTaxonomy: CATEGORIES,
    })),
  });
  // Ranges in bulk, the FreeSpan trigger off (every item is held: no free spans to rebuild).
  await p.$executeRawUnsafe(`ALTER TABLE "Assignment" DISABLE TRIGGER "Assignment_free_spans"`);
  // Even ranges completed over the last 8 weeks (day g % 56 before now); odd ones open.
  await p.$executeRaw`
    INSERT INTO "Assignment" ("teamId", "datasetId", "first", "last", "assigneeId", "assignedBy", "status", "itemsDone",
                              "createdAt", "startedAt", "submittedAt", "completedAt", "reviewRound", "updatedAt")
    SELECT ${TEAM}, d."id", g * 10 + 1, g * 10 + 10,
           'UA' || ((g * 31 + d."id") % ${o.annotators}::int), 'ULEAD',
           (CASE WHEN g % 2 = 0 THEN 'COMPLETED' ELSE 'IN_PROGRESS' END)::"AssignmentStatus",
           (CASE WHEN g % 2 = 0 THEN 10 ELSE 3 END),
           now() - ((g % 56) + 2) * interval '1 day',
           now() - ((g % 56) + 2) * interval '1 day',
           (CASE WHEN g % 2 = 0 THEN now() - ((g % 56) + 1) * interval '1 day' END),
           (CASE WHEN g % 2 = 0 THEN now() - (g % 56) * interval '1 day' END),
           (CASE WHEN g % 2 = 0 THEN 1 ELSE 0 END),
           now()
    FROM "Dataset" d, generate_series(0, ${o.rangesPerDataset}::int - 1) g
    WHERE d."teamId" = ${TEAM}`;
  await p.$executeRawUnsafe(`ALTER TABLE "Assignment" ENABLE TRIGGER "Assignment_free_spans"`);
  await p.$executeRaw`
    INSERT INTO "Review" ("teamId", "assignmentId", "round", "reviewerId", "annotatorId", "status", "sampleItems",
                          "sampleSize", "sampleFull", "sampleSeed", "itemsChecked", "createdAt", "decidedAt")
    SELECT a."teamId", a."id", 1, 'UREV' || (a."id" % 20), a."assigneeId", 'ACCEPTED'::"ReviewStatus", '{}',
           10, true, 'bench', 10, a."submittedAt", a."completedAt"
    FROM "Assignment" a WHERE a."teamId" = ${TEAM} AND a."status" = 'COMPLETED'`;
  await p.$executeRaw`
    INSERT INTO "ReviewError" ("reviewId", "category", "count")
    SELECT r."id", (${CATEGORIES}::text[])[1 + r."id" % 4], 1 + r."id" % 2
    FROM "Review" r WHERE r."teamId" = ${TEAM} AND r."id" % 3 = 0`;
  await p.$executeRawUnsafe(`ANALYZE`);
}

async function benchBackend(name: string, target: DatabaseTarget, o: DigestBenchOptions): Promise<DigestRow[]> {
  const db = await openDatabase(target);
  const logger = pino({ level: "silent" });
  try {
    await applyMigrations(db);
    const p = db.prisma;
    const t0 = performance.now();
    await seed(p, o);
    const [ranges, reviews] = [await p.assignment.count(), await p.review.count()];
    o.log(
      `${name}: ${ranges.toLocaleString("en-US")} ranges and ${reviews.toLocaleString("en-US")} reviews loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Baseline: the whole Review table read through the same driver (median of three).
    await p.review.findMany();
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) reads.push((await time(() => p.review.findMany())).ms);
    const base = percentile(reads, 50);

    const ledger = new Ledger(new Store(p), { bootstrapAdmins: [], defaultTimezone: "UTC" });
    const slack = await startStandin({
      teamId: TEAM,
      channels: Array.from({ length: o.datasets }, (_, d) => ({ id: `C0DIG${d}`, name: `digest-${d}` })),
      strictChannels: false,
      validateBlocks: false,
    });
    try {
      const sender = new OutboxSender({
        client: new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        outbox: ledger.outbox,
        logger,
        batch: 100,
      });
      global.gc?.();
      const before = process.memoryUsage.rss();
      const at = new Date();
      const run = await withPeakRss(() =>
        time(() => runJob({ ledger, logger }, { job: "digest", slot: at, at, dryRun: false, force: false })),
      );
      const decided = run.value;
      const messages = decided.value.messages;
      const posts = messages.filter((m) => m.kind === "digest");
      const dms = messages.filter((m) => m.kind === "digest_dm");
      const images = posts.reduce((n, m) => n + ((m.content as { files?: unknown[] }).files?.length ?? 0), 0);
      const mark = slack.mark();
      const delivery = await time(() => sender.drain());
      const calls = slack.calls().filter((c) => c.seq > mark);
      const count = (method: string) => calls.filter((c) => c.method === method).length;
      const expected = { urls: images, shares: posts.length, dms: dms.length };
      const actual = {
        urls: count("files.getUploadURLExternal"),
        shares: count("files.completeUploadExternal"),
        dms: count("chat.postMessage"),
      };
      const right = actual.urls === expected.urls && actual.shares === expected.shares && actual.dms === expected.dms;
      o.log(`${name}: digest run ${decided.ms.toFixed(0)} ms, delivery ${delivery.ms.toFixed(0)} ms`);
      return [
        {
          backend: name,
          what: "full read of Review (baseline)",
          ms: base,
          ratio: 1,
          detail: `${reviews.toLocaleString("en-US")} rows`,
        },
        {
          backend: name,
          what: "digest run",
          ms: decided.ms,
          ratio: decided.ms / base,
          detail: `${posts.length} posts with ${images} images, ${dms.length} DMs; RSS ${Math.round(before / MB)} MB before, peak ${Math.round(run.peak / MB)} MB (+${Math.round((run.peak - before) / MB)} MB)`,
        },
        {
          backend: name,
          what: "digest delivery",
          ms: delivery.ms,
          ratio: delivery.ms / base,
          detail: `${calls.length} Slack calls: ${actual.urls} upload URLs, ${actual.shares} shares, ${actual.dms} DMs (${right ? "one per image, post and DM: yes" : `expected ${expected.urls}/${expected.shares}/${expected.dms}: NO`})`,
        },
      ];
    } finally {
      await slack.close();
    }
  } finally {
    await db.close();
  }
}

export async function benchDigest(o: DigestBenchOptions): Promise<DigestRow[]> {
  const rows = await benchBackend("PGlite", { kind: "pglite", dataDir: undefined }, o);
  if (o.postgresUrl)
    rows.push(
      ...(await withScratchDatabase(o.postgresUrl, (url) => benchBackend("PostgreSQL", { kind: "postgres", url }, o))),
    );
  return rows;
}
