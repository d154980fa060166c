// Mutation testing of the domain core and the repositories: `npm run mutation`
// (every mutant tried takes hours on two cores, hence the results kept below;
// `npx stryker run --mutate <file>,<file>` for a few files). Not part of `npm test` nor of CI. The mutants no test can kill, each with
// its reason, are listed in test/mutation/equivalent-mutants.ts; docs/mutation.md has the runs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ["src/core/**/*.ts", "src/db/repositories/**/*.ts"],
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: true },
  coverageAnalysis: "perTest",
  // Test runners keep their wasm code, as the test processes do (vitest.config.ts explains why;
  // vitest runs here in worker threads, which cannot take the flag themselves).
  testRunnerNodeArgs: ["--no-wasm-code-gc"],
  // Each test database is a PGlite of its own (or a database of its own on the server): one at a time.
  concurrency: 1,
  // A mutant times out (an infinite loop: detected) after 1.5 times its tests' own time plus this.
  // Each timeout costs this long and a restart of the worker, so it is a margin for a busy machine,
  // not a minute.
  timeoutMS: 15_000,
  // The first run of every test that covers the mutated files, on two shared cores.
  dryRunTimeoutMinutes: 30,
  // The report (test/mutation/reporter.ts) writes the HTML and JSON files below, with the listed
  // equivalent mutants shown as ignored with their reason, and prints the score without them.
  plugins: ["@stryker-mutator/vitest-runner", "./test/mutation/reporter.ts"],
  reporters: ["progress", "rangekeeper"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  // Each run reuses the results kept in git for every mutant whose code and tests are unchanged,
  // tries the rest, and adds what it found (test/mutation/results.ts); `--force` tries them all.
  // A whole run is thus made of runs of a few files each (docs/mutation.md).
  incremental: true,
  incrementalFile: "test/mutation/stryker-incremental.json",
  // What the sandbox does not need (node_modules is linked, never copied).
  ignorePatterns: [
    "/data",
    "/reports",
    "/coverage",
    "/bench",
    "/test/e2e",
    "/docs",
    "/test/mutation/stryker-incremental.json",
  ],
};
