// @ts-check
/**
 * Database URLs the toolchain understands, for the `postgresql` provider:
 *
 *   postgresql://user@host:port/db (or postgres://…)  a PostgreSQL server
 *   file:<directory>                                  an embedded PGlite database
 *                                                     stored in that directory
 *
 * `file:` takes a relative path (`file:./data/pglite`, resolved against a base
 * directory, by default the current one), an absolute path
 * (`file:/srv/rk/pglite`) or a file URL (`file:///srv/rk/pglite`). The Prisma
 * CLI accepts any string as the datasource URL and hands it to the schema
 * engine untouched, so this convention is private to the bridge and the app.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @typedef {{ kind: "pglite", dataDir: string }} PGliteTarget
 * @typedef {{ kind: "postgres", url: string }} PostgresTarget
 * @typedef {PGliteTarget | PostgresTarget} MigrationTarget
 */

/**
 * @param {string} url
 * @param {string} [baseDir] what a relative `file:` path is relative to
 * @returns {MigrationTarget}
 */
export function parseDatabaseUrl(url, baseDir = process.cwd()) {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url };
  if (/^file:/i.test(url)) {
    let path = url.startsWith("file://") ? fileURLToPath(url) : decodeURIComponent(url.slice("file:".length));
    path = path.replace(/[?#].*$/, "");
    if (!path)
      throw new Error(`The database URL ${JSON.stringify(url)} names no directory (expected file:<directory>).`);
    return { kind: "pglite", dataDir: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `Unsupported database URL${scheme ? ` scheme "${scheme}:"` : ""}: expected postgresql://… (a PostgreSQL server) or file:<directory> (an embedded PGlite database).`,
  );
}

/** The `file:` URL of an embedded PGlite directory. */
export function pgliteUrl(/** @type {string} */ dataDir) {
  return `file:${dataDir}`;
}

/** The database name of a PostgreSQL URL (`postgres` when it names none, as libpq does for user postgres). */
export function databaseName(/** @type {string} */ url) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return name || decodeURIComponent(u.username) || "postgres";
}

/** The same PostgreSQL URL with another database name. */
export function withDatabase(/** @type {string} */ url, /** @type {string} */ name) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** `host:port` of a PostgreSQL URL, for messages (never the credentials). */
export function serverLocation(/** @type {string} */ url) {
  const u = new URL(url);
  return `${u.hostname || "localhost"}:${u.port || "5432"}`;
}

/** A short human name for a target, for messages. */
export function describeTarget(/** @type {MigrationTarget} */ target) {
  return target.kind === "pglite"
    ? `PGlite database at ${target.dataDir}`
    : `PostgreSQL database "${databaseName(target.url)}" at ${serverLocation(target.url)}`;
}

/** Quotes a PostgreSQL identifier. */
export function quoteIdent(/** @type {string} */ name) {
  return `"${name.replace(/"/g, '""')}"`;
}
