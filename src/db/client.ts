import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { openPGliteWithExtensions } from "@rangekeeper/schema-engine";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

/** Where the embedded database lives when DATABASE_URL is unset. */
export const DEFAULT_PGLITE_DIR = "./data/pglite";

export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | undefined } // undefined: in memory
  | { kind: "postgres"; url: string };

export interface Database {
  prisma: PrismaClient;
  target: DatabaseTarget;
  /** The embedded engine, when the target is PGlite (one connection, this process only). */
  pglite?: PGlite;
  /** Closes the database (once; later calls wait for the first). */
  close(): Promise<void>;
}

/**
 * Opens an embedded PGlite database (with btree_gist, which the ledger's
 * constraints need), the same way the migration toolchain does.
 */
export async function openPGlite(dataDir: string | undefined): Promise<PGlite> {
  return openPGliteWithExtensions(dataDir);
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url }) });
    return { prisma, target, close: once(() => prisma.$disconnect()) };
  }
  return databaseOverPGlite(await openPGlite(target.dataDir), target.dataDir);
}

/**
 * A Database over an already open PGlite instance (e.g. one loaded from a
 * data directory dump); closing the Database closes the instance.
 */
export function databaseOverPGlite(pglite: PGlite, dataDir: string | undefined): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    target: { kind: "pglite", dataDir },
    pglite,
    close: once(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
  };
}

/** `fn` run at most once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** DATABASE_URL unset → embedded PGlite under ./data/; postgresql://… → PostgreSQL. */
export function targetFromUrl(url: string | undefined, pgliteDir = DEFAULT_PGLITE_DIR): DatabaseTarget {
  if (!url) return { kind: "pglite", dataDir: pgliteDir };
  return { kind: "postgres", url };
}
