/** Reads a database the CLI migrated, after the CLI has exited. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type MigrationTarget, openPGliteWithExtensions } from "@rangekeeper/schema-engine";
import pg from "pg";
import { committedMigrations, MIGRATIONS_DIR } from "./prisma-cli.ts";

export async function query<T>(target: MigrationTarget, sql: string): Promise<T[]> {
  if (target.kind === "pglite") {
    const db = await openPGliteWithExtensions(target.dataDir);
    try {
      return (await db.query<T>(sql)).rows;
    } finally {
      await db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface LiveState {
  /** migrations recorded as finished and not rolled back, oldest first */
  applied: string[];
  /** exclusion constraints in the public schema */
  exclusionConstraints: number;
  /** check constraints in the public schema */
  checkConstraints: number;
  /** user triggers in the public schema */
  triggers: number;
}

export async function liveState(target: MigrationTarget): Promise<LiveState> {
  const [applied, counts] = await Promise.all([
    query<{ migration_name: string }>(
      target,
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    ),
    query<{ x: number; c: number; t: number }>(
      target,
      `SELECT
         (SELECT count(*)::int FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'public' AND k.contype = 'x') AS x,
         (SELECT count(*)::int FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'public' AND k.contype = 'c') AS c,
         (SELECT count(*)::int FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public' AND NOT g.tgisinternal) AS t`,
    ),
  ]);
  const row = counts[0]!;
  return {
    applied: applied.map((r) => r.migration_name),
    exclusionConstraints: row.x,
    checkConstraints: row.c,
    triggers: row.t,
  };
}

/** What the committed migrations create by hand: EXCLUDE / CHECK / trigger counts. */
export function expectedHandWritten(): { exclusionConstraints: number; checkConstraints: number; triggers: number } {
  const sql = committedMigrations()
    .map((m) => readFileSync(join(MIGRATIONS_DIR, m, "migration.sql"), "utf8"))
    .join("\n")
    .replace(/--.*$/gm, "");
  const count = (re: RegExp) => sql.match(re)?.length ?? 0;
  return {
    exclusionConstraints: count(/\bEXCLUDE\s+USING\b/gi),
    checkConstraints: count(/\bCHECK\s*\(/gi),
    triggers: count(/\bCREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\b/gi),
  };
}
