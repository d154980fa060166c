/**
 * The layers of src/ and what each may import, as docs/ARCHITECTURE.md
 * states them. Checked in `npm test` by test/architecture.test.ts, and from a
 * shell with `npx depcruise src packages --output-type err-long`.
 * Paths are the resolved files: "../core/x.ts" written in src/db is src/core/x.ts.
 * @type {import("dependency-cruiser").IConfiguration}
 */
const NOT_IN_PRODUCT = "^src/sandbox/";

export default {
  forbidden: [
    {
      name: "core-speaks-no-slack",
      comment: "The domain core knows no Slack, no rendering, no HTTP, no configuration: only the data layer below it.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: ["^src/(slack|ui|http|config|sandbox|generated)/", "^src/(main|rangekeeper)\\.ts$", "node_modules/@slack/"] },
    },
    {
      name: "db-depends-on-nothing-above",
      comment: "The data layer returns its own records; it imports nothing from the layers that use it.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: "^src/(?!db/|generated/|platform/)" },
    },
    {
      name: "platform-is-a-leaf",
      comment: "What the process and machine give (pids, names): used by every layer, importing none.",
      severity: "error",
      from: { path: "^src/platform/" },
      to: { path: "^src/(?!platform/)" },
    },
    {
      name: "delivery-sends-what-the-core-decided",
      comment: "The outbox's senders read and settle rows through the core; they render nothing and answer no listener.",
      severity: "error",
      from: { path: "^src/delivery/" },
      to: { path: ["^src/(db|generated|slack|ui|http|jobs|sandbox)/", "^src/(main|rangekeeper)\\.ts$"] },
    },
    {
      name: "jobs-decide-through-the-core",
      comment: "A job decides through the core and renders with the UI builders; only its command-line entry opens the database.",
      severity: "error",
      from: { path: "^src/jobs/", pathNot: "^src/jobs/cli\\.ts$" },
      to: { path: ["^src/(db|generated|slack|http|sandbox)/", "^src/(main|rangekeeper)\\.ts$"] },
    },
    {
      name: "only-db-touches-prisma",
      comment: "Every query lives in src/db: nothing else imports the generated client, not even its types.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(db|generated)/" },
      to: { path: "^src/generated/" },
    },
    {
      name: "only-db-runs-the-schema-engine",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/db/" },
      to: { path: "^packages/schema-engine/" },
    },
    {
      name: "ui-is-pure-block-kit",
      comment: "UI builders turn domain views into Block Kit: no Slack calls, no database, no listeners.",
      severity: "error",
      from: { path: "^src/ui/" },
      to: { path: ["^src/(slack|db|http|config|sandbox|generated)/", "^src/(main|rangekeeper)\\.ts$", "node_modules/@slack/(bolt|web-api)/"] },
    },
    {
      name: "slack-goes-through-the-core",
      comment: "Listeners parse, call the core and render; they never reach the repositories.",
      severity: "error",
      from: { path: "^src/slack/" },
      to: { path: ["^src/(db|generated|sandbox)/", "^src/(main|rangekeeper)\\.ts$"] },
    },
    {
      name: "http-routes-are-leaves",
      severity: "error",
      from: { path: "^src/http/" },
      to: { path: ["^src/(core|db|slack|ui|sandbox|generated)/", "^src/(main|rangekeeper)\\.ts$"] },
    },
    {
      name: "api-goes-through-the-core",
      comment: "the HTTP API parses with zod and calls the core; what Slack shows after a change comes in as a port",
      severity: "error",
      from: { path: "^src/api/" },
      to: { path: ["^src/(db|generated|slack|ui|jobs|delivery|sandbox)/", "^src/(main|rangekeeper)\\.ts$", "node_modules/@slack/"] },
    },
    {
      name: "config-is-a-leaf",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: ["^src/(db|slack|ui|http|sandbox|generated)/", "^src/(main|rangekeeper)\\.ts$"] },
    },
    {
      name: "the-stand-in-is-not-the-product",
      comment: "Only the sandbox (a development tool) runs the product against the Slack stand-in.",
      severity: "error",
      from: { path: "^src/", pathNot: NOT_IN_PRODUCT },
      to: { path: "^packages/slack-standin/" },
    },
    {
      name: "nothing-imports-the-sandbox",
      severity: "error",
      from: { path: "^src/", pathNot: NOT_IN_PRODUCT },
      to: { path: NOT_IN_PRODUCT },
    },
    {
      name: "packages-stand-alone",
      comment: "The packages are libraries of their own: they import nothing from rangekeeper.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^src/" },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "not-to-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    exclude: { path: ["^packages/[^/]+/test/", "\\.d\\.mts$"] },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".mjs", ".js", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
