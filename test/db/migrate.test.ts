/**
 * What a replica checks before it serves on PostgreSQL: the committed
 * migrations its database has not recorded as applied, read from
 * `_prisma_migrations` without the schema engine (the same query runs on the
 * embedded database, so the check is tested on both).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, MigrationsPending, unappliedMigrations } from "../../src/db/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

let db: TestDatabase;
const scratch = mkdtempSync(join(tmpdir(), "rk-migrations-"));

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe("unappliedMigrations", () => {
  it("is empty on a database that has every committed migration", async () => {
    expect(await unappliedMigrations(db)).toEqual([]);
  });

  it("names a migration added to the directory after the database was migrated, and only it", async () => {
    const dir = join(scratch, "later");
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, "29990101000000_later"));
    writeFileSync(join(dir, "29990101000000_later", "migration.sql"), "SELECT 1;\n");
    expect(await unappliedMigrations(db, { migrationsDir: dir })).toEqual(["29990101000000_later"]);
  });

  it("does not count a migration recorded as rolled back or unfinished", async () => {
    const [first, second] = await db.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT "migration_name" FROM "_prisma_migrations" ORDER BY "migration_name" LIMIT 2`;
    await db.prisma
      .$executeRaw`UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "migration_name" = ${first!.migration_name}`;
    await db.prisma
      .$executeRaw`UPDATE "_prisma_migrations" SET "finished_at" = NULL WHERE "migration_name" = ${second!.migration_name}`;
    expect(await unappliedMigrations(db)).toEqual([first!.migration_name, second!.migration_name]);
  });

  it("names every migration, oldest first, on a database without Prisma's bookkeeping", async () => {
    await db.prisma.$executeRawUnsafe(`DROP TABLE "_prisma_migrations"`);
    const committed = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(committed.length).toBeGreaterThan(10);
    expect(await unappliedMigrations(db)).toEqual(committed);
  });
});

describe("MigrationsPending", () => {
  it("says what to run, naming one migration or the span of several", () => {
    expect(new MigrationsPending(["20261201190000_tool_mappings"]).message).toBe(
      "the PostgreSQL database (DATABASE_URL) lacks migration 20261201190000_tool_mappings: run `npm run db:migrate` with the same DATABASE_URL, then start again",
    );
    expect(new MigrationsPending(["a_first", "b_middle", "c_last"]).message).toBe(
      "the PostgreSQL database (DATABASE_URL) lacks 3 migrations (a_first to c_last): run `npm run db:migrate` with the same DATABASE_URL, then start again",
    );
  });
});
