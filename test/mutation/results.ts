import type { schema } from "@stryker-mutator/api/core";

/**
 * The results of the mutation runs as kept in git (test/mutation/stryker-incremental.json), which
 * each run reads back (Stryker's incremental mode) to try again only the mutants whose code or
 * tests changed: a whole run of the project takes longer than a working day on two cores, so it is
 * made of runs of a few files each, every one adding its files' results to the same record.
 *
 * Kept: each mutant's status, the tests that killed it, the tests that ran a mutant left alive
 * (a new one among them means trying it again), and the sources the next run diffs against.
 * Left out, as no run reads them back: the options, the machine's path, the failure message of
 * each killed mutant, and the tests that ran a killed mutant besides those that killed it (a run
 * reuses a kill while a test that made it is unchanged, and fills in the rest from its own
 * coverage). One mutant or test per line, files in order, so that a run's changes read as lines.
 */
export function storedResults(report: schema.MutationTestResult): string {
  const entries = <T>(record: Record<string, T> | undefined) =>
    Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json = (value: unknown) => JSON.stringify(value);
  // An object's fields, then its list of items one per line.
  const object = (head: object, key: string, items: unknown[]) => {
    const fields = json(head).slice(1, -1);
    return `{${fields}${fields === "" ? "" : ","}${json(key)}:[\n${items.map(json).join(",\n")}\n]}`;
  };
  const files = entries(report.files).map(
    ([name, file]) =>
      `${json(name)}:${object({ language: file.language, source: file.source }, "mutants", file.mutants.map(kept))}`,
  );
  const testFiles = entries(report.testFiles).map(
    ([name, file]) => `${json(name)}:${object({ source: file.source }, "tests", file.tests)}`,
  );
  return (
    `{"schemaVersion":${json(report.schemaVersion)},"thresholds":${json(report.thresholds)},\n` +
    `"files":{\n${files.join(",\n")}\n},\n` +
    `"testFiles":{\n${testFiles.join(",\n")}\n}}\n`
  );
}

function kept(m: schema.MutantResult): schema.MutantResult {
  const killed = m.status === "Killed";
  return {
    id: m.id,
    mutatorName: m.mutatorName,
    replacement: m.replacement,
    location: m.location,
    status: m.status,
    ...(m.static === undefined ? {} : { static: m.static }),
    ...(m.testsCompleted === undefined ? {} : { testsCompleted: m.testsCompleted }),
    ...(killed || m.statusReason === undefined ? {} : { statusReason: m.statusReason }),
    ...(m.killedBy === undefined ? {} : { killedBy: m.killedBy }),
    ...(killed || m.coveredBy === undefined ? {} : { coveredBy: m.coveredBy }),
  };
}
