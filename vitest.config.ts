import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    teardownTimeout: 30_000,
    projects: [
      // The libraries of their own (each with its vitest.config.ts).
      "packages/*",
      {
        test: {
          name: "rangekeeper",
          include: ["test/**/*.test.ts"],
          // Migrates one template database per run; every test database is a clone
          // of it (test/support/db.ts). Test files run in separate processes and
          // never share a database.
          globalSetup: ["test/support/global-setup.ts"],
          // Closes the embedded databases a file's tests gave back for reuse.
          setupFiles: ["test/support/setup.ts"],
          pool: "forks",
          // Node 24's V8 can abort a process that creates and closes embedded
          // databases (WebAssembly) one after another: freeing dead wasm code
          // fails a check in its JIT page bookkeeping (nodejs/node#64500, seen
          // here as a test file's process killed by SIGTRAP). Test processes
          // open and close many of them, so they keep their wasm code instead.
          execArgv: ["--no-wasm-code-gc"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
