/**
 * Runs one job for one slot: claims the slot (once across replicas), runs
 * the job for every workspace the slot belongs to, records the outcome, and
 * nudges the sender. The scheduler, `npm run job` and `/ledger jobs run`
 * all run jobs this way.
 */
import type { Logger } from "pino";
import type { Ledger } from "../core/ledger/index.ts";
import type { OutgoingMessage } from "../core/outbox.ts";
import { processName } from "../platform/process.ts";
import { type BuiltJob, JOBS } from "./catalog.ts";
import { isSlot, type Schedule } from "./slots.ts";

/** A run left RUNNING this long is taken to be dead (its replica stopped or hangs). */
export const STALE_RUN_MS = 15 * 60_000;

export const runOwner = (): string => processName();

export interface RunRequest {
  job: BuiltJob;
  slot: Date;
  /** the time the job runs as if at (its decisions use it) */
  at: Date;
  dryRun: boolean;
  /** run a slot that already ran (the facts told and the outbox keys still keep every message single) */
  force: boolean;
  /** the slot is already claimed for this run (by the scheduler's run coordinator) */
  claimed?: boolean;
  /** only the workspaces whose schedule has this slot; absent: every workspace (a run by hand) */
  scheduleOf?: (timezone: string) => Schedule;
}

export interface RunReport {
  job: BuiltJob;
  slot: Date;
  outcome: "succeeded" | "failed" | "skipped" | "dry-run";
  /** why it was skipped or failed */
  reason?: string;
  workspaces: number;
  /** facts told and messages decided */
  facts: number;
  messages: (OutgoingMessage & { teamId: string })[];
}

/** Whether a run failed in a workspace; a dry run too, which then decided nothing there. */
export const runFailed = (r: Pick<RunReport, "outcome" | "reason">): boolean =>
  r.outcome === "failed" || (r.outcome === "dry-run" && r.reason !== undefined);

export interface RunnerDeps {
  ledger: Ledger;
  logger: Logger;
  owner?: string;
  /** called after a run wrote messages */
  onMessages?: () => void;
  onOutcome?: (job: string, outcome: RunReport["outcome"]) => void;
}

export async function runJob(d: RunnerDeps, req: RunRequest): Promise<RunReport> {
  const owner = d.owner ?? runOwner();
  const base = { job: req.job, slot: req.slot, workspaces: 0, facts: 0, messages: [] };
  const report = (r: RunReport): RunReport => {
    d.onOutcome?.(req.job, r.outcome);
    return r;
  };
  const now = new Date();
  if (!req.dryRun && !req.claimed) {
    const won =
      (await d.ledger.jobRuns.claim(req.job, req.slot, owner, now)) ||
      (await d.ledger.jobRuns.takeOver(req.job, req.slot, owner, now, {
        staleBefore: new Date(now.getTime() - STALE_RUN_MS),
        rerun: req.force,
      }));
    if (!won) {
      const prior = await d.ledger.jobRuns.get(req.job, req.slot);
      const when = prior?.finishedAt ? `finished ${prior.finishedAt.toISOString()}` : "still running";
      return report({
        ...base,
        outcome: "skipped",
        reason: `the ${req.job} run of slot ${req.slot.toISOString()} already exists (${prior?.status.toLowerCase() ?? "unknown"}, ${when}, on ${prior?.owner ?? "?"}); --force runs it again`,
      });
    }
  }
  const job = JOBS[req.job];
  const messages: RunReport["messages"] = [];
  let facts = 0;
  let workspaces = 0;
  const errors: string[] = [];
  for (const w of await d.ledger.jobRuns.workspaces()) {
    if (req.scheduleOf && !isSlot(req.scheduleOf(d.ledger.jobRuns.zoneOf(w)), req.slot)) continue;
    workspaces++;
    try {
      const decision = await job.run(d.ledger, w.id, req.at, { dryRun: req.dryRun });
      facts += decision.facts;
      messages.push(...decision.messages.map((m) => ({ ...m, teamId: w.id })));
    } catch (e) {
      errors.push(`${w.id}: ${e instanceof Error ? e.message : String(e)}`);
      d.logger.error({ err: e, job: req.job, teamId: w.id }, "a job failed for a workspace");
    }
  }
  if (messages.length && !req.dryRun) d.onMessages?.();
  const detail = {
    at: req.at.toISOString(),
    workspaces,
    facts,
    messages: messages.length,
    byKind: Object.fromEntries(
      [...new Set(messages.map((m) => m.kind))].map((k) => [k, messages.filter((m) => m.kind === k).length]),
    ),
    ...(errors.length ? { errors } : {}),
  };
  const outcome = req.dryRun ? "dry-run" : errors.length ? "failed" : "succeeded";
  if (!req.dryRun) await d.ledger.jobRuns.finish(req.job, req.slot, errors.length === 0, detail, new Date());
  d.logger.info({ job: req.job, slot: req.slot, ...detail, outcome }, "job run");
  return report({
    ...base,
    outcome,
    ...(errors.length ? { reason: errors.join("; ") } : {}),
    workspaces,
    facts,
    messages,
  });
}
