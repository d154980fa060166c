// @ts-check
/**
 * Loads Prisma's WebAssembly build of the schema engine
 * (`@prisma/schema-engine-wasm`) and opens engine instances over a JS driver
 * adapter factory.
 *
 * The package's own entry point imports the `.wasm` file as an ES module,
 * which Node.js 24 still does only as an experiment (with a warning on every
 * CLI call), so the module is instantiated here by hand from its wasm-bindgen
 * glue (`schema_engine_bg.js`).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

/** The WebAssembly namespace (not in this project's TypeScript lib set). */
const WebAssembly = /** @type {any} */ (globalThis).WebAssembly;

/**
 * The engine reports a Rust panic by calling `set_message` on this global
 * right before the WebAssembly trap. Without it the panic would surface as a
 * bare "unreachable" error with no explanation.
 */
class PanicRegistry {
  /** @type {string | undefined} */
  message = undefined;
  /** @param {string} message */
  set_message(message) {
    this.message = message;
  }
  /** Returns and forgets the last panic message. */
  take() {
    const m = this.message;
    this.message = undefined;
    return m;
  }
}

/** @type {Promise<any> | undefined} */
let loading;

/** @returns {PanicRegistry} */
function panicRegistry() {
  const g = /** @type {any} */ (globalThis);
  if (!(g.PRISMA_WASM_PANIC_REGISTRY instanceof PanicRegistry)) g.PRISMA_WASM_PANIC_REGISTRY = new PanicRegistry();
  return g.PRISMA_WASM_PANIC_REGISTRY;
}

/** Instantiates the WebAssembly module once per process and returns its bindings. */
export function loadSchemaEngineWasm() {
  loading ??= (async () => {
    panicRegistry(); // must exist before the module starts
    const pkgDir = dirname(require.resolve("@prisma/schema-engine-wasm"));
    const bindings = await import(pathToFileURL(join(pkgDir, "schema_engine_bg.js")).href);
    const bytes = await readFile(join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
    bindings.__wbg_set_wasm(instance.exports);
    /** @type {any} */ (instance.exports).__wbindgen_start?.();
    return bindings;
  })();
  return loading;
}

/** Git hash of the loaded engine build. */
export async function schemaEngineVersion() {
  const wasm = await loadSchemaEngineWasm();
  return /** @type {string} */ (wasm.version());
}

/**
 * An engine error as the Prisma CLI expects it in a JSON-RPC error's `data`:
 * a known error has an `error_code` (P1001, P3009, …) and `meta`; a panic has
 * `is_panic: true`.
 */
export class SchemaEngineError extends Error {
  /**
   * @param {string} message
   * @param {{ errorCode?: string | null, meta?: unknown, isPanic?: boolean, cause?: unknown }} [details]
   */
  constructor(message, details = {}) {
    super(message, { cause: details.cause });
    this.name = "SchemaEngineError";
    this.errorCode = details.errorCode ?? null;
    this.meta = details.meta ?? null;
    this.isPanic = details.isPanic ?? false;
  }
}

/**
 * Turns whatever a rejected engine call produced into a SchemaEngineError.
 * The engine rejects with a plain object `{ message, error_code?, meta?, is_panic? }`
 * for user-facing errors, or with a WebAssembly trap after a panic.
 * @param {unknown} e
 * @returns {SchemaEngineError}
 */
export function toSchemaEngineError(e) {
  if (e instanceof SchemaEngineError) return e;
  const panic = panicRegistry().take();
  if (panic !== undefined) return new SchemaEngineError(panic, { isPanic: true, cause: e });
  if (e && typeof e === "object") {
    const o = /** @type {Record<string, unknown>} */ (e);
    const message = typeof o.message === "string" && o.message ? o.message : JSON.stringify(e);
    const errorCode =
      typeof o.error_code === "string" ? o.error_code : typeof o.errorCode === "string" ? o.errorCode : null;
    return new SchemaEngineError(message, {
      errorCode,
      meta: o.meta ?? null,
      isPanic: o.is_panic === true || e instanceof WebAssembly.RuntimeError,
      cause: e,
    });
  }
  return new SchemaEngineError(String(e), { cause: e });
}

/**
 * The methods of the WebAssembly engine, all of which take one parameter
 * object and return a promise. Names match the JSON-RPC methods of the
 * native engine.
 */
export const ENGINE_METHODS = Object.freeze([
  "applyMigrations",
  "createMigration",
  "dbExecute",
  "debugPanic",
  "devDiagnostic",
  "diagnoseMigrationHistory",
  "diff",
  "ensureConnectionValidity",
  "evaluateDataLoss",
  "introspect",
  "introspectSql",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "reset",
  "schemaPush",
  "version",
]);

/**
 * The datamodel an engine gets when it is given none. Some requests (e.g.
 * `dbExecute` against a URL) validate the engine's initial datamodels, and the
 * engine panics when there are none.
 */
export const MINIMAL_DATAMODEL = /** @type {[string, string]} */ ([
  "schema.prisma",
  'datasource db {\n  provider = "postgresql"\n}\n',
]);

/**
 * Opens a schema engine over a driver adapter factory.
 *
 * @param {{
 *   factory: import("@prisma/driver-adapter-utils").SqlMigrationAwareDriverAdapterFactory,
 *   datamodels?: [path: string, content: string][],
 *   onLog?: (line: string) => void,
 * }} options
 * @returns {Promise<OpenSchemaEngine>}
 */
export async function openSchemaEngine({ factory, datamodels, onLog }) {
  const wasm = await loadSchemaEngineWasm();
  /** @param {unknown} line */
  const log = (line) => onLog?.(typeof line === "string" ? line : JSON.stringify(line));
  let engine;
  try {
    engine = await wasm.SchemaEngine.new(
      { datamodels: datamodels?.length ? datamodels : [MINIMAL_DATAMODEL] },
      log,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (e) {
    throw toSchemaEngineError(e);
  }
  return {
    async call(method, params) {
      if (!ENGINE_METHODS.includes(method)) {
        throw new SchemaEngineError(`The schema engine has no method ${JSON.stringify(method)}.`);
      }
      try {
        return await engine[method](params);
      } catch (e) {
        throw toSchemaEngineError(e);
      }
    },
    free() {
      engine.free();
    },
  };
}

/**
 * @typedef {object} OpenSchemaEngine
 * @property {(method: string, params?: unknown) => Promise<any>} call
 *   Runs one engine method; rejects with a SchemaEngineError.
 * @property {() => void} free Releases the engine's WebAssembly memory.
 */
