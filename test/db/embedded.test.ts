/**
 * The embedded database in its own thread (src/db/embedded): Prisma works
 * through it exactly as on PGlite in the main thread — transactions commit
 * and roll back, constraint violations keep their codes, concurrent callers
 * are serialised on the one session — and closing flushes to disk and ends
 * the thread.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Database, openEmbedded } from "../../src/db/client.ts";
import { EMBEDDED_DEFAULTS } from "../../src/db/embedded/settings.ts";
import { sqlState } from "../../src/db/errors.ts";
import { applyMigrations, migrationStatus } from "../../src/db/migrate.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";

const scratch = mkdtempSync(join(tmpdir(), "rk-embedded-"));
let template: Uint8Array;
let db: Database;

beforeAll(async () => {
  template = await readFile(inject("rkPGliteTemplate") || (await buildTemplate()));
  db = await openEmbedded({ dataDir: undefined, loadDataDir: template });
});
afterAll(async () => {
  await db?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** When the suite runs on PostgreSQL there is no PGlite template: build one. */
async function buildTemplate(): Promise<string> {
  const { buildPGliteTemplate } = await import("../support/db-templates.ts");
  return buildPGliteTemplate();
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("the embedded database thread", () => {
  it("commits and rolls back interactive transactions", async () => {
    await db.prisma.$transaction(async (tx) => {
      await tx.workspace.create({ data: { id: "TCOMMIT" } });
      expect(await tx.workspace.findUnique({ where: { id: "TCOMMIT" } })).not.toBeNull();
    });
    expect(await db.prisma.workspace.findUnique({ where: { id: "TCOMMIT" } })).not.toBeNull();
    const boom = await failure(
      db.prisma.$transaction(async (tx) => {
        await tx.workspace.create({ data: { id: "TROLLBACK" } });
        throw new Error("boom");
      }),
    );
    expect((boom as Error).message).toBe("boom");
    expect(await db.prisma.workspace.findUnique({ where: { id: "TROLLBACK" } })).toBeNull();
  });

  it("keeps the codes of constraint violations, in and out of transactions", async () => {
    await db.prisma.workspace.create({ data: { id: "TUNIQUE" } });
    const outside = await failure(db.prisma.workspace.create({ data: { id: "TUNIQUE" } }));
    expect(outside).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((outside as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
    expect(sqlState(outside)).toBe("23505");
    const inside = await failure(db.prisma.$transaction((tx) => tx.workspace.create({ data: { id: "TUNIQUE" } })));
    expect((inside as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");

    const d = await db.prisma.dataset.create({
      data: { teamId: "TUNIQUE", slug: "cats", title: "Cats", itemCount: 1000, createdBy: "U1" },
    });
    const base = { teamId: "TUNIQUE", datasetId: d.id, assigneeId: "U1", assignedBy: "U1" };
    await db.prisma.assignment.create({ data: { ...base, first: 1, last: 100 } });
    const overlap = await failure(
      db.prisma.$transaction((tx) => tx.assignment.create({ data: { ...base, first: 50, last: 150 } })),
    );
    expect(sqlState(overlap)).toBe("23P01");
  });

  it("serialises concurrent transactions on its one session: no update is lost", async () => {
    await db.prisma.workspace.create({ data: { id: "TCOUNT", defaultCapacity: 0 } });
    const n = 40;
    await Promise.all([
      ...Array.from({ length: n }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          const w = await tx.workspace.findUniqueOrThrow({ where: { id: "TCOUNT" } });
          await sleep(i % 3); // yield to the other callers in the middle of the transaction
          await tx.workspace.update({ where: { id: "TCOUNT" }, data: { defaultCapacity: w.defaultCapacity + 1 } });
        }),
      ),
      ...Array.from({ length: n }, () => db.prisma.workspace.findMany({ take: 1 })),
    ]);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: "TCOUNT" } })).defaultCapacity).toBe(n);
  });

  it("makes a plain read wait for the open transaction", async () => {
    const events: string[] = [];
    const tx = db.prisma.$transaction(async (t) => {
      await t.workspace.create({ data: { id: "TWAIT" } });
      await sleep(100);
      events.push("committing");
    });
    await sleep(20);
    const seen = await db.prisma.workspace.findUnique({ where: { id: "TWAIT" } });
    events.push("read");
    await tx;
    expect(seen).not.toBeNull();
    expect(events).toEqual(["committing", "read"]);
  });

  it("rolls back a transaction past its timeout and goes on serving", async () => {
    const late = await failure(
      db.prisma.$transaction(
        async (tx) => {
          await tx.workspace.create({ data: { id: "TLATE" } });
          await sleep(400);
        },
        { maxWait: 5_000, timeout: 150 },
      ),
    );
    expect((late as Prisma.PrismaClientKnownRequestError).code).toBe("P2028");
    expect(await db.prisma.workspace.findUnique({ where: { id: "TLATE" } })).toBeNull();
  });

  it("starts with settings sized for a ledger, which an operator may override", async () => {
    const show = async (d: Database, name: string) =>
      (await d.prisma.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${name}`))[0]![name];
    expect(await show(db, "shared_buffers")).toBe(EMBEDDED_DEFAULTS.shared_buffers);
    expect(await show(db, "max_connections")).toBe(EMBEDDED_DEFAULTS.max_connections);
    const larger = await openEmbedded({
      dataDir: undefined,
      loadDataDir: template,
      settings: { shared_buffers: "32MB", work_mem: "8MB" },
    });
    try {
      expect([await show(larger, "shared_buffers"), await show(larger, "work_mem")]).toEqual(["32MB", "8MB"]);
      expect(await show(larger, "maintenance_work_mem")).toBe(EMBEDDED_DEFAULTS.maintenance_work_mem);
    } finally {
      await larger.close();
    }
    // A setting PostgreSQL does not know stops the start with its own words.
    const refused = await failure(
      openEmbedded({ dataDir: undefined, loadDataDir: template, settings: { shared_bufers: "1MB" } }),
    );
    expect(String(refused)).toContain(
      "the embedded database did not start with the settings shared_bufers=1MB (PGLITE_SETTINGS): check their names and values",
    );
  });

  it("migrates in its thread, flushes its data directory on close, and refuses calls afterwards", {
    timeout: 120_000,
  }, async () => {
    const dataDir = join(scratch, "disk");
    const disk = await openEmbedded({ dataDir, loadDataDir: template });
    expect(await applyMigrations(disk)).toEqual([]); // the template is migrated already
    expect((await migrationStatus(disk)).upToDate).toBe(true);
    await disk.prisma.workspace.create({ data: { id: "TDURABLE" } });
    await disk.close();
    const closed = await failure(disk.prisma.workspace.count());
    expect(closed).toBeInstanceOf(Error);

    const again = await openEmbedded({ dataDir });
    try {
      expect(await again.prisma.workspace.findUnique({ where: { id: "TDURABLE" } })).not.toBeNull();
    } finally {
      await again.close();
    }
  });
});
