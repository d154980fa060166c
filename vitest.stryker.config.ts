import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The order of a mutant's test files. Stryker stops at the first failing test, so the files
 * likeliest to fail, and the quickest, go first: those with a test that failed on a recent
 * mutant (a file's neighbouring mutants are mostly killed by the same tests), then the
 * shortest by their last whole run. Vitest's own order runs the longest first, which suits a
 * run of every test but makes each mutant wait for the slowest files before the one that kills it.
 */
class KillersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const result = (file: TestSpecification) => this.ctx.cache.getTestSpecificationResult(file);
    const rank = (file: TestSpecification) => (result(file)?.failed ? 0 : 1);
    const duration = (file: TestSpecification) => result(file)?.duration ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => {
      const [da, db] = [duration(a), duration(b)];
      return rank(a) - rank(b) || (da === db ? 0 : da - db);
    });
  }
}

/**
 * The tests mutation testing runs (stryker.config.mjs): those of the domain
 * core and its repositories, and those of the layers that drive the core's
 * jobs, outbox, webhooks and tool integration in-process; on the database
 * DATABASE_URL names (PGlite when unset; a PostgreSQL server is about six
 * times faster here, each test database being a template clone). The Slack
 * layer's and the end-to-end suites go through the core too, but too slowly
 * to run once per mutant; the huge-dataset suite as well.
 */
export default defineConfig({
  plugins: [
    {
      // Stryker's vitest runner picks the tests that cover a mutant by a name
      // pattern of each test's describe blocks and name joined by spaces; this
      // vitest matches the pattern against the names joined by " > ", so the
      // pattern would select nothing and every mutant would seem to survive.
      // Either joint is accepted.
      name: "stryker-test-name-joints",
      configureVitest({ project }) {
        const config = project.config as { testNamePattern?: RegExp | string };
        let pattern = config.testNamePattern;
        Object.defineProperty(config, "testNamePattern", {
          configurable: true,
          enumerable: true,
          get: () => pattern,
          set: (p: RegExp | string | undefined) => {
            pattern = p instanceof RegExp ? new RegExp(p.source.replaceAll(" ", "(?: | > )"), p.flags) : p;
          },
        });
      },
    },
  ],
  test: {
    name: "rangekeeper-core",
    // RK_MUTATION_TESTS (comma-separated) narrows a run to the tests that target the files mutated.
    include: process.env.RK_MUTATION_TESTS?.split(",") ?? [
      "test/core/**/*.test.ts",
      // the repositories' reads and row locks on their own
      "test/db/repositories/*.test.ts",
      // the core's jobs, outbox, webhooks and tool integration, driven from the layer that calls them
      "test/jobs/overdue.test.ts",
      "test/jobs/stalled-imbalance.test.ts",
      "test/jobs/digest.test.ts",
      "test/jobs/scheduler.test.ts",
      "test/jobs/runner.test.ts",
      "test/delivery/sender.test.ts",
      "test/delivery/webhook-sender.test.ts",
      "test/webhooks/*.test.ts",
      "test/api/*.test.ts",
      // the words and numbers the UI shows (core/text.ts)
      "test/ui/*.test.ts",
    ],
    exclude: ["test/core/huge.test.ts"],
    sequence: { sequencer: KillersFirst },
    globalSetup: ["test/support/global-setup.ts"],
    // Closes the embedded databases a file's tests gave back for reuse.
    setupFiles: ["test/support/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
