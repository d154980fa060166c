import type { schema } from "@stryker-mutator/api/core";
import { describe, expect, it } from "vitest";
import { storedResults } from "./results.ts";

const at = (line: number) => ({ start: { line, column: 3 }, end: { line, column: 9 } });

/** A report as Stryker writes its incremental file: with its options, its path and every failure message. */
function report(): schema.MutationTestResult {
  return {
    schemaVersion: "1.0",
    thresholds: { high: 80, low: 60 },
    projectRoot: "/home/someone/rangekeeper",
    config: { incremental: true, tempDirName: ".stryker-tmp" },
    framework: { name: "StrykerJS", version: "9.6.1" },
    files: {
      "src/z.ts": {
        language: "typescript",
        source: "export const z = 1;\n",
        mutants: [
          { id: "9", mutatorName: "ArithmeticOperator", replacement: "-", location: at(1), status: "NoCoverage" },
        ],
      },
      "src/a.ts": {
        language: "typescript",
        source: 'export const a = (x: number) => x <= 0 ? "none" : "some";\n',
        mutants: [
          {
            id: "1",
            mutatorName: "EqualityOperator",
            replacement: "x < 0",
            location: at(1),
            status: "Killed",
            statusReason: "expected 'some' to be 'none'\n  at test/a.test.ts:4:5",
            killedBy: ["0"],
            coveredBy: ["0", "1", "2"],
            testsCompleted: 1,
          },
          {
            id: "2",
            mutatorName: "StringLiteral",
            replacement: '""',
            location: at(1),
            status: "Survived",
            coveredBy: ["1", "2"],
            killedBy: [],
            testsCompleted: 2,
            static: false,
          },
          {
            id: "3",
            mutatorName: "BlockStatement",
            replacement: "{}",
            location: at(1),
            status: "Timeout",
            statusReason: "Hit limit reached (501/500)",
            coveredBy: ["2"],
          },
        ],
      },
    },
    testFiles: {
      "test/a.test.ts": {
        source: 'it("a", () => {});\n',
        tests: [
          { id: "0", name: "a none", location: { start: { line: 1, column: 1 } } },
          { id: "1", name: "a some" },
        ],
      },
      "test/b.test.ts": { tests: [{ id: "2", name: "b" }] },
    },
  };
}

describe("the results kept for the next mutation run", () => {
  const text = storedResults(report());
  const kept = JSON.parse(text) as schema.MutationTestResult;

  it("keeps what a run reads back: each file's source, and each mutant's status, place and tests", () => {
    expect(Object.keys(kept)).toEqual(["schemaVersion", "thresholds", "files", "testFiles"]);
    expect(kept.schemaVersion).toBe("1.0");
    expect(kept.thresholds).toEqual({ high: 80, low: 60 });
    expect(kept.files["src/a.ts"]!.source).toBe(report().files["src/a.ts"]!.source);
    expect(kept.files["src/a.ts"]!.language).toBe("typescript");
    expect(kept.files["src/a.ts"]!.mutants[1]).toEqual(report().files["src/a.ts"]!.mutants[1]);
    expect(kept.testFiles).toEqual(report().testFiles);
  });

  it("leaves out the options, the machine's path, and the failure message and other tests of a killed mutant", () => {
    expect(text).not.toContain("/home/someone");
    expect(text).not.toContain("tempDirName");
    expect(text).not.toContain("expected 'some'");
    expect(kept.files["src/a.ts"]!.mutants[0]).toEqual({
      id: "1",
      mutatorName: "EqualityOperator",
      replacement: "x < 0",
      location: at(1),
      status: "Killed",
      testsCompleted: 1,
      killedBy: ["0"],
    });
  });

  it("keeps the reason and the tests of a mutant not killed, which decide whether it is tried again", () => {
    expect(kept.files["src/a.ts"]!.mutants[2]).toEqual(report().files["src/a.ts"]!.mutants[2]);
  });

  it("writes one mutant or test per line, the files in order of their names", () => {
    const lines = text.trimEnd().split("\n");
    const objects = lines
      .map((l) => l.replace(/,$/, ""))
      .filter((l) => l.startsWith('{"id":'))
      .map((l) => JSON.parse(l) as { id: string });
    expect(objects.map((o) => o.id)).toEqual(["1", "2", "3", "9", "0", "1", "2"]);
    expect(lines.filter((l) => /^"(src|test)\//.test(l)).map((l) => l.slice(0, l.indexOf('":') + 1))).toEqual([
      '"src/a.ts"',
      '"src/z.ts"',
      '"test/a.test.ts"',
      '"test/b.test.ts"',
    ]);
    expect(text.endsWith("}}\n")).toBe(true);
  });

  it("reads back to the same text, so that a run with nothing new leaves the file as it was", () => {
    expect(storedResults(kept)).toBe(text);
  });

  it("keeps a test file whose source was not read, and a report without test files", () => {
    expect(kept.testFiles!["test/b.test.ts"]).toEqual({ tests: [{ id: "2", name: "b" }] });
    const { testFiles: _, ...without } = report();
    expect((JSON.parse(storedResults(without)) as schema.MutationTestResult).testFiles).toEqual({});
  });
});
