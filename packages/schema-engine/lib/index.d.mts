/**
 * Types of ./index.mjs (the implementation is plain JavaScript so that the
 * schema engine bridge starts with bare Node; tools/schema-engine/tsconfig.json
 * type-checks it).
 */
import type { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { QueryResult } from "pg";

export type PGliteTarget = { kind: "pglite"; dataDir: string };
export type PostgresTarget = { kind: "postgres"; url: string };
/** A database the toolchain can migrate: a PostgreSQL server database or an embedded PGlite directory. */
export type MigrationTarget = PGliteTarget | PostgresTarget;

/** `postgresql://…` / `postgres://…` → PostgreSQL; `file:<dir>` → PGlite in <dir> (relative to baseDir, default cwd). */
export function parseDatabaseUrl(url: string, baseDir?: string): MigrationTarget;
/** The `file:` URL of a PGlite directory. */
export function pgliteUrl(dataDir: string): string;
export function databaseName(url: string): string;
export function withDatabase(url: string, name: string): string;
export function serverLocation(url: string): string;
export function describeTarget(target: MigrationTarget): string;
export function quoteIdent(name: string): string;

export type MigrationAdapterFactory = SqlMigrationAwareDriverAdapterFactory & { dispose(): Promise<void> };
export function createMigrationAdapterFactory(
  target: MigrationTarget,
  options?: { pglite?: PGlite; shadowDatabaseUrl?: string },
): MigrationAdapterFactory;
/**
 * Opens PGlite (in memory when dataDir is undefined, optionally from a
 * dumpDataDir() dump, with PostgreSQL's command line in startParams) with
 * btree_gist loaded.
 */
export function openPGliteWithExtensions(
  dataDir: string | undefined,
  options?: { loadDataDir?: Blob; startParams?: string[] },
): Promise<PGlite>;
/** Runs one statement on a short-lived connection to `url`. */
export function adminQuery(url: string, sql: string): Promise<QueryResult>;

export function canConnect(target: MigrationTarget): Promise<void>;
export function createDatabase(target: MigrationTarget): Promise<string>;
export function dropDatabase(target: MigrationTarget): Promise<void>;
/** The server's `postgres` database (or `template1` when the URL names `postgres`). */
export function maintenanceUrl(url: string): string;

export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: "ok"; value: string } | { tag: "error"; value: string } };
  }[];
}
export function readMigrationsList(migrationsDir: string, shadowDbInitScript?: string): Promise<MigrationList>;

export class SchemaEngineError extends Error {
  constructor(
    message: string,
    details?: { errorCode?: string | null; meta?: unknown; isPanic?: boolean; cause?: unknown },
  );
  readonly errorCode: string | null;
  readonly meta: unknown;
  readonly isPanic: boolean;
}
export interface OpenSchemaEngine {
  // biome-ignore lint/suspicious/noExplicitAny: each engine method answers in its own shape; callers type what they read
  call(method: string, params?: unknown): Promise<any>;
  free(): void;
}
export function openSchemaEngine(options: {
  factory: SqlMigrationAwareDriverAdapterFactory;
  datamodels?: [path: string, content: string][];
  onLog?: (line: string) => void;
}): Promise<OpenSchemaEngine>;
export function schemaEngineVersion(): Promise<string>;

/**
 * True when the open PGlite's `_prisma_migrations` records exactly the list's
 * migrations as applied, with their scripts' checksums: nothing to apply.
 */
export function recordedUpToDate(
  pglite: PGlite,
  migrationsList: Awaited<ReturnType<typeof readMigrationsList>>,
): Promise<boolean>;

/**
 * Applies pending migrations in-process; returns the names applied now,
 * oldest first. With an open PGlite whose bookkeeping says nothing is
 * pending, the engine is not loaded at all.
 */
export function applyPendingMigrations(options: {
  target: MigrationTarget;
  pglite?: PGlite;
  migrationsDir: string;
  onLog?: (line: string) => void;
}): Promise<string[]>;

export interface MigrationHistory {
  upToDate: boolean;
  unapplied: string[];
  failed: string[];
  edited: string[];
  hasMigrationsTable: boolean;
  history: unknown;
}
export function migrationHistory(options: {
  target: MigrationTarget;
  pglite?: PGlite;
  migrationsDir: string;
}): Promise<MigrationHistory>;
