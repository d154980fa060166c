/**
 * Messages between the main thread (./index.ts) and the database thread
 * (./thread.ts). Types only: both sides import it with `import type`.
 *
 * Every request carries an `id`; the thread answers each with one Response of
 * the same id. Transactions are named by a `txId` the thread hands out.
 */
import type { IsolationLevel, SqlQuery, SqlResultSet, Transaction } from "@prisma/driver-adapter-utils";
import type { MigrationHistory } from "@rangekeeper/schema-engine";

export interface ThreadOptions {
  /** PGlite data directory; undefined: in memory. */
  dataDir: string | undefined;
  /**
   * Start from a `dumpDataDir()` dump (the test harness's migrated template):
   * its bytes, copied into the thread, which makes its own Blob of them (no
   * Blob's native data is shared between threads).
   */
  loadDataDir: Uint8Array | undefined;
  /** PostgreSQL settings it starts with (./settings.ts) */
  settings: Record<string, string>;
}

export type Request =
  | { id: number; op: "queryRaw"; txId: number | undefined; query: SqlQuery }
  | { id: number; op: "executeRaw"; txId: number | undefined; query: SqlQuery }
  | { id: number; op: "executeScript"; script: string }
  | { id: number; op: "startTransaction"; isolationLevel: IsolationLevel | undefined }
  | { id: number; op: "commit"; txId: number }
  | { id: number; op: "rollback"; txId: number }
  | { id: number; op: "migrate"; migrationsDir: string }
  | { id: number; op: "migrationStatus"; migrationsDir: string }
  | { id: number; op: "close" };

/** What each op resolves to. */
export interface Results {
  queryRaw: SqlResultSet;
  executeRaw: number;
  executeScript: null;
  startTransaction: { txId: number; options: Transaction["options"] };
  commit: null;
  rollback: null;
  migrate: string[];
  migrationStatus: MigrationHistory;
  close: null;
}

/**
 * A failure, in a form structured clone keeps: a DriverAdapterError keeps its
 * `cause` (kind, originalCode, …), which is what Prisma maps to P2002 etc.
 */
export type SerializedError =
  | { kind: "driverAdapterError"; cause: unknown }
  | { kind: "error"; name: string; message: string; stack: string | undefined };

export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** Posted once, before any Response: the database is open. */
export type Ready = { ready: true } | { ready: false; error: SerializedError };
