/**
 * The job runner (src/jobs/runner.ts) when a job fails in a workspace: the
 * other workspaces still run, the run is recorded as failed with the error,
 * and a dry run says it failed too.
 */
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runFailed, runJob } from "../../src/jobs/runner.ts";
import { ANA, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));
afterEach(() => {
  vi.restoreAllMocks();
});

const logger = pino({ level: "silent" });
const OTHER = "T0OTHER";

describe("a job that fails in one workspace", () => {
  it("still runs in the others, and the run is recorded as failed with the workspace and the error", async () => {
    await f.prisma.workspace.createMany({ data: [{ id: TEAM }, { id: OTHER }], skipDuplicates: true });
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100, title: "Cats" });
    const { assignment } = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.updateProgress(ANA, assignment.ref, { count: 2 }); // 2026-11-23T10:00Z
    const real = f.ledger.runStalled;
    vi.spyOn(f.ledger, "runStalled").mockImplementation((teamId, ...rest) =>
      teamId === OTHER ? Promise.reject(new Error("the database went away")) : real(teamId, ...rest),
    );
    const at = new Date("2026-11-26T10:00:00Z");
    const run = (dryRun: boolean) =>
      runJob({ ledger: f.ledger, logger }, { job: "stalled", slot: at, at, dryRun, force: false });

    const dry = await run(true);
    expect(dry).toMatchObject({ outcome: "dry-run", workspaces: 2, reason: `${OTHER}: the database went away` });
    expect(runFailed(dry)).toBe(true);

    const report = await run(false);
    expect(report).toMatchObject({ outcome: "failed", workspaces: 2, reason: `${OTHER}: the database went away` });
    expect(runFailed(report)).toBe(true);
    // The workspace that worked told its stalled range.
    expect(report.messages.map((m) => [m.teamId, m.kind])).toEqual([[TEAM, "stalled_dm"]]);
    expect(await f.prisma.jobRun.findMany()).toMatchObject([
      {
        job: "stalled",
        slot: at,
        status: "FAILED",
        detail: { workspaces: 2, messages: 1, errors: [`${OTHER}: the database went away`] },
      },
    ]);
  });
});
