// @ts-check
/**
 * In-process migration: applies the pending migrations of a migrations
 * directory with the same WebAssembly engine and adapters the bridge uses,
 * recording them in `_prisma_migrations` exactly as `prisma migrate deploy`
 * does, so that `prisma migrate status` agrees afterwards.
 */
import { createHash } from "node:crypto";
import { createMigrationAdapterFactory } from "./adapters.mjs";
import { readMigrationsList } from "./migrations.mjs";
import { openSchemaEngine } from "./wasm.mjs";

const NO_FILTERS = Object.freeze({ externalTables: [], externalEnums: [] });

/**
 * @param {{
 *   target: import("./targets.mjs").MigrationTarget,
 *   pglite?: import("@electric-sql/pglite").PGlite,
 *   migrationsDir: string,
 *   onLog?: (line: string) => void,
 * }} options
 *   `pglite`: the already open instance of a PGlite target (required for an
 *   in-memory database; it stays open).
 * @returns {Promise<string[]>} names of the migrations applied now, oldest first
 */
export async function applyPendingMigrations({ target, pglite, migrationsDir, onLog }) {
  const migrationsList = await readMigrationsList(migrationsDir);
  // Nothing to apply (the usual start): the engine, its WebAssembly and its memory are not loaded at all.
  if (pglite && (await recordedUpToDate(pglite, migrationsList))) return [];
  const factory = createMigrationAdapterFactory(target, { pglite });
  try {
    const engine = await openSchemaEngine({ factory, onLog });
    try {
      const out = await engine.call("applyMigrations", { migrationsList, filters: NO_FILTERS });
      return out.appliedMigrationNames;
    } finally {
      engine.free();
    }
  } finally {
    await factory.dispose();
  }
}

/**
 * The engine's view of a database's migration history against a migrations
 * directory (what `prisma migrate status` reports).
 * @param {{
 *   target: import("./targets.mjs").MigrationTarget,
 *   pglite?: import("@electric-sql/pglite").PGlite,
 *   migrationsDir: string,
 * }} options
 * @returns {Promise<{ upToDate: boolean, unapplied: string[], failed: string[], edited: string[], hasMigrationsTable: boolean, history: unknown }>}
 */
export async function migrationHistory({ target, pglite, migrationsDir }) {
  const factory = createMigrationAdapterFactory(target, { pglite });
  try {
    const engine = await openSchemaEngine({ factory });
    try {
      const migrationsList = await readMigrationsList(migrationsDir);
      const d = await engine.call("diagnoseMigrationHistory", {
        migrationsList,
        optInToShadowDatabase: false,
        filters: NO_FILTERS,
      });
      const unapplied =
        d.history?.diagnostic === "databaseIsBehind" || d.history?.diagnostic === "historiesDiverge"
          ? d.history.unappliedMigrationNames
          : [];
      return {
        upToDate: d.history === null && d.failedMigrationNames.length === 0 && d.editedMigrationNames.length === 0,
        unapplied,
        failed: d.failedMigrationNames,
        edited: d.editedMigrationNames,
        hasMigrationsTable: d.hasMigrationsTable,
        history: d.history,
      };
    } finally {
      engine.free();
    }
  } finally {
    await factory.dispose();
  }
}

/**
 * True when `_prisma_migrations` of the open PGlite records every migration
 * of the list as applied (finished, not rolled back, with the checksum of
 * its script as it is now) and nothing else: no failed or unfinished
 * migration, none the directory does not have. Anything else (a fresh
 * database, a pending, edited, failed or unknown migration) is for the
 * engine to apply or to refuse, with its own messages.
 * @param {import("@electric-sql/pglite").PGlite} pglite
 * @param {Awaited<ReturnType<typeof readMigrationsList>>} migrationsList
 * @returns {Promise<boolean>}
 */
export async function recordedUpToDate(pglite, migrationsList) {
  /** @type {{ migration_name: string, checksum: string, finished_at: unknown, rolled_back_at: unknown }[]} */
  let rows;
  try {
    rows = (
      await pglite.query(
        `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
      )
    ).rows;
  } catch {
    return false; // no bookkeeping yet: a fresh database
  }
  /** @type {Map<string, string>} */
  const applied = new Map();
  for (const r of rows) {
    if (r.rolled_back_at !== null) continue;
    if (r.finished_at === null) return false;
    applied.set(r.migration_name, r.checksum);
  }
  const dirs = migrationsList.migrationDirectories;
  if (applied.size !== dirs.length) return false;
  return dirs.every(
    (d) =>
      d.migrationFile.content.tag === "ok" &&
      applied.get(d.path) === createHash("sha256").update(d.migrationFile.content.value, "utf8").digest("hex"),
  );
}
