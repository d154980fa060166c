import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { StrykerOptions, schema } from "@stryker-mutator/api/core";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import type { Reporter } from "@stryker-mutator/api/report";
import { EQUIVALENT_MUTANTS } from "./equivalent-mutants.ts";
import { codeAt, EQUIVALENT, type EquivalentMutant, type Marked, markEquivalents, squeeze } from "./mark.ts";
import { storedResults } from "./results.ts";

/**
 * The report of a mutation run (stryker.config.mjs: reporter "rangekeeper"), in place of
 * Stryker's clear-text, HTML and JSON reporters: the same files, with each mutant listed in
 * equivalent-mutants.ts that the run left alive shown as ignored with its reason, and a
 * summary that scores the mutants a test could kill and names what is left to do; and the
 * results Stryker keeps for its next run, rewritten as they are stored in git (results.ts).
 */
export class EquivalentsReporter implements Reporter {
  static readonly inject = tokens(commonTokens.options);
  private readonly options: StrykerOptions;
  private written: Promise<void> = Promise.resolve();

  constructor(options: StrykerOptions) {
    this.options = options;
  }

  onMutationTestReportReady(report: Readonly<schema.MutationTestResult>): void {
    const marked = markEquivalents(report, EQUIVALENT_MUTANTS);
    process.stdout.write(summary(marked));
    this.written = write(marked.report, this.options.htmlReporter.fileName, this.options.jsonReporter.fileName);
  }

  // Stryker has written its incremental file by now (it does before it wraps the reporters up).
  async wrapUp(): Promise<void> {
    await this.written;
    if (this.options.incremental) {
      const file = this.options.incrementalFile;
      await writeFile(file, storedResults(JSON.parse(await readFile(file, "utf8"))));
    }
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "rangekeeper", EquivalentsReporter)];

const count = (mutants: readonly schema.MutantResult[], ...statuses: schema.MutantStatus[]) =>
  mutants.filter((m) => statuses.includes(m.status)).length;

const score = (detected: number, undetected: number) =>
  detected + undetected === 0 ? "n/a" : `${((100 * detected) / (detected + undetected)).toFixed(2)} %`;

/** Code on one line, cut after 100 characters. */
const short = (code: string) => {
  const s = squeeze(code);
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
};

const named = (e: EquivalentMutant) =>
  `  ${e.file}${e.line === undefined ? "" : `:${e.line}`} ${e.mutator} \`${short(e.code)}\` → \`${short(e.replacement)}\``;

/** The run in a few lines: the score of each file and of all, and what is left to do. */
export function summary({ report, marked, detected, unmatched, ambiguous }: Marked): string {
  // "not tried": ignored by the run (a static mutant with --ignoreStatic), not listed as equivalent.
  const head = ["file", "mutants", "killed", "timeout", "survived", "no cov", "not tried", "equivalent", "score"];
  const rows: string[][] = [];
  const alive: string[] = [];
  const total = { detected: 0, undetected: 0 };
  for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const m = file.mutants;
    const d = count(m, "Killed", "Timeout");
    const u = count(m, "Survived", "NoCoverage");
    total.detected += d;
    total.undetected += u;
    const equivalent = m.filter((x) => x.status === "Ignored" && x.statusReason?.startsWith(EQUIVALENT)).length;
    const cells = [m.length, count(m, "Killed"), count(m, "Timeout"), count(m, "Survived"), count(m, "NoCoverage")];
    const notTried = count(m, "Ignored") - equivalent;
    rows.push([name, ...cells.map(String), String(notTried), String(equivalent), score(d, u)]);
    const left = m.filter((x) => x.status === "Survived" || x.status === "NoCoverage");
    left.sort(
      (a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
    for (const x of left) {
      const where = `${name}:${x.location.start.line}`;
      alive.push(
        `  ${where} ${x.mutatorName} \`${short(codeAt(file.source, x.location))}\` → \`${short(x.replacement ?? "")}\``,
      );
    }
  }
  rows.push(["all files", "", "", "", "", "", "", String(marked), score(total.detected, total.undetected)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [
    "",
    "Mutation score: killed and timed out among the mutants a test could kill",
    "(the equivalent ones, listed in test/mutation/equivalent-mutants.ts, set aside)",
    line(head),
    ...rows.map(line),
  ];
  const section = (title: string, items: string[]) => {
    if (items.length > 0) out.push("", title, ...items);
  };
  section(`Left alive and not listed as equivalent (${alive.length}): a test to write, or an entry`, alive);
  section("Listed as equivalent, yet a test killed them: remove the entry", detected.map(named));
  section(
    "Listed for a file of this run, yet no mutant is that change: update or remove the entry",
    unmatched.map(named),
  );
  section(
    "Listed without a line, yet the file has several such mutants: give the entry its line",
    ambiguous.map(named),
  );
  return `${out.join("\n")}\n\n`;
}

async function write(report: schema.MutationTestResult, htmlFile: string, jsonFile: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const elements = await readFile(require.resolve("mutation-testing-elements/dist/mutation-test-elements.js"), "utf8");
  // "<" escaped, so that no text of the sources can close the script.
  const data = JSON.stringify(report).replaceAll("<", "\\u003c");
  const html = `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>rangekeeper: mutation testing</title>
  <script>${elements}</script>
</head>
<body>
  <mutation-test-report-app title-postfix="rangekeeper"></mutation-test-report-app>
  <script>
    const app = document.querySelector("mutation-test-report-app");
    app.report = ${data};
    const paint = () => { document.body.style.backgroundColor = app.themeBackgroundColor; };
    app.addEventListener("theme-changed", paint);
    paint();
  </script>
</body>
</html>
`;
  await mkdir(dirname(htmlFile), { recursive: true });
  await mkdir(dirname(jsonFile), { recursive: true });
  await Promise.all([writeFile(htmlFile, html), writeFile(jsonFile, JSON.stringify(report, null, 2))]);
}
