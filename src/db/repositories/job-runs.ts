/**
 * Runs of scheduled jobs, one row per job and slot: inserting the row is how
 * one replica wins the slot (the primary key refuses every other), and the
 * row keeps the outcome for `/ledger jobs`.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { JobRunRecord, JobRunStatus } from "../records.ts";
import { type Client, toJson } from "./client.ts";

type Row = Prisma.JobRunGetPayload<object>;

const record = (r: Row): JobRunRecord => ({
  job: r.job,
  slot: r.slot,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  status: r.status,
  detail: r.detail,
  owner: r.owner,
});

export class JobRunRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Claims the slot for `owner`; false when another run (on any replica) has it. */
  async claim(job: string, slot: Date, owner: string, now: Date): Promise<boolean> {
    const r = await this.db.jobRun.createMany({
      data: [{ job, slot, owner, startedAt: now, status: "RUNNING" }],
      skipDuplicates: true,
    });
    return r.count === 1;
  }

  /**
   * Takes over a slot whose run started before `staleBefore` and never
   * finished (its replica died), or, with `rerun`, a slot that finished;
   * false when it is fresh or someone else took it first.
   */
  async takeOver(
    job: string,
    slot: Date,
    owner: string,
    now: Date,
    o: { staleBefore: Date; rerun: boolean },
  ): Promise<boolean> {
    const r = await this.db.jobRun.updateMany({
      where: {
        job,
        slot,
        OR: [
          { status: "RUNNING", startedAt: { lt: o.staleBefore } },
          ...(o.rerun ? [{ status: { in: ["SUCCEEDED", "FAILED"] as JobRunStatus[] } }] : []),
        ],
      },
      data: { owner, startedAt: now, finishedAt: null, status: "RUNNING", detail: undefined },
    });
    return r.count === 1;
  }

  /** Records how a run ended. */
  async finish(job: string, slot: Date, status: JobRunStatus, detail: unknown, now: Date): Promise<void> {
    await this.db.jobRun.update({
      where: { job_slot: { job, slot } },
      data: { status, detail: toJson(detail), finishedAt: now },
    });
  }

  async get(job: string, slot: Date): Promise<JobRunRecord | null> {
    const r = await this.db.jobRun.findUnique({ where: { job_slot: { job, slot } } });
    return r ? record(r) : null;
  }

  /** The latest runs of a job, newest slot first. */
  async latest(job: string, limit: number): Promise<JobRunRecord[]> {
    const rows = await this.db.jobRun.findMany({ where: { job }, orderBy: { slot: "desc" }, take: limit });
    return rows.map(record);
  }

  /** Runs still marked running that started before `before`: their replica died or hangs. */
  async unfinished(before: Date): Promise<JobRunRecord[]> {
    const rows = await this.db.jobRun.findMany({
      where: { status: "RUNNING", startedAt: { lt: before } },
      orderBy: { slot: "asc" },
    });
    return rows.map(record);
  }
}
