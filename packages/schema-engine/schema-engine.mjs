#!/usr/bin/env node
// @ts-check
/**
 * A drop-in replacement for Prisma's native `schema-engine` binary, for
 * machines that cannot download it. Point the Prisma CLI at it with
 * PRISMA_SCHEMA_ENGINE_BINARY (prisma.config.ts does); it serves the CLI's
 * requests with Prisma's WebAssembly schema engine over JS driver adapters.
 * See README.md next to this file.
 *
 * Invocations (as the CLI makes them):
 *   schema-engine [--datamodels <file>]... [--datasource <json>]
 *       JSON-RPC 2.0 on stdin/stdout, one message per line.
 *   schema-engine --datasource <json> cli <command>
 *       One-shot commands: can-connect-to-database, create-database,
 *       drop-database. Exit 0 on success; on failure exit 1 with JSON log
 *       lines on stderr, the last one carrying `error_code` and `message`.
 */
import { readFile } from "node:fs/promises";
import { canConnect, createDatabase, dropDatabase } from "./lib/databases.mjs";
import { logLine, serveJsonRpc } from "./lib/rpc.mjs";
import { parseDatabaseUrl } from "./lib/targets.mjs";
import { schemaEngineVersion, toSchemaEngineError } from "./lib/wasm.mjs";

/**
 * @param {string[]} argv
 */
function parseArgs(argv) {
  /** @type {{ datamodels: string[], datasource: import("./lib/rpc.mjs").Datasource, cli: string[] | undefined, version: boolean }} */
  const args = { datamodels: [], datasource: {}, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--datamodels":
      case "-d":
        args.datamodels.push(value());
        break;
      case "--datasource":
        args.datasource = JSON.parse(value());
        break;
      case "--enabled-preview-features":
      case "--extension-types":
        value(); // nothing to enable: the WebAssembly engine has no such switches
        break;
      case "--version":
      case "-V":
        args.version = true;
        break;
      case "cli":
        args.cli = argv.slice(i + 1);
        i = argv.length;
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return args;
}

/**
 * @param {string} command
 * @param {import("./lib/rpc.mjs").Datasource} datasource
 */
async function runCli(command, datasource) {
  logLine(process.stderr, "INFO", { message: `schema engine bridge: cli ${command}` });
  try {
    if (!datasource.url) throw new Error('No datasource URL was given (--datasource {"url": …}).');
    const target = parseDatabaseUrl(datasource.url);
    switch (command) {
      case "can-connect-to-database":
        await canConnect(target);
        break;
      case "create-database":
        process.stdout.write(`${JSON.stringify({ databaseName: await createDatabase(target) })}\n`);
        break;
      case "drop-database":
        await dropDatabase(target);
        break;
      default:
        throw new Error(`unknown cli command ${JSON.stringify(command)}`);
    }
    return 0;
  } catch (e) {
    const err = toSchemaEngineError(e);
    logLine(process.stderr, "ERROR", { message: err.message, ...(err.errorCode ? { error_code: err.errorCode } : {}) });
    return 1;
  }
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    logLine(process.stderr, "ERROR", { message: `schema engine bridge: ${/** @type {Error} */ (e).message}` });
    return 1;
  }
  if (args.version) {
    process.stdout.write(`schema-engine-wasm ${await schemaEngineVersion()}\n`);
    return 0;
  }
  if (args.cli) return runCli(args.cli[0] ?? "", args.datasource);

  const datamodels = /** @type {[string, string][]} */ (
    await Promise.all(args.datamodels.map(async (path) => [path, await readFile(path, "utf8")]))
  );
  const server = serveJsonRpc({
    input: process.stdin,
    output: process.stdout,
    log: process.stderr,
    datamodels,
    datasource: args.datasource,
  });
  // A panic inside the engine escapes as an uncaught exception and leaves the
  // engine unusable: report it on the request in progress, then exit with
  // the native engine's panic status.
  process.on("uncaughtException", (e) => {
    void server.fail(e).finally(() => process.exit(101));
  });
  // The CLI ends stdin and then sends SIGTERM right away: finish cleanly
  // either way (close the embedded database, drop shadow databases).
  for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
    process.once(signal, () => {
      server.shutdown().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await server.done;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    logLine(process.stderr, "ERROR", { message: `schema engine bridge failed: ${e?.stack ?? e}` });
    process.exit(1);
  },
);
