// @ts-check
/**
 * Reads a migrations directory into the `MigrationList` the schema engine
 * takes (the Prisma CLI builds the same structure before each request).
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export const MIGRATION_LOCK_FILE = "migration_lock.toml";
export const MIGRATION_SCRIPT = "migration.sql";

/**
 * @param {string} migrationsDir
 * @param {string} [shadowDbInitScript] run on a shadow database before the migrations
 */
export async function readMigrationsList(migrationsDir, shadowDbInitScript = "") {
  const baseDir = resolve(migrationsDir);
  const lockContent = await readFile(join(baseDir, MIGRATION_LOCK_FILE), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((e) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    /** @type {{ tag: "ok", value: string } | { tag: "error", value: string }} */
    const content = await readFile(join(baseDir, entry.name, MIGRATION_SCRIPT), "utf8").then(
      (value) => ({ tag: /** @type {const} */ ("ok"), value }),
      (e) => ({ tag: /** @type {const} */ ("error"), value: String(e.message) }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: MIGRATION_SCRIPT, content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: lockContent },
    shadowDbInitScript,
    migrationDirectories,
  };
}
