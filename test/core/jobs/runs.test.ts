/**
 * The record of scheduled jobs' runs on its own (src/core/jobs/runs.ts): one
 * run per job and slot, taken over only when its replica left it running too
 * long, or to run it again; the latest runs, and those left running.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobRuns } from "../../../src/core/jobs/runs.ts";
import { type LedgerFixture, ledgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
let runs: JobRuns;
beforeEach(async () => {
  f = await ledgerFixture();
  runs = f.ledger.jobRuns;
});
afterEach(() => f.dispose());

/** 2026-11-23 at `hour`:`minute` UTC (and seconds, milliseconds). */
const at = (hour: number, minute = 0, ms = 0) => new Date(Date.UTC(2026, 10, 23, hour, minute, 0, ms));
const SLOT = at(9);

describe("the runs of scheduled jobs", () => {
  it("claim a job's slot once, whoever asks, while another job's same slot is its own", async () => {
    expect(await runs.claim("overdue", SLOT, "replica-1", at(9, 1))).toBe(true);
    expect(await runs.claim("overdue", SLOT, "replica-2", at(9, 1))).toBe(false);
    expect(await runs.claim("digest", SLOT, "replica-2", at(9, 1))).toBe(true);
    expect(await runs.get("overdue", SLOT)).toEqual({
      job: "overdue",
      slot: SLOT,
      startedAt: at(9, 1),
      finishedAt: null,
      status: "RUNNING",
      detail: null,
      owner: "replica-1",
    });
    expect(await runs.get("overdue", at(10))).toBeNull();
  });

  it("take over a run left running only once it is stale, and a finished one (succeeded or failed) only to run it again", async () => {
    await runs.claim("overdue", SLOT, "replica-1", at(9, 1));
    const takeOver = (owner: string, now: Date, staleBefore: Date, rerun = false) =>
      runs.takeOver("overdue", SLOT, owner, now, { staleBefore, rerun });
    // Started at 09:01: fresh for a bound of 09:01, even to run again; stale a millisecond later.
    expect(await takeOver("replica-2", at(9, 30), at(9, 1))).toBe(false);
    expect(await takeOver("replica-2", at(9, 30), at(9, 1), true)).toBe(false);
    expect(await takeOver("replica-2", at(9, 30), at(9, 1, 1))).toBe(true);
    expect(await runs.get("overdue", SLOT)).toMatchObject({ owner: "replica-2", startedAt: at(9, 30) });
    // Taken over: started again at 09:30, so the same bound finds it fresh now.
    expect(await takeOver("replica-3", at(9, 31), at(9, 1, 1))).toBe(false);

    await runs.finish("overdue", SLOT, true, { sent: 3 }, at(9, 40));
    expect(await runs.get("overdue", SLOT)).toMatchObject({
      status: "SUCCEEDED",
      detail: { sent: 3 },
      finishedAt: at(9, 40),
      startedAt: at(9, 30),
    });
    expect(await takeOver("replica-3", at(12), at(11))).toBe(false);
    expect(await takeOver("replica-3", at(12), at(9), true)).toBe(true);
    expect(await runs.get("overdue", SLOT)).toMatchObject({
      owner: "replica-3",
      status: "RUNNING",
      startedAt: at(12),
      finishedAt: null,
    });

    await runs.finish("overdue", SLOT, false, { error: "the database went away" }, at(12, 5));
    expect(await runs.get("overdue", SLOT)).toMatchObject({
      status: "FAILED",
      detail: { error: "the database went away" },
    });
    expect(await takeOver("replica-1", at(13), at(9), true)).toBe(true);
    // A slot nobody claimed is not made up.
    expect(await runs.takeOver("overdue", at(10), "replica-1", at(13), { staleBefore: at(13), rerun: true })).toBe(
      false,
    );
    expect(await runs.get("overdue", at(10))).toBeNull();
  });

  it("list a job's latest runs, newest slot first, and the runs left running since before an instant, oldest slot first", async () => {
    // claimed in another order than their slots'
    for (const [job, hour] of [
      ["digest", 12],
      ["overdue", 9],
      ["overdue", 11],
      ["overdue", 10],
    ] as const)
      await runs.claim(job, at(hour), "replica-1", at(hour));
    expect((await runs.latest("overdue", 2)).map((r) => r.slot)).toEqual([at(11), at(10)]);
    expect((await runs.latest("overdue")).map((r) => r.slot)).toEqual([at(11)]);
    expect(await runs.latest("stalled", 5)).toEqual([]);

    await runs.finish("overdue", at(10), true, {}, at(10, 5));
    // 11:00 did not start before 11:00; 10:00 finished.
    expect((await runs.unfinished(at(11))).map((r) => [r.job, r.slot])).toEqual([["overdue", at(9)]]);
    expect((await runs.unfinished(at(13))).map((r) => [r.job, r.slot])).toEqual([
      ["overdue", at(9)],
      ["overdue", at(11)],
      ["digest", at(12)],
    ]);
  });
});
