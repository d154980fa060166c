/**
 * The schedules in one process: slots fire in the schedule's zone, each slot
 * runs once however many schedulers share the database, and a run left
 * unfinished by a dead replica is taken over and finished at start.
 */
import { hostname } from "node:os";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_JOB_CRONS } from "../../src/config/env.ts";
import { Ledger } from "../../src/core/ledger/index.ts";
import { Store } from "../../src/db/store.ts";
import { JobsControl } from "../../src/jobs/control.ts";
import { JobScheduler } from "../../src/jobs/scheduler.ts";
import { ANA, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
const schedulers: JobScheduler[] = [];
beforeEach(async () => {
  f = await ledgerFixture();
  Object.defineProperty(f.clock, "now", { get: () => new Date(), set: () => undefined });
});
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop(5_000);
  await f.dispose();
});

const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scheduler(ledger: Ledger, overdue: string, outcomes: string[] = []) {
  const s = new JobScheduler({
    ledger,
    logger,
    crons: { ...DEFAULT_JOB_CRONS, overdue },
    defaultTimezone: "UTC",
    onOutcome: (job, outcome) => outcomes.push(`${job} ${outcome}`),
  });
  schedulers.push(s);
  return s;
}

/** Ana's range, overdue since yesterday. */
async function overdueRange() {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100, title: "Cats" });
  const r = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await f.prisma.assignment.update({
    where: { id: r.assignment.id },
    data: { dueDate: new Date(`${yesterday}T00:00:00Z`) },
  });
  await f.prisma.workspace.update({
    where: { id: TEAM },
    data: { workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] },
  });
  return r.assignment.ref;
}

describe("the scheduler", () => {
  it("runs each slot once, whichever of several schedulers claims it", { timeout: 30_000 }, async () => {
    const ref = await overdueRange();
    const outcomes: string[] = [];
    // Three schedulers, as three replicas would run them (each with its own ledger over the database).
    for (let i = 0; i < 3; i++)
      await scheduler(new Ledger(new Store(f.prisma), { defaultTimezone: "UTC" }), "* * * * * *", outcomes).start();
    await sleep(4_500);
    for (const s of schedulers) await s.stop(5_000);
    const runs = await f.prisma.jobRun.findMany({ where: { job: "overdue" }, orderBy: { slot: "asc" } });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Whole seconds, none twice (the slot is the key), all finished. (A tick a busy machine
    // delays past its second may be missed by a scheduler, or by all three: not a second run.)
    for (let i = 1; i < runs.length; i++) {
      const gap = runs[i]!.slot.getTime() - runs[i - 1]!.slot.getTime();
      expect(gap > 0 && gap % 1_000 === 0, `slots ${gap} ms apart`).toBe(true);
    }
    expect(runs.every((r) => r.status === "SUCCEEDED")).toBe(true);
    // Each slot ran once: one success per slot; the other schedulers that fired found it taken.
    expect(outcomes.filter((o) => o === "overdue succeeded")).toHaveLength(runs.length);
    const skipped = outcomes.filter((o) => o === "overdue skipped").length;
    expect(skipped).toBeGreaterThan(0);
    expect(skipped).toBeLessThanOrEqual(2 * runs.length);
    expect(outcomes.filter((o) => !["overdue succeeded", "overdue skipped"].includes(o))).toEqual([]);
    // One reminder for the range, however many slots ran.
    const dms = await f.prisma.notification.findMany({ where: { teamId: TEAM, kind: "overdue_dm" } });
    expect(dms).toHaveLength(1);
    expect(dms[0]!.dedupeKey).toContain(`overdue:${ref}:`);
  });

  it("takes over a run whose replica died, and finishes it", { timeout: 30_000 }, async () => {
    await overdueRange();
    const slot = new Date("2026-11-30T09:05:00Z");
    await f.prisma.jobRun.create({
      data: { job: "overdue", slot, owner: `${hostname()}:999999`, status: "RUNNING" },
    });
    // A run of a live process (this one) is left alone until it is stale.
    const busy = new Date("2026-11-30T10:05:00Z");
    await f.prisma.jobRun.create({
      data: { job: "overdue", slot: busy, owner: `${hostname()}:${process.pid}`, status: "RUNNING" },
    });
    await scheduler(f.ledger, "0 0 1 1 *").start();
    const taken = await f.prisma.jobRun.findUniqueOrThrow({ where: { job_slot: { job: "overdue", slot } } });
    expect(taken.status).toBe("SUCCEEDED");
    expect(taken.owner).toBe(`${hostname()}:${process.pid}`);
    expect(taken.detail).toMatchObject({ messages: 1 });
    expect(
      (await f.prisma.jobRun.findUniqueOrThrow({ where: { job_slot: { job: "overdue", slot: busy } } })).status,
    ).toBe("RUNNING");
  });

  it("evaluates a schedule in each workspace's zone", async () => {
    await f.ledger.configureWorkspace({ teamId: TEAM, userId: "UADMIN" }, { key: "timezone", value: "Asia/Tokyo" });
    const s = scheduler(f.ledger, "5 9 * * *");
    expect(s.next("overdue", "Asia/Tokyo", new Date("2026-11-30T00:00:00Z"))?.toISOString()).toBe(
      "2026-11-30T00:05:00.000Z",
    );
    const overview = await new JobsControl(
      { ledger: f.ledger, logger },
      { ...DEFAULT_JOB_CRONS, overdue: "5 9 * * *" },
      true,
    ).overview(TEAM, new Date("2026-11-30T00:00:00Z"));
    expect(overview.jobs[0]).toMatchObject({ job: "overdue", timezone: "Asia/Tokyo" });
    expect(overview.jobs[0]!.next?.toISOString()).toBe("2026-11-30T00:05:00.000Z");
  });
});
