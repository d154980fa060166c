/**
 * The schema engine bridge as an executable, and the pieces of its protocol
 * the CLI relies on beyond what the end-to-end CLI test shows.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { adminQuery, createMigrationAdapterFactory, parseDatabaseUrl, pgliteUrl } from "../lib/index.mjs";

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
const BRIDGE = join(PACKAGE_ROOT, "schema-engine.mjs");
const SERVER_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : undefined;
const scratch = mkdtempSync(join(tmpdir(), "rk-bridge-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Started the way the CLI starts it: as an executable, not through node.
    const child = spawn(BRIDGE, args, { cwd: PACKAGE_ROOT, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const datasource = (url: string) => ["--datasource", JSON.stringify({ url })];

describe("schema-engine.mjs", () => {
  it("is an executable that starts with bare Node", async () => {
    expect(statSync(BRIDGE).mode & 0o111).not.toBe(0);
    const r = await run(["--version"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^schema-engine-wasm [0-9a-f]{40}\n$/);
  });

  it("answers the CLI's one-shot database commands, with error codes the CLI parses", { timeout: 60_000 }, async () => {
    const dir = join(scratch, "db");
    const missing = await run([...datasource(pgliteUrl(dir)), "cli", "can-connect-to-database"]);
    expect(missing.code).toBe(1);
    // The CLI skips the first stderr line and parses every other one as JSON.
    const lines = missing.stderr
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({
      level: "ERROR",
      target: "schema_engine::logger",
      fields: { error_code: "P1003" },
    });

    expect((await run([...datasource(pgliteUrl(dir)), "cli", "create-database"])).code).toBe(0);
    expect((await run([...datasource(pgliteUrl(dir)), "cli", "can-connect-to-database"])).code).toBe(0);
    expect((await run([...datasource(pgliteUrl(dir)), "cli", "drop-database"])).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it("speaks JSON-RPC: errors for bad input, diff output as a print request, exit at end of input", {
    timeout: 60_000,
  }, async () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Probe {\n  id Int @id\n}\n';
    const diff = {
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    };
    const input = `${[
      "this is not json",
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "noSuchMethod", params: {} }),
      JSON.stringify({ jsonrpc: "2.0", id: 2, method: "diff", params: diff }),
    ].join("\n")}\n`;
    const dataDir = join(scratch, "rpc");
    const r = await run(datasource(pgliteUrl(dataDir)), input);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out[0]).toMatchObject({ id: null, error: { code: -32700 } });
    expect(out[1]).toMatchObject({
      id: 1,
      error: { data: { is_panic: false, message: expect.stringContaining("noSuchMethod") } },
    });
    expect(out[2]).toMatchObject({
      method: "print",
      params: { content: expect.stringContaining('CREATE TABLE "Probe"') },
    });
    expect(out[3]).toMatchObject({ id: 2, result: { exitCode: 2 } });
  });
});

describe("adapter fixes", () => {
  it("parses the database URL conventions", () => {
    expect(parseDatabaseUrl("file:./data/pglite", "/srv/rk")).toEqual({
      kind: "pglite",
      dataDir: "/srv/rk/data/pglite",
    });
    expect(parseDatabaseUrl("file:///var/lib/rk")).toEqual({ kind: "pglite", dataDir: "/var/lib/rk" });
    expect(parseDatabaseUrl("postgresql://u@h:5432/db")).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/db" });
    expect(() => parseDatabaseUrl("sqlite:./x.db")).toThrow(/postgresql:\/\/… .* or file:<directory>/);
  });

  it.runIf(SERVER_URL)(
    "a PostgreSQL shadow database is a database of its own, dropped afterwards",
    { timeout: 60_000 },
    async () => {
      const factory = createMigrationAdapterFactory({ kind: "postgres", url: SERVER_URL! });
      try {
        const main = await factory.connect();
        const shadow = await factory.connectToShadowDb();
        const mainName = (await main.queryRaw({ sql: "SELECT current_database() AS d", args: [], argTypes: [] }))
          .rows[0]![0];
        const shadowName = (await shadow.queryRaw({ sql: "SELECT current_database() AS d", args: [], argTypes: [] }))
          .rows[0]![0] as string;
        expect(shadowName).not.toBe(mainName);
        expect(shadowName).toMatch(/^prisma_shadow_/);
        await shadow.dispose();
        const left = await adminQuery(SERVER_URL!, `SELECT 1 FROM pg_database WHERE datname = '${shadowName}'`);
        expect(left.rowCount).toBe(0);
      } finally {
        await factory.dispose();
      }
    },
  );

  it("the bridge's JavaScript type-checks", { timeout: 120_000 }, async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(process.execPath, [tsc, "-p", "."], { cwd: PACKAGE_ROOT });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("close", (code) => resolve({ code: code ?? -1, out }));
    });
    expect(r.code, r.out).toBe(0);
  });
});
