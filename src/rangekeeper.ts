/**
 * Assembles rangekeeper: the database (opened, and migrated when embedded),
 * the ledger over it, and the Slack app with its HTTP routes. The entry point
 * (main.ts), the sandbox and the end-to-end tests all start it this way, and
 * stop it the same way: no more requests, in-flight work finished (within a
 * grace period), then the database closed.
 */
import type { Logger } from "pino";
import { Ledger, type LedgerConfig } from "./core/ledger/index.ts";
import { type Database, type DatabaseTarget, openDatabase } from "./db/client.ts";
import { applyMigrations, MigrationsPending, unappliedMigrations } from "./db/migrate.ts";
import { Store } from "./db/store.ts";
import { OutboxSender, outboxClient, type SenderOptions } from "./delivery/slack-sender.ts";
import { WebhookSender, type WebhookSenderOptions } from "./delivery/webhook-sender.ts";
import { createMetrics } from "./http/metrics.ts";
import type { BuiltJob } from "./jobs/catalog.ts";
import { JobsControl } from "./jobs/control.ts";
import { JobScheduler } from "./jobs/scheduler.ts";
import { createRangekeeper, DEFAULT_GRACE_MS, type Rangekeeper, type SlackAppOptions } from "./slack/app.ts";
import { SlackIdentity, type SlackTokenRefused } from "./slack/identity.ts";
import { webhookDisabledMessage } from "./ui/webhook-messages.ts";

export interface RangekeeperOptions {
  /** how to reach Slack: tokens, signing secret, Web API URL and retry policy */
  slack: Pick<SlackAppOptions, "botToken" | "signingSecret" | "appToken" | "apiUrl" | "retryConfig">;
  /** HTTP port of /slack/events (HTTP mode), /healthz and /metrics; 0 picks a free one */
  port: number;
  /** where the ledger lives, or a database already open (it is closed on stop all the same) */
  database: DatabaseTarget | Database;
  ledger: Partial<LedgerConfig>;
  logger: Logger;
  /** how the outbox retries and how often it looks (tests shorten them) */
  outbox?: Pick<SenderOptions, "policy" | "pollMs" | "leaseMs">;
  /** how webhook deliveries retry, time out and how often the dispatcher looks */
  webhooks?: Pick<WebhookSenderOptions, "policy" | "pollMs" | "leaseMs" | "timeoutMs">;
  /** the jobs' cron expressions; `scheduled: false` runs none on their own (they still run by hand) */
  jobs: { crons: Record<BuiltJob, string>; scheduled: boolean };
  /** how often to look for requests a dead process left unfinished (default 5 s) */
  inboxPollMs?: number;
  /** requests per second each API token may make on average, and in a burst (default 20 and 100) */
  apiRate?: { perSecond: number; burst: number };
  /** Slack refused the token after start-up (it was unreachable then): the process should end */
  onTokenRefused?: (e: SlackTokenRefused) => void;
}

export interface RunningRangekeeper {
  ledger: Ledger;
  database: Database;
  slack: Rangekeeper;
  /** delivers the outbox to Slack */
  sender: OutboxSender;
  /** A sender like this one's (another replica's, or the next start's). */
  newSender(): OutboxSender;
  /** dispatches the ledger's events and delivers them to webhooks */
  webhookSender: WebhookSender;
  /** the schedules, when they run in this process */
  scheduler: JobScheduler | null;
  /** jobs' status and running one now */
  jobs: JobsControl;
  /** the HTTP port bound (the one asked for, or the free one picked for 0) */
  port: number;
  /** Stops taking requests, lets in-flight work finish within `graceMs`, then closes the database. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** A short label for a give-up reason (metric labels must stay few): the Slack error code or the failure's kind. */
const failureLabel = (reason: string | undefined): string =>
  /^(?:gave up after .*: )?([a-z_]+|HTTP \d+|network|rate limited)/.exec(reason ?? "")?.[1] ?? "other";

const isOpen = (d: DatabaseTarget | Database): d is Database => "prisma" in d;

export async function startRangekeeper(o: RangekeeperOptions): Promise<RunningRangekeeper> {
  // Who the bot is, before anything else: a token Slack refuses ends start-up here, before the database opens.
  const identity = new SlackIdentity(outboxClient(o.slack.botToken, o.slack.apiUrl), o.logger);
  if (!(await identity.check()))
    identity.keepTrying(2_000, (e) => {
      o.logger.error({ err: e.message }, "Slack refused the bot token");
      o.onTokenRefused?.(e);
    });
  let database = isOpen(o.database) ? o.database : await openDatabase(o.database);
  try {
    if (!isOpen(o.database)) {
      if (database.target.kind === "pglite") {
        const applied = await applyMigrations(database, {
          onLog: (line) => o.logger.debug({ engine: line }, "schema engine"),
        });
        if (applied.length && o.database.kind === "pglite" && o.database.dataDir) {
          // The schema engine stays loaded in the database's thread once used: a new thread serves
          // without it (a start with nothing to apply never loads it; one in memory keeps its thread).
          await database.close();
          database = await openDatabase(o.database);
        }
        o.logger.info(
          { dataDir: o.database.kind === "pglite" ? o.database.dataDir : undefined, applied },
          "embedded database ready",
        );
      } else {
        const pending = await unappliedMigrations(database);
        if (pending.length) throw new MigrationsPending(pending);
        o.logger.info("using PostgreSQL (apply migrations with `npm run db:migrate`)");
      }
    }
    const ledger = new Ledger(new Store(database.prisma), o.ledger);
    const metrics = createMetrics();
    metrics.outboxBacklog = async () => (await ledger.outbox.backlog()).pending;
    metrics.inboxBacklog = () => ledger.inbox.open();
    const newSender = () =>
      new OutboxSender({
        ...o.outbox,
        client: outboxClient(o.slack.botToken, o.slack.apiUrl),
        outbox: ledger.outbox,
        logger: o.logger.child({ component: "outbox" }),
        clock: ledger.config.clock,
        onOutcome: (outcome, row, reason) => {
          if (outcome === "sent") metrics.outboxSent.inc({ kind: row.kind });
          if (outcome === "failed") metrics.outboxFailed.inc({ kind: row.kind, reason: failureLabel(reason) });
        },
      });
    const sender = newSender();
    const webhookSender = new WebhookSender({
      ...o.webhooks,
      webhooks: ledger.webhooks,
      outbox: ledger.outbox,
      allowPrivate: ledger.config.allowPrivateWebhooks,
      logger: o.logger.child({ component: "webhooks" }),
      clock: ledger.config.clock,
      disabledNotice: (w) => {
        const m = webhookDisabledMessage(w);
        return { text: m.text, blocks: m.blocks };
      },
      onOutcome: (outcome, row, reason) => {
        if (outcome === "sent") metrics.outboxSent.inc({ kind: row.kind });
        if (outcome === "failed") metrics.outboxFailed.inc({ kind: row.kind, reason: failureLabel(reason) });
        // A webhook disabled: its admin's DM is in the outbox.
        if (outcome === "failed" && reason?.startsWith("HTTP 410")) sender.kick();
      },
    });
    const runner = {
      ledger,
      logger: o.logger.child({ component: "jobs" }),
      onMessages: () => sender.kick(),
      onOutcome: (job: string, outcome: string) => metrics.jobRuns.inc({ job, outcome }),
    };
    const jobs = new JobsControl(runner, o.jobs.crons, o.jobs.scheduled);
    const slack = createRangekeeper({
      ...o.slack,
      ledger,
      metrics,
      sender,
      jobs,
      identity,
      inboxPollMs: o.inboxPollMs,
      ...(o.apiRate ? { apiRate: o.apiRate } : {}),
      logger: o.logger,
      healthPort: o.port,
      databaseHealthy: async () => {
        await ledger.ping();
        return true;
      },
    });
    const bound = await slack.start(o.port);
    sender.start();
    webhookSender.start();
    const scheduler = o.jobs.scheduled
      ? new JobScheduler({ ...runner, crons: o.jobs.crons, defaultTimezone: ledger.config.defaultTimezone })
      : null;
    await scheduler?.start();
    let stopping: Promise<void> | undefined;
    return {
      ledger,
      database,
      slack,
      sender,
      newSender,
      webhookSender,
      scheduler,
      jobs,
      port: bound ?? o.port,
      stop({ graceMs = DEFAULT_GRACE_MS } = {}) {
        stopping ??= (async () => {
          const started = Date.now();
          const [left] = await Promise.all([slack.stop({ graceMs }), scheduler?.stop(graceMs)]);
          // Messages still being sent when the grace period ends go back to the outbox: the next start (or another replica) sends them.
          const [released, releasedHooks] = await Promise.all([
            sender.stop(Math.max(0, graceMs - (Date.now() - started))),
            webhookSender.stop(Math.max(0, graceMs - (Date.now() - started))),
          ]);
          identity.stop();
          if (left.requests || left.background || left.leftInInbox || released || releasedHooks) {
            o.logger.warn(
              { ...left, releasedMessages: released, releasedWebhookDeliveries: releasedHooks },
              "stopped with work unfinished after the grace period",
            );
          }
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }
}
