/**
 * The layers of docs/ARCHITECTURE.md hold: every import in src/ and the
 * packages is checked against the rules of .dependency-cruiser.mjs, and each
 * forbidden one is listed as "rule: from → to", so a failure says what to move.
 */
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { describe, expect, it } from "vitest";

const ROOTS = [
  "src",
  "packages/slack-standin/src",
  "packages/schema-engine/lib",
  "packages/schema-engine/schema-engine.mjs",
];

async function check(roots: string[], baseDir?: string) {
  const options = await extractDepcruiseOptions("./.dependency-cruiser.mjs");
  const { output } = await cruise(
    roots,
    { ...options, validate: true, ...(baseDir ? { baseDir } : {}) },
    {},
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
  return output as ICruiseResult;
}

describe("architecture", () => {
  it("src/ and the packages keep their layers", { timeout: 60_000 }, async () => {
    const { summary } = await check(ROOTS);
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    expect(summary.totalCruised).toBeGreaterThan(120); // the cruise really saw the tree
  });

  it("names a forbidden import when there is one", { timeout: 60_000 }, async () => {
    // The check itself, on a file that breaks a rule: a core module reaching for a UI builder.
    const { summary } = await check(["src"], "test/fixtures/layers");
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([
      "core-speaks-no-slack: src/core/leaky.ts → src/ui/badge.ts",
    ]);
  });
});
