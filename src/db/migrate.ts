/**
 * Applies the committed migrations (prisma/migrations) at runtime, in-process,
 * with Prisma's WebAssembly schema engine: the same engine and adapter fixes
 * the `prisma` CLI uses through packages/schema-engine, and the same
 * `_prisma_migrations` bookkeeping, so `prisma migrate status` agrees
 * afterwards.
 *
 * Used for the embedded database at start-up: PGlite is one connection per
 * process, so the migration runs over the instance the app already has open,
 * in the database's thread.
 * On PostgreSQL it opens its own short-lived connections; deployments usually
 * run `npm run db:migrate` (prisma migrate deploy) instead.
 */
import { fileURLToPath } from "node:url";
import type { MigrationHistory, MigrationTarget } from "@rangekeeper/schema-engine";
import { applyPendingMigrations, migrationHistory } from "@rangekeeper/schema-engine";
import type { Database } from "./client.ts";

/** The committed migrations. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export interface MigrateOptions {
  /** Another migrations directory (tests). */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON), on PostgreSQL. */
  onLog?: (line: string) => void;
}

/**
 * Applies the migrations not yet applied to `db`, oldest first, and returns
 * their names (empty when the database was up to date). A failing migration
 * rejects with the database's error and is recorded as failed, as with
 * `prisma migrate deploy`. The embedded database migrates in its own thread
 * (the schema engine needs the PGlite instance beside it), where the engine's
 * log lines stay.
 */
export async function applyMigrations(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  if (db.embedded) return db.embedded.migrate(migrationsDir);
  return applyPendingMigrations({ target: serverTarget(db), migrationsDir, onLog: options.onLog });
}

/** Where `db` stands against the migrations directory (what `prisma migrate status` reports). */
export async function migrationStatus(
  db: Database,
  options: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<MigrationHistory> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  if (db.embedded) return db.embedded.migrationStatus(migrationsDir);
  return migrationHistory({ target: serverTarget(db), migrationsDir });
}

function serverTarget(db: Database): MigrationTarget {
  if (db.target.kind !== "postgres") throw new Error("an embedded database migrates in its own thread");
  return { kind: "postgres", url: db.target.url };
}
