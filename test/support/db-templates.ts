/**
 * Migrated, empty template databases for the test harness (./db.ts), built
 * once per test run by ./global-setup.ts and cloned for every test database:
 *   - PGlite: a dump of a migrated in-memory data directory, in a temp file;
 *   - PostgreSQL: a migrated database on the test server, cloned with
 *     CREATE DATABASE … TEMPLATE.
 * No vitest imports here: global setup runs outside the test workers.
 */
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import {
  adminQuery,
  applyPendingMigrations,
  openPGliteWithExtensions,
  quoteIdent,
  withDatabase,
} from "@rangekeeper/schema-engine";
import { MIGRATIONS_DIR } from "../../src/db/migrate.ts";

/** The PostgreSQL server tests run on: DATABASE_URL when it is a postgresql:// URL. */
export function postgresServerUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//i.test(url) ? url : undefined;
}

/** A database name no other run on the same server will pick. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** An in-memory PGlite with every committed migration applied. */
export async function migratedPGlite(): Promise<PGlite> {
  const pglite = await openPGliteWithExtensions(undefined);
  try {
    await applyPendingMigrations({
      target: { kind: "pglite", dataDir: "memory://" },
      pglite,
      migrationsDir: MIGRATIONS_DIR,
    });
    return pglite;
  } catch (e) {
    await pglite.close();
    throw e;
  }
}

/** Builds the PGlite template: a data directory dump in a temp file. Returns its path. */
export async function buildPGliteTemplate(): Promise<string> {
  const pglite = await migratedPGlite();
  try {
    const dump = await pglite.dumpDataDir("none");
    const path = join(tmpdir(), `${uniqueDatabaseName("rk_pglite_template")}.tar`);
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
    return path;
  } finally {
    await pglite.close();
  }
}

export async function removePGliteTemplate(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Creates a database on the server and applies every committed migration to it. Returns its URL. */
export async function createMigratedPostgresDatabase(serverUrl: string, name: string): Promise<string> {
  await adminQuery(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const url = withDatabase(serverUrl, name);
  try {
    await applyPendingMigrations({ target: { kind: "postgres", url }, migrationsDir: MIGRATIONS_DIR });
  } catch (e) {
    await dropPostgresDatabase(serverUrl, name);
    throw e;
  }
  return url;
}

/** Builds the PostgreSQL template database. Returns its name. */
export async function buildPostgresTemplate(serverUrl: string): Promise<string> {
  const name = uniqueDatabaseName("rk_template");
  await createMigratedPostgresDatabase(serverUrl, name);
  return name;
}

/** Clones the template into a new database. Returns the new database's URL. */
export async function clonePostgresTemplate(serverUrl: string, template: string, name: string): Promise<string> {
  // Concurrent clones of one template can briefly see each other as "other
  // users" of the source database; retry those.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(serverUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      return withDatabase(serverUrl, name);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== "55006" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

export async function dropPostgresDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
