/**
 * Runs the real Prisma CLI as a child process, the way a developer or a
 * deployment does (`npx prisma …`), so the schema engine bridge is exercised
 * exactly as prisma.config.ts wires it.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const MIGRATIONS_DIR = join(REPO_ROOT, "prisma", "migrations");
const PRISMA_CLI = join(dirname(createRequire(import.meta.url).resolve("prisma/package.json")), "build", "index.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on messages */
  output: string;
}

/**
 * `prisma <args>` with DATABASE_URL set to `databaseUrl` and everything else
 * as prisma.config.ts decides (PRISMA_SCHEMA_ENGINE_BINARY is cleared, so the
 * config must point the CLI at the bridge itself).
 */
export function prisma(
  args: string[],
  options: { databaseUrl: string; env?: Record<string, string>; stdin?: string; timeoutMs?: number },
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    NO_COLOR: "1",
    ...options.env,
  };
  if (!options.env?.PRISMA_SCHEMA_ENGINE_BINARY) delete env.PRISMA_SCHEMA_ENGINE_BINARY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRISMA_CLI, ...args], { cwd: REPO_ROOT, env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, output: `${stdout}\n${stderr}` });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/** Names of the committed migrations, oldest first. */
export function committedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
