import type { schema } from "@stryker-mutator/api/core";

/**
 * A mutant the tests cannot kill because it behaves as the code it replaces (an equivalent
 * mutant), named by what it changes rather than by its line, so that it stays named while the
 * code around it moves.
 */
export interface EquivalentMutant {
  /** the mutated file, from the project's root */
  file: string;
  /** Stryker's mutator (`EqualityOperator`, `ConditionalExpression`…) */
  mutator: string;
  /** the code the mutant replaces, as written (runs of white space read as one space) */
  code: string;
  /** what the mutant puts in its place, as Stryker prints it */
  replacement: string;
  /** only where the same change of the same code is made on several lines of the file */
  line?: number;
  /** why no test can tell it from the code: one line, shown in the report */
  reason: string;
}

export interface Marked {
  /** the report with every listed mutant that was left alive shown as ignored, with its reason */
  report: schema.MutationTestResult;
  /** how many mutants were marked */
  marked: number;
  /** listed as equivalent, yet a test killed them: the entry is wrong or no longer needed */
  detected: EquivalentMutant[];
  /** listed for a file of this run, yet no mutant is that change: the code changed */
  unmatched: EquivalentMutant[];
  /** listed without a line, and the file has several such mutants: the entry needs its line */
  ambiguous: EquivalentMutant[];
}

/** How a marked mutant's status reason begins, before the entry's reason. */
export const EQUIVALENT = "equivalent: ";

const DETECTED: ReadonlySet<schema.MutantStatus> = new Set(["Killed", "Timeout"]);
const UNDETECTED: ReadonlySet<schema.MutantStatus> = new Set(["Survived", "NoCoverage"]);

/** Code on one line: runs of white space read as one space. */
export const squeeze = (s: string) => s.replace(/\s+/g, " ").trim();

/** The source text a mutant replaces (its location counts lines and columns from 1). */
export function codeAt(source: string, { start, end }: schema.Location): string {
  const lines = source.split("\n").slice(start.line - 1, end.line);
  if (lines.length === 0) return "";
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, end.column - 1);
  lines[0] = lines[0]!.slice(start.column - 1);
  return lines.join("\n");
}

const matches = (e: EquivalentMutant, m: schema.MutantResult, source: string) =>
  m.mutatorName === e.mutator &&
  squeeze(m.replacement ?? "") === squeeze(e.replacement) &&
  (e.line === undefined || m.location.start.line === e.line) &&
  squeeze(codeAt(source, m.location)) === squeeze(e.code);

/**
 * Shows each listed equivalent mutant that the run left alive as ignored, with its reason,
 * so the report's score counts only the mutants a test could kill. A listed mutant a test
 * killed is left as it is and named, as is an entry that names no mutant of the run.
 */
export function markEquivalents(report: schema.MutationTestResult, list: readonly EquivalentMutant[]): Marked {
  const files: Record<string, schema.FileResult> = {};
  const detected: EquivalentMutant[] = [];
  const unmatched: EquivalentMutant[] = [];
  const ambiguous: EquivalentMutant[] = [];
  const reasons = new Map<string, string>();
  for (const e of list) {
    const file = report.files[e.file];
    if (!file) continue;
    const found = file.mutants.filter((m) => matches(e, m, file.source));
    if (found.length === 0) unmatched.push(e);
    else if (found.length > 1) ambiguous.push(e);
    else if (DETECTED.has(found[0]!.status)) detected.push(e);
    else if (UNDETECTED.has(found[0]!.status)) reasons.set(`${e.file}\0${found[0]!.id}`, e.reason);
  }
  for (const [name, file] of Object.entries(report.files)) {
    files[name] = {
      ...file,
      mutants: file.mutants.map((m) => {
        const reason = reasons.get(`${name}\0${m.id}`);
        return reason === undefined ? m : { ...m, status: "Ignored", statusReason: `${EQUIVALENT}${reason}` };
      }),
    };
  }
  return { report: { ...report, files }, marked: reasons.size, detected, unmatched, ambiguous };
}
