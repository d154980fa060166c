/**
 * The test database harness (test/support/db.ts): every database it hands
 * out is fully migrated, empty and private to its test. A database a test
 * gave back is emptied for the next test of the file (test/support/db-pool.ts),
 * or closed (PGlite) or dropped (PostgreSQL) when it cannot be brought back to
 * the template's state.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { createTestDatabase, type TestDatabase, usingPostgres } from "../support/db.ts";
import { committedMigrations } from "./prisma-cli.ts";

const open: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(open.map((db) => db.dispose()));
});

async function fresh(): Promise<TestDatabase> {
  const started = performance.now();
  const db = await createTestDatabase();
  if (process.env.RK_TEST_DB_TIMINGS) {
    process.stderr.write(`[test db] ${db.kind} test database ready in ${Math.round(performance.now() - started)} ms\n`);
  }
  open.push(db);
  return db;
}

describe("createTestDatabase", () => {
  it("is fully migrated and empty", async () => {
    const db = await fresh();
    expect(db.kind).toBe(usingPostgres() ? "postgres" : "pglite");
    const applied = await db.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(applied.map((r) => r.migration_name)).toEqual(committedMigrations());
    expect(await db.prisma.workspace.count()).toBe(0);
    expect(await db.prisma.assignment.count()).toBe(0);
    expect(await db.prisma.auditEvent.count()).toBe(0);
  });

  it("enforces the hand-written constraints (btree_gist loaded)", async () => {
    const db = await fresh();
    const exclusions = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'x'`;
    expect(exclusions[0]!.n).toBeGreaterThan(0);
    // Two overlapping ranges of one dataset, in one statement: the EXCLUDE constraint refuses them.
    await db.prisma.workspace.create({ data: { id: "T1" } });
    const ds = await db.prisma.dataset.create({
      data: { teamId: "T1", slug: "cats", title: "Cats", itemCount: 100, createdBy: "U1" },
    });
    const overlap = db.prisma.$executeRaw`
      INSERT INTO "Assignment" ("teamId", "datasetId", "first", "last", "assigneeId", "assignedBy", "updatedAt")
      VALUES ('T1', ${ds.id}, 1, 10, 'U1', 'U1', now()), ('T1', ${ds.id}, 5, 20, 'U2', 'U2', now())`;
    await expect(overlap).rejects.toThrow(Prisma.PrismaClientKnownRequestError);
    expect(await db.prisma.assignment.count()).toBe(0);
  });

  it("hands out independent databases", async () => {
    const [a, b] = await Promise.all([fresh(), fresh()]);
    await a.prisma.workspace.create({ data: { id: "TA" } });
    expect(await a.prisma.workspace.count()).toBe(1);
    expect(await b.prisma.workspace.count()).toBe(0);
    expect(a.url === undefined || a.url !== b.url).toBe(true);
  });

  it.runIf(usingPostgres())(
    "opens extra independent connections on PostgreSQL, and closes them all on dispose",
    async () => {
      const db = await createTestDatabase();
      expect(db.url).toMatch(/^postgres(ql)?:\/\/.*\/rk_test_/);
      const clients = db.openConnections(3);
      const pids = await Promise.all(
        clients.map(async (c) => (await c.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid),
      );
      expect(new Set(pids).size).toBe(3);
      const name = new URL(db.url!).pathname.slice(1);
      await db.dispose();
      const other = await fresh();
      const left = await other.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY(${pids}::int[]) AND datname = ${name}`;
      expect(left[0]!.n).toBe(0);
    },
  );

  it.runIf(!usingPostgres())("refuses extra connections on PGlite with an explanation", async () => {
    const db = await fresh();
    expect(() => db.openConnections(2)).toThrow(/PostgreSQL/);
  });

  describe("a database given back", () => {
    /** The same database: the same embedded engine, or the same database on the server. */
    const same = (a: TestDatabase, b: TestDatabase) =>
      a.kind === "pglite" ? a.embedded === b.embedded : a.url === b.url;

    /** Writes a little of everything: a workspace, a dataset (its free spans by trigger), a range, an audit event. */
    async function use(db: TestDatabase) {
      await db.prisma.workspace.create({ data: { id: "T1" } });
      const ds = await db.prisma.dataset.create({
        data: { teamId: "T1", slug: "cats", title: "Cats", itemCount: 100, createdBy: "U1" },
      });
      await db.prisma.assignment.create({
        data: { teamId: "T1", datasetId: ds.id, first: 1, last: 10, assigneeId: "U1", assignedBy: "U1" },
      });
      await db.prisma.auditEvent.create({ data: { teamId: "T1", actorId: "U1", action: "test.event" } });
      await db.prisma.webhookCursor.update({ where: { name: "audit" }, data: { afterId: 42n } });
      return ds.id;
    }

    it("is handed to the next test emptied to the template's state: seeded rows back, ids from 1, triggers on", async () => {
      const a = await createTestDatabase();
      const cursors = await a.prisma.webhookCursor.findMany();
      expect(cursors.map((c) => c.name)).toEqual(["audit"]);
      expect(await use(a)).toBe(1);
      await a.prisma.$executeRawUnsafe("SET statement_timeout = 1");
      await a.dispose();

      const b = await fresh();
      expect(same(b, a)).toBe(true); // the same database, kept
      expect(await b.prisma.workspace.count()).toBe(0);
      expect(await b.prisma.assignment.count()).toBe(0);
      expect(await b.prisma.auditEvent.count()).toBe(0);
      expect(await b.prisma.freeSpan.count()).toBe(0);
      expect(await b.prisma.webhookCursor.findMany()).toEqual(cursors);
      const timeout = await b.prisma.$queryRaw<{ v: string }[]>`SELECT current_setting('statement_timeout') AS v`;
      expect(timeout[0]!.v).toBe("0");
      // Ids start over, and the triggers work again: free spans kept, the audit trail append-only.
      expect(await use(b)).toBe(1);
      expect(await b.prisma.freeSpan.findMany({ select: { first: true, last: true } })).toEqual([
        { first: 11, last: 100 },
      ]);
      await expect(b.prisma.$executeRawUnsafe('DELETE FROM "AuditEvent"')).rejects.toThrow(/append-only/);
      await expect(b.prisma.$executeRawUnsafe('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only/);
    });

    it.runIf(!usingPostgres())("on PGlite, is closed, not kept, when its test closed it", async () => {
      const closed = await createTestDatabase();
      await closed.close();
      await closed.dispose();
      const next = await fresh();
      expect(same(next, closed)).toBe(false);
      expect(await next.prisma.workspace.count()).toBe(0);
    });

    it("is closed or dropped, not kept, when its test changed the schema or turned a trigger off", async () => {
      const altered = await createTestDatabase();
      await altered.prisma.$executeRawUnsafe('ALTER TABLE "Workspace" ADD COLUMN "extra" integer');
      await altered.dispose();

      const quiet = await createTestDatabase();
      expect(same(quiet, altered)).toBe(false);
      const columns = await quiet.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'Workspace' AND column_name = 'extra'`;
      expect(columns[0]!.n).toBe(0);
      await quiet.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"');
      await quiet.dispose();

      const next = await fresh();
      expect(same(next, quiet)).toBe(false);
      await next.prisma.workspace.create({ data: { id: "T1" } });
      await next.prisma.auditEvent.create({ data: { teamId: "T1", actorId: "U1", action: "test.event" } });
      await expect(next.prisma.$executeRawUnsafe('DELETE FROM "AuditEvent"')).rejects.toThrow(/append-only/);
    });

    it.runIf(!usingPostgres())("on PGlite, is closed, not kept, when its test left a transaction open", async () => {
      const db = await createTestDatabase();
      const tx = await (await db.embedded!.adapter.connect()).startTransaction();
      await tx.executeRaw({
        sql: `INSERT INTO "Workspace" ("id", "updatedAt") VALUES ('T1', now())`,
        args: [],
        argTypes: [],
      });
      await db.dispose();
      const next = await fresh();
      expect(same(next, db)).toBe(false);
      expect(await next.prisma.workspace.count()).toBe(0);
    });

    it.runIf(usingPostgres())(
      "on PostgreSQL, is kept emptied when a connection its test left holds a transaction and a lock",
      async () => {
        const db = await createTestDatabase();
        const left = new pg.Client({ connectionString: db.url });
        left.on("error", () => {}); // ended by the give-back, as it should be
        await left.connect();
        await left.query("BEGIN");
        await left.query(`INSERT INTO "Workspace" ("id", "updatedAt") VALUES ('T1', now())`);
        await left.query(`LOCK TABLE "Dataset" IN ACCESS EXCLUSIVE MODE`);
        await db.dispose();
        const next = await fresh();
        expect(same(next, db)).toBe(true);
        expect(await next.prisma.workspace.count()).toBe(0);
        expect(await next.prisma.dataset.count()).toBe(0);
        await left.end().catch(() => {});
      },
    );
  });
});
