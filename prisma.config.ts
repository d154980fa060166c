/**
 * Prisma CLI configuration.
 *
 * Schema engine: the CLI normally downloads a native `schema-engine` binary,
 * which cannot be downloaded here, so it runs the bridge of packages/schema-engine instead
 * (Prisma's WebAssembly engine over JS driver adapters; see its README).
 * Setting PRISMA_SCHEMA_ENGINE_BINARY yourself overrides this.
 *
 * Datasource:
 *   DATABASE_URL=postgresql://…  a PostgreSQL server;
 *   DATABASE_URL=file:<dir>      an embedded PGlite database in <dir>;
 *   unset                        the app's default embedded database,
 *                                file:<cwd>/data/pglite.
 * Nothing here connects: `prisma generate` (run at install) needs no database.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { defineConfig } from "prisma/config";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= createRequire(import.meta.url).resolve(
  "@rangekeeper/schema-engine/schema-engine.mjs",
);

/** Same directory as DEFAULT_PGLITE_DIR in src/db/client.ts (relative to where the command runs). */
const DEFAULT_PGLITE_DIR = "./data/pglite";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL || `file:${resolve(DEFAULT_PGLITE_DIR)}`,
  },
});
