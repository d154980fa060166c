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
import { applyMigrations } from "./db/migrate.ts";
import { Store } from "./db/store.ts";
import { createRangekeeper, DEFAULT_GRACE_MS, type Rangekeeper, type SlackAppOptions } from "./slack/app.ts";

export interface RangekeeperOptions {
  /** how to reach Slack: tokens, signing secret, Web API URL and retry policy */
  slack: Pick<SlackAppOptions, "botToken" | "signingSecret" | "appToken" | "apiUrl" | "retryConfig">;
  /** HTTP port of /slack/events (HTTP mode), /healthz and /metrics; 0 picks a free one */
  port: number;
  /** where the ledger lives, or a database already open (it is closed on stop all the same) */
  database: DatabaseTarget | Database;
  ledger: Partial<LedgerConfig>;
  logger: Logger;
}

export interface RunningRangekeeper {
  ledger: Ledger;
  database: Database;
  slack: Rangekeeper;
  /** the HTTP port bound (the one asked for, or the free one picked for 0) */
  port: number;
  /** Stops taking requests, lets in-flight work finish within `graceMs`, then closes the database. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

const isOpen = (d: DatabaseTarget | Database): d is Database => "prisma" in d;

export async function startRangekeeper(o: RangekeeperOptions): Promise<RunningRangekeeper> {
  const database = isOpen(o.database) ? o.database : await openDatabase(o.database);
  try {
    if (!isOpen(o.database)) {
      if (database.target.kind === "pglite") {
        const applied = await applyMigrations(database, {
          onLog: (line) => o.logger.debug({ engine: line }, "schema engine"),
        });
        o.logger.info({ dataDir: database.target.dataDir, applied }, "embedded database ready");
      } else {
        o.logger.info("using PostgreSQL (apply migrations with `npm run db:migrate`)");
      }
    }
    const ledger = new Ledger(new Store(database.prisma), o.ledger);
    const slack = createRangekeeper({
      ...o.slack,
      ledger,
      logger: o.logger,
      healthPort: o.port,
      databaseHealthy: async () => {
        await ledger.ping();
        return true;
      },
    });
    const bound = await slack.start(o.port);
    let stopping: Promise<void> | undefined;
    return {
      ledger,
      database,
      slack,
      port: bound ?? o.port,
      stop({ graceMs = DEFAULT_GRACE_MS } = {}) {
        stopping ??= (async () => {
          const left = await slack.stop({ graceMs });
          if (left.requests || left.background) {
            // What did not finish is given back, so the next start (or another replica) can send it.
            const released = await slack.services.notifier.releaseUnsent();
            o.logger.warn(
              { ...left, releasedMessages: released },
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
