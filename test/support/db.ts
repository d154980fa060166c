/**
 * The test database harness. `createTestDatabase()` returns a fully
 * migrated, empty database of its own:
 *   - PGlite in memory by default;
 *   - on PostgreSQL when DATABASE_URL is a postgresql:// URL: a database of
 *     its own on that server (rk_test_…).
 * Both are clones of a template migrated once per run (./global-setup.ts);
 * without the global setup each database is migrated on its own (slower).
 * `dispose()` gives it back: emptied, it goes to the next test of the same
 * file, and is closed or dropped when the file is done (./db-pool.ts).
 */
import { readFile } from "node:fs/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import { withDatabase } from "@rangekeeper/schema-engine";
import { inject } from "vitest";
import { type Database, openEmbedded } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { giveBackEmbedded, giveBackOnServer, rememberTemplate, takeIdleEmbedded, takeIdleOnServer } from "./db-pool.ts";
import {
  clonePostgresTemplate,
  createMigratedPostgresDatabase,
  postgresServerUrl,
  uniqueDatabaseName,
} from "./db-templates.ts";

export interface TestDatabase extends Database {
  kind: "pglite" | "postgres";
  /** URL of this database on PostgreSQL (e.g. for a second process); undefined on PGlite. */
  url: string | undefined;
  /**
   * Opens `n` more independent clients to this database, each with its own
   * connection pool (for concurrency tests). PostgreSQL only: PGlite is one
   * connection in one process. Closed by `dispose()`.
   */
  openConnections(n: number, options?: { poolSize?: number }): PrismaClient[];
  /** Closes every client and gives the database back (./db-pool.ts). */
  dispose(): Promise<void>;
}

/** True when tests run on PostgreSQL (DATABASE_URL is a postgresql:// URL). */
export function usingPostgres(): boolean {
  return postgresServerUrl() !== undefined;
}

/** The PostgreSQL server URL tests use, or undefined on PGlite. */
export function testServerUrl(): string | undefined {
  return postgresServerUrl();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = postgresServerUrl();
  return serverUrl ? createPostgresTestDatabase(serverUrl) : createPGliteTestDatabase();
}

function provided(key: "rkPGliteTemplate" | "rkPostgresTemplate"): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined; // not running under the global setup
  }
}

let templateDump: Promise<Uint8Array> | undefined;

async function createPGliteTestDatabase(): Promise<TestDatabase> {
  const templatePath = provided("rkPGliteTemplate");
  // The embedded database as the app runs it: in a thread of its own; one an
  // earlier test of this file is done with when there is one (./db-pool.ts).
  let db = takeIdleEmbedded();
  if (!db) {
    if (templatePath) {
      templateDump ??= readFile(templatePath);
      db = await openEmbedded({ dataDir: undefined, loadDataDir: await templateDump });
    } else {
      db = await openEmbedded({ dataDir: undefined });
      await applyMigrations(db);
    }
    await rememberTemplate(db);
  }
  const leased = db;
  let closedByTest = false;
  let disposed: Promise<void> | undefined;
  return {
    ...leased,
    kind: "pglite",
    url: undefined,
    close() {
      closedByTest = true;
      return leased.close();
    },
    openConnections() {
      throw new Error(
        "openConnections needs PostgreSQL (set DATABASE_URL=postgresql://…): PGlite is one connection in one process",
      );
    },
    dispose() {
      disposed ??= giveBackEmbedded(leased, closedByTest);
      return disposed;
    },
  };
}

async function createPostgresTestDatabase(serverUrl: string): Promise<TestDatabase> {
  // One an earlier test of this file is done with when there is one (./db-pool.ts).
  const kept = takeIdleOnServer(serverUrl);
  const name = kept?.name ?? uniqueDatabaseName("rk_test");
  const template = provided("rkPostgresTemplate");
  const url = kept
    ? withDatabase(serverUrl, name)
    : template
      ? await clonePostgresTemplate(serverUrl, template, name)
      : await createMigratedPostgresDatabase(serverUrl, name);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  if (!kept) await rememberTemplate({ prisma });
  const extra: PrismaClient[] = [];
  let disposed = false;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([prisma, ...extra].map((p) => p.$disconnect())).then(() => undefined));
  return {
    prisma,
    target: { kind: "postgres", url },
    close,
    kind: "postgres",
    url,
    openConnections(n, options = {}) {
      const clients = Array.from(
        { length: n },
        () => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 5 }) }),
      );
      extra.push(...clients);
      return clients;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await close();
      await giveBackOnServer({ serverUrl, name });
    },
  };
}
