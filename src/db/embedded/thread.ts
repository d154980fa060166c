/**
 * The embedded database's thread: owns the only PGlite instance and runs the
 * stock pglite-prisma-adapter next to it. The main thread forwards Prisma's
 * driver-adapter calls here (./index.ts), so all the WebAssembly work, the
 * wire protocol and the parsing of results happen off the main thread, which
 * stays free to accept and acknowledge requests.
 *
 * Serialisation is PGlite's own: an open transaction holds PGlite's
 * transaction lock until commit or rollback, and plain queries wait on it,
 * exactly as with PGlite on the main thread. Migrations run here too: the
 * schema engine needs the PGlite instance in its own thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import { applyPendingMigrations, migrationHistory, openPGliteWithExtensions } from "@rangekeeper/schema-engine";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Ready, Request, Response, Results, SerializedError, ThreadOptions } from "./protocol.ts";
import { asStartParams, EMBEDDED_DEFAULTS } from "./settings.ts";

const port = parentPort;
if (!port) throw new Error("src/db/embedded/thread.ts runs in a worker thread only");
const options = workerData as ThreadOptions;
const target = { kind: "pglite" as const, dataDir: options.dataDir ?? "memory://" };

function serializeError(e: unknown): SerializedError {
  const err = e as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown } | null;
  if (err?.name === "DriverAdapterError") return { kind: "driverAdapterError", cause: err.cause };
  return {
    kind: "error",
    name: typeof err?.name === "string" ? err.name : "Error",
    message: typeof err?.message === "string" ? err.message : String(e),
    stack: typeof err?.stack === "string" ? err.stack : undefined,
  };
}

let pglite: PGlite;
try {
  pglite = await openPGliteWithExtensions(options.dataDir, {
    startParams: [...PGlite.defaultStartParams, ...asStartParams(options.settings)],
    ...(options.loadDataDir ? { loadDataDir: new Blob([options.loadDataDir]) } : {}),
  });
} catch (e) {
  // PostgreSQL's own words about a bad setting do not come out of PGlite: name the operator's settings.
  const own = Object.entries(options.settings).filter(([k, v]) => EMBEDDED_DEFAULTS[k] !== v);
  if (own.length && e instanceof Error)
    e.message = `the embedded database did not start with the settings ${own.map(([k, v]) => `${k}=${v}`).join(", ")} (PGLITE_SETTINGS): check their names and values (${e.message})`;
  port.postMessage({ ready: false, error: serializeError(e) } satisfies Ready);
  port.close();
  throw e; // ends this thread; the main thread has been told why
}

const adapter: SqlDriverAdapter = await new PrismaPGlite(pglite).connect();
/** pglite-prisma-adapter's own mapping of PGlite's errors to DriverAdapterError (it throws). */
const toAdapterError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
const transactions = new Map<number, Transaction>();
let nextTxId = 1;
let closing = false;

function queryable(txId: number | undefined): SqlDriverAdapter | Transaction {
  if (txId === undefined) return adapter;
  const tx = transactions.get(txId);
  if (!tx) throw new Error(`transaction ${txId} is not open`);
  return tx;
}

async function handle(req: Request): Promise<Results[Request["op"]]> {
  if (closing && req.op !== "close") throw new Error("the embedded database is closing");
  switch (req.op) {
    case "queryRaw":
      return queryable(req.txId).queryRaw(req.query);
    case "executeRaw":
      return queryable(req.txId).executeRaw(req.query);
    case "executeScript":
      // One simple-query message, so a script runs whole (the stock executeScript does not wait for it).
      await pglite.exec(req.script).catch(toAdapterError);
      return null;
    case "startTransaction": {
      const tx = await adapter.startTransaction(req.isolationLevel);
      const txId = nextTxId++;
      transactions.set(txId, tx);
      return { txId, options: tx.options };
    }
    case "commit":
    case "rollback": {
      const tx = transactions.get(req.txId);
      if (!tx) throw new Error(`transaction ${req.txId} is not open`);
      transactions.delete(req.txId);
      await (req.op === "commit" ? tx.commit() : tx.rollback());
      return null;
    }
    case "migrate":
      return applyPendingMigrations({ target, pglite, migrationsDir: req.migrationsDir });
    case "migrationStatus":
      return migrationHistory({ target, pglite, migrationsDir: req.migrationsDir });
    case "close": {
      closing = true;
      // PGlite.close() waits for the transaction lock: roll back what was left open.
      for (const [txId, tx] of transactions) {
        transactions.delete(txId);
        await tx.rollback().catch(() => undefined);
      }
      await pglite.close(); // checkpoints and flushes the data directory
      return null;
    }
  }
}

port.on("message", (req: Request) => {
  handle(req).then(
    (value) => {
      port.postMessage({ id: req.id, ok: true, value } satisfies Response);
      if (req.op === "close") port.close(); // nothing else keeps this thread alive: it exits
    },
    (e: unknown) => port.postMessage({ id: req.id, ok: false, error: serializeError(e) } satisfies Response),
  );
});
port.postMessage({ ready: true } satisfies Ready);
