/**
 * Opens the ledger's database: the embedded PGlite (in a thread of its own,
 * see ./embedded) when DATABASE_URL is unset, or a PostgreSQL server.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "./embedded/index.ts";
import { lockDataDir } from "./embedded/lock.ts";

/** Where the embedded database lives when DATABASE_URL is unset. */
export const DEFAULT_PGLITE_DIR = "./data/pglite";

export type DatabaseTarget =
  /** dataDir undefined: in memory; settings: PostgreSQL settings over the embedded defaults */
  | { kind: "pglite"; dataDir: string | undefined; settings?: Readonly<Record<string, string>> }
  | { kind: "postgres"; url: string };

export interface Database {
  prisma: PrismaClient;
  target: DatabaseTarget;
  /** The embedded engine's thread, when the target is PGlite (one session, this process only). */
  embedded?: EmbeddedDatabase;
  /** Closes the database (once; later calls wait for the first). */
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url }) });
    return { prisma, target, close: once(() => prisma.$disconnect()) };
  }
  return openEmbedded({ dataDir: target.dataDir, ...(target.settings ? { settings: target.settings } : {}) });
}

/** The embedded database, optionally started from a data directory dump (the test harness's migrated template). */
export async function openEmbedded(o: {
  dataDir: string | undefined;
  loadDataDir?: Uint8Array;
  settings?: Readonly<Record<string, string>>;
}): Promise<Database> {
  if (o.dataDir) mkdirSync(dirname(o.dataDir), { recursive: true });
  const release = o.dataDir ? lockDataDir(o.dataDir) : () => undefined;
  let embedded: Awaited<ReturnType<typeof startEmbeddedDatabase>>;
  try {
    embedded = await startEmbeddedDatabase(o);
  } catch (e) {
    release();
    throw e;
  }
  const prisma = new PrismaClient({ adapter: embedded.adapter });
  return {
    prisma,
    target: { kind: "pglite", dataDir: o.dataDir, ...(o.settings ? { settings: o.settings } : {}) },
    embedded,
    close: once(async () => {
      try {
        await prisma.$disconnect();
        await embedded.close();
      } finally {
        release();
      }
    }),
  };
}

/** `fn` run at most once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}

/** DATABASE_URL unset → embedded PGlite under ./data/; postgresql://… → PostgreSQL. */
export function targetFromUrl(
  url: string | undefined,
  pgliteDir = DEFAULT_PGLITE_DIR,
  pgliteSettings?: Readonly<Record<string, string>>,
): DatabaseTarget {
  if (!url) return { kind: "pglite", dataDir: pgliteDir, ...(pgliteSettings ? { settings: pgliteSettings } : {}) };
  return { kind: "postgres", url };
}
