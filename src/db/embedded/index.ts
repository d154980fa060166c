/**
 * The embedded database (PGlite) in a thread of its own, behind Prisma's
 * driver-adapter interface.
 *
 * PGlite is one PostgreSQL session compiled to WebAssembly. On the main
 * thread its work (about 15 ms of CPU per claim) blocked Bolt's HTTP server
 * under a burst, so Slack's requests waited to be accepted at all. Here the
 * thread (./thread.ts) owns PGlite and the stock pglite-prisma-adapter; the
 * main thread hands Prisma a driver adapter whose every call (queryRaw,
 * executeRaw, startTransaction, commit, …) is one message round trip.
 * Queries and results are plain data, and errors travel as the
 * DriverAdapterError `cause` Prisma reads (P2002, SQLSTATE 23P01, …).
 */
import { Worker } from "node:worker_threads";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import type { MigrationHistory } from "@rangekeeper/schema-engine";
import type { Ready, Request, Response, Results, SerializedError, ThreadOptions } from "./protocol.ts";
import { embeddedSettings } from "./settings.ts";

const THREAD = new URL("./thread.ts", import.meta.url);
const ADAPTER_NAME = "pglite-prisma-adapter (database thread)";

export interface EmbeddedOptions {
  /** PGlite data directory; undefined keeps the database in memory. */
  dataDir: string | undefined;
  /** Start from a `dumpDataDir()` dump (the test harness's migrated template), as bytes. */
  loadDataDir?: Uint8Array;
  /** PostgreSQL settings over the embedded defaults (./settings.ts) */
  settings?: Readonly<Record<string, string>>;
}

export interface EmbeddedDatabase {
  /** For `new PrismaClient({ adapter })`. */
  readonly adapter: SqlDriverAdapterFactory;
  /** Applies the pending migrations of `migrationsDir` (in the database's thread); returns their names. */
  migrate(migrationsDir: string): Promise<string[]>;
  /** Where the database stands against `migrationsDir` (what `prisma migrate status` reports). */
  migrationStatus(migrationsDir: string): Promise<MigrationHistory>;
  /** Rolls back transactions left open, closes PGlite (flushing its data directory) and waits for the thread to end. */
  close(): Promise<void>;
}

type Op = Request["op"];
/** The arguments of one op (its request without id and op). */
type Args<O extends Op> = Omit<Extract<Request, { op: O }>, "id" | "op">;

function reviveError(e: SerializedError): Error {
  if (e.kind === "driverAdapterError") {
    return new DriverAdapterError(e.cause as ConstructorParameters<typeof DriverAdapterError>[0]);
  }
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack)
    err.stack = `${e.name}: ${e.message}\n    (in the database thread)\n${e.stack.split("\n").slice(1).join("\n")}`;
  return err;
}

/** Starts the thread and opens PGlite in it; resolves once it serves. */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const workerData: ThreadOptions = {
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    settings: embeddedSettings(options.settings),
  };
  const worker = new Worker(THREAD, { workerData, name: "rangekeeper-database" });

  const pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let gone = false; // the thread has ended

  const ready = await new Promise<Ready>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the database thread ended (code ${code}) before it was ready`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", (m: Ready) => {
      // (not removeAllListeners(): Node's Worker keeps listeners of its own)
      worker.off("error", reject);
      worker.off("exit", onExit);
      resolve(m);
    });
  });
  if (!ready.ready) {
    worker.on("error", () => undefined); // the thread rethrows what it already reported
    await worker.terminate();
    throw reviveError(ready.error);
  }

  // The thread keeps the process alive only while a call is in flight, like a busy socket:
  // an idle database never holds the process open.
  worker.unref();
  worker.on("message", (res: Response) => {
    const call = pending.get(res.id);
    if (!call) return;
    pending.delete(res.id);
    if (pending.size === 0) worker.unref();
    if (res.ok) call.resolve(res.value);
    else call.reject(reviveError(res.error));
  });
  worker.on("error", () => {
    gone = true;
  });
  worker.on("exit", () => {
    gone = true;
    // Every call still waiting fails as a closed connection (Prisma: P1017).
    for (const call of pending.values()) call.reject(new DriverAdapterError({ kind: "ConnectionClosed" }));
    pending.clear();
  });

  function call<O extends Op>(op: O, args: Args<O>): Promise<Results[O]> {
    if (gone) return Promise.reject(new DriverAdapterError({ kind: "ConnectionClosed" }));
    const id = nextId++;
    return new Promise<Results[O]>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...args, op, id });
    });
  }

  const queryable = (txId: number | undefined) => ({
    provider: "postgres" as const,
    adapterName: ADAPTER_NAME,
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> => call("queryRaw", { txId, query }),
    executeRaw: (query: SqlQuery): Promise<number> => call("executeRaw", { txId, query }),
  });

  const adapter: SqlDriverAdapter = {
    ...queryable(undefined),
    executeScript: async (script: string) => {
      await call("executeScript", { script });
    },
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const { txId, options } = await call("startTransaction", { isolationLevel });
      return {
        ...queryable(txId),
        options, // the thread's adapter sends BEGIN/COMMIT/ROLLBACK itself
        commit: async () => {
          await call("commit", { txId });
        },
        rollback: async () => {
          await call("rollback", { txId });
        },
      };
    },
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    // Prisma disposes the adapter on $disconnect; the thread lives until close().
    dispose: async () => undefined,
  };

  let closed: Promise<void> | undefined;
  return {
    adapter: { provider: "postgres", adapterName: ADAPTER_NAME, connect: async () => adapter },
    migrate: (migrationsDir) => call("migrate", { migrationsDir }),
    migrationStatus: (migrationsDir) => call("migrationStatus", { migrationsDir }),
    close() {
      closed ??= (async () => {
        if (gone) return;
        const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
        await call("close", {});
        worker.ref(); // keep the process up until the thread has really ended
        // PGlite is closed and its data directory flushed: nothing is left to wait for. Whatever
        // else still holds the thread (the schema engine's timers, once it was used) ends with it.
        await worker.terminate();
        await exited;
      })();
      return closed;
    },
  };
}
