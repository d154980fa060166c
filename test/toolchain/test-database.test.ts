/**
 * The test database harness (test/support/db.ts): every database it hands
 * out is fully migrated, empty and private to its test. On PGlite a database
 * a test gave back is emptied for the next (test/support/pglite-pool.ts), or
 * closed when it cannot be brought back to the template's state.
 */
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
    "opens extra independent connections on PostgreSQL, and drops the database on dispose",
    async () => {
      const db = await fresh();
      expect(db.url).toMatch(/^postgres(ql)?:\/\/.*\/rk_test_/);
      const clients = db.openConnections(3);
      const pids = await Promise.all(
        clients.map(async (c) => (await c.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid),
      );
      expect(new Set(pids).size).toBe(3);
      const name = new URL(db.url!).pathname.slice(1);
      await db.dispose();
      const other = await fresh();
      const left = await other.prisma.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${name}`;
      expect(left[0]!.n).toBe(0);
    },
  );

  it.runIf(!usingPostgres())("refuses extra connections on PGlite with an explanation", async () => {
    const db = await fresh();
    expect(() => db.openConnections(2)).toThrow(/PostgreSQL/);
  });

  describe.runIf(!usingPostgres())("on PGlite, a database given back", () => {
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
      expect(b.embedded).toBe(a.embedded); // the same database, kept
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

    it("is closed, not kept, when its test closed it, changed the schema or turned a trigger off", async () => {
      const closed = await createTestDatabase();
      await closed.close();
      await closed.dispose();

      const altered = await createTestDatabase();
      expect(altered.embedded).not.toBe(closed.embedded);
      await altered.prisma.$executeRawUnsafe('ALTER TABLE "Workspace" ADD COLUMN "extra" integer');
      await altered.dispose();

      const quiet = await createTestDatabase();
      expect(quiet.embedded).not.toBe(altered.embedded);
      const columns = await quiet.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'Workspace' AND column_name = 'extra'`;
      expect(columns[0]!.n).toBe(0);
      await quiet.prisma.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"');
      await quiet.dispose();

      const next = await fresh();
      expect(next.embedded).not.toBe(quiet.embedded);
      await next.prisma.workspace.create({ data: { id: "T1" } });
      await next.prisma.auditEvent.create({ data: { teamId: "T1", actorId: "U1", action: "test.event" } });
      await expect(next.prisma.$executeRawUnsafe('DELETE FROM "AuditEvent"')).rejects.toThrow(/append-only/);
    });

    it("is closed, not kept, when its test left a transaction open", async () => {
      const db = await createTestDatabase();
      const tx = await (await db.embedded!.adapter.connect()).startTransaction();
      await tx.executeRaw({
        sql: `INSERT INTO "Workspace" ("id", "updatedAt") VALUES ('T1', now())`,
        args: [],
        argTypes: [],
      });
      await db.dispose();
      const next = await fresh();
      expect(next.embedded).not.toBe(db.embedded);
      expect(await next.prisma.workspace.count()).toBe(0);
    });
  });
});
