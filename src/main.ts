/**
 * Starts rangekeeper: validates the configuration, opens the database
 * (embedded PGlite under ./data/ unless DATABASE_URL is set, applying pending
 * migrations to it), then serves Slack.
 */
import { existsSync } from "node:fs";
import { pino } from "pino";
import { ConfigError, loadEnv } from "./config/env.js";
import { databaseAnswers, openDatabase, targetFromUrl } from "./db/client.js";
import { applyMigrations } from "./db/migrate.js";
import { Store } from "./db/store.js";
import { Ledger } from "./core/ledger/index.js";
import { createRangekeeper } from "./slack/app.js";

async function main(): Promise<void> {
  // A .env file in the working directory is read if present; real environment variables win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  let env;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: env.LOG_LEVEL, base: { service: "rangekeeper" } });
  const target = targetFromUrl(env.DATABASE_URL);
  const db = await openDatabase(target);
  if (target.kind === "pglite") {
    const applied = await applyMigrations(db);
    logger.info({ dataDir: target.dataDir, applied }, "embedded database ready");
  } else {
    logger.info("using PostgreSQL (apply migrations with `npm run db:migrate`)");
  }
  const ledger = new Ledger(new Store(db.prisma), {
    bootstrapAdmins: env.LEDGER_ADMINS,
    defaultCapacity: env.DEFAULT_CAPACITY,
    defaultTimezone: env.DEFAULT_TIMEZONE,
  });
  const rk = createRangekeeper({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    apiUrl: env.SLACK_API_URL,
    ledger,
    logger,
    healthPort: env.PORT,
    databaseHealthy: () => databaseAnswers(db.prisma),
  });
  const port = await rk.start(env.PORT);
  logger.info(env.SLACK_APP_TOKEN ? { mode: "socket", healthPort: env.PORT } : { mode: "http", port, endpoint: "/slack/events" }, "rangekeeper is running");
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await rk.stop().catch((e: unknown) => logger.error({ err: e }, "stop failed"));
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`rangekeeper failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
