/**
 * The test database harness (test/support/db.ts): every database it hands
 * out is fully migrated, empty and private to its test.
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
});
