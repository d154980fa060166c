/**
 * Applies the committed migrations (prisma/migrations) at runtime, in-process,
 * with Prisma's WebAssembly schema engine: the same engine and adapter fixes
 * the `prisma` CLI uses through packages/schema-engine, and the same
 * `_prisma_migrations` bookkeeping, so `prisma migrate status` agrees
 * afterwards.
 *
 * Used for the embedded database at start-up: PGlite is one connection per
 * process, so the migration runs over the instance the app already has open.
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
  /** Receives the engine's log lines (JSON). */
  onLog?: (line: string) => void;
}

function migrationTarget(db: Database): MigrationTarget {
  if (db.target.kind === "postgres") return { kind: "postgres", url: db.target.url };
  if (!db.pglite) throw new Error("a PGlite database must carry its open PGlite instance");
  // An in-memory database has no directory: the open instance is all there is.
  return { kind: "pglite", dataDir: db.target.dataDir ?? "memory://" };
}

/**
 * Applies the migrations not yet applied to `db`, oldest first, and returns
 * their names (empty when the database was up to date). A failing migration
 * rejects with the database's error and is recorded as failed, as with
 * `prisma migrate deploy`.
 */
export async function applyMigrations(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  return applyPendingMigrations({
    target: migrationTarget(db),
    pglite: db.pglite,
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
    onLog: options.onLog,
  });
}

/** Where `db` stands against the migrations directory (what `prisma migrate status` reports). */
export async function migrationStatus(
  db: Database,
  options: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<MigrationHistory> {
  return migrationHistory({
    target: migrationTarget(db),
    pglite: db.pglite,
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
  });
}
