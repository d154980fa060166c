/**
 * Applying migrations in-process: with an open PGlite whose bookkeeping
 * already records every migration (the usual start), nothing is applied and
 * the engine is not needed; a new, edited or failed migration is left to the
 * engine.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  applyPendingMigrations,
  openPGliteWithExtensions,
  readMigrationsList,
  recordedUpToDate,
} from "../lib/index.mjs";

const scratch = mkdtempSync(join(tmpdir(), "rk-apply-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let dir: string;
let pglite: PGlite;
const target = { kind: "pglite" as const, dataDir: "memory://" };

function migration(name: string, sql: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, "migration.sql"), sql);
}

beforeEach(async () => {
  dir = mkdtempSync(join(scratch, "migrations-"));
  writeFileSync(join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
  migration("1_a", 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n');
  migration("2_b", 'CREATE TABLE "B" ("id" INTEGER PRIMARY KEY);\n');
  pglite = await openPGliteWithExtensions(undefined, {
    startParams: [...(await import("@electric-sql/pglite")).PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
  });
});
afterEach(async () => {
  await pglite.close();
});

const upToDate = async () => recordedUpToDate(pglite, await readMigrationsList(dir));

describe("applying pending migrations", () => {
  it("applies what is pending, then finds nothing to do from the bookkeeping alone", { timeout: 120_000 }, async () => {
    expect(await upToDate()).toBe(false); // no bookkeeping yet
    expect(await applyPendingMigrations({ target, pglite, migrationsDir: dir })).toEqual(["1_a", "2_b"]);
    expect(await upToDate()).toBe(true);
    expect(await applyPendingMigrations({ target, pglite, migrationsDir: dir })).toEqual([]);
    expect((await pglite.query("SHOW shared_buffers")).rows).toEqual([{ shared_buffers: "16MB" }]);

    migration("3_c", 'CREATE TABLE "C" ("id" INTEGER PRIMARY KEY);\n');
    expect(await upToDate()).toBe(false);
    expect(await applyPendingMigrations({ target, pglite, migrationsDir: dir })).toEqual(["3_c"]);
    expect(await upToDate()).toBe(true);
  });

  it("leaves an edited, failed or unknown migration to the engine", { timeout: 120_000 }, async () => {
    await applyPendingMigrations({ target, pglite, migrationsDir: dir });
    migration("2_b", 'CREATE TABLE "B" ("id" INTEGER PRIMARY KEY, "x" TEXT);\n');
    expect(await upToDate()).toBe(false);
    migration("2_b", 'CREATE TABLE "B" ("id" INTEGER PRIMARY KEY);\n');
    expect(await upToDate()).toBe(true);

    await pglite.query(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
       VALUES ('x', 'c', '3_failed', now(), 0)`,
    );
    expect(await upToDate()).toBe(false); // failed (never finished)
    await pglite.query(`UPDATE "_prisma_migrations" SET "finished_at" = now() WHERE "id" = 'x'`);
    expect(await upToDate()).toBe(false); // recorded, but not in the directory
    await pglite.query(`UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "id" = 'x'`);
    expect(await upToDate()).toBe(true); // rolled back: as if never applied
  });
});
