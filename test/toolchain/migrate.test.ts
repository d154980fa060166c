/**
 * src/db/migrate.ts: runtime migration in-process (the embedded database at
 * start-up), checked against what the Prisma CLI then reports.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminQuery, pgliteUrl, quoteIdent, withDatabase } from "@rangekeeper/schema-engine";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { applyMigrations, migrationStatus } from "../../src/db/migrate.ts";
import { committedMigrations, MIGRATIONS_DIR, prisma } from "./prisma-cli.ts";

const SERVER_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : undefined;
const scratch = mkdtempSync(join(tmpdir(), "rk-migrate-"));
const dropAfter: string[] = [];
afterAll(async () => {
  for (const name of dropAfter)
    await adminQuery(SERVER_URL!, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  rmSync(scratch, { recursive: true, force: true });
});

/** A migrations directory holding only the oldest committed migration. */
function firstMigrationOnly(): string {
  const dir = join(scratch, "first-only");
  const first = committedMigrations()[0]!;
  cpSync(join(MIGRATIONS_DIR, first), join(dir, first), { recursive: true });
  cpSync(join(MIGRATIONS_DIR, "migration_lock.toml"), join(dir, "migration_lock.toml"));
  return dir;
}

describe("applyMigrations on an embedded PGlite directory", () => {
  const dataDir = join(scratch, "pglite");

  it("applies what is pending, then nothing; prisma migrate status agrees", { timeout: 240_000 }, async () => {
    const all = committedMigrations();
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      if (all.length > 1) {
        // Bring it to the first migration only, so the rest is "pending".
        expect(await applyMigrations(db, { migrationsDir: firstMigrationOnly() })).toEqual(all.slice(0, 1));
        expect((await migrationStatus(db)).unapplied).toEqual(all.slice(1));
      }
      expect(await applyMigrations(db)).toEqual(all.length > 1 ? all.slice(1) : all);
      expect(await applyMigrations(db)).toEqual([]);
      expect((await migrationStatus(db)).upToDate).toBe(true);
      // The app can use it straight away, constraints included.
      await db.prisma.workspace.create({ data: { id: "T1" } });
      expect(await db.prisma.workspace.count()).toBe(1);
    } finally {
      await db.close();
    }
    // PGlite is single-process: the CLI opens the directory once the app has closed it.
    const status = await prisma(["migrate", "status"], { databaseUrl: pgliteUrl(dataDir) });
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain("Database schema is up to date!");
    const drift = await prisma(
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      {
        databaseUrl: pgliteUrl(dataDir),
      },
    );
    expect(drift.code, drift.output).toBe(0);
  });

  it("and after a CLI deploy there is nothing left for it to apply", { timeout: 240_000 }, async () => {
    const other = join(scratch, "deployed");
    const deploy = await prisma(["migrate", "deploy"], { databaseUrl: pgliteUrl(other) });
    expect(deploy.code, deploy.output).toBe(0);
    const db = await openDatabase({ kind: "pglite", dataDir: other });
    try {
      expect(await applyMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe("applyMigrations on an in-memory PGlite", () => {
  it("applies every migration over the open instance, then nothing", { timeout: 120_000 }, async () => {
    const db = await openDatabase({ kind: "pglite", dataDir: undefined });
    try {
      expect(await applyMigrations(db)).toEqual(committedMigrations());
      expect(await applyMigrations(db)).toEqual([]);
      expect(await migrationStatus(db)).toMatchObject({ upToDate: true, unapplied: [], failed: [] });
    } finally {
      await db.close();
    }
  });

  it("rejects with the database's error when a migration fails", { timeout: 120_000 }, async () => {
    const dir = join(scratch, "broken");
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, "99999999999999_broken"));
    writeFileSync(join(dir, "99999999999999_broken", "migration.sql"), "SELECT 1/0;\n");
    const db = await openDatabase({ kind: "pglite", dataDir: undefined });
    try {
      await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/division by zero/);
      const status = await migrationStatus(db, { migrationsDir: dir });
      expect(status.upToDate).toBe(false);
      expect(status.failed).toEqual(["99999999999999_broken"]);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(SERVER_URL)("applyMigrations on PostgreSQL", () => {
  it("applies every migration, then nothing; prisma migrate status agrees", { timeout: 240_000 }, async () => {
    const name = `rk_migrate_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
    await adminQuery(SERVER_URL!, `CREATE DATABASE ${quoteIdent(name)}`);
    dropAfter.push(name);
    const url = withDatabase(SERVER_URL!, name);
    const db = await openDatabase({ kind: "postgres", url });
    try {
      expect(await applyMigrations(db)).toEqual(committedMigrations());
      expect(await applyMigrations(db)).toEqual([]);
      expect((await migrationStatus(db)).upToDate).toBe(true);
    } finally {
      await db.close();
    }
    const status = await prisma(["migrate", "status"], { databaseUrl: url });
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain("Database schema is up to date!");
  });
});
