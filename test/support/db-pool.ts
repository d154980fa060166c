/**
 * Test databases kept for the next test of the same file, emptied back to the
 * template's state, rather than made anew for each test (./db.ts).
 *
 * - PGlite: starting PGlite instantiates PostgreSQL's WebAssembly in a thread
 *   of its own, and closing it frees that code again. Doing so once per test
 *   (over a thousand times a run) sometimes crashes V8 itself
 *   (nodejs/node#64500: SIGSEGV or SIGTRAP, taking the test process with it),
 *   and costs seconds each time.
 * - PostgreSQL: cloning the template and dropping the clone cost about a second
 *   a test on a busy server (every file of the clone written and synced);
 *   emptying the tables costs a tenth of that.
 *
 * Emptied means as the template left it: every row deleted, the rows the
 * migrations seeded written back, every sequence where it stood, session
 * settings and advisory locks reset (on PostgreSQL, every connection to it
 * ended first). A database is dropped or closed instead of kept when its test
 * closed it, left a transaction open, or changed the schema. The file's last
 * hook closes or drops what is left (./setup.ts).
 */
import { adminQuery, quoteIdent, withDatabase } from "@rangekeeper/schema-engine";
import type { Database } from "../../src/db/client.ts";
import { dropPostgresDatabase } from "./db-templates.ts";

/** What the template holds: the script that brings a database back to it, and its schema's fingerprint. */
interface TemplateState {
  reset: string;
  schema: string;
}

/** A database on a PostgreSQL server, by name. */
export interface ServerDatabase {
  serverUrl: string;
  name: string;
}

const idleEmbedded: Database[] = [];
const idleOnServer: ServerDatabase[] = [];
let template: Promise<TemplateState> | undefined;

/** How long emptying may wait (on a transaction its test left open) before the database is closed instead. */
const RESET_TIMEOUT_MS = 10_000;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Every object of the public schema, its definition and whether its triggers fire, as one md5. */
const FINGERPRINT = `
  SELECT md5(string_agg(line, E'\\n' ORDER BY line)) AS fingerprint FROM (
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

type Rows = <T>(sql: string) => Promise<T[]>;

/** Reads what a database fresh from the template holds: its seeded rows and sequences, its schema. */
async function readTemplateState(rows: Rows): Promise<TemplateState> {
  const tables = await rows<{ name: string }>(`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`);
  const seeded: string[] = [];
  for (const { name } of tables) {
    const [{ rows: json } = { rows: null }] = await rows<{ rows: string | null }>(
      `SELECT json_agg(t)::text AS rows FROM ${quoteIdent(name)} t`,
    );
    if (json !== null)
      seeded.push(
        `INSERT INTO ${quoteIdent(name)} SELECT * FROM json_populate_recordset(NULL::${quoteIdent(name)}, ${literal(json)});`,
      );
  }
  const sequences = await rows<{ name: string; last: bigint | string | null }>(`
    SELECT format('%I.%I', schemaname, sequencename) AS name, last_value AS last FROM pg_sequences
    WHERE schemaname = 'public' ORDER BY 1`);
  const reset = [
    // In a transaction of its own: it all happens, or none of it does.
    "BEGIN;",
    "RESET ALL;",
    "SELECT pg_advisory_unlock_all();",
    `SET LOCAL lock_timeout = '${RESET_TIMEOUT_MS}ms';`,
    // Replica mode: the audit trail's refusal to be emptied, and every row trigger, stay quiet.
    "SET LOCAL session_replication_role = replica;",
    // DELETE, not TRUNCATE: a few rows each, and no file made anew per table.
    ...tables.map((t) => `DELETE FROM ${quoteIdent(t.name)};`),
    ...seeded,
    ...sequences.map((s) =>
      s.last === null
        ? `ALTER SEQUENCE ${s.name} RESTART;`
        : `SELECT setval(${literal(s.name)}, ${s.last.toString()}, true);`,
    ),
    "COMMIT;",
  ].join("\n");
  const [{ fingerprint }] = (await rows<{ fingerprint: string }>(FINGERPRINT)) as [{ fingerprint: string }];
  return { reset, schema: fingerprint };
}

/** Learns the template's state from a database just made from it (once per file). */
export function rememberTemplate(db: Pick<Database, "prisma">): Promise<void> {
  template ??= readTemplateState((sql) => db.prisma.$queryRawUnsafe(sql));
  return template.then(() => undefined);
}

/** An embedded database kept from an earlier test of this file, or null when there is none. */
export function takeIdleEmbedded(): Database | null {
  return idleEmbedded.pop() ?? null;
}

/** A database on `serverUrl` kept from an earlier test of this file, or null when there is none. */
export function takeIdleOnServer(serverUrl: string): ServerDatabase | null {
  const i = idleOnServer.findIndex((d) => d.serverUrl === serverUrl);
  return i < 0 ? null : idleOnServer.splice(i, 1)[0]!;
}

/** Runs `reset` (and the check after it) within the timeout; false when it failed or took too long. */
async function emptied(reset: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), RESET_TIMEOUT_MS);
  });
  try {
    return await Promise.race([reset().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Empties an embedded database its test is done with and keeps it for the next
 * test; closes it instead when it cannot be brought back to the template's state.
 */
export async function giveBackEmbedded(db: Database, closedByTest: boolean): Promise<void> {
  if (closedByTest || !db.embedded || !template) {
    await db.close();
    return;
  }
  const state = await template;
  const ok = await emptied(async () => {
    await (await db.embedded!.adapter.connect()).executeScript(state.reset);
    const [row] = await db.prisma.$queryRawUnsafe<{ fingerprint: string }[]>(FINGERPRINT);
    return row?.fingerprint === state.schema;
  });
  if (ok) idleEmbedded.push(db);
  else await db.close(); // rolls back what was left open
}

/**
 * Empties a database on the server, whose test has closed its connections, and
 * keeps it for the next test; drops it instead when it cannot be brought back
 * to the template's state.
 */
export async function giveBackOnServer(db: ServerDatabase): Promise<void> {
  const state = await template;
  const ok =
    state !== undefined &&
    (await emptied(async () => {
      const url = withDatabase(db.serverUrl, db.name);
      // Connections the test left (a second process, say) are ended first: they hold its locks and settings.
      const results = (await adminQuery(
        url,
        [
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();",
          state.reset,
          `${FINGERPRINT};`,
        ].join("\n"),
      )) as unknown as { rows: { fingerprint?: string }[] }[];
      return results.at(-1)?.rows[0]?.fingerprint === state.schema;
    }));
  if (ok) idleOnServer.push(db);
  else await dropPostgresDatabase(db.serverUrl, db.name);
}

/** Closes or drops every database kept (the file's tests are done). */
export async function closeIdle(): Promise<void> {
  await Promise.all([
    ...idleEmbedded.splice(0).map((db) => db.close()),
    ...idleOnServer.splice(0).map((db) => dropPostgresDatabase(db.serverUrl, db.name)),
  ]);
}
