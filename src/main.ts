/**
 * The rangekeeper process: validates the configuration, starts the bot
 * (./rangekeeper.ts) and stops it cleanly on SIGTERM or SIGINT: no new
 * requests, in-flight work finished within the grace period, the database
 * closed. A second signal stops at once.
 */
import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { pino } from "pino";
import { ConfigError, type Env, jobCrons, loadEnv } from "./config/env.ts";
import { targetFromUrl } from "./db/client.ts";
import { MigrationsPending } from "./db/migrate.ts";
import { startRangekeeper } from "./rangekeeper.ts";
import { SlackTokenRefused } from "./slack/identity.ts";

/** How long a signalled shutdown waits for in-flight requests and their background work. */
const SHUTDOWN_GRACE_MS = 10_000;

function configuration(): Env {
  // A .env file in the working directory is read if present; real environment variables win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

async function main(): Promise<void> {
  const env = configuration();
  // Before anything large is allocated: V8 reads it as the heap grows, and the embedded database's thread
  // takes it from its start. It keeps the heap near what is live (a burst of commands otherwise leaves
  // about 150 MB behind), at a cost in speed under load (README, Memory).
  const optimizeFor = env.OPTIMIZE_FOR ?? (env.DATABASE_URL ? "speed" : "memory");
  if (optimizeFor === "memory") setFlagsFromString("--optimize-for-size");
  const logger = pino({ level: env.LOG_LEVEL, base: { service: "rangekeeper" } });
  // Signals are taken from the first moment: one that comes during start-up (creating and
  // migrating a fresh embedded database takes a while) stops the bot as soon as it has started,
  // so the database is closed properly rather than cut off half-written.
  let stopping = false;
  const starting = startRangekeeper({
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    },
    port: env.PORT,
    database: targetFromUrl(env.DATABASE_URL, undefined, env.PGLITE_SETTINGS),
    ledger: {
      bootstrapAdmins: env.LEDGER_ADMINS,
      defaultCapacity: env.DEFAULT_CAPACITY,
      defaultTimezone: env.DEFAULT_TIMEZONE,
      allowPrivateWebhooks: env.WEBHOOK_ALLOW_PRIVATE,
    },
    jobs: { crons: jobCrons(env), scheduled: true },
    apiRate: { perSecond: env.API_RATE_PER_SECOND!, burst: env.API_RATE_BURST! },
    logger,
    // Slack was unreachable at start-up and, once reached, refused the token.
    onTokenRefused: (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    },
  });
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: stopping now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, "shutting down");
    starting
      .then((rk) => rk.stop({ graceMs: SHUTDOWN_GRACE_MS }))
      .then(
        () => {
          logger.info("stopped");
          process.exit(0);
        },
        (e: unknown) => {
          logger.error({ err: e }, "stop failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  logger.debug({ pid: process.pid }, "starting");
  const rk = await starting;
  if (stopping) return;
  logger.info(
    env.SLACK_APP_TOKEN
      ? { mode: "socket", healthPort: rk.port, pid: process.pid, optimizeFor }
      : { mode: "http", port: rk.port, endpoint: "/slack/events", pid: process.pid, optimizeFor },
    "rangekeeper is running",
  );
}

main().catch((e: unknown) => {
  // A token Slack refuses, or a database nobody migrated, is a configuration error, like a missing variable: one line, exit 2.
  if (e instanceof SlackTokenRefused || e instanceof MigrationsPending) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`rangekeeper failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
