/**
 * `npm run job`: its command line, and the real process on an embedded
 * database: a dry run, a run that sends through the stand-in, a slot that
 * already ran, and the refusal while the bot holds the database.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../src/core/ledger/index.ts";
import { openEmbedded } from "../../src/db/client.ts";
import { lockDataDir } from "../../src/db/embedded/lock.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { Store } from "../../src/db/store.ts";
import { CliError, parseArgs, parseAt, summary } from "../../src/jobs/cli.ts";
import type { RunReport } from "../../src/jobs/runner.ts";

const REPO = resolve(".");

describe("the command line", () => {
  it("reads a job, --at, --dry-run and --force", () => {
    expect(parseArgs(["overdue"])).toEqual({ job: "overdue", at: null, dryRun: false, force: false });
    expect(parseArgs(["overdue", "--at", "2026-11-30T09:00", "--force"])).toEqual({
      job: "overdue",
      at: "2026-11-30T09:00",
      dryRun: false,
      force: true,
    });
    expect(parseArgs(["--dry-run", "OVERDUE", "--at=2026-11-30T09:00Z"])).toMatchObject({ dryRun: true });
  });
  it("refuses what it cannot read, saying what was wrong", () => {
    const problem = (argv: string[]) => {
      try {
        parseArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        return (e as Error).message;
      }
      throw new Error("expected a refusal");
    };
    expect(problem([])).toBe("name the job to run: overdue, stalled, imbalance, digest");
    expect(problem(["overdo"])).toBe('"overdo" is not a job; jobs: overdue, stalled, imbalance, digest');
    expect(problem(["overdue", "--now"])).toBe("unknown option --now");
    expect(problem(["overdue", "--at"])).toBe("--at needs a time, e.g. --at 2026-11-30T09:00");
    expect(problem(["overdue", "stalled"])).toBe("one job at a time; got overdue stalled");
    expect(problem(["overdue", "--dry-run", "--force"])).toMatch(/--force means nothing/);
  });
  it("says a run failed, a dry run included, with the workspace and the error", () => {
    const at = new Date("2026-11-30T09:00:00Z");
    const report = (outcome: RunReport["outcome"], reason?: string): RunReport => ({
      job: "overdue",
      slot: at,
      outcome,
      ...(reason ? { reason } : {}),
      workspaces: 1,
      facts: 0,
      messages: [],
    });
    const failure = "failed: T0TEST: the database is not reachable";
    expect(summary(report("failed", "T0TEST: the database is not reachable"), at, null)).toContain(failure);
    const dry = summary(report("dry-run", "T0TEST: the database is not reachable"), at, null);
    expect(dry.slice(-2)).toEqual(["dry run: nothing was written or sent", failure]);
    expect(summary(report("dry-run"), at, null).join("\n")).not.toContain("failed");
    expect(summary(report("succeeded"), at, null).join("\n")).not.toContain("failed");
  });
  it("reads --at in the team's zone unless it has an offset", () => {
    expect(parseAt("2026-11-30T09:00", "Asia/Tokyo").toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(parseAt("2026-11-30T09:00:00+01:00", "Asia/Tokyo").toISOString()).toBe("2026-11-30T08:00:00.000Z");
    expect(parseAt("2026-11-30T09:00Z", "Asia/Tokyo").toISOString()).toBe("2026-11-30T09:00:00.000Z");
    expect(() => parseAt("2026-11-30", "UTC")).toThrow(/is not an ISO-8601 time/);
    expect(() => parseAt("tomorrow", "UTC")).toThrow(/write e.g. 2026-11-30T09:00 \(in UTC\)/);
  });
});

describe("npm run job", () => {
  let dir: string;
  let slack: Standin;
  let ref: string;

  beforeAll(async () => {
    slack = await startStandin({ users: [{ id: "UANA", name: "ana", real_name: "Ana", tz: "UTC" }] });
    dir = mkdtempSync(join(tmpdir(), "rk-job-"));
    copyFileSync(join(REPO, "package.json"), join(dir, "package.json"));
    for (const entry of ["src", "prisma", "node_modules"]) symlinkSync(join(REPO, entry), join(dir, entry));
    // The ledger the bot would have left: Ana's range due on 2026-11-25.
    const db = await openEmbedded({ dataDir: join(dir, "data", "pglite") });
    try {
      await applyMigrations(db);
      const clock = { now: new Date("2026-11-24T10:00:00Z") };
      const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: ["UADMIN"], clock: () => clock.now });
      const admin = { teamId: slack.teamId, userId: "UADMIN" };
      await ledger.createDataset(admin, { slug: "cats", itemCount: 100, title: "Cats" });
      const claimed = await ledger.claim(
        { teamId: slack.teamId, userId: "UANA" },
        { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-25" },
      );
      ref = claimed.assignment.ref;
      // Working hours around the clock: what the job decides goes out at once.
      await db.prisma.workspace.update({
        where: { id: slack.teamId },
        data: { workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] },
      });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => {
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function job(args: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((res) => {
      const child = spawn("npm", ["run", "--silent", "job", "--", ...args], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_API_URL: slack.apiUrl,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("close", (code) => res({ code, out }));
    });
  }

  it("prints what a dry run would send, and sends nothing", { timeout: 60_000 }, async () => {
    const r = await job(["overdue", "--at", "2026-11-26T10:20Z", "--dry-run"]);
    expect(r.out).toContain("overdue: slot 2026-11-26T10:05:00.000Z, as if at 2026-11-26T10:20:00.000Z, 1 workspace");
    expect(r.out).toContain("decided 1 message (1 overdue_dm) telling 1 new fact");
    expect(r.out).toContain(`DM to UANA [overdue-dm:UANA:overdue:${ref}:2026-11-25:UANA]: ${ref} is overdue`);
    expect(r.out).toContain("dry run: nothing was written or sent");
    expect(r.code).toBe(0);
    expect(slack.calls("chat.postMessage")).toEqual([]);
  });

  it("runs the slot, sends what it decided, then skips the slot unless forced", { timeout: 90_000 }, async () => {
    const first = await job(["overdue", "--at", "2026-11-26T10:20Z"]);
    expect(first.code).toBe(0);
    expect(first.out).toContain("decided 1 message (1 overdue_dm)");
    expect(first.out).toContain("sent 1, failed 0, to retry 0");
    expect(slack.messages(slack.workspace.dmChannel("UANA")).map((m) => m.text)).toEqual([`${ref} is overdue`]);
    const again = await job(["overdue", "--at", "2026-11-26T10:30Z"]);
    expect(again.out).toMatch(/skipped: the overdue run of slot 2026-11-26T10:05:00.000Z already exists \(succeeded/);
    const forced = await job(["overdue", "--at", "2026-11-26T10:30Z", "--force"]);
    expect(forced.out).toContain("decided 0 messages telling 0 new facts");
    expect(slack.messages(slack.workspace.dmChannel("UANA"))).toHaveLength(1);
  });

  it("says so, and where to run it instead, while the bot holds the embedded database", {
    timeout: 60_000,
  }, async () => {
    const release = lockDataDir(join(dir, "data", "pglite"));
    try {
      const r = await job(["overdue"]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`is in use by process ${process.pid}`);
      expect(r.out).toContain('Run the job from Slack with "/ledger jobs run overdue", or stop the bot first.');
    } finally {
      release();
    }
  });

  it("refuses a bad command line with the usage and exit code 2", { timeout: 60_000 }, async () => {
    const r = await job(["overdue", "--at", "noon"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('--at "noon" is not an ISO-8601 time');
  });
});
