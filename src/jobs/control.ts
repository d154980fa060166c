/**
 * What the Slack layer sees of the jobs: each job's schedule in a team's
 * zone with its last and next runs and the outbox backlog (`/ledger jobs`),
 * and running one now (`/ledger jobs run <name>`).
 */
import type { JobRunRecord } from "../core/jobs/runs.ts";
import type { Ledger } from "../core/ledger/index.ts";
import type { OutboxBacklog } from "../core/outbox.ts";
import { BUILT_JOBS, type BuiltJob, JOBS } from "./catalog.ts";
import { type RunnerDeps, type RunReport, runJob } from "./runner.ts";
import { nextSlot } from "./slots.ts";

export interface JobStatus {
  job: BuiltJob;
  summary: string;
  expression: string;
  timezone: string;
  next: Date | null;
  last: JobRunRecord | null;
}

export interface JobsOverview {
  jobs: JobStatus[];
  /** the Slack messages of the outbox */
  backlog: OutboxBacklog;
  /** the webhook deliveries of the outbox */
  webhooks: OutboxBacklog;
  /** the latest messages and webhook deliveries given up, with why */
  failed: { key: string; kind: string; recipient: string; error: string | null; at: Date | null }[];
  /** whether schedules run in this process (they do unless turned off) */
  scheduled: boolean;
}

export class JobsControl {
  private readonly deps: RunnerDeps;
  private readonly crons: Record<BuiltJob, string>;
  private readonly scheduled: boolean;

  constructor(deps: RunnerDeps, crons: Record<BuiltJob, string>, scheduled: boolean) {
    this.deps = deps;
    this.crons = crons;
    this.scheduled = scheduled;
  }

  private get ledger(): Ledger {
    return this.deps.ledger;
  }

  async overview(teamId: string, now = new Date()): Promise<JobsOverview> {
    const w = (await this.ledger.jobRuns.workspaces()).find((x) => x.id === teamId);
    const timezone = w ? this.ledger.jobRuns.zoneOf(w) : this.ledger.config.defaultTimezone;
    const jobs = await Promise.all(
      BUILT_JOBS.map(async (job) => ({
        job,
        summary: JOBS[job].summary,
        expression: this.crons[job],
        timezone,
        next: nextSlot({ expression: this.crons[job], timezone }, now),
        last: (await this.ledger.jobRuns.latest(job, 1))[0] ?? null,
      })),
    );
    const failed = (await this.ledger.outbox.failed(teamId, 5)).map((r) => ({
      key: r.key,
      kind: r.kind,
      recipient: r.recipient,
      error: r.lastError,
      at: r.failedAt,
    }));
    const [backlog, webhooks] = await Promise.all([
      this.ledger.outbox.backlog(teamId, "slack"),
      this.ledger.outbox.backlog(teamId, "webhook"),
    ]);
    return { jobs, backlog, webhooks, failed, scheduled: this.scheduled };
  }

  /** Runs a job now, for every workspace (the facts told and the outbox keys keep every message single). */
  runNow(job: BuiltJob, now = new Date()): Promise<RunReport> {
    const slot = new Date(Math.floor(now.getTime() / 1000) * 1000);
    return runJob(this.deps, { job, slot, at: now, dryRun: false, force: true });
  }
}
