// @ts-check
/**
 * What the migration bridge shares with the app and the tests: database URL
 * conventions, driver adapter factories with the engine fixes, whole-database
 * operations, and in-process migration. Types: index.d.mts.
 */

export { adminQuery, createMigrationAdapterFactory, openPGliteWithExtensions } from "./adapters.mjs";
export { applyPendingMigrations, migrationHistory, recordedUpToDate } from "./apply.mjs";
export { canConnect, createDatabase, dropDatabase, maintenanceUrl } from "./databases.mjs";
export { readMigrationsList } from "./migrations.mjs";
export {
  databaseName,
  describeTarget,
  parseDatabaseUrl,
  pgliteUrl,
  quoteIdent,
  serverLocation,
  withDatabase,
} from "./targets.mjs";
export { openSchemaEngine, SchemaEngineError, schemaEngineVersion } from "./wasm.mjs";
