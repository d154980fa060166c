/**
 * The migration toolchain end to end: the real Prisma CLI, through the
 * schema engine bridge (packages/schema-engine), against a fresh embedded PGlite
 * directory and, when DATABASE_URL is a postgresql:// URL, a throwaway
 * PostgreSQL database. Catches a Prisma upgrade that breaks the bridge, and
 * an engine that fails silently.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropDatabase, parseDatabaseUrl, pgliteUrl, withDatabase } from "@rangekeeper/schema-engine";
import { afterAll, describe, expect, it } from "vitest";
import { expectedHandWritten, liveState } from "./live-db.ts";
import { committedMigrations, prisma } from "./prisma-cli.ts";

const SERVER_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : undefined;
const CLI_TIMEOUT = 240_000;

const scratch = mkdtempSync(join(tmpdir(), "rk-toolchain-"));
const dropAfter: string[] = [];
afterAll(async () => {
  for (const url of dropAfter) await dropDatabase(parseDatabaseUrl(url)).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
}

const backends: { name: string; url: () => string }[] = [
  { name: "PGlite", url: () => pgliteUrl(join(scratch, uniqueName("pglite"))) },
];
if (SERVER_URL) {
  backends.push({
    name: "PostgreSQL",
    url: () => {
      const url = withDatabase(SERVER_URL, uniqueName("rk_toolchain"));
      dropAfter.push(url);
      return url;
    },
  });
}

describe.each(backends)("prisma migrate on a fresh $name database", ({ url }) => {
  const databaseUrl = url();
  const target = parseDatabaseUrl(databaseUrl);

  it("deploy creates the database and applies every committed migration", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "deploy"], { databaseUrl });
    expect(r.code, r.output).toBe(0);
    for (const m of committedMigrations()) expect(r.output).toContain(m);
    expect(r.output).toContain("All migrations have been successfully applied.");

    // The migrations really ran: recorded, and their hand-written objects exist.
    const state = await liveState(target);
    expect(state.applied).toEqual(committedMigrations());
    const expected = expectedHandWritten();
    expect(state.exclusionConstraints).toBe(expected.exclusionConstraints);
    expect(state.checkConstraints).toBeGreaterThanOrEqual(expected.checkConstraints);
    expect(state.triggers).toBe(expected.triggers);
  });

  it("a second deploy has nothing to apply", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "deploy"], { databaseUrl });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("No pending migrations to apply.");
  });

  it("status reports the database up to date", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "status"], { databaseUrl });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`${committedMigrations().length} migration`);
    expect(r.output).toContain("Database schema is up to date!");
  });

  it("the migrations produce exactly the Prisma schema (no drift)", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(
      [
        "migrate",
        "diff",
        "--from-migrations",
        "prisma/migrations",
        "--to-schema",
        "prisma/schema.prisma",
        "--exit-code",
      ],
      { databaseUrl },
    );
    expect(r.code, r.output).toBe(0);
  });

  it("the live database matches the Prisma schema (no drift)", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      {
        databaseUrl,
      },
    );
    expect(r.code, r.output).toBe(0);
  });

  it("a drifted database is reported, not hidden", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "diff", "--from-config-datasource", "--to-empty", "--exit-code"], {
      databaseUrl,
    });
    expect(r.code, r.output).toBe(2);
    expect(r.stdout).toContain("[-] Removed tables");
    expect(r.stdout).toContain("  - Assignment");
  });

  it("db execute runs a script, and fails loudly on a bad one", { timeout: CLI_TIMEOUT }, async () => {
    const ok = await prisma(["db", "execute", "--stdin"], {
      databaseUrl,
      stdin: `CREATE TABLE "rk_probe" (id int);\nCREATE FUNCTION rk_probe_fn() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\nDROP FUNCTION rk_probe_fn();\nDROP TABLE "rk_probe";`,
    });
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toContain("Script executed successfully.");
    const bad = await prisma(["db", "execute", "--stdin"], { databaseUrl, stdin: "SELECT no_such_column;" });
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain('column "no_such_column" does not exist');
  });
});

describe("a failing engine is never silent", () => {
  it("an unreachable PostgreSQL server fails migrate deploy with P1001", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "deploy"], { databaseUrl: "postgresql://postgres@127.0.0.1:1/rangekeeper" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("P1001");
    expect(r.output).toContain("Can't reach database server at `127.0.0.1:1`");
  });

  it("a PGlite directory that cannot be created fails migrate deploy", { timeout: CLI_TIMEOUT }, async () => {
    const blocker = join(scratch, "not-a-directory");
    await import("node:fs/promises").then((fs) => fs.writeFile(blocker, "x"));
    const r = await prisma(["migrate", "deploy"], { databaseUrl: pgliteUrl(join(blocker, "db")) });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/ENOTDIR|not a directory/i);
  });

  it("an unsupported URL is refused with the accepted forms", { timeout: CLI_TIMEOUT }, async () => {
    const r = await prisma(["migrate", "status"], { databaseUrl: "mysql://root@127.0.0.1/rangekeeper" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("Unsupported database URL");
    expect(r.output).toContain("file:<directory>");
  });

  it("an engine panic reaches the user with its message", { timeout: CLI_TIMEOUT }, async () => {
    // FORCE_PANIC_SCHEMA_ENGINE makes the CLI send the engine's debugPanic request.
    const r = await prisma(["migrate", "diff", "--from-empty", "--to-schema", "prisma/schema.prisma"], {
      databaseUrl: pgliteUrl(join(scratch, uniqueName("panic"))),
      env: { FORCE_PANIC_SCHEMA_ENGINE: "1" },
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("This is the debugPanic artificial panic");
  });

  it("a failing migration fails deploy, and status then reports it", { timeout: CLI_TIMEOUT }, async () => {
    // Run against a copy of the migrations with a broken one on top.
    const { cp, mkdir, writeFile } = await import("node:fs/promises");
    const migrations = join(scratch, "broken-migrations");
    await cp(join(process.cwd(), "prisma", "migrations"), migrations, { recursive: true });
    await mkdir(join(migrations, "99999999999999_broken"));
    await writeFile(
      join(migrations, "99999999999999_broken", "migration.sql"),
      `CREATE TABLE "rk_half" (id int);\nSELECT 1/0;\n`,
    );
    const config = join(scratch, "broken.config.ts");
    await writeFile(
      config,
      `export default { schema: ${JSON.stringify(join(process.cwd(), "prisma", "schema.prisma"))}, migrations: { path: ${JSON.stringify(migrations)} }, datasource: { url: process.env.DATABASE_URL } };\n`,
    );
    const databaseUrl = pgliteUrl(join(scratch, uniqueName("broken")));
    const env = {
      PRISMA_SCHEMA_ENGINE_BINARY: createRequire(import.meta.url).resolve(
        "@rangekeeper/schema-engine/schema-engine.mjs",
      ),
    };
    const deploy = await prisma(["migrate", "deploy", "--config", config], { databaseUrl, env });
    expect(deploy.code).not.toBe(0);
    expect(deploy.output).toContain("99999999999999_broken");
    expect(deploy.output).toContain("division by zero");
    // The script ran as one transaction: its first statement did not stay behind.
    const tables = await import("./live-db.ts").then((m) =>
      m.query<{ n: number }>(
        parseDatabaseUrl(databaseUrl),
        `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'rk_half'`,
      ),
    );
    expect(tables[0]!.n).toBe(0);
    const status = await prisma(["migrate", "status", "--config", config], { databaseUrl, env });
    expect(status.code).not.toBe(0);
    expect(status.output).toContain("99999999999999_broken");
    expect(status.output).toMatch(/failed/i);
  });
});
