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
import { applyPendingMigrations, migrationHistory, readMigrationsList } from "@rangekeeper/schema-engine";
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

/** A PostgreSQL database the bot cannot serve yet: migrations of this version are not applied to it. */
export class MigrationsPending extends Error {
  readonly pending: readonly string[];
  constructor(pending: readonly string[]) {
    super(
      pending.length === 1
        ? `the PostgreSQL database (DATABASE_URL) lacks migration ${pending[0]}: run \`npm run db:migrate\` with the same DATABASE_URL, then start again`
        : `the PostgreSQL database (DATABASE_URL) lacks ${pending.length} migrations (${pending[0]} to ${pending.at(-1)}): run \`npm run db:migrate\` with the same DATABASE_URL, then start again`,
    );
    this.name = "MigrationsPending";
    this.pending = pending;
  }
}

/**
 * The committed migrations that `db` (PostgreSQL) has not recorded as
 * applied, oldest first: read from `_prisma_migrations` (whether it exists,
 * then its finished rows), so a replica starting on a database nobody
 * migrated says so in one line instead of failing on its first query, without
 * loading the schema engine.
 */
export async function unappliedMigrations(
  db: Database,
  options: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<string[]> {
  const list = await readMigrationsList(options.migrationsDir ?? MIGRATIONS_DIR);
  const table = await db.prisma.$queryRaw<{ present: boolean }[]>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "present"`;
  const applied = new Set<string>();
  if (table[0]?.present) {
    const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;
    for (const r of rows) applied.add(r.migration_name);
  }
  return list.migrationDirectories.map((d) => d.path).filter((name) => !applied.has(name));
}
