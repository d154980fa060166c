/**
 * The schedules: one node-cron task per job and time zone (the default zone
 * and every zone a workspace set), evaluated in that zone. Each fire asks the
 * run coordinator, which claims the slot in the database: on several
 * replicas exactly one runs it. At start, runs a dead replica left unfinished
 * are taken over and run again (they tell nothing twice).
 */
import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import type { Logger } from "pino";
import type { Ledger } from "../core/ledger/index.ts";
import { deadOnThisMachine } from "../platform/process.ts";
import { BUILT_JOBS, type BuiltJob } from "./catalog.ts";
import { type RunnerDeps, runJob, runOwner, STALE_RUN_MS } from "./runner.ts";
import { nextSlot, type Schedule } from "./slots.ts";

export interface SchedulerOptions extends Omit<RunnerDeps, "owner"> {
  ledger: Ledger;
  logger: Logger;
  /** the cron expression of each job */
  crons: Record<BuiltJob, string>;
  /** the zone of workspaces without one */
  defaultTimezone: string;
  /** how often to look for workspaces in new zones (default 10 minutes) */
  refreshMs?: number;
}

export class JobScheduler {
  readonly owner = runOwner();
  private readonly o: SchedulerOptions;
  private tasks = new Map<string, ScheduledTask>();
  private refresh: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(o: SchedulerOptions) {
    this.o = o;
  }

  /** The schedule of a job in a zone. */
  schedule(job: BuiltJob, timezone: string): Schedule {
    return { expression: this.o.crons[job], timezone };
  }

  /** The next run of a job in a zone after `after`. */
  next(job: BuiltJob, timezone: string, after = new Date()): Date | null {
    return nextSlot(this.schedule(job, timezone), after);
  }

  async start(): Promise<void> {
    await this.recover();
    await this.sync();
    this.refresh = setInterval(() => void this.sync().catch(() => undefined), this.o.refreshMs ?? 10 * 60_000);
    this.refresh.unref();
  }

  /** Zones in use: the default and every workspace's own. */
  private async zones(): Promise<Set<string>> {
    const zones = new Set([this.o.defaultTimezone]);
    for (const w of await this.o.ledger.jobRuns.workspaces()) zones.add(this.o.ledger.jobRuns.zoneOf(w));
    return zones;
  }

  /** Creates the tasks of zones new since the last look. */
  private async sync(): Promise<void> {
    if (this.stopped) return;
    for (const zone of await this.zones()) {
      for (const job of BUILT_JOBS) {
        const name = `${job}@${zone}`;
        if (this.tasks.has(name)) continue;
        const task = cron.createTask(this.o.crons[job], (ctx) => this.track(this.fire(job, zone, ctx.date)), {
          name,
          timezone: zone,
          distributed: true,
          runCoordinator: this.coordinator(job),
        });
        task.on("execution:skipped", (ctx) => {
          if (ctx.reason === "not-elected") this.o.onOutcome?.(job, "skipped");
        });
        await task.start();
        this.tasks.set(name, task);
      }
    }
  }

  /** Claims the slot named by node-cron's key (`<job>@<zone>:<slot ISO>`) in the database. */
  private coordinator(job: BuiltJob): RunCoordinator {
    return {
      shouldRun: async (key) => {
        const slot = new Date(key.slice(key.indexOf(":") + 1));
        if (Number.isNaN(slot.getTime())) throw new Error(`unexpected run key ${key}`);
        return this.o.ledger.jobRuns.claim(job, slot, this.owner, new Date());
      },
    };
  }

  private async fire(job: BuiltJob, zone: string, slot: Date): Promise<void> {
    await this.runClaimed(job, slot, slot, true).catch((e: unknown) =>
      this.o.logger.error({ err: e, job, zone, slot }, "a scheduled job failed"),
    );
  }

  /**
   * Runs a slot this scheduler holds, as if at `at`: for the workspaces whose schedule has the
   * slot, or (`onlyScheduled` false, a run taken over) for every workspace, as the schedule may
   * have changed since; what was told already is not told again.
   */
  private runClaimed(job: BuiltJob, slot: Date, at: Date, onlyScheduled: boolean) {
    return runJob(
      { ...this.o, owner: this.owner },
      {
        job,
        slot,
        at,
        dryRun: false,
        force: false,
        claimed: true,
        ...(onlyScheduled ? { scheduleOf: (tz: string) => this.schedule(job, tz) } : {}),
      },
    );
  }

  private track(p: Promise<unknown>): Promise<unknown> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  /** Runs left unfinished by a replica that died: taken over and run again, for what they left undone. */
  private async recover(): Promise<void> {
    const now = new Date();
    for (const run of await this.o.ledger.jobRuns.unfinished(now)) {
      const job = BUILT_JOBS.find((j) => j === run.job);
      if (!job) continue;
      // A run whose process on this machine is gone is dead at once; any other, once it is stale.
      const staleBefore = deadOnThisMachine(run.owner)
        ? new Date(now.getTime() + 1)
        : new Date(now.getTime() - STALE_RUN_MS);
      if (run.startedAt >= staleBefore) continue;
      const won = await this.o.ledger.jobRuns.takeOver(job, run.slot, this.owner, now, { staleBefore, rerun: false });
      if (!won) continue;
      this.o.logger.warn(
        { job, slot: run.slot, owner: run.owner },
        "running again a job run its replica left unfinished",
      );
      await this.track(this.runClaimed(job, run.slot, now, false));
    }
  }

  /** Stops the schedules; runs under way may finish within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    if (this.refresh) clearInterval(this.refresh);
    for (const t of this.tasks.values()) await t.destroy();
    this.tasks.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
