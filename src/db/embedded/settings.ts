/**
 * The PostgreSQL settings of the embedded database. PGlite starts with a
 * server's defaults (128 MB of shared buffers, 100 connections' worth of
 * shared memory, 64 MB for each index build), all inside its WebAssembly
 * memory, which grows and never shrinks. A team's ledger is one connection
 * and tens of megabytes of data, so it starts smaller; PGLITE_SETTINGS
 * (src/config/env.ts) overrides any of these, or sets others, for a large
 * team.
 */

/** What the embedded database starts with unless PGLITE_SETTINGS says otherwise. */
export const EMBEDDED_DEFAULTS: Readonly<Record<string, string>> = {
  // The ledger's working set (ranges, free spans, reviews of a 100,000-range dataset) fits; the rest
  // is read from the data directory's files, which the operating system caches.
  shared_buffers: "16MB",
  // One connection: the shared memory of the lock table and the process slots is sized by this.
  max_connections: "10",
  // Index builds (migrations) and sorts: enough for the ledger's tables, bounded.
  maintenance_work_mem: "16MB",
  work_mem: "4MB",
  temp_buffers: "1MB",
};

/** The settings the embedded database starts with: the defaults, then the operator's. */
export const embeddedSettings = (overrides: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  ...EMBEDDED_DEFAULTS,
  ...overrides,
});

/** As PostgreSQL's command line takes them. */
export const asStartParams = (settings: Readonly<Record<string, string>>): string[] =>
  Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
