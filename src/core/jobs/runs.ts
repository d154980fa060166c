/**
 * Runs of scheduled jobs: one per job and slot across every replica. A run
 * claims its slot by writing the slot's row first; whoever loses skips. A
 * run whose replica died leaves its row RUNNING; it is taken over (and the
 * job run again, which tells nothing twice) once it is stale.
 */
import type { JobRunRecord, WorkspaceRecord } from "../../db/records.ts";
import type { LedgerContext } from "../ledger/context.ts";

export type { JobRunRecord };

export class JobRuns {
  private readonly ctx: LedgerContext;

  constructor(ctx: LedgerContext) {
    this.ctx = ctx;
  }

  /** Claims a slot; false when a run of it exists already. */
  claim(job: string, slot: Date, owner: string, now: Date): Promise<boolean> {
    return this.ctx.store.read.jobRuns.claim(job, slot, owner, now);
  }

  /** Takes a stale run over (its replica died), or with `rerun` one that finished. */
  takeOver(job: string, slot: Date, owner: string, now: Date, o: { staleBefore: Date; rerun: boolean }) {
    return this.ctx.store.read.jobRuns.takeOver(job, slot, owner, now, o);
  }

  finish(job: string, slot: Date, ok: boolean, detail: unknown, now: Date): Promise<void> {
    return this.ctx.store.read.jobRuns.finish(job, slot, ok ? "SUCCEEDED" : "FAILED", detail, now);
  }

  get(job: string, slot: Date): Promise<JobRunRecord | null> {
    return this.ctx.store.read.jobRuns.get(job, slot);
  }

  latest(job: string, limit = 1): Promise<JobRunRecord[]> {
    return this.ctx.store.read.jobRuns.latest(job, limit);
  }

  /** Runs left RUNNING since before `before`. */
  unfinished(before: Date): Promise<JobRunRecord[]> {
    return this.ctx.store.read.jobRuns.unfinished(before);
  }

  /** Every workspace with its settings (a job runs for each). */
  workspaces(): Promise<WorkspaceRecord[]> {
    return this.ctx.store.read.workspaces.all();
  }

  /** The zone of a workspace's schedules: its own, else the configured default. */
  zoneOf(w: Pick<WorkspaceRecord, "timezone">): string {
    return w.timezone ?? this.ctx.config.defaultTimezone;
  }
}
