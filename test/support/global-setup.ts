/**
 * vitest global setup: migrates one template database per test run (PGlite,
 * or PostgreSQL when DATABASE_URL is a postgresql:// URL) for ./db.ts to
 * clone, and removes it when the run ends.
 */
import type { TestProject } from "vitest/node";
import {
  buildPGliteTemplate,
  buildPostgresTemplate,
  dropPostgresDatabase,
  postgresServerUrl,
  removePGliteTemplate,
} from "./db-templates.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the migrated PGlite data directory dump ("" when not built). */
    rkPGliteTemplate: string;
    /** Name of the migrated PostgreSQL template database ("" when not built). */
    rkPostgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = postgresServerUrl();
  const started = performance.now();
  if (serverUrl) {
    const template = await buildPostgresTemplate(serverUrl);
    project.provide("rkPostgresTemplate", template);
    project.provide("rkPGliteTemplate", "");
    report(`PostgreSQL template ${template}`, started);
    return () => dropPostgresDatabase(serverUrl, template);
  }
  const path = await buildPGliteTemplate();
  project.provide("rkPGliteTemplate", path);
  project.provide("rkPostgresTemplate", "");
  report("PGlite template", started);
  return () => removePGliteTemplate(path);
}

function report(what: string, started: number): void {
  if (process.env.RK_TEST_DB_TIMINGS) {
    process.stderr.write(`[test db] ${what} migrated in ${Math.round(performance.now() - started)} ms\n`);
  }
}
