import { readFile } from "node:fs/promises";
import type { schema } from "@stryker-mutator/api/core";
import type { Logger } from "@stryker-mutator/api/logging";
import { Instrumenter } from "@stryker-mutator/instrumenter";
import { describe, expect, it } from "vitest";
import { EQUIVALENT_MUTANTS } from "./equivalent-mutants.ts";
import { codeAt, type EquivalentMutant, markEquivalents } from "./mark.ts";
import { summary } from "./reporter.ts";

const quiet = (): boolean => false;
const silent = (): void => {};
const logger: Logger = {
  isTraceEnabled: quiet,
  isDebugEnabled: quiet,
  isInfoEnabled: quiet,
  isWarnEnabled: quiet,
  isErrorEnabled: quiet,
  isFatalEnabled: quiet,
  trace: silent,
  debug: silent,
  info: silent,
  warn: silent,
  error: silent,
  fatal: silent,
};

/** A report of `files` as a mutation run would write it, every mutant with `status`, as Stryker makes them. */
async function reportOf(names: readonly string[], status: schema.MutantStatus): Promise<schema.MutationTestResult> {
  const files = await Promise.all(names.map(async (name) => ({ name, content: await readFile(name, "utf8") })));
  const { mutants } = await new Instrumenter(logger).instrument(
    files.map((f) => ({ ...f, mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [] },
  );
  const result: schema.MutationTestResult = { schemaVersion: "2", thresholds: { high: 85, low: 60 }, files: {} };
  for (const f of files) {
    result.files[f.name] = {
      language: "typescript",
      source: f.content,
      mutants: mutants
        .filter((m) => m.fileName === f.name)
        .map((m) => ({
          id: m.id,
          mutatorName: m.mutatorName,
          replacement: m.replacement,
          location: {
            start: { line: m.location.start.line + 1, column: m.location.start.column + 1 },
            end: { line: m.location.end.line + 1, column: m.location.end.column + 1 },
          },
          status,
        })),
    };
  }
  return result;
}

describe("the list of equivalent mutants", () => {
  it("names, in each entry, exactly one mutant of the code as it is now", async () => {
    const files = [...new Set(EQUIVALENT_MUTANTS.map((e) => e.file))];
    const marked = markEquivalents(await reportOf(files, "Survived"), EQUIVALENT_MUTANTS);
    expect(marked.unmatched, "entries that name no mutant: the code changed").toEqual([]);
    expect(marked.ambiguous, "entries that name several mutants: give each its line").toEqual([]);
    expect(marked.marked).toBe(EQUIVALENT_MUTANTS.length);
  }, 120_000);

  it("gives each entry a reason of one line", () => {
    for (const e of EQUIVALENT_MUTANTS) {
      expect(e.reason, `${e.file} ${e.code}`).toMatch(/^[^\n]{10,200}$/);
    }
  });
});

// if (a <= b) return x;  (lines and columns count from 1)
const SOURCE = "const x = 1;\nif (a <= b) return x;\nif (a <= b) return 0;\n";
const at = (line: number, from: number, to: number): schema.Location => ({
  start: { line, column: from },
  end: { line, column: to },
});
const mutant = (
  id: string,
  status: schema.MutantStatus,
  replacement: string,
  location: schema.Location,
  mutatorName = "EqualityOperator",
): schema.MutantResult => ({ id, mutatorName, replacement, location, status });

const report = (): schema.MutationTestResult => ({
  schemaVersion: "2",
  thresholds: { high: 85, low: 60 },
  files: {
    "src/x.ts": {
      language: "typescript",
      source: SOURCE,
      mutants: [
        mutant("1", "Survived", "a < b", at(2, 5, 11)),
        mutant("2", "Killed", "a > b", at(2, 5, 11)),
        mutant("3", "NoCoverage", "a < b", at(3, 5, 11)),
        mutant("4", "Survived", "false", at(2, 5, 11), "ConditionalExpression"),
        mutant("5", "Timeout", "0", at(1, 11, 12), "NumericLiteral"),
      ],
    },
  },
});

const entry = (e: Partial<EquivalentMutant>): EquivalentMutant => ({
  file: "src/x.ts",
  mutator: "EqualityOperator",
  code: "a <= b",
  replacement: "a < b",
  reason: "equal numbers go the same way",
  ...e,
});

describe("markEquivalents", () => {
  it("shows a listed mutant left alive as ignored, with its reason, and leaves every other mutant as it was", () => {
    const given = report();
    const m = markEquivalents(given, [entry({ line: 2 })]);
    const mutants = m.report.files["src/x.ts"]!.mutants;
    expect(mutants.map((x) => [x.id, x.status])).toEqual([
      ["1", "Ignored"],
      ["2", "Killed"],
      ["3", "NoCoverage"],
      ["4", "Survived"],
      ["5", "Timeout"],
    ]);
    expect(mutants[0]!.statusReason).toBe("equivalent: equal numbers go the same way");
    expect(m.marked).toBe(1);
    expect(given.files["src/x.ts"]!.mutants[0]!.status).toBe("Survived");
  });

  it("marks a listed mutant no test reached, as well as one that survived the tests", () => {
    const m = markEquivalents(report(), [entry({ line: 3 })]);
    expect(m.report.files["src/x.ts"]!.mutants[2]!.status).toBe("Ignored");
    expect(m.marked).toBe(1);
  });

  it("names an entry a test killed, and leaves the mutant killed", () => {
    const listed = entry({ replacement: "a > b" });
    const m = markEquivalents(report(), [listed]);
    expect(m.detected).toEqual([listed]);
    expect(m.marked).toBe(0);
    expect(m.report.files["src/x.ts"]!.mutants[1]!.status).toBe("Killed");
  });

  it("names an entry without its line when the same change is made on several lines, and marks neither", () => {
    const listed = entry({});
    const m = markEquivalents(report(), [listed]);
    expect(m.ambiguous).toEqual([listed]);
    expect(m.report.files["src/x.ts"]!.mutants.filter((x) => x.status === "Ignored")).toEqual([]);
  });

  it("names an entry of a file in the run that names no mutant, and passes over files not in the run", () => {
    const changed = entry({ code: "a < b", line: 2 });
    const elsewhere = entry({ file: "src/y.ts" });
    const m = markEquivalents(report(), [changed, elsewhere]);
    expect(m.unmatched).toEqual([changed]);
    expect(m.detected).toEqual([]);
    expect(m.ambiguous).toEqual([]);
  });

  it("reads runs of white space in the code as one space, as a change spanning lines is written on one", () => {
    const source = "const y = [1]\n    .map((n) => n)\n    .filter(Boolean);\n";
    const r = report();
    r.files["src/x.ts"] = {
      language: "typescript",
      source,
      mutants: [
        mutant(
          "9",
          "Survived",
          "[1].map(n => n)",
          { start: { line: 1, column: 11 }, end: { line: 3, column: 21 } },
          "MethodExpression",
        ),
      ],
    };
    const listed = entry({
      mutator: "MethodExpression",
      code: "[1] .map((n) => n) .filter(Boolean)",
      replacement: "[1].map(n => n)",
    });
    expect(markEquivalents(r, [listed]).marked).toBe(1);
  });
});

describe("codeAt", () => {
  it("cuts the code a location spans, on one line or several", () => {
    expect(codeAt(SOURCE, at(2, 5, 11))).toBe("a <= b");
    expect(codeAt(SOURCE, { start: { line: 1, column: 11 }, end: { line: 2, column: 3 } })).toBe("1;\nif");
  });
});

describe("the summary of a run", () => {
  it("scores each file and all of them without the equivalent mutants, and names what is left to do", () => {
    const killed = entry({ replacement: "a > b", line: 2 });
    const text = summary(markEquivalents(report(), [entry({ line: 2 }), killed]));
    // 2 detected (killed, timeout) of 4 left: 2 alive (the conditional, and the one no test reached)
    expect(text).toMatch(/^src\/x\.ts +5 +1 +1 +1 +1 +0 +1 +50\.00 %$/m);
    expect(text).toMatch(/^all files +1 +50\.00 %$/m);
    expect(text).toContain("Left alive and not listed as equivalent (2)");
    expect(text).toContain("  src/x.ts:2 ConditionalExpression `a <= b` → `false`");
    expect(text).toContain("  src/x.ts:3 EqualityOperator `a <= b` → `a < b`");
    // by line, whatever the order of the report
    expect(text.indexOf("src/x.ts:2 Conditional")).toBeLessThan(text.indexOf("src/x.ts:3 Equality"));
    expect(text).toContain(
      "Listed as equivalent, yet a test killed them: remove the entry\n  src/x.ts:2 EqualityOperator",
    );
  });

  it("counts a mutant the run left untried (a static one) apart, in neither the score nor the equivalent ones", () => {
    const r = report();
    r.files["src/x.ts"]!.mutants.push({
      ...mutant("6", "Ignored", "a >= b", at(3, 5, 11)),
      statusReason: "Static mutant",
    });
    const text = summary(markEquivalents(r, [entry({ line: 2 })]));
    expect(text).toMatch(/^src\/x\.ts +6 +1 +1 +1 +1 +1 +1 +50\.00 %$/m);
    expect(text).toMatch(/not tried +equivalent +score$/m);
  });

  it("shows a mutant of several lines on one, cut after 100 characters", () => {
    const long = `{\n  ${"const a = 1;\n  ".repeat(12)}}`;
    const r = report();
    r.files["src/x.ts"] = {
      language: "typescript",
      source: long,
      mutants: [
        mutant(
          "9",
          "Survived",
          "{}",
          { start: { line: 1, column: 1 }, end: { line: 14, column: 2 } },
          "BlockStatement",
        ),
      ],
    };
    const text = summary(markEquivalents(r, []));
    const shown = text.split("\n").find((l) => l.includes("BlockStatement"));
    expect(shown).toBe(`  src/x.ts:1 BlockStatement \`{ ${"const a = 1; ".repeat(7)}const …\` → \`{}\``);
  });
});
