/**
 * Embedded test databases kept for the next test of the same file.
 *
 * Starting PGlite instantiates PostgreSQL's WebAssembly in a thread of its
 * own, and closing it frees that code again. Doing so once per test (over a
 * thousand times a run) sometimes crashes V8 itself (nodejs/node#64500:
 * SIGSEGV or SIGTRAP, taking the test process with it), and costs seconds
 * each time. So a database a test is done with is emptied back to the
 * template's state and handed to the next test of the file; the file's last
 * hook closes what is left (./setup.ts).
 *
 * Emptied means as the template left it: every table truncated, the rows the
 * migrations seeded written back, every sequence where it stood, session
 * settings and advisory locks reset. A database is closed instead of kept
 * when its test closed it, left a transaction open, or changed the schema.
 */
import { quoteIdent } from "@rangekeeper/schema-engine";
import type { Database } from "../../src/db/client.ts";

/** What the template holds: the script that brings a database back to it, and its schema's fingerprint. */
interface TemplateState {
  reset: string;
  schema: string;
}

const idle: Database[] = [];
let template: Promise<TemplateState> | undefined;

/** How long emptying may wait (on a transaction its test left open) before the database is closed instead. */
const RESET_TIMEOUT_MS = 10_000;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Every object of the public schema, its definition and whether its triggers fire. */
async function schemaFingerprint(db: Database): Promise<string> {
  const rows = await db.prisma.$queryRaw<{ fingerprint: string }[]>`
    SELECT md5(string_agg(line, E'\n' ORDER BY line)) AS fingerprint FROM (
      SELECT format('class %s %s %s', c.relname, c.relkind::text,
             (SELECT string_agg(format('%s:%s:%s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull), ',' ORDER BY a.attnum)
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)) AS line
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
      UNION ALL
      SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
      UNION ALL
      SELECT format('trigger %s %s %s', tgname, tgenabled::text, pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL
      SELECT format('function %s %s', p.proname, md5(p.prosrc)) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    ) objects`;
  return rows[0]!.fingerprint;
}

/** Reads what a database fresh from the template holds: its seeded rows and sequences, its schema. */
async function readTemplateState(db: Database): Promise<TemplateState> {
  const tables = await db.prisma.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  const seeded: string[] = [];
  for (const { name } of tables) {
    const [{ rows }] = await db.prisma.$queryRawUnsafe<[{ rows: string | null }]>(
      `SELECT json_agg(t)::text AS rows FROM ${quoteIdent(name)} t`,
    );
    if (rows !== null)
      seeded.push(
        `INSERT INTO ${quoteIdent(name)} SELECT * FROM json_populate_recordset(NULL::${quoteIdent(name)}, ${literal(rows)});`,
      );
  }
  const sequences = await db.prisma.$queryRaw<{ name: string; last: bigint | null }[]>`
    SELECT format('%I.%I', schemaname, sequencename) AS name, last_value AS last FROM pg_sequences
    WHERE schemaname = 'public' ORDER BY 1`;
  const reset = [
    // In a transaction of its own: it all happens, or none of it does.
    "BEGIN;",
    "RESET ALL;",
    "SELECT pg_advisory_unlock_all();",
    // Replica mode: the audit trail's refusal to be truncated, and every row trigger, stay quiet.
    "SET LOCAL session_replication_role = replica;",
    `TRUNCATE ${tables.map((t) => quoteIdent(t.name)).join(", ")} RESTART IDENTITY CASCADE;`,
    ...seeded,
    ...sequences
      .filter((s) => s.last !== null)
      .map((s) => `SELECT setval(${literal(s.name)}, ${s.last!.toString()}, true);`),
    "COMMIT;",
  ].join("\n");
  return { reset, schema: await schemaFingerprint(db) };
}

/** A database kept from an earlier test of this file, or null when there is none. */
export function takeIdle(): Database | null {
  return idle.pop() ?? null;
}

/** Learns the template's state from a database just opened from it (once per file). */
export function rememberTemplate(db: Database): Promise<void> {
  template ??= readTemplateState(db);
  return template.then(() => undefined);
}

/**
 * Empties a database its test is done with and keeps it for the next test;
 * closes it instead when it cannot be brought back to the template's state.
 */
export async function giveBack(db: Database, closedByTest: boolean): Promise<void> {
  if (closedByTest || !db.embedded || !template) {
    await db.close();
    return;
  }
  const state = await template;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("a transaction was left open")), RESET_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      (async () => {
        await (await db.embedded!.adapter.connect()).executeScript(state.reset);
        if ((await schemaFingerprint(db)) !== state.schema) throw new Error("the schema was changed");
      })(),
      timeout,
    ]);
  } catch {
    await db.close(); // rolls back what was left open
    return;
  } finally {
    clearTimeout(timer);
  }
  idle.push(db);
}

/** Closes every database kept (the file's tests are done). */
export async function closeIdle(): Promise<void> {
  await Promise.all(idle.splice(0).map((db) => db.close()));
}
