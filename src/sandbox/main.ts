/**
 * `npm run sandbox`: rangekeeper on an embedded database against the local
 * Slack stand-in, with a terminal to act as the demo team.
 *
 *   npm run sandbox                 database in ./data/sandbox, kept between runs
 *   npm run sandbox -- --fresh      wipe that database first
 *   npm run sandbox -- --memory     keep nothing
 *   npm run sandbox -- --data DIR --log FILE --as @lee
 *
 * Piped input works too: `printf 'demo\n/ledger status\n' | npm run sandbox -- --memory`.
 */
import { parseArgs } from "node:util";
import { SandboxRepl } from "./repl.ts";
import { findDemoUser } from "./users.ts";
import { SANDBOX_DATA_DIR, SANDBOX_LOG_FILE, type SandboxWorld, startSandbox } from "./world.ts";

const USAGE = `usage: npm run sandbox -- [--memory | --fresh] [--data DIR] [--log FILE] [--as @name]
  --memory     keep nothing (database in memory, no log file)
  --fresh      wipe the sandbox database before starting
  --data DIR   database directory (default ${SANDBOX_DATA_DIR}; never the app's ./data/pglite)
  --log FILE   where the app's warnings and errors go (default ${SANDBOX_LOG_FILE})
  --as @name   start as this person (default @ana)`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        memory: { type: "boolean" },
        fresh: { type: "boolean" },
        data: { type: "string" },
        log: { type: "string" },
        as: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.memory && (args.fresh || args.data)) {
    process.stderr.write(`--memory keeps nothing on disk; it does not go with --fresh or --data\n${USAGE}\n`);
    return 2;
  }
  const startAs = args.as ? findDemoUser(args.as) : undefined;
  if (args.as && !startAs) {
    process.stderr.write(`--as ${args.as}: there is nobody by that name (try @ana, @lee, @rita)\n`);
    return 2;
  }
  const dataDir = args.memory ? undefined : (args.data ?? SANDBOX_DATA_DIR);
  const logFile = args.log ?? (args.memory ? undefined : SANDBOX_LOG_FILE);
  const storage = dataDir
    ? `${dataDir} (kept between runs${args.fresh ? "; wiped just now" : "; --fresh wipes it"})`
    : "in memory (nothing is kept)";

  const started = Date.now();
  process.stdout.write(`Starting the rangekeeper sandbox (database ${dataDir ?? "in memory"})…\n`);
  let repl: SandboxRepl | undefined;
  let world: SandboxWorld;
  try {
    world = await startSandbox({
      dataDir,
      fresh: Boolean(args.fresh),
      logFile,
      onAppError: (message) => {
        const line = `⚠ the app logged an error: ${message}${logFile ? ` (details in ${logFile})` : ""}`;
        if (repl) repl.notice(line);
        else process.stderr.write(`${line}\n`);
      },
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`The sandbox could not start: ${msg}\n`);
    if (dataDir) process.stderr.write(`Is another sandbox using ${dataDir}? Try --memory, or --fresh to start over.\n`);
    return 1;
  }
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= world.close());
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const)
    process.once(signal, () => void shutdown().then(() => process.exit(0)));

  repl = new SandboxRepl({ world, input: process.stdin, output: process.stdout, startAs: startAs?.id });
  repl.banner({ storage, readyMs: Date.now() - started });
  await repl.start();
  await shutdown();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`sandbox failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
