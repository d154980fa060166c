// @ts-check
/**
 * Whole-database operations behind the schema engine's `cli` sub-commands
 * (`can-connect-to-database`, `create-database`, `drop-database`), which the
 * Prisma CLI runs before `migrate dev` / `migrate deploy` to create a missing
 * database. The WebAssembly engine has no equivalent, so they are done here,
 * with the error codes the CLI expects (P1001 unreachable, P1003 no such
 * database, P1000 authentication failed).
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { openPGliteWithExtensions } from "./adapters.mjs";
import { databaseName, quoteIdent, serverLocation, withDatabase } from "./targets.mjs";
import { SchemaEngineError } from "./wasm.mjs";

/** @typedef {import("./targets.mjs").MigrationTarget} MigrationTarget */

/**
 * Resolves when the target database exists and answers; rejects with a
 * SchemaEngineError carrying a P-code otherwise.
 * @param {MigrationTarget} target
 */
export async function canConnect(target) {
  if (target.kind === "pglite") {
    if (!existsSync(join(target.dataDir, "PG_VERSION"))) {
      throw new SchemaEngineError(
        `Database \`${target.dataDir}\` does not exist (no PGlite database in that directory).`,
        {
          errorCode: "P1003",
          meta: { database_name: target.dataDir },
        },
      );
    }
    return;
  }
  await withClient(target.url, (c) => c.query("SELECT 1"));
}

/**
 * Creates the target database; returns its name.
 * @param {MigrationTarget} target
 */
export async function createDatabase(target) {
  if (target.kind === "pglite") {
    const db = await openPGliteWithExtensions(target.dataDir);
    await db.close();
    return target.dataDir;
  }
  const name = databaseName(target.url);
  await withClient(maintenanceUrl(target.url), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return name;
}

/**
 * Drops the target database (PGlite: deletes its directory). Missing is fine.
 * @param {MigrationTarget} target
 */
export async function dropDatabase(target) {
  if (target.kind === "pglite") {
    await rm(target.dataDir, { recursive: true, force: true });
    return;
  }
  const name = databaseName(target.url);
  await withClient(maintenanceUrl(target.url), (c) =>
    c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/** The `postgres` database of the same server (where CREATE/DROP DATABASE run). */
export function maintenanceUrl(/** @type {string} */ url) {
  return databaseName(url) === "postgres" ? withDatabase(url, "template1") : withDatabase(url, "postgres");
}

/**
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // reported through the failing call instead
  try {
    await client.connect();
    return await fn(client);
  } catch (e) {
    throw toConnectionError(e, url);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Maps a `pg` error to the schema engine's user-facing error codes.
 * @param {unknown} e
 * @param {string} url
 */
export function toConnectionError(e, url) {
  const err = /** @type {{ code?: string, message?: string }} */ (e);
  const location = serverLocation(url);
  const name = databaseName(url);
  switch (err?.code) {
    case "3D000":
      return new SchemaEngineError(`Database \`${name}\` does not exist on the database server at \`${location}\`.`, {
        errorCode: "P1003",
        meta: { database_name: name, database_host: location },
        cause: e,
      });
    case "28P01":
    case "28000":
      return new SchemaEngineError(`Authentication failed against database server at \`${location}\`: ${err.message}`, {
        errorCode: "P1000",
        meta: { database_host: location },
        cause: e,
      });
    case "42P04":
      return new SchemaEngineError(`Database \`${name}\` already exists on the database server at \`${location}\``, {
        errorCode: "P1009",
        meta: { database_name: name, database_host: location },
        cause: e,
      });
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ECONNRESET":
      return new SchemaEngineError(
        `Can't reach database server at \`${location}\`\n\nPlease make sure your database server is running at \`${location}\`.`,
        { errorCode: "P1001", meta: { database_host: location }, cause: e },
      );
    default:
      return new SchemaEngineError(err?.message ?? String(e), { cause: e });
  }
}
