// @ts-check
/**
 * Driver adapter factories for the schema engine, with the fixes the engine
 * needs on top of the stock adapters:
 *
 *  1. A missing `_prisma_migrations` table means "no migration applied yet".
 *     The stock adapters report it as an error, which engine builds have
 *     turned into a hard P1014 (the pinned build copes; this is a guard).
 *  2. A migration script is sent to the database as ONE query (simple query
 *     protocol): PostgreSQL runs all of its statements in one implicit
 *     transaction, `$$ … $$` function bodies included. (adapter-pg splits
 *     scripts on `;`; the PGlite adapter does not wait for the script and
 *     loses its errors.) `db execute` hands its script to `executeRaw`
 *     instead, as a prepared statement, which PostgreSQL refuses when it
 *     holds several commands: such a refused parameterless statement is
 *     sent again as a script.
 *  3. Columns of type `"char"` (oid 18, e.g. `pg_constraint.contype`, which
 *     introspection reads) are reported as `ColumnTypeEnum.Character`.
 *     adapter-pg rejects the type; reported as text, the engine's schema
 *     describer panics as soon as a CHECK or EXCLUDE constraint exists.
 *  4. Shadow databases: on PostgreSQL a database of its own on the same
 *     server, reached by a URL built here (adapter-pg's own shadow
 *     connection lands on the main database whenever the connection string
 *     names one) and dropped afterwards; on PGlite a throwaway in-memory
 *     instance. Both load btree_gist, which the ledger's constraints need.
 *
 * Connections are opened lazily, on the engine's first `connect()`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { quoteIdent, withDatabase } from "./targets.mjs";

/** @typedef {import("@prisma/driver-adapter-utils").SqlDriverAdapter} SqlDriverAdapter */
/** @typedef {import("@prisma/driver-adapter-utils").SqlQuery} SqlQuery */
/** @typedef {import("@prisma/driver-adapter-utils").SqlResultSet} SqlResultSet */
/** @typedef {import("@prisma/driver-adapter-utils").Transaction} Transaction */
/** @typedef {import("./targets.mjs").MigrationTarget} MigrationTarget */

/**
 * @typedef {import("@prisma/driver-adapter-utils").SqlMigrationAwareDriverAdapterFactory & {
 *   dispose(): Promise<void>,
 * }} MigrationAdapterFactory
 * A factory the schema engine connects through; `dispose()` closes what it
 * opened and drops the shadow databases it created.
 */

const PG_CHAR_OID = 18;
const MIGRATIONS_TABLE = "_prisma_migrations";

/**
 * Opens an embedded PGlite database with btree_gist loaded (the ledger's
 * exclusion constraint needs it).
 * @param {string | undefined} dataDir where it lives; undefined: in memory
 * @param {{ loadDataDir?: Blob, startParams?: string[] }} [options] start from a
 *   `dumpDataDir()` dump; PostgreSQL's command line (PGlite's defaults when unset)
 * @returns {Promise<PGlite>}
 */
export async function openPGliteWithExtensions(dataDir, options = {}) {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create({ dataDir: dataDir ?? "memory://", extensions: { btree_gist }, ...options });
}

/**
 * @param {MigrationTarget} target
 * @param {{ pglite?: PGlite, shadowDatabaseUrl?: string }} [options]
 *   `pglite`: an already open instance of the target directory (PGlite is one
 *   connection per process, so it cannot be opened twice); it is not closed
 *   by `dispose()`. `shadowDatabaseUrl`: a PostgreSQL database to use as the
 *   shadow database instead of creating one (it is emptied before use).
 * @returns {MigrationAdapterFactory}
 */
export function createMigrationAdapterFactory(target, options = {}) {
  return target.kind === "pglite"
    ? new PGliteMigrationFactory(target.dataDir, options.pglite)
    : new PostgresMigrationFactory(target.url, options.shadowDatabaseUrl);
}

class PGliteMigrationFactory {
  provider = /** @type {const} */ ("postgres");
  adapterName = "pglite-prisma-adapter";

  /** @param {string} dataDir @param {PGlite | undefined} shared */
  constructor(dataDir, shared) {
    this.dataDir = dataDir;
    /** @type {Promise<PGlite> | undefined} */
    this.main = shared ? Promise.resolve(shared) : undefined;
    this.ownsMain = !shared;
    /** @type {Set<PGlite>} */
    this.shadows = new Set();
  }

  async connect() {
    this.main ??= openPGliteWithExtensions(this.dataDir);
    return pgliteAdapter(await this.main, async () => {});
  }

  async connectToShadowDb() {
    const shadow = await openPGliteWithExtensions(undefined);
    this.shadows.add(shadow);
    return pgliteAdapter(shadow, async () => {
      if (this.shadows.delete(shadow)) await shadow.close();
    });
  }

  async dispose() {
    for (const shadow of this.shadows) await shadow.close();
    this.shadows.clear();
    if (this.main && this.ownsMain) {
      const main = await this.main.catch(() => undefined);
      this.main = undefined;
      if (main && !main.closed) await main.close();
    }
  }
}

/**
 * @param {PGlite} pglite
 * @param {() => Promise<void>} onDispose
 * @returns {Promise<SqlDriverAdapter>}
 */
async function pgliteAdapter(pglite, onDispose) {
  const inner = /** @type {SqlDriverAdapter & { onError(e: unknown): never }} */ (
    await new PrismaPGlite(pglite).connect()
  );
  return fixedAdapter(inner, {
    async executeScript(script) {
      try {
        await pglite.exec(script);
      } catch (e) {
        inner.onError(e);
      }
    },
    onDispose,
  });
}

class PostgresMigrationFactory {
  provider = /** @type {const} */ ("postgres");
  adapterName = "@prisma/adapter-pg";

  /** @param {string} url @param {string | undefined} shadowDatabaseUrl */
  constructor(url, shadowDatabaseUrl) {
    this.url = url;
    this.shadowDatabaseUrl = shadowDatabaseUrl;
    /** @type {Set<SqlDriverAdapter>} */
    this.open = new Set();
    /** @type {Set<string>} shadow databases created here and not yet dropped */
    this.shadowNames = new Set();
  }

  async connect() {
    return this.track(await postgresAdapter(this.url, async () => {}));
  }

  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      const adapter = await postgresAdapter(this.shadowDatabaseUrl, async () => {});
      await adapter.executeScript(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
      return this.track(adapter);
    }
    const name = `prisma_shadow_${randomBytes(6).toString("hex")}`;
    await adminQuery(this.url, `CREATE DATABASE ${quoteIdent(name)}`);
    this.shadowNames.add(name);
    return this.track(
      await postgresAdapter(withDatabase(this.url, name), async () => {
        await this.dropShadow(name);
      }),
    );
  }

  /** @param {SqlDriverAdapter} adapter */
  track(adapter) {
    this.open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (this.open.delete(adapter)) await dispose();
    };
    return adapter;
  }

  /** @param {string} name */
  async dropShadow(name) {
    if (!this.shadowNames.delete(name)) return;
    await adminQuery(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }

  async dispose() {
    for (const adapter of [...this.open]) await adapter.dispose().catch(() => {});
    for (const name of [...this.shadowNames]) await this.dropShadow(name);
  }
}

/**
 * @param {string} url
 * @param {() => Promise<void>} afterDispose
 * @returns {Promise<SqlDriverAdapter>}
 */
async function postgresAdapter(url, afterDispose) {
  const inner = /** @type {SqlDriverAdapter & { onError(e: unknown): never, underlyingDriver(): pg.Pool }} */ (
    /** @type {unknown} */ (await new PrismaPg({ connectionString: url }).connect())
  );
  return fixedAdapter(inner, {
    async executeScript(script) {
      try {
        await inner.underlyingDriver().query(script);
      } catch (e) {
        inner.onError(e);
      }
    },
    queryRaw: (queryable, query) => queryRawWithCharColumns(queryable, query),
    async onDispose() {
      await inner.dispose();
      await afterDispose();
    },
  });
}

/**
 * Runs one statement on a short-lived connection to the given server
 * (for CREATE/DROP DATABASE, which cannot run on the target database itself).
 * @param {string} url any database on the server; the statement runs on it
 * @param {string} sql
 */
export async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * adapter-pg maps column types in `queryRaw` and throws on oid 18. Runs the
 * adapter's own `queryRaw` over a view of the queryable whose raw results
 * report those columns as text, then marks them `Character`.
 * Relies on adapter-pg's internal `performIO` (pinned version; covered by the
 * toolchain test).
 * @param {SqlDriverAdapter | Transaction} queryable
 * @param {SqlQuery} query
 * @returns {Promise<SqlResultSet>}
 */
async function queryRawWithCharColumns(queryable, query) {
  const q = /** @type {any} */ (queryable);
  /** @type {number[]} */
  let charColumns = [];
  const view = Object.create(q, {
    performIO: {
      value: async (/** @type {SqlQuery} */ query) => {
        const result = await q.performIO(query);
        charColumns = [];
        const fields = result.fields.map((/** @type {{ dataTypeID: number }} */ f, /** @type {number} */ i) => {
          if (f.dataTypeID !== PG_CHAR_OID) return f;
          charColumns.push(i);
          return { ...f, dataTypeID: pg.types.builtins.TEXT };
        });
        return { ...result, fields };
      },
    },
  });
  const resultSet = await q.queryRaw.call(view, query);
  for (const i of charColumns) resultSet.columnTypes[i] = ColumnTypeEnum.Character;
  return resultSet;
}

/**
 * Wraps an adapter with the fixes listed at the top of this module.
 * @param {SqlDriverAdapter} inner
 * @param {{
 *   executeScript: (script: string) => Promise<void>,
 *   queryRaw?: (queryable: SqlDriverAdapter | Transaction, query: SqlQuery) => Promise<SqlResultSet>,
 *   onDispose: () => Promise<void>,
 * }} fixes
 * @returns {SqlDriverAdapter}
 */
function fixedAdapter(inner, fixes) {
  const rawQuery = fixes.queryRaw ?? ((queryable, query) => queryable.queryRaw(query));
  /** @param {SqlDriverAdapter | Transaction} queryable @param {SqlQuery} query */
  const queryRaw = async (queryable, query) => {
    try {
      return await rawQuery(queryable, query);
    } catch (e) {
      if (isMissingMigrationsTable(e, query)) return { columnNames: [], columnTypes: [], rows: [] };
      throw e;
    }
  };
  let disposed = false;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => queryRaw(inner, query),
    async executeRaw(query) {
      try {
        return await inner.executeRaw(query);
      } catch (e) {
        if (query.args.length > 0 || !isMultipleCommandsRefusal(e)) throw e;
        await fixes.executeScript(query.sql);
        return 0;
      }
    },
    executeScript: fixes.executeScript,
    async startTransaction(isolationLevel) {
      const tx = await inner.startTransaction(isolationLevel);
      return {
        provider: tx.provider,
        adapterName: tx.adapterName,
        options: tx.options,
        queryRaw: (query) => queryRaw(tx, query),
        executeRaw: (query) => tx.executeRaw(query),
        commit: () => tx.commit(),
        rollback: () => tx.rollback(),
      };
    },
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await fixes.onDispose();
    },
  };
}

/**
 * Whether PostgreSQL refused a prepared statement for holding several commands.
 * @param {unknown} e
 */
function isMultipleCommandsRefusal(e) {
  const cause =
    /** @type {{ cause?: { originalCode?: string, originalMessage?: string, code?: string, message?: string } }} */ (e)
      ?.cause;
  const code = cause?.originalCode ?? cause?.code;
  const message = cause?.originalMessage ?? cause?.message ?? "";
  return code === "42601" && message.includes("multiple commands");
}

/**
 * Whether `e` says that the migrations table does not exist, for a query
 * that reads it.
 * @param {unknown} e
 * @param {SqlQuery} query
 */
function isMissingMigrationsTable(e, query) {
  const cause = /** @type {{ cause?: { kind?: string, originalCode?: string } }} */ (e)?.cause;
  const missingTable = cause?.kind === "TableDoesNotExist" || cause?.originalCode === "42P01";
  return missingTable && query.sql.includes(MIGRATIONS_TABLE);
}
