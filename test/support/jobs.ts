/**
 * A scheduled job run as the scheduler or the command line runs it, for the
 * tests of the jobs' decisions. A run that failed in a workspace reports no
 * messages and no facts, which a test expecting none would take for an
 * answer: here it fails the test instead, with the job's error.
 */
import pino from "pino";
import type { Ledger } from "../../src/core/ledger/index.ts";
import { type RunReport, type RunRequest, runFailed, runJob } from "../../src/jobs/runner.ts";

const logger = pino({ level: "silent" });

export async function runJobAt(
  ledger: Ledger,
  job: RunRequest["job"],
  at: string | Date,
  o: { dryRun?: boolean; force?: boolean; slot?: Date } = {},
): Promise<RunReport> {
  const when = new Date(at);
  const report = await runJob(
    { ledger, logger },
    { job, slot: o.slot ?? when, at: when, dryRun: o.dryRun ?? false, force: o.force ?? false },
  );
  if (runFailed(report)) throw new Error(`the ${job} run at ${when.toISOString()} failed: ${report.reason}`);
  return report;
}
