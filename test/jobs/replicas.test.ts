/**
 * Real bot processes on one PostgreSQL (PostgreSQL only: the embedded
 * database serves one process): three replicas with a schedule every two
 * seconds run each slot once and tell each overdue range once; a sender
 * killed (kill -9) mid-delivery loses nothing and doubles nothing after a
 * restart.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../../src/core/ledger/index.ts";
import { Store } from "../../src/db/store.ts";
import { createTestDatabase, type TestDatabase, usingPostgres } from "../support/db.ts";

const REPO = resolve(".");
const SECRET = "0123456789abcdef0123456789abcdef";
const OWNERS = ["UOWNA", "UOWNB", "UOWNC", "UOWND", "UOWNE"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });

let db: TestDatabase;
let slack: Standin;
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

interface Bot {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

async function startBot(env: Record<string, string> = {}): Promise<Bot> {
  const child = spawn(process.execPath, [resolve(REPO, "src/start.mjs")], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: db.url!,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: "info",
      OVERDUE_CRON: "*/2 * * * * *",
      STALLED_CRON: "0 0 1 1 *",
      IMBALANCE_CRON: "0 0 1 1 *",
      DIGEST_CRON: "0 0 1 1 *",
      ...env,
    },
  });
  children.push(child);
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const end = Date.now() + 60_000;
  while (!out.includes("rangekeeper is running")) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`the bot did not start:\n${out}`);
    await sleep(50);
  }
  return { child, output: () => out, exited };
}

/** Overdue ranges of five owners (four each), with working hours around the clock. */
async function seed(): Promise<string[]> {
  const clock = { now: new Date(Date.now() - 3 * 86_400_000) };
  const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: ["UADMIN"], clock: () => clock.now });
  const admin = { teamId: slack.teamId, userId: "UADMIN" };
  await ledger.createDataset(admin, { slug: "cats", itemCount: 10_000, title: "Cats" });
  const due = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const refs: string[] = [];
  for (let i = 0; i < 20; i++) {
    const owner = OWNERS[i % OWNERS.length]!;
    const r = await ledger.claim(
      { teamId: slack.teamId, userId: owner },
      { dataset: "cats", first: i * 10 + 1, last: i * 10 + 10, dueDate: due },
    );
    refs.push(r.assignment.ref);
  }
  await db.prisma.workspace.update({
    where: { id: slack.teamId },
    data: { workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] },
  });
  return refs;
}

const DIGEST_CHANNEL = "C0LABELS";

/** Last week: each owner completed a range of a dataset with a channel, reviewed in full with one error. */
async function seedLastWeek(): Promise<void> {
  const clock = { now: new Date(Date.now() - 7 * 86_400_000) };
  const ledger = new Ledger(new Store(db.prisma), { bootstrapAdmins: ["UADMIN"], clock: () => clock.now });
  const admin = { teamId: slack.teamId, userId: "UADMIN" };
  await ledger.createDataset(admin, { slug: "dogs", itemCount: 1000, title: "Dogs", channelId: DIGEST_CHANNEL });
  await ledger.configureDataset(admin, "dogs", { key: "first-k", value: 10 });
  await ledger.setRole(admin, "UREV", "REVIEWER");
  for (const [i, owner] of OWNERS.entries()) {
    const ref = (
      await ledger.claim(
        { teamId: slack.teamId, userId: owner },
        { dataset: "dogs", first: i * 10 + 1, last: i * 10 + 10 },
      )
    ).assignment.ref;
    await ledger.submit({ teamId: slack.teamId, userId: owner }, ref, { confirmed: true });
    const v = await db.prisma.review.findFirstOrThrow({ where: { assignmentId: Number(ref.slice(1)) } });
    await ledger.recordReview({ teamId: slack.teamId, userId: v.reviewerId! }, `R${v.id}`, {
      verdict: "accept",
      itemsChecked: 10,
      errors: { "wrong class": 1 },
    });
  }
  await db.prisma.workspace.update({
    where: { id: slack.teamId },
    data: { workdayStart: 0, workdayEnd: 1440, workdays: [1, 2, 3, 4, 5, 6, 7] },
  });
}

const dmsTo = (user: string) => slack.messages(slack.workspace.dmChannel(user));

describe.skipIf(!usingPostgres())("replicas on one PostgreSQL", () => {
  beforeEach(async () => {
    db = await createTestDatabase();
    slack = await startStandin({
      signingSecret: SECRET,
      users: OWNERS.map((id) => ({ id, name: id.toLowerCase(), real_name: id, tz: "UTC" })),
      channels: [{ id: DIGEST_CHANNEL, name: "labels" }],
    });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    await slack.close();
    await db.dispose();
  });

  it("run each slot once across three processes, and tell each range once", { timeout: 120_000 }, async () => {
    const refs = await seed();
    const bots = await Promise.all([startBot(), startBot(), startBot()]);
    const started = Date.now();
    await sleep(12_000);
    for (const b of bots) b.child.kill("SIGTERM");
    expect(await Promise.all(bots.map((b) => b.exited))).toEqual([0, 0, 0]);
    const runs = await db.prisma.jobRun.findMany({ where: { job: "overdue" }, orderBy: { slot: "asc" } });
    expect(runs.length).toBeGreaterThanOrEqual(4);
    // Every two seconds while all three ran: no slot missed; none twice (the slot is the key).
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.slot.getTime() - runs[i - 1]!.slot.getTime()).toBe(2_000);
    expect(runs.every((r) => r.status === "SUCCEEDED")).toBe(true);
    expect(runs[0]!.slot.getTime()).toBeGreaterThanOrEqual(started - 60_000);
    // One DM per owner (their four ranges in it), one fact per range, all delivered.
    for (const owner of OWNERS) expect(dmsTo(owner)).toHaveLength(1);
    expect(await db.prisma.announcement.count({ where: { key: { startsWith: "overdue:" } } })).toBe(refs.length);
    const rows = await db.prisma.notification.findMany({ where: { kind: "overdue_dm" } });
    expect(rows.map((r) => r.status)).toEqual(OWNERS.map(() => "SENT"));
  });

  it("post each week's digest once across three processes running its slots, its charts with it", {
    timeout: 120_000,
  }, async () => {
    await seedLastWeek();
    const quiet = { OVERDUE_CRON: "0 0 1 1 *", DIGEST_CRON: "*/2 * * * * *" };
    const bots = await Promise.all([startBot(quiet), startBot(quiet), startBot(quiet)]);
    await sleep(10_000);
    for (const b of bots) b.child.kill("SIGTERM");
    expect(await Promise.all(bots.map((b) => b.exited))).toEqual([0, 0, 0]);
    const runs = await db.prisma.jobRun.findMany({ where: { job: "digest" }, orderBy: { slot: "asc" } });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.slot.getTime() - runs[i - 1]!.slot.getTime()).toBe(2_000);
    expect(runs.every((r) => r.status === "SUCCEEDED")).toBe(true);
    // Between them the slots told the week once. Which slot counts a message is
    // whichever wrote it first: on a loaded machine a later slot can overtake an
    // earlier one still rendering its charts, so the counts only add up.
    const counts = runs.map((r) => (r.detail as { messages: number }).messages);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1 + OWNERS.length);
    const shares = slack.messages(DIGEST_CHANNEL).filter((m) => m.files?.length);
    expect(shares).toHaveLength(1);
    expect(shares[0]!.files!.map((f) => f.name)).toEqual([
      expect.stringMatching(/^dogs-\d{4}-W\d{2}-throughput\.png$/),
      expect.stringMatching(/^dogs-\d{4}-W\d{2}-errors\.png$/),
    ]);
    for (const owner of OWNERS) expect(dmsTo(owner).filter((m) => m.text.startsWith("Your week of"))).toHaveLength(1);
    expect(
      await db.prisma.notification.count({ where: { kind: { startsWith: "digest" }, status: { not: "SENT" } } }),
    ).toBe(0);
  });

  it("loses nothing and doubles nothing when the sending process is killed mid-delivery", {
    timeout: 120_000,
  }, async () => {
    await seed();
    // Slack answers slowly: the first posts are under way when the process dies.
    slack.failNext("chat.postMessage", { delayMs: 3_000 }, 3);
    const first = await startBot();
    const end = Date.now() + 30_000;
    while ((await db.prisma.notification.count({ where: { status: "SENDING" } })) === 0) {
      if (Date.now() > end) throw new Error(`no message was being sent:\n${first.output()}`);
      await sleep(50);
    }
    first.child.kill("SIGKILL");
    await first.exited;
    // The posts Slack was given land; the restarted bot finds them (in doubt) and sends the rest.
    await sleep(3_500);
    const second = await startBot({ OVERDUE_CRON: "0 0 1 1 *" });
    const until = Date.now() + 30_000;
    while ((await db.prisma.notification.count({ where: { kind: "overdue_dm", status: { not: "SENT" } } })) > 0) {
      if (Date.now() > until) throw new Error(`the outbox did not empty:\n${second.output()}`);
      await sleep(100);
    }
    second.child.kill("SIGTERM");
    await second.exited;
    for (const owner of OWNERS) expect(dmsTo(owner)).toHaveLength(1);
    expect(slack.calls("conversations.history").length).toBeGreaterThan(0);
  });
});
