// @ts-check
/**
 * In-process migration: applies the pending migrations of a migrations
 * directory with the same WebAssembly engine and adapters the bridge uses,
 * recording them in `_prisma_migrations` exactly as `prisma migrate deploy`
 * does, so that `prisma migrate status` agrees afterwards.
 */
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
  const factory = createMigrationAdapterFactory(target, { pglite });
  try {
    const engine = await openSchemaEngine({ factory, onLog });
    try {
      const migrationsList = await readMigrationsList(migrationsDir);
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
