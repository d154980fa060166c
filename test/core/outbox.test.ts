/**
 * The outbox on its own, against the database, on the ledger's clock: what a
 * message becomes as a row (held to working hours in the right zone, a reply
 * left to its request, a card tied to its range), each key written once, new
 * content shown in place, and what senders do with rows (claim, lease, mark
 * sent, retry, give up, hand back) and count. The senders that use it against
 * the Slack stand-in are tested in test/delivery.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OutgoingMessage, REPLY_LEFT_TO_SENDERS_AFTER_MS, workspaceSchedule } from "../../src/core/outbox.ts";
import { DEFAULT_WORKING_HOURS } from "../../src/core/time.ts";
import { type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
});
afterEach(async () => {
  await f.dispose();
});

const SATURDAY = new Date("2026-11-28T10:00:00Z");
const MONDAY = new Date("2026-11-23T10:00:00Z");

const msg = (key: string, to: OutgoingMessage["to"], over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  key,
  kind: "test",
  to,
  content: { text: key },
  ...over,
});
const enqueue = (...messages: OutgoingMessage[]) => f.ledger.outbox.enqueue(TEAM, messages);
const row = (key: string) =>
  f.prisma.notification.findUniqueOrThrow({ where: { teamId_dedupeKey: { teamId: TEAM, dedupeKey: key } } });
const setZone = (userId: string, timezone: string | null) =>
  f.prisma.member.upsert({
    where: { teamId_userId: { teamId: TEAM, userId } },
    create: { teamId: TEAM, userId, timezone },
    update: { timezone },
  });
const ms = (n: number) => new Date(f.clock.now.getTime() + n);

describe("the outbox's rows", () => {
  it("writes each key once and keeps the first content, saying which keys were new", async () => {
    expect(await enqueue(msg("a", { user: "UANA" }), msg("b", { channel: "C1" }))).toEqual(["a", "b"]);
    expect(
      await enqueue(msg("a", { user: "UANA" }, { content: { text: "again" } }), msg("c", { user: "UBOB" })),
    ).toEqual(["c"]);
    expect(await enqueue()).toEqual([]);
    expect(await row("a")).toMatchObject({
      kind: "test",
      recipient: "UANA",
      toUser: true,
      message: { text: "a" },
      status: "PENDING",
      notBefore: f.clock.now,
      nextAttemptAt: f.clock.now,
      createdAt: f.clock.now,
      sender: "slack",
      subject: null,
      responseUrl: null,
      orderKey: null,
    });
    expect(await row("b")).toMatchObject({ recipient: "C1", toUser: false });
    // Another workspace has keys of its own.
    expect(await f.ledger.outbox.enqueue("T0OTHER", [msg("a", { user: "UANA" })])).toEqual(["a"]);
  });

  it("holds a job's DM until the person's working hours open in their zone, and a channel post until the team's", async () => {
    f.clock.now = SATURDAY; // 19:00 in Tokyo
    await setZone("UANA", "Asia/Tokyo");
    await setZone("UBOB", "Mars/Olympus_Mons"); // not a zone: the team's is used
    await setZone("UCAL", null);
    await enqueue(
      msg("ana", { user: "UANA" }, { workingHours: true }),
      msg("bob", { user: "UBOB" }, { workingHours: true }),
      msg("cal", { user: "UCAL" }, { workingHours: true }),
      msg("dan", { user: "UDAN" }, { workingHours: true }), // not a member yet
      msg("channel", { channel: "C1" }, { workingHours: true }),
      msg("now", { user: "UANA" }),
    );
    const notBefore = async (key: string) => (await row(key)).notBefore.toISOString();
    expect(await notBefore("ana")).toBe("2026-11-30T00:00:00.000Z"); // Monday 09:00 in Tokyo
    for (const key of ["bob", "cal", "dan", "channel"])
      expect(await notBefore(key), key).toBe("2026-11-30T09:00:00.000Z");
    expect(await notBefore("now")).toBe(SATURDAY.toISOString());

    // In the team's own zone, and in its own hours.
    await f.prisma.workspace.update({
      where: { id: TEAM },
      data: { timezone: "America/New_York", workdayStart: 8 * 60, workdays: [6] },
    });
    await enqueue(msg("ny", { channel: "C1" }, { workingHours: true }));
    expect(await notBefore("ny")).toBe("2026-11-28T13:00:00.000Z"); // Saturday 08:00 in New York
  });

  it("sends a job's DM at once during working hours", async () => {
    f.clock.now = MONDAY;
    await enqueue(msg("ana", { user: "UANA" }, { workingHours: true }));
    expect((await row("ana")).notBefore).toEqual(MONDAY);
  });

  it("leaves a reply to its request for a while before any sender takes it, and ties a card to its range unless it is a reply", async () => {
    const until = ms(30 * 60_000);
    await enqueue(
      msg("reply", { user: "UANA" }, { reply: { url: "https://hooks.slack.test/r/1", until }, about: 7 }),
      msg("card", { channel: "C1" }, { about: 7 }),
      msg("channel-reply", { channel: "C1" }, { reply: { url: "https://hooks.slack.test/r/2", until } }),
    );
    expect(await row("reply")).toMatchObject({
      responseUrl: "https://hooks.slack.test/r/1",
      responseUntil: until,
      nextAttemptAt: ms(REPLY_LEFT_TO_SENDERS_AFTER_MS),
      notBefore: f.clock.now,
      subject: null,
    });
    expect(REPLY_LEFT_TO_SENDERS_AFTER_MS).toBe(15_000);
    expect(await row("card")).toMatchObject({ subject: 7, responseUrl: null });
    // Only a person is answered through a response_url.
    expect(await row("channel-reply")).toMatchObject({ responseUrl: null, nextAttemptAt: f.clock.now });
  });
});

describe("new content", () => {
  it("is shown in place, due at once again, unless it is the same content in another key order", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(msg("a", { user: "UANA" }, { content: { text: "one", blocks: [] } }));
    const [claimed] = await outbox.claimDue("s1", 60_000, 10);
    await outbox.markSent(claimed!, { channelId: "D1", messageTs: "1.1" });
    await outbox.retryAt(claimed!, f.clock.now, "boom"); // counts an attempt, to see it reset
    await f.prisma.notification.update({ where: { id: claimed!.id }, data: { status: "SENT" } });
    expect(await outbox.replace(TEAM, "a", { blocks: [], text: "one" })).toBe(false);
    expect(await row("a")).toMatchObject({ status: "SENT", revision: 0 });

    f.clock.now = ms(1000);
    expect(await outbox.replace(TEAM, "a", { text: "two" })).toBe(true);
    expect(await row("a")).toMatchObject({
      message: { text: "two" },
      revision: 1,
      status: "PENDING",
      nextAttemptAt: f.clock.now,
      attempts: 0,
      lastError: null,
      failedAt: null,
      channelId: "D1", // updated where it landed
    });
    expect(await outbox.replace(TEAM, "missing", { text: "two" })).toBe(false);
    expect(await f.prisma.notification.count()).toBe(1);
  });

  it("is given to every message whose key starts with a prefix, counting those it changed", async () => {
    await enqueue(
      msg("handoff:H1:ULEAD", { user: "ULEAD" }),
      msg("handoff:H1:ULEAD2", { user: "ULEAD2" }, { content: { text: "decided" } }),
      msg("handoff:H10:ULEAD", { user: "ULEAD" }),
    );
    expect(await f.ledger.outbox.replaceWithPrefix(TEAM, "handoff:H1:", { text: "decided" })).toBe(1);
    expect((await row("handoff:H1:ULEAD")).message).toEqual({ text: "decided" });
    expect((await row("handoff:H10:ULEAD")).message).toEqual({ text: "handoff:H10:ULEAD" });
    expect(await f.ledger.outbox.recipientsWithPrefix(TEAM, "handoff:H1:")).toEqual(["ULEAD", "ULEAD2"]);
    expect(await f.ledger.outbox.recipientsWithPrefix(TEAM, "handoff:H2:")).toEqual([]);
  });
});

describe("what the outbox tells about its messages", () => {
  it("says where a message landed, and which messages show the cards of some ranges", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(
      msg("card:1", { channel: "C1" }, { about: 1 }),
      msg("card:1:dm", { user: "UANA" }, { about: 1 }),
      msg("card:2", { channel: "C1" }, { about: 2 }),
      msg("card:3", { channel: "C1" }, { about: 3 }),
      msg("reply:1", { user: "UANA" }, { about: 1, reply: { url: "https://hooks.slack.test/r", until: ms(60_000) } }),
      msg("plain", { channel: "C1" }),
    );
    expect(await outbox.placeOf(TEAM, "card:1")).toEqual({ recipient: "C1", channelId: null });
    expect(await outbox.placeOf(TEAM, "nothing")).toBeNull();
    const rows = await outbox.claimDue("s1", 60_000, 10);
    const card1 = rows.find((r) => r.key === "card:1")!;
    await outbox.markSent(card1, { channelId: "C1", messageTs: "17.5" });
    expect(await outbox.placeOf(TEAM, "card:1")).toEqual({ recipient: "C1", channelId: "C1" });
    await outbox.fail(rows.find((r) => r.key === "card:3")!, "channel_not_found");

    const cards = await outbox.cardsOf(TEAM, [1, 3]);
    expect(cards).toEqual([
      { key: "card:1", recipient: "C1", toUser: false, subject: 1, message: { text: "card:1" } },
      { key: "card:1:dm", recipient: "UANA", toUser: true, subject: 1, message: { text: "card:1:dm" } },
    ]);
    expect(await outbox.cardsOf(TEAM, [])).toEqual([]);
    expect(await outbox.cardsOf("T0OTHER", [1])).toEqual([]);
  });
});

describe("senders", () => {
  it("claim what is due, earliest first, up to a limit, each row by one sender until its lease runs out", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(msg("a", { user: "UANA" }), msg("b", { user: "UBOB" }), msg("c", { channel: "C1" }));
    await f.prisma.notification.update({ where: { id: (await row("a")).id }, data: { nextAttemptAt: ms(1) } });
    await f.prisma.notification.update({ where: { id: (await row("c")).id }, data: { notBefore: ms(1) } });

    const first = await outbox.claimDue("s1", 60_000, 1);
    expect(first.map((r) => [r.key, r.status, r.inDoubt])).toEqual([["b", "SENDING", false]]);
    expect(await row("b")).toMatchObject({ leasedBy: "s1", leaseUntil: ms(60_000) });
    expect(await outbox.claimDue("s2", 60_000, 10)).toEqual([]);
    expect(await outbox.leaseHolders()).toEqual(["s1"]);

    // When their time comes, by attempt time then id.
    f.clock.now = ms(1);
    expect((await outbox.claimDue("s2", 60_000, 10)).map((r) => r.key)).toEqual(["a", "c"]);
    expect((await outbox.leaseHolders()).sort()).toEqual(["s1", "s2"]);

    // At the lease's end it is still s1's; after it, any sender's, in doubt (s1 may have sent it).
    f.clock.now = ms(59_999);
    expect(await outbox.claimDue("s3", 60_000, 10)).toEqual([]);
    f.clock.now = ms(1);
    const taken = await outbox.claimDue("s3", 1000, 10);
    expect(taken.map((r) => [r.key, r.inDoubt])).toEqual([["b", true]]);
    expect(await outbox.claimDue("s3", 1000, 10)).toEqual([]);
  });

  it("record a send, and keep a row due when its content changed while it was being sent", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(msg("a", { user: "UANA" }), msg("b", { user: "UBOB" }));
    const [a, b] = await outbox.claimDue("s1", 60_000, 10);
    await outbox.retryAt(a!, f.clock.now, "timeout", true);
    const [again] = await outbox.claimDue("s1", 60_000, 10);
    f.clock.now = ms(500);
    await outbox.markSent(again!, { channelId: "D1", messageTs: "1.2" });
    expect(await row("a")).toMatchObject({
      status: "SENT",
      sentAt: f.clock.now,
      channelId: "D1",
      messageTs: "1.2",
      attempts: 0,
      lastError: null,
      leaseUntil: null,
      leasedBy: null,
      inDoubt: false,
    });

    await outbox.replace(TEAM, "b", { text: "newer" });
    await outbox.markSent(b!, { channelId: "D2", messageTs: "2.1" });
    expect(await row("b")).toMatchObject({
      status: "PENDING",
      sentAt: null,
      channelId: "D2",
      messageTs: "2.1",
      nextAttemptAt: f.clock.now,
      leasedBy: null,
      revision: 1,
    });
    // A reply sent through its response_url lands nowhere one could name.
    const [newer] = await outbox.claimDue("s1", 60_000, 10);
    await outbox.markSent(newer!, null);
    expect(await row("b")).toMatchObject({ status: "SENT", channelId: null, messageTs: null });
  });

  it("retry later, give up for good, or send a spent reply as a DM", async () => {
    const outbox = f.ledger.outbox;
    const until = ms(60_000);
    await enqueue(
      msg("a", { user: "UANA" }),
      msg("b", { user: "UBOB" }),
      msg("reply", { user: "UANA" }, { reply: { url: "https://hooks.slack.test/r", until } }),
    );
    const [a, b] = await outbox.claimDue("s1", 60_000, 10);
    await outbox.retryAt(a!, ms(5000), "ratelimited");
    expect(await row("a")).toMatchObject({
      status: "PENDING",
      nextAttemptAt: ms(5000),
      attempts: 1,
      lastError: "ratelimited",
      leaseUntil: null,
      leasedBy: null,
      inDoubt: false,
    });
    expect(await outbox.nextDueAt()).toEqual(ms(5000));
    await outbox.fail(b!, "not_in_channel");
    expect(await row("b")).toMatchObject({
      status: "FAILED",
      failedAt: f.clock.now,
      attempts: 1,
      lastError: "not_in_channel",
      leasedBy: null,
    });

    f.clock.now = ms(REPLY_LEFT_TO_SENDERS_AFTER_MS);
    const [retried, reply] = await outbox.claimDue("s1", 60_000, 10);
    expect([retried!.key, reply!.key]).toEqual(["a", "reply"]);
    f.clock.now = ms(1);
    await outbox.asDirectMessage(reply!, "expired_url");
    expect(await row("reply")).toMatchObject({
      status: "PENDING",
      responseUrl: null,
      nextAttemptAt: f.clock.now,
      lastError: "expired_url",
      leasedBy: null,
      inDoubt: false,
    });
    expect((await outbox.failed(TEAM)).map((r) => [r.key, r.lastError, r.sender])).toEqual([
      ["b", "not_in_channel", "slack"],
    ]);
    expect(await outbox.failed(TEAM, 5, "webhook")).toEqual([]);
    // Newest first, as many as asked.
    const [dm] = await outbox.claimDue("s1", 60_000, 10);
    expect(dm!.key).toBe("reply");
    f.clock.now = ms(1);
    await outbox.fail(dm!, "channel_not_found");
    expect((await outbox.failed(TEAM)).map((r) => r.key)).toEqual(["reply", "b"]);
    expect((await outbox.failed(TEAM, 1)).map((r) => r.key)).toEqual(["reply"]);
    expect(await outbox.failed("T0OTHER")).toEqual([]);
  });

  it("claim a row by its key for the request that wrote it, only when nobody holds it and it is due", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(
      msg("a", { user: "UANA" }),
      msg("later", { user: "UANA" }, { workingHours: true }),
      msg("reply", { user: "UANA" }, { reply: { url: "https://hooks.slack.test/r", until: ms(60_000) } }),
    );
    await f.prisma.notification.update({ where: { id: (await row("later")).id }, data: { notBefore: ms(1) } });
    expect(await outbox.claimKey(TEAM, "later", "req", 1000)).toBeNull();
    expect(await outbox.claimKey(TEAM, "missing", "req", 1000)).toBeNull();
    expect(await outbox.claimKey("T0OTHER", "a", "req", 1000)).toBeNull();
    // A reply is its request's at once, before the senders' wait.
    expect(await outbox.claimKey(TEAM, "reply", "req", 1000)).toMatchObject({ key: "reply", status: "SENDING" });
    const a = await outbox.claimKey(TEAM, "a", "req", 1000);
    expect(a).toMatchObject({ key: "a", status: "SENDING" });
    expect(await row("a")).toMatchObject({ leasedBy: "req", leaseUntil: ms(1000) });
    expect(await outbox.claimKey(TEAM, "a", "req2", 1000)).toBeNull();
    // Tried and failed: not before its retry is due.
    await outbox.retryAt(a!, ms(2000), "boom");
    expect(await outbox.claimKey(TEAM, "a", "req", 1000)).toBeNull();
    f.clock.now = ms(2000);
    expect(await outbox.claimKey(TEAM, "a", "req", 1000)).toMatchObject({ key: "a", attempts: 1 });
  });

  it("hand back what a stopping or dead sender held, in doubt", async () => {
    const outbox = f.ledger.outbox;
    await enqueue(
      msg("a", { user: "UANA" }),
      msg("b", { user: "UBOB" }),
      msg("c", { user: "UCAL" }),
      msg("d", { user: "UDAN" }),
    );
    for (const owner of ["s1", "s2", "s3", "s9"]) await outbox.claimDue(owner, 60_000, 1);
    expect(await outbox.releaseLeases("s1")).toBe(1);
    expect(await row("a")).toMatchObject({ status: "PENDING", leasedBy: null, leaseUntil: null, inDoubt: true });
    expect(await outbox.releaseLeases(["s2", "s3", "s4"])).toBe(2);
    expect(await outbox.releaseLeases("s1")).toBe(0);
    expect(await outbox.releaseLeases([])).toBe(0);
    expect(await outbox.leaseHolders()).toEqual(["s9"]);
    expect((await outbox.claimDue("s5", 60_000, 10)).map((r) => [r.key, r.inDoubt])).toEqual([
      ["a", true],
      ["b", true],
      ["c", true],
    ]);
  });

  it("leave the webhook sender's rows to it, one at a time for rows of one order key", async () => {
    const outbox = f.ledger.outbox;
    const at = f.clock.now;
    const hook = (dedupeKey: string, orderKey: string | null) =>
      f.prisma.notification.create({
        data: {
          teamId: TEAM,
          dedupeKey,
          kind: "webhook",
          recipient: "W1",
          sender: "webhook",
          orderKey,
          notBefore: at,
          nextAttemptAt: at,
        },
      });
    await hook("w1", "W1");
    await hook("w2", "W1");
    await hook("x1", "W2");
    await hook("free", null);
    await enqueue(msg("slack", { user: "UANA" }));
    expect((await outbox.claimDue("s", 60_000, 10)).map((r) => [r.key, r.sender])).toEqual([["slack", "slack"]]);
    expect(await outbox.nextDueAt("webhook")).toEqual(at);

    const first = await outbox.claimDue("h", 60_000, 10, "webhook");
    expect(first.map((r) => [r.key, r.sender, r.orderKey])).toEqual([
      ["w1", "webhook", "W1"],
      ["x1", "webhook", "W2"],
      ["free", "webhook", null],
    ]);
    expect(await outbox.claimDue("h", 60_000, 10, "webhook")).toEqual([]); // w2 waits while w1 is being sent
    await outbox.markSent(first[0]!, null);
    expect((await outbox.claimDue("h", 60_000, 10, "webhook")).map((r) => r.key)).toEqual(["w2"]);
    expect(await outbox.leaseHolders("webhook")).toEqual(["h"]);
    expect(await outbox.leaseHolders()).toEqual(["s"]);
    expect(await outbox.nextDueAt("webhook")).toBeNull();
  });
});

describe("the backlog", () => {
  it("counts rows by status, those waiting for their time, and the oldest not delivered, by workspace and sender", async () => {
    const outbox = f.ledger.outbox;
    const empty = { pending: 0, waiting: 0, sending: 0, failed: 0, oldestPendingAt: null };
    expect(await outbox.backlog()).toEqual(empty);
    expect(await outbox.nextDueAt()).toBeNull();
    const start = f.clock.now;
    await enqueue(msg("a", { user: "UANA" }), msg("b", { user: "UBOB" }));
    f.clock.now = ms(1000);
    await enqueue(msg("c", { user: "UCAL" }), msg("d", { user: "UDAN" }), msg("e", { channel: "C1" }));
    await f.prisma.notification.update({ where: { id: (await row("d")).id }, data: { notBefore: ms(7000) } });
    await f.prisma.notification.update({ where: { id: (await row("e")).id }, data: { nextAttemptAt: ms(3000) } });
    const [a] = await outbox.claimDue("s", 60_000, 1);
    expect(a!.key).toBe("a");
    const [b] = await outbox.claimDue("s", 60_000, 1);
    await outbox.fail(b!, "gone");
    expect(await outbox.backlog(TEAM)).toEqual({
      pending: 3,
      waiting: 2,
      sending: 1,
      failed: 1,
      oldestPendingAt: start,
    });
    // Delivered or given up, the first two are no longer the oldest not delivered: "c", being sent, is.
    await outbox.markSent(a!, null);
    const [c] = await outbox.claimDue("s", 60_000, 1);
    expect(c!.key).toBe("c");
    await f.ledger.outbox.enqueue("T0OTHER", [msg("x", { user: "UANA" })]);

    expect(await outbox.backlog(TEAM)).toEqual({
      pending: 2,
      waiting: 2,
      sending: 1,
      failed: 1,
      oldestPendingAt: ms(0),
    });
    expect(await outbox.backlog()).toMatchObject({ pending: 3, sending: 1, failed: 1 });
    expect(await outbox.backlog(TEAM, "webhook")).toEqual(empty);
    expect(await outbox.backlog(undefined, "slack")).toMatchObject({ pending: 3 });
    // The earliest of each pending row's own due time: "x" (now), then "e" (in 3 s), then "d" (in 7 s).
    expect(await outbox.nextDueAt()).toEqual(f.clock.now);
    await outbox.claimDue("s", 60_000, 1);
    expect(await outbox.nextDueAt()).toEqual(ms(3000));
  });
});

describe("a workspace's schedule", () => {
  it("is the configured defaults for a workspace not set up, and its own settings otherwise", async () => {
    const read = f.ledger.ctx.store.read;
    expect(await workspaceSchedule(f.ledger.ctx, read, "T0NEW")).toEqual({
      timezone: "UTC",
      hours: DEFAULT_WORKING_HOURS,
      escalateAfterDays: 2,
      stalledAfterDays: 3,
    });
    await f.prisma.workspace.update({
      where: { id: TEAM },
      data: {
        timezone: "Europe/Paris",
        escalateAfterDays: 5,
        stalledAfterDays: 7,
        workdayStart: 7 * 60,
        workdayEnd: 15 * 60,
        workdays: [1, 3],
      },
    });
    expect(await workspaceSchedule(f.ledger.ctx, read, TEAM)).toEqual({
      timezone: "Europe/Paris",
      hours: { start: 7 * 60, end: 15 * 60, days: [1, 3] },
      escalateAfterDays: 5,
      stalledAfterDays: 7,
    });
  });
});

describe("the keys the outbox holds", () => {
  it("are found among given ones, and by a prefix and a last part", async () => {
    const read = f.ledger.ctx.store.read.outbox;
    await enqueue(
      msg("overdue-summary:1:2026-11-23", { channel: "C1" }),
      msg("overdue-summary:2:2026-11-23", { channel: "C2" }),
      msg("overdue-summary:3:2026-11-22", { channel: "C3" }),
      msg("overdue:A7:2026-11-23", { user: "UANA" }),
    );
    await f.ledger.outbox.enqueue("T0OTHER", [msg("overdue-summary:9:2026-11-23", { channel: "C9" })]);
    expect(await read.existingKeys(TEAM, ["overdue:A7:2026-11-23", "overdue:A8:2026-11-23"])).toEqual(
      new Set(["overdue:A7:2026-11-23"]),
    );
    expect(await read.existingKeys(TEAM, [])).toEqual(new Set());
    expect((await read.keysWithPrefixOn(TEAM, "overdue-summary:", "2026-11-23")).sort()).toEqual([
      "overdue-summary:1:2026-11-23",
      "overdue-summary:2:2026-11-23",
    ]);
    // The last part is whole: a key ending in "…-23" without the colon is not one of them.
    expect(await read.keysWithPrefixOn(TEAM, "overdue-summary:", "11-23")).toEqual([]);
  });
});
