/**
 * The overdue job against a real database: what it decides in whose zone,
 * told once per range and due date, escalated to leads, summarised in the
 * dataset channel and updated in place, and held for working hours.
 */
import { describe, expect, it } from "vitest";
import { enqueueIn } from "../../src/core/outbox.ts";
import { usingPostgres } from "../support/db.ts";
import { runJobAt } from "../support/jobs.ts";
import { whileAnotherHolds } from "../support/late-commit.ts";
import { ADMIN, ANA, BOB, CAL, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const CHANNEL = "C0LABELS";

/** Runs the overdue job as if at `at` (its own slot each time: a scheduled run, or one by hand). */
const overdue = (at: string, o: { dryRun?: boolean } = {}) => runJobAt(f.ledger, "overdue", at, o);

const outbox = () => f.prisma.notification.findMany({ where: { teamId: TEAM }, orderBy: { id: "asc" } });
const text = (m: { message: unknown }) => (m.message as { text: string }).text;
const blocksOf = (m: { message: unknown }) => JSON.stringify((m.message as { blocks: unknown }).blocks);

/**
 * cats (with a channel): Ana in Tokyo holds A(1–50) and C(101–150), Bob in Los
 * Angeles B(51–100), all due 2026-11-25; Cal's range has no due date.
 */
async function setUp() {
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos", channelId: CHANNEL });
  await f.ledger.updateProfile(TEAM, ANA.userId, { timezone: "Asia/Tokyo" });
  await f.ledger.updateProfile(TEAM, BOB.userId, { timezone: "America/Los_Angeles" });
  const claim = async (who: typeof ANA, first: number, dueDate: string | null) =>
    (await f.ledger.claim(who, { dataset: "cats", first, last: first + 49, dueDate })).assignment.ref;
  return {
    a: await claim(ANA, 1, "2026-11-25"),
    b: await claim(BOB, 51, "2026-11-25"),
    c: await claim(ANA, 101, "2026-11-25"),
    cal: await claim(CAL, 151, null),
  };
}

describe("the overdue job", () => {
  it("tells each owner once, when the due date has ended in their own zone, in one message", async () => {
    const { a, b, c } = await setUp();
    // 16:00Z on the 25th: already the 26th in Tokyo, still the 25th in Los Angeles.
    const first = await overdue("2026-11-25T16:00:00Z");
    expect(first.outcome).toBe("succeeded");
    // Two facts (Ana's ranges) in one DM, and the channel's summary.
    expect(first.facts).toBe(2);
    const dms = first.messages.filter((m) => m.kind === "overdue_dm");
    expect(dms.map((m) => m.to)).toEqual([{ user: ANA.userId }]);
    expect(dms[0]!.key).toBe(`overdue-dm:${ANA.userId}:overdue:${a}:2026-11-25:${ANA.userId}`);
    expect(first.messages.find((m) => m.kind === "overdue_summary")).toMatchObject({
      to: { channel: CHANNEL },
      workingHours: true,
    });
    const rows = await outbox();
    const anaDm = rows.find((r) => r.kind === "overdue_dm")!;
    expect(anaDm).toMatchObject({ recipient: ANA.userId, toUser: true, status: "PENDING" });
    expect(text(anaDm)).toBe("2 of your ranges are overdue");
    expect(blocksOf(anaDm)).toContain(`*${a}*`);
    expect(blocksOf(anaDm)).toContain(`*${c}*`);
    expect(blocksOf(anaDm)).toContain("1 day late");
    expect(blocksOf(anaDm)).not.toContain(`*${b}*`);

    // The same hour again, on another replica or by hand: nothing new to tell.
    const again = await overdue("2026-11-25T16:30:00Z");
    expect(again.messages.filter((m) => m.kind === "overdue_dm")).toEqual([]);

    // Once the 25th has ended in Los Angeles, Bob is told, and Ana not again.
    const later = await overdue("2026-11-26T09:00:00Z");
    expect(later.messages.filter((m) => m.kind === "overdue_dm").map((m) => m.to)).toEqual([{ user: BOB.userId }]);
    expect((await outbox()).filter((r) => r.kind === "overdue_dm")).toHaveLength(2);
  });

  it("waits for the owner's working hours: 09:00 on their next working day, in their zone", async () => {
    await setUp();
    await overdue("2026-11-25T16:00:00Z"); // 01:00 on Thursday in Tokyo
    const dm = (await outbox()).find((r) => r.kind === "overdue_dm")!;
    expect(dm.notBefore.toISOString()).toBe("2026-11-26T00:00:00.000Z"); // 09:00 in Tokyo
    // A sender finds nothing due before then.
    const dmsDue = async () =>
      (await f.ledger.outbox.claimDue("test", 60_000, 10)).filter((r) => r.kind === "overdue_dm").length;
    f.clock.now = new Date("2026-11-25T23:59:00Z");
    expect(await dmsDue()).toBe(0);
    f.clock.now = new Date("2026-11-26T00:00:00Z");
    expect(await dmsDue()).toBe(1);
  });

  it("starts over for a moved due date, and says nothing for the old one", async () => {
    const { a } = await setUp();
    await overdue("2026-11-25T16:00:00Z");
    f.clock.now = new Date("2026-11-25T16:10:00Z");
    await f.ledger.setDueDate(LEAD, a, "2026-11-27");
    const toAna = (r: Awaited<ReturnType<typeof overdue>>) =>
      r.messages.filter((m) => m.kind === "overdue_dm" && "user" in m.to && m.to.user === ANA.userId);
    expect(toAna(await overdue("2026-11-26T16:00:00Z"))).toEqual([]);
    // The new date ends (the 28th in Tokyo): told again, for the new date only.
    const dms = toAna(await overdue("2026-11-27T16:00:00Z"));
    expect(dms).toHaveLength(1);
    expect(dms[0]!.key).toContain(`overdue:${a}:2026-11-27:${ANA.userId}`);
  });

  it("tells the dataset's leads once a range is late by more than the escalation days", async () => {
    const { a, b, c } = await setUp();
    await overdue("2026-11-25T16:00:00Z");
    // Late by 2 days in Tokyo (the 27th): not more than 2 yet.
    expect((await overdue("2026-11-26T16:00:00Z")).messages.filter((m) => m.kind === "overdue_escalation")).toEqual([]);
    const third = await overdue("2026-11-27T16:00:00Z");
    // Both of Ana's ranges to each of three leads: six facts.
    expect(third.facts).toBe(6);
    const leads = third.messages.filter((m) => m.kind === "overdue_escalation");
    expect(leads.map((m) => m.key)).toContain(
      `overdue-lead:${LEAD.userId}:overdue-escalation:${a}:2026-11-25:${LEAD.userId}`,
    );
    // Workspace leads and the configured admin, each once, each with both of Ana's ranges.
    expect(leads.map((m) => m.to).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { user: ADMIN.userId },
      { user: LEAD.userId },
      { user: "ULEAD2" },
    ]);
    const row = (await outbox()).find((r) => r.kind === "overdue_escalation" && r.recipient === LEAD.userId)!;
    expect(blocksOf(row)).toContain(`*${a}* <@${ANA.userId}>`);
    expect(blocksOf(row)).toContain(`*${c}*`);
    expect(blocksOf(row)).toContain("3 days late");
    // Ana's ranges are not escalated again; Bob's, 3 days late in Los Angeles by now, is, once.
    const fourth = (await overdue("2026-11-28T16:00:00Z")).messages.filter((m) => m.kind === "overdue_escalation");
    expect(fourth).toHaveLength(3);
    for (const m of fourth) {
      expect(JSON.stringify(m.content)).toContain(`*${b}*`);
      expect(JSON.stringify(m.content)).not.toContain(`*${a}*`);
    }
  });

  it("keeps one summary a day in the dataset channel, updated in place as ranges move on", async () => {
    const { a, c } = await setUp();
    await overdue("2026-11-25T16:00:00Z");
    const summaryKey = async (day: string) => `overdue-summary:${(await f.ledger.getDataset(TEAM, "cats")).id}:${day}`;
    const key = await summaryKey("2026-11-25");
    let row = (await outbox()).find((r) => r.dedupeKey === key)!;
    expect(row).toMatchObject({ recipient: CHANNEL, toUser: false, revision: 0 });
    expect(text(row)).toBe("2 overdue in Cat photos");
    // Delivered, then Ana finishes A the same day: the summary is rewritten in place, not posted again.
    await f.prisma.notification.update({
      where: { id: row.id },
      data: { status: "SENT", channelId: CHANNEL, messageTs: "1764086400.000100", sentAt: new Date() },
    });
    f.clock.now = new Date("2026-11-25T17:00:00Z");
    await f.ledger.updateProgress(ANA, a, { count: 50 });
    await f.ledger.submit(ANA, a);
    const update = await overdue("2026-11-25T18:00:00Z");
    expect(update.messages).toMatchObject([
      { key, kind: "overdue_summary", to: { channel: CHANNEL }, workingHours: true },
    ]);
    row = (await outbox()).find((r) => r.dedupeKey === key)!;
    expect(row).toMatchObject({ status: "PENDING", revision: 1, messageTs: "1764086400.000100" });
    expect(text(row)).toBe("1 overdue in Cat photos");
    expect(blocksOf(row)).toContain(`*${c}*`);
    // Nothing changed: no message.
    expect((await overdue("2026-11-25T19:00:00Z")).messages).toEqual([]);
    // The next day (in the team's zone, UTC) gets a summary of its own.
    const nextDay = await overdue("2026-11-26T09:00:00Z");
    expect(nextDay.messages.map((m) => m.key)).toContain(await summaryKey("2026-11-26"));
  });

  it("says in place when nothing is overdue any more that day", async () => {
    const { a, c } = await setUp();
    await overdue("2026-11-25T16:00:00Z");
    f.clock.now = new Date("2026-11-25T17:00:00Z");
    for (const ref of [a, c]) await f.ledger.release(ANA, ref);
    const r = await overdue("2026-11-25T18:00:00Z");
    expect(r.messages).toHaveLength(1);
    expect(text({ message: r.messages[0]!.content })).toBe("Nothing overdue in Cat photos");
  });

  it("decides without writing on a dry run", async () => {
    await setUp();
    const dry = await overdue("2026-11-25T16:00:00Z", { dryRun: true });
    expect(dry.outcome).toBe("dry-run");
    expect(dry.messages.map((m) => m.kind).sort()).toEqual(["overdue_dm", "overdue_summary"]);
    expect(await outbox()).toEqual([]);
    expect(await f.prisma.announcement.count()).toBe(0);
    expect(await f.prisma.jobRun.count()).toBe(0);
    // The real run then decides the same.
    expect((await overdue("2026-11-25T16:00:00Z")).messages.map((m) => m.key)).toEqual(dry.messages.map((m) => m.key));
  });

  it("reads an owner's day in the team's zone when theirs is missing or not a zone", async () => {
    await f.prisma.workspace.upsert({
      where: { id: TEAM },
      create: { id: TEAM, timezone: "Asia/Tokyo" },
      update: { timezone: "Asia/Tokyo" },
    });
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, title: "Cat photos" });
    const bobs = (await f.ledger.claim(BOB, { dataset: "cats", first: 1, last: 10, dueDate: "2026-11-25" })).assignment
      .ref;
    const cals = (await f.ledger.claim(CAL, { dataset: "cats", first: 11, last: 20, dueDate: "2026-11-25" })).assignment
      .ref;
    // Bob's stored zone is not one (Cal has none at all).
    await f.prisma.member.updateMany({ where: { userId: BOB.userId }, data: { timezone: "Mars/Olympus_Mons" } });
    // 16:00Z is the 26th in Tokyo, still the 25th in UTC.
    const run = await overdue("2026-11-25T16:00:00Z");
    expect(run.messages.filter((m) => m.kind === "overdue_dm").map((m) => m.to)).toEqual([
      { user: BOB.userId },
      { user: CAL.userId },
    ]);
    expect(JSON.stringify(run.messages.map((m) => m.key))).toContain(bobs);
    expect(JSON.stringify(run.messages.map((m) => m.key))).toContain(cals);
  });

  it("takes only its own summaries for the day's, not another message whose key ends in the date", async () => {
    const { a } = await setUp();
    // A lead kept a due date of that day (the answer to a request to move it): its key ends in the date.
    await f.ledger.ctx.store.transaction((r) =>
      enqueueIn(
        f.ledger.ctx,
        r,
        TEAM,
        [{ key: `due-kept:${a}:2026-11-25`, kind: "due_kept", to: { user: ANA.userId }, content: { text: "kept" } }],
        new Date(),
      ),
    );
    const run = await overdue("2026-11-25T16:00:00Z");
    expect(run.messages.map((m) => m.kind).sort()).toEqual(["overdue_dm", "overdue_summary"]);
  });

  it("escalates a late range to the leads other than its owner, and posts no summary without a channel", async () => {
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 1000, title: "Dogs" });
    await f.ledger.claim(LEAD, { dataset: "dogs", first: 1, last: 10, dueDate: "2026-11-23" });
    // 4 days late, more than the 2 of the escalation.
    const run = await overdue("2026-11-27T09:00:00Z");
    expect(run.messages.filter((m) => m.kind === "overdue_dm").map((m) => m.to)).toEqual([{ user: LEAD.userId }]);
    const leads = run.messages.filter((m) => m.kind === "overdue_escalation").map((m) => m.to);
    expect(leads).toEqual([{ user: ADMIN.userId }, { user: "ULEAD2" }]);
    expect(run.messages.filter((m) => m.kind === "overdue_summary")).toEqual([]);
  });

  it("counts a message in the run that wrote it: two runs at once tell and count each once between them", async () => {
    await setUp();
    const runs = await Promise.all([
      runJobAt(f.ledger, "overdue", "2026-11-25T16:00:00Z", { slot: new Date("2026-11-25T16:00:00Z") }),
      runJobAt(f.ledger, "overdue", "2026-11-25T16:00:00Z", { slot: new Date("2026-11-25T16:01:00Z") }),
    ]);
    // Ana's DM and the channel's summary, written once, counted once.
    expect(runs.flatMap((r) => r.messages.map((m) => m.kind)).sort()).toEqual(["overdue_dm", "overdue_summary"]);
    expect(runs[0]!.facts + runs[1]!.facts).toBe(2);
    expect((await outbox()).map((r) => r.kind).sort()).toEqual(["overdue_dm", "overdue_summary"]);
  });

  it.skipIf(!usingPostgres())("does not count a summary that another run wrote while this one decided it", async () => {
    await setUp();
    const key = `overdue-summary:${(await f.ledger.getDataset(TEAM, "cats")).id}:2026-11-25`;
    // Another run's summary, written and not committed yet: this run cannot see it, and waits on its key.
    const theirs = { key, kind: "overdue_summary", to: { channel: CHANNEL }, content: { text: "theirs" } };
    const run = await whileAnotherHolds(
      f.db,
      async (r) => {
        await enqueueIn(f.ledger.ctx, r, TEAM, [{ ...theirs, workingHours: true }], new Date());
      },
      () => overdue("2026-11-25T16:00:00Z"),
    );
    expect(run.messages.map((m) => m.kind)).toEqual(["overdue_dm"]);
    expect(text((await outbox()).find((r) => r.dedupeKey === key)!)).toBe("theirs");
  });

  it("runs a slot once: a second run of it is skipped and says why, unless forced", async () => {
    await setUp();
    const slot = new Date("2026-11-25T16:05:00Z");
    const run = (force: boolean) => runJobAt(f.ledger, "overdue", slot, { force });
    expect((await run(false)).outcome).toBe("succeeded");
    const skipped = await run(false);
    expect(skipped.outcome).toBe("skipped");
    expect(skipped.reason).toMatch(/already exists \(succeeded, finished .*\); --force runs it again/);
    const forced = await run(true);
    expect(forced.outcome).toBe("succeeded");
    expect(forced.messages).toEqual([]); // every fact was told already
    expect(await f.prisma.jobRun.findMany()).toMatchObject([
      { job: "overdue", slot, status: "SUCCEEDED", detail: { messages: 0, workspaces: 1 } },
    ]);
  });

  it("ends a due date at the owner's local midnight across a DST change", async () => {
    f.clock.now = new Date("2026-03-01T12:00:00Z");
    await f.ledger.createDataset(LEAD, { slug: "dst", itemCount: 100, title: "DST" });
    await f.ledger.updateProfile(TEAM, BOB.userId, { timezone: "America/Los_Angeles" });
    // Los Angeles springs forward on 2026-03-08: that day ends at 07:00Z, the day before at 08:00Z.
    const before = (await f.ledger.claim(BOB, { dataset: "dst", first: 1, last: 10, dueDate: "2026-03-07" })).assignment
      .ref;
    const on = (await f.ledger.claim(BOB, { dataset: "dst", first: 11, last: 20, dueDate: "2026-03-08" })).assignment
      .ref;
    const told = async (at: string) =>
      (await overdue(at)).messages
        .filter((m) => m.kind === "overdue_dm")
        .map((m) => JSON.stringify(m.content))
        .join();
    expect(await told("2026-03-08T07:59:00Z")).toBe("");
    expect(await told("2026-03-08T08:00:00Z")).toContain(`*${before}*`);
    expect(await told("2026-03-09T06:59:00Z")).toBe("");
    const after = await told("2026-03-09T07:00:00Z");
    expect(after).toContain(`*${on}*`);
    expect(after).not.toContain(`*${before}*`);
  });
});
