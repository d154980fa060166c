/**
 * The outbox sender against a real database and the Slack stand-in: each
 * message delivered once, through 429s, 5xx and errors a retry cannot fix,
 * updated in place, and found again (not posted twice) after a cut-off send.
 */
import { hostname } from "node:os";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { WebClient } from "@slack/web-api";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OUTBOX_EVENT, OutboxSender, type SenderOptions } from "../../src/delivery/slack-sender.ts";
import { type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
let slack: Standin;
const CHANNEL = "C0LABELS";
const USERS = [{ id: "UANA", name: "ana", real_name: "Ana", tz: "Asia/Tokyo" }];

beforeEach(async () => {
  f = await ledgerFixture();
  // The sender waits in real time (Retry-After, backoff): the ledger's clock runs with it.
  Object.defineProperty(f.clock, "now", { get: () => new Date(), set: () => undefined });
  slack = await startStandin({ teamId: TEAM, users: USERS, channels: [{ id: CHANNEL, name: "labels" }] });
});
afterEach(async () => {
  await slack.close();
  await f.dispose();
});

function sender(o: Partial<SenderOptions> = {}) {
  return new OutboxSender({
    client: new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
    outbox: f.ledger.outbox,
    logger: pino({ level: "silent" }),
    policy: { baseDelayMs: 10, maxDelayMs: 50, giveUpAfterMs: 60_000 },
    ...o,
  });
}

const message = (text: string) => ({ text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] });
const enqueue = (key: string, to: { user: string } | { channel: string }, text = key) =>
  f.ledger.outbox.enqueue(TEAM, [{ key, kind: "test", to, content: message(text) }]);
const row = (key: string) =>
  f.prisma.notification.findUniqueOrThrow({ where: { teamId_dedupeKey: { teamId: TEAM, dedupeKey: key } } });
const dm = () => slack.messages(slack.workspace.dmChannel("UANA"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drains until nothing is due or waiting for a retry (at most `ms`). */
async function deliverAll(s: OutboxSender, ms = 10_000) {
  const total = { sent: 0, retried: 0, failed: 0 };
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await s.drain();
    total.sent += r.sent;
    total.retried += r.retried;
    total.failed += r.failed;
    const b = await f.ledger.outbox.backlog();
    if (b.pending + b.sending === 0) return total;
    await sleep(20);
  }
  throw new Error("the outbox did not empty");
}

describe("the outbox sender", () => {
  it("posts a DM to the person and a post in a channel, once each, and records where they landed", async () => {
    await enqueue("k:dm", { user: "UANA" }, "hello Ana");
    await enqueue("k:post", { channel: CHANNEL }, "hello channel");
    expect(await enqueue("k:dm", { user: "UANA" }, "hello again")).toEqual([]); // a key is decided once
    expect(await deliverAll(sender())).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(dm().map((m) => m.text)).toEqual(["hello Ana"]);
    const [post] = slack.messages(CHANNEL);
    expect(post).toMatchObject({
      text: "hello channel",
      metadata: { event_type: OUTBOX_EVENT, event_payload: { key: "k:post" } },
    });
    expect(await row("k:dm")).toMatchObject({
      status: "SENT",
      channelId: slack.workspace.dmChannel("UANA"),
      messageTs: dm()[0]!.ts,
    });
    expect(await row("k:post")).toMatchObject({ status: "SENT", channelId: CHANNEL, messageTs: post!.ts });
    expect(await deliverAll(sender())).toEqual({ sent: 0, retried: 0, failed: 0 });
  });

  it("waits out a 429's Retry-After and retries 5xx and Slack's transient errors, delivering once", async () => {
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    slack.failNext("chat.postMessage", { status: 503 });
    slack.failNext("chat.postMessage", { error: "internal_error" });
    await enqueue("k:flaky", { user: "UANA" });
    const started = Date.now();
    const r = await deliverAll(sender());
    expect(r).toEqual({ sent: 1, retried: 3, failed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // Slack's Retry-After was honoured
    expect(slack.calls("chat.postMessage").map((c) => c.status)).toEqual([429, 503, 200, 200]);
    expect(dm()).toHaveLength(1);
    expect(await row("k:flaky")).toMatchObject({ status: "SENT", attempts: 0, lastError: null });
  });

  it("gives up at once on an error a retry cannot fix, keeping the reason", async () => {
    const outcomes: string[] = [];
    slack.failNext("chat.postMessage", { error: "channel_not_found" });
    await enqueue("k:gone", { channel: "C0GONE" });
    const r = await deliverAll(sender({ onOutcome: (o, row, reason) => outcomes.push(`${o} ${row.key} ${reason}`) }));
    expect(r).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await row("k:gone")).toMatchObject({ status: "FAILED", lastError: "channel_not_found", attempts: 1 });
    expect(outcomes).toEqual(["failed k:gone channel_not_found"]);
    expect(await f.ledger.outbox.backlog(TEAM)).toMatchObject({ pending: 0, failed: 1 });
  });

  it("gives up on a message Slack keeps refusing for longer than the policy allows", async () => {
    slack.failNext("chat.postMessage", { status: 500 }, 1000);
    await enqueue("k:down", { user: "UANA" });
    const s = sender({ policy: { baseDelayMs: 10, maxDelayMs: 20, giveUpAfterMs: 300 } });
    const r = await deliverAll(s);
    expect(r.failed).toBe(1);
    expect(r.retried).toBeGreaterThan(0); // as many as fit in the policy's time, on a machine however busy
    const failed = await row("k:down");
    expect(failed.status).toBe("FAILED");
    expect(failed.lastError).toMatch(/^gave up after \d+ attempts over .* h: HTTP 500$/);
  });

  it("shows new content in place: an update of the message it posted, not a second one", async () => {
    await enqueue("k:summary", { channel: CHANNEL }, "2 overdue");
    await deliverAll(sender());
    const ts = slack.messages(CHANNEL)[0]!.ts;
    expect(await f.ledger.outbox.replaceWithPrefix(TEAM, "k:summary", message("1 overdue"))).toBe(1);
    expect(await f.ledger.outbox.replaceWithPrefix(TEAM, "k:summary", message("1 overdue"))).toBe(0); // unchanged
    await deliverAll(sender());
    expect(slack.messages(CHANNEL).map((m) => [m.ts, m.text])).toEqual([[ts, "1 overdue"]]);
    expect(slack.calls("chat.update")).toHaveLength(1);
    expect(await row("k:summary")).toMatchObject({ status: "SENT", revision: 1, messageTs: ts });
  });

  it("finds a message whose send was cut off in the conversation, instead of posting it twice", async () => {
    await enqueue("k:cut", { user: "UANA" }, "only once");
    // A sender posted it and died before recording it: the row stays claimed until its lease runs out.
    const first = sender({ leaseMs: 100 });
    const [claimed] = await f.ledger.outbox.claimDue(first.owner, 100, 10);
    await new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl }).chat.postMessage({
      channel: "UANA",
      text: "only once",
      metadata: { event_type: OUTBOX_EVENT, event_payload: { key: claimed!.key } },
    });
    await sleep(150);
    const r = await deliverAll(sender());
    expect(r).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(dm().map((m) => m.text)).toEqual(["only once"]);
    expect(await row("k:cut")).toMatchObject({ status: "SENT", inDoubt: false, messageTs: dm()[0]!.ts });
    // Cut off before it reached Slack: looked for, not found, posted.
    await enqueue("k:lost", { user: "UANA" }, "lost send");
    await f.ledger.outbox.claimDue(first.owner, 1, 10);
    await sleep(10);
    await deliverAll(sender());
    expect(dm().map((m) => m.text)).toEqual(["only once", "lost send"]);
    expect(slack.calls("conversations.history")).toHaveLength(2);
  });

  it("uploads a message's files with its blocks in one share, once, and finds a cut-off share instead of uploading it twice", async () => {
    const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, n]).toString("base64");
    const withFiles = (name: string) => ({
      ...message(`digest ${name}`),
      files: [
        { filename: `${name}-a.png`, title: "A", alt_text: "chart a", data: png(1) },
        { filename: `${name}-b.png`, title: "B", data: png(2) },
      ],
    });
    await f.ledger.outbox.enqueue(TEAM, [
      { key: "k:files", kind: "test", to: { channel: CHANNEL }, content: withFiles("w1") },
    ]);
    expect(await deliverAll(sender())).toEqual({ sent: 1, retried: 0, failed: 0 });
    const posts = slack.messages(CHANNEL);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.files?.map((x) => x.name)).toEqual(["w1-a.png", "w1-b.png"]);
    expect(JSON.stringify(posts[0]!.blocks)).toContain("digest w1");
    const stored = slack.files().find((x) => x.name === "w1-a.png")!;
    expect(stored).toMatchObject({ alt_text: "chart a", completed: true, channels: [CHANNEL] });
    expect([...stored.content!]).toEqual([0x89, 0x50, 0x4e, 0x47, 1]);
    expect(await row("k:files")).toMatchObject({ status: "SENT" });
    expect(slack.calls("chat.postMessage")).toHaveLength(0);

    // The bytes refused once, then Slack down once: retried, shared once.
    slack.failNext("files.completeUploadExternal", { status: 503 });
    await f.ledger.outbox.enqueue(TEAM, [
      { key: "k:files2", kind: "test", to: { user: "UANA" }, content: withFiles("w2") },
    ]);
    const r = await deliverAll(sender());
    expect(r).toEqual({ sent: 1, retried: 1, failed: 0 });
    expect(dm().map((m) => m.files?.map((x) => x.name))).toEqual([["w2-a.png", "w2-b.png"]]);

    // Shared by a sender that died before recording it: found by its file's name, not shared again.
    await f.ledger.outbox.enqueue(TEAM, [
      { key: "k:files3", kind: "test", to: { channel: CHANNEL }, content: withFiles("w3") },
    ]);
    const first = sender({ leaseMs: 100 });
    await f.ledger.outbox.claimDue(first.owner, 100, 10);
    await new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl }).filesUploadV2({
      channel_id: CHANNEL,
      file_uploads: [{ file: Buffer.from("x"), filename: "w3-a.png" }],
    });
    await sleep(150);
    expect(await deliverAll(sender())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(slack.messages(CHANNEL).filter((m) => m.files?.some((x) => x.name === "w3-a.png"))).toHaveLength(1);
    expect(await row("k:files3")).toMatchObject({ status: "SENT", inDoubt: false });
  });

  it("gives up at once on a message with malformed files, saying why", async () => {
    await f.ledger.outbox.enqueue(TEAM, [
      {
        key: "k:badfile",
        kind: "test",
        to: { channel: CHANNEL },
        content: { ...message("x"), files: [{ filename: "a.png", title: "A", data: "not base64!" }] },
      },
    ]);
    expect(await deliverAll(sender())).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await row("k:badfile")).toMatchObject({
      status: "FAILED",
      lastError: "the stored message is malformed: files.0.data: Invalid base64-encoded string",
    });
    expect(slack.files()).toEqual([]);
  });

  it("takes back at start the rows of a sender of this machine whose process is gone", async () => {
    await enqueue("k:orphan", { user: "UANA" });
    await f.ledger.outbox.claimDue(`${hostname()}:999999:dead`, 3_600_000, 10);
    await f.ledger.outbox.claimDue(`${hostname()}:${process.pid}:alive`, 3_600_000, 10); // nothing left to claim
    const s = sender();
    expect(await s.recoverDeadSenders()).toBe(1);
    expect(await row("k:orphan")).toMatchObject({ status: "PENDING", inDoubt: true, leasedBy: null });
    expect((await deliverAll(s)).sent).toBe(1);
  });

  it("never delivers a row twice when senders drain together", async () => {
    for (let i = 0; i < 30; i++) await enqueue(`k:many:${i}`, i % 2 ? { user: "UANA" } : { channel: CHANNEL });
    const senders = [sender({ batch: 3 }), sender({ batch: 3 }), sender({ batch: 3 })];
    const results = await Promise.all(senders.map((s) => s.drain()));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(30);
    expect(results.filter((r) => r.sent > 0).length).toBeGreaterThan(1);
    expect(dm()).toHaveLength(15);
    expect(slack.messages(CHANNEL)).toHaveLength(15);
    expect(new Set([...dm(), ...slack.messages(CHANNEL)].map((m) => m.text)).size).toBe(30);
  });

  it("hands what it holds back when it stops, in doubt", async () => {
    slack.failNext("chat.postMessage", { delayMs: 1_000 });
    await enqueue("k:slow", { user: "UANA" });
    const s = sender();
    const draining = s.drain();
    await sleep(100);
    expect(await s.stop(50)).toBe(1);
    expect(await row("k:slow")).toMatchObject({ status: "PENDING", inDoubt: true });
    await draining;
  });
});
