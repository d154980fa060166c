// @ts-check
/**
 * The JSON-RPC 2.0 side of the bridge: one request per line on `input`, one
 * response per line on `output`, log lines (JSON, as the native engine
 * writes them) on `log`. Requests run one at a time, in order, against a
 * WebAssembly engine opened on the first request.
 *
 * Errors are reported in the native engine's shape, which the Prisma CLI
 * turns into its usual messages: `error.data` carries `message`,
 * `error_code` (P-codes) and `meta`, or `is_panic: true`.
 *
 * Output for the user goes the native engine's way too: `diff` results are
 * sent to the CLI as a `print` request (which the CLI writes to its stdout,
 * or to the file of `migrate diff --output`) before the response.
 */
import { createInterface } from "node:readline";
import { createMigrationAdapterFactory } from "./adapters.mjs";
import { createDatabase } from "./databases.mjs";
import { parseDatabaseUrl } from "./targets.mjs";
import { openSchemaEngine, SchemaEngineError, toSchemaEngineError } from "./wasm.mjs";

/** JSON-RPC error code the native engine uses for engine errors. */
const ENGINE_ERROR = 4466;

/**
 * @typedef {{ url?: string, shadowDatabaseUrl?: string }} Datasource
 * @typedef {{ jsonrpc?: string, id?: number | string | null, method?: string, params?: unknown }} Request
 */

/** Writes one log line in the engine's format. */
export function logLine(
  /** @type {NodeJS.WritableStream} */ out,
  /** @type {"INFO" | "WARN" | "ERROR"} */ level,
  /** @type {Record<string, unknown>} */ fields,
) {
  out.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: "schema_engine::logger" })}\n`,
  );
}

/**
 * Serves requests until `input` ends, then releases everything it opened.
 * @param {{
 *   input: NodeJS.ReadableStream,
 *   output: NodeJS.WritableStream,
 *   log: NodeJS.WritableStream,
 *   datamodels: [string, string][],
 *   datasource: Datasource,
 *   baseDir?: string,
 * }} options
 * @returns {{ done: Promise<void>, shutdown(): Promise<void>, fail(error: unknown): Promise<void> }}
 *   `done` settles once input has ended and everything is released;
 *   `fail` is for failures that escape the request in progress (a panic
 *   inside the engine surfaces as an uncaught exception, not as a
 *   rejection): it answers that request with the error and releases what
 *   can be released (shadow databases, the embedded database) without
 *   waiting for the engine, which is unusable afterwards.
 */
export function serveJsonRpc({ input, output, log, datamodels, datasource, baseDir = process.cwd() }) {
  const target = datasource.url ? parseDatabaseUrl(datasource.url, baseDir) : undefined;
  const factory = target
    ? createMigrationAdapterFactory(target, { shadowDatabaseUrl: datasource.shadowDatabaseUrl })
    : undefined;

  /** @type {Promise<import("./wasm.mjs").OpenSchemaEngine> | undefined} */
  let engine;
  const getEngine = () => {
    if (!factory) {
      return Promise.reject(
        new SchemaEngineError("No datasource URL is configured (set datasource.url in prisma.config.ts).", {
          errorCode: "P1012",
        }),
      );
    }
    engine ??= openSchemaEngine({ factory, datamodels, onLog: (line) => log.write(`${line}\n`) });
    return engine;
  };

  /** Print requests sent to the CLI and not yet acknowledged, by id. */
  const pendingPrints = new Map();
  let printId = 0;

  /** Asks the CLI to print `content` for the user; resolves once it has. */
  function print(/** @type {string} */ content) {
    const id = `print-${++printId}`;
    return new Promise((resolve) => {
      // Once input has ended no acknowledgement can come: write, don't wait.
      if (closing) resolve(undefined);
      else pendingPrints.set(id, resolve);
      output.write(`${JSON.stringify({ jsonrpc: "2.0", id, method: "print", params: { content } })}\n`);
    });
  }

  /** @param {string} method @param {unknown} params */
  async function dispatch(method, params) {
    switch (method) {
      case "diff": {
        const result = await (await getEngine()).call("diff", params);
        if (typeof result?.stdout === "string" && result.stdout) await print(result.stdout.replace(/\n$/, ""));
        return result;
      }
      case "createDatabase": {
        if (!target) throw new SchemaEngineError("No datasource URL is configured.", { errorCode: "P1012" });
        return { databaseName: await createDatabase(target) };
      }
      case "getDatabaseVersion":
        return (await getEngine()).call("version", params ?? null);
      default:
        return (await getEngine()).call(method, params);
    }
  }

  /** @type {Request["id"] | undefined} id of the request in progress */
  let current;

  /** @param {string} line */
  async function handle(line) {
    if (!line.trim()) return;
    /** @type {Request} */
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      respond({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (request.id === undefined) return; // a notification: nothing to answer
    if (typeof request.method !== "string") {
      respond({ jsonrpc: "2.0", id: request.id, error: { code: -32600, message: "Invalid request" } });
      return;
    }
    current = request.id;
    try {
      const result = await dispatch(request.method, request.params);
      respond({ jsonrpc: "2.0", id: request.id, result: result === undefined ? null : result });
    } catch (e) {
      respondError(request.id, e);
    } finally {
      current = undefined;
    }
  }

  /** @param {Request["id"]} id @param {unknown} e */
  function respondError(id, e) {
    const err = toSchemaEngineError(e);
    logLine(log, "ERROR", { message: err.message, ...(err.errorCode ? { error_code: err.errorCode } : {}) });
    respond({ jsonrpc: "2.0", id, error: rpcError(err) });
  }

  /** @param {unknown} e */
  async function fail(e) {
    if (current === undefined) {
      logLine(log, "ERROR", { message: toSchemaEngineError(e).message });
    } else {
      const id = current;
      current = undefined;
      respondError(id, e);
    }
    lines.close();
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([factory?.dispose().catch(() => {}), timeout]);
  }

  /** @param {unknown} message */
  function respond(message) {
    output.write(`${JSON.stringify(message)}\n`);
  }

  let queue = Promise.resolve();
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on("line", (line) => {
    // Acknowledgements of print requests arrive while a request is being
    // handled: settle them at once rather than behind it in the queue.
    const ack = parseAck(line);
    if (ack !== undefined && pendingPrints.has(ack)) {
      pendingPrints.get(ack)();
      pendingPrints.delete(ack);
      return;
    }
    queue = queue.then(() => handle(line));
  });

  /** @type {Promise<void> | undefined} */
  let closing;
  const shutdown = () => {
    closing ??= (async () => {
      lines.close();
      // Nobody is left to acknowledge a print: stop waiting for it.
      for (const settle of pendingPrints.values()) settle();
      pendingPrints.clear();
      await queue;
      const open = await engine?.catch(() => undefined);
      open?.free();
      await factory?.dispose();
    })();
    return closing;
  };
  const done = new Promise((resolve) => lines.once("close", resolve)).then(shutdown);
  return { done, shutdown, fail };
}

/**
 * The id of a JSON-RPC response (a message with an id and no method), if
 * `line` is one.
 * @param {string} line
 * @returns {string | number | undefined}
 */
function parseAck(line) {
  if (!line.includes('"result"') && !line.includes('"error"')) return undefined;
  try {
    const m = JSON.parse(line);
    return m && m.method === undefined && (typeof m.id === "string" || typeof m.id === "number") ? m.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {SchemaEngineError} err
 */
function rpcError(err) {
  if (err.isPanic) {
    return {
      code: ENGINE_ERROR,
      message: err.message,
      data: { is_panic: true, message: err.message, backtrace: null },
    };
  }
  return {
    code: ENGINE_ERROR,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message: err.message, meta: err.meta, error_code: err.errorCode },
  };
}
