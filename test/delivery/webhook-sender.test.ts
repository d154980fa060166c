/**
 * Webhooks end to end below Slack: the ledger's changes, the dispatcher, the
 * outbox and the webhook sender against a real database and a receiver on
 * this machine (node:http). Each delivery is signed (checked here with
 * node:crypto, not with the sender's code), every event arrives once and in
 * order per range through a receiver that is down for a while, a 410 disables
 * the webhook and tells its admin, and a refused address is never contacted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../../src/core/ledger/index.ts";
import { Store } from "../../src/db/store.ts";
import { type ResolvedAddress, WebhookSender, type WebhookSenderOptions } from "../../src/delivery/webhook-sender.ts";
import { createTestDatabase, type TestDatabase, usingPostgres } from "../support/db.ts";
import { openLateTransaction } from "../support/late-commit.ts";
import { ADMIN, ANA, BOB, LEAD, TEAM } from "../support/ledger.ts";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request and answers with `answer()`'s status. */
class Receiver {
  readonly requests: Received[] = [];
  answer: (n: number) => number = () => 200;
  readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = this.answer(this.requests.length);
        res.end();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/rangekeeper`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** The events received (bodies parsed) that were answered with 2xx. */
  delivered(): { id: string; type: string; created: number; data: Record<string, unknown> }[] {
    return this.requests.flatMap((r, i) => (this.okAt(i + 1) ? [JSON.parse(r.body)] : []));
  }

  private readonly statuses = new Map<number, number>();
  okAt(n: number): boolean {
    const s = this.statuses.get(n) ?? this.answer(n);
    this.statuses.set(n, s);
    return s >= 200 && s < 300;
  }
}

/** Verifies a Rangekeeper-Signature header the way a receiver would, with node:crypto only. */
function verify(header: string | undefined, body: string, secret: string): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  if (!parts.t || !parts.v1 || !/^\d+$/.test(parts.t)) return false;
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${parts.t}.${body}`, "utf8").digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let db: TestDatabase;
let ledger: Ledger;
let receiver: Receiver;
let url: string;
const senders: WebhookSender[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
  ledger = new Ledger(new Store(db.prisma), {
    bootstrapAdmins: [ADMIN.userId],
    defaultCapacity: 1000,
    defaultTimezone: "UTC",
    allowPrivateWebhooks: true,
  });
  await ledger.setRole(ADMIN, LEAD.userId, "LEAD");
  await ledger.createDataset(ADMIN, { slug: "cats", itemCount: 1000 });
  receiver = new Receiver();
  url = await receiver.listen();
});
afterEach(async () => {
  for (const s of senders.splice(0)) await s.stop(0);
  await receiver.close();
  await db.dispose();
});

function sender(o: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const s = new WebhookSender({
    webhooks: ledger.webhooks,
    outbox: ledger.outbox,
    logger: pino({ level: "silent" }),
    allowPrivate: true,
    disabledNotice: (w) => ({ text: `webhook ${w.id} disabled: ${w.disabledReason}` }),
    policy: { baseDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 60_000 },
    ...o,
  });
  senders.push(s);
  return s;
}

/** Dispatches and delivers until no webhook delivery is pending or being sent (at most `ms`). */
async function deliverAll(s: WebhookSender, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await s.drain();
    const b = await ledger.outbox.backlog(TEAM, "webhook");
    if (b.pending + b.sending === 0) return;
    if (Date.now() > end) throw new Error(`webhook deliveries still pending: ${JSON.stringify(b)}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const claim = (who: typeof ANA, first: number, last: number) =>
  ledger.claim(who, { dataset: "cats", first, last }).then((r) => r.assignment.id);

describe("webhook deliveries", () => {
  it("are signed so that a receiver's own HMAC check verifies them, and carry the event", async () => {
    const added = await ledger.webhooks.add(ADMIN, { url, events: [] });
    const { webhook } = added;
    const secret = added.secret!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    const id = await claim(ANA, 1, 50);
    await deliverAll(sender());

    expect(receiver.requests).toHaveLength(1);
    const [r] = receiver.requests;
    expect(r!.headers["content-type"]).toBe("application/json");
    expect(verify(r!.headers["rangekeeper-signature"] as string, r!.body, secret)).toBe(true);
    // A body changed on the way, or another secret, does not verify.
    expect(verify(r!.headers["rangekeeper-signature"] as string, r!.body.replace("A", "B"), secret)).toBe(false);
    expect(verify(r!.headers["rangekeeper-signature"] as string, r!.body, `${secret}x`)).toBe(false);

    const event = JSON.parse(r!.body);
    expect(Object.keys(event)).toEqual(["id", "type", "created", "data"]);
    expect(event.type).toBe("assignment.claimed");
    expect(event.id).toMatch(/^\d+-assignment\.claimed$/);
    expect(event.data).toMatchObject({
      action: "assignment.claim",
      actor: ANA.userId,
      dataset: "cats",
      assignment: `A${id}`,
      after: { first: 1, last: 50, assigneeId: ANA.userId },
    });
    expect(webhook.events).toEqual([]);
  });

  it("reach a receiver that was down for a while once each, in order per range", async () => {
    const secret = (await ledger.webhooks.add(ADMIN, { url, events: [] })).secret!;
    // Down (503) for the first 6 requests, then back.
    receiver.answer = (n) => (n <= 6 ? 503 : 200);
    const a = await claim(ANA, 1, 100);
    const b = await claim(BOB, 101, 200);
    for (const n of [10, 20, 30]) await ledger.setProgress(ANA, a, n);
    for (const n of [5, 15]) await ledger.setProgress(BOB, b, n);
    await ledger.pause(ANA, a);
    await ledger.release(BOB, b, { mode: "all" });

    await deliverAll(sender());

    expect(
      receiver.requests.filter((r) => !verify(r.headers["rangekeeper-signature"] as string, r.body, secret)),
    ).toEqual([]);
    expect(receiver.requests.length).toBeGreaterThan(6);
    const delivered = receiver.delivered();
    const ids = delivered.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const of = (ref: string) =>
      delivered.filter((e) => e.data.assignment === ref).map((e) => [e.type, e.data.auditEventId as number] as const);
    const ofA = of(`A${a}`);
    const ofB = of(`A${b}`);
    expect(ofA.map(([t]) => t)).toEqual([
      "assignment.claimed",
      "assignment.progress",
      "assignment.progress",
      "assignment.progress",
      "assignment.progress",
    ]);
    expect(ofB.map(([t]) => t)).toEqual([
      "assignment.claimed",
      "assignment.progress",
      "assignment.progress",
      "assignment.released",
    ]);
    // In the order the changes were made.
    for (const list of [ofA, ofB]) {
      const audit = list.map(([, id]) => id);
      expect(audit).toEqual([...audit].sort((x, y) => x - y));
    }
    expect(delivered).toHaveLength(9);
    // A restarted sender (or another replica) finds nothing left to send.
    const before = receiver.requests.length;
    await deliverAll(sender());
    expect(receiver.requests).toHaveLength(before);
  });

  it("are retried after a timeout, and given up after a bounded time when nothing answers", async () => {
    const { webhook } = await ledger.webhooks.add(ADMIN, { url, events: [] });
    // The first request is left without an answer: the sender's deadline cuts it off and it is sent again.
    const hung: ServerResponse[] = [];
    const server = receiver.server;
    server.removeAllListeners("request");
    server.on("request", (req, res) => {
      req.resume();
      req.on("end", () => {
        receiver.requests.push({ headers: req.headers, body: "" });
        if (receiver.requests.length === 1) hung.push(res);
        else res.end();
      });
    });
    await claim(ANA, 1, 10);
    await deliverAll(sender({ timeoutMs: 300 }));
    expect(receiver.requests).toHaveLength(2);
    const sent = await db.prisma.notification.findFirstOrThrow({ where: { kind: "webhook" } });
    expect(sent.status).toBe("SENT");
    for (const res of hung) res.destroy();

    // A receiver nobody listens at: connection refused, retried, then given up once the policy's time is over.
    const closed = new Receiver();
    const deadUrl = await closed.listen();
    await closed.close();
    await ledger.webhooks.remove(ADMIN, webhook.id);
    await ledger.webhooks.add(ADMIN, { url: deadUrl, events: [] });
    await claim(ANA, 11, 20);
    await deliverAll(sender({ policy: { baseDelayMs: 10, maxDelayMs: 20, giveUpAfterMs: 300 } }));
    const [failed] = await ledger.outbox.failed(TEAM, 1, "webhook");
    expect(failed!.lastError).toMatch(/^gave up after \d+ attempts over .* h: network: .*ECONNREFUSED/);
    expect(failed!.attempts).toBeGreaterThan(1);
  });

  it("go only to webhooks taking the event's type, and only for what happened after the webhook was added", async () => {
    const early = await claim(ANA, 1, 10);
    await ledger.webhooks.add(ADMIN, { url, events: ["assignment.progress"] });
    const late = await claim(BOB, 11, 20);
    await ledger.setProgress(BOB, late, 3);
    await deliverAll(sender());
    expect(receiver.delivered().map((e) => [e.type, e.data.assignment])).toEqual([["assignment.progress", `A${late}`]]);
    expect(early).toBeLessThan(late);
  });

  it("end when the receiver answers 410 Gone: the webhook is disabled and its admin told by DM", async () => {
    receiver.answer = () => 410;
    const { webhook } = await ledger.webhooks.add(ADMIN, { url, events: [] });
    const a = await claim(ANA, 1, 10);
    await deliverAll(sender());
    expect(receiver.requests).toHaveLength(1);

    const [listed] = await ledger.webhooks.list(ADMIN);
    expect(listed!.disabledAt).not.toBeNull();
    expect(listed!.disabledReason).toMatch(/410 Gone/);
    const dm = await db.prisma.notification.findMany({ where: { teamId: TEAM, kind: "webhook_disabled" } });
    expect(dm.map((d) => [d.recipient, d.toUser, d.sender])).toEqual([[ADMIN.userId, true, "slack"]]);
    expect(JSON.stringify(dm[0]!.message)).toContain(`webhook ${webhook.id} disabled`);
    const audit = await db.prisma.auditEvent.findMany({ where: { teamId: TEAM, action: "webhook.disable" } });
    expect(audit).toHaveLength(1);

    // Nothing more goes to it.
    await ledger.setProgress(ANA, a, 5);
    await deliverAll(sender());
    expect(receiver.requests).toHaveLength(1);
  });

  it("never contact a refused address: loopback when private targets are not allowed, or a name resolving to metadata", async () => {
    await ledger.webhooks.add(ADMIN, { url, events: [] });
    await claim(ANA, 1, 10);
    await deliverAll(sender({ allowPrivate: false }));
    expect(receiver.requests).toHaveLength(0);
    const failed = await ledger.outbox.failed(TEAM, 5, "webhook");
    expect(failed.map((f) => f.lastError)).toEqual([expect.stringMatching(/loopback or private/)]);

    // A name that resolves (now) to the metadata service, or to a private address among public ones.
    const resolved: string[] = [];
    const answers: Record<string, ResolvedAddress[]> = {
      "hooks.example.test": [{ address: "169.254.169.254", family: 4 }],
      "mixed.example.test": [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
    };
    await ledger.webhooks.add(ADMIN, { url: "https://hooks.example.test/in", events: [] });
    await ledger.webhooks.add(ADMIN, { url: "https://mixed.example.test/in", events: [] });
    await claim(ANA, 11, 20);
    await deliverAll(
      sender({
        allowPrivate: false,
        resolve: async (host) => {
          resolved.push(host);
          return answers[host] ?? [];
        },
      }),
    );
    expect(new Set(resolved)).toEqual(new Set(["hooks.example.test", "mixed.example.test"]));
    const errors = (await ledger.outbox.failed(TEAM, 10, "webhook")).map((f) => f.lastError);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^refused: hooks\.example\.test resolves to 169\.254\.169\.254 is a link-local/),
        expect.stringMatching(/^refused: mixed\.example\.test resolves to 10\.0\.0\.7 is a loopback or private/),
      ]),
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it("show in the outbox's counts by sender, apart from Slack messages", async () => {
    receiver.answer = () => 400;
    await ledger.webhooks.add(ADMIN, { url, events: [] });
    await claim(ANA, 1, 10);
    await deliverAll(sender());
    expect(await ledger.outbox.backlog(TEAM, "webhook")).toMatchObject({ failed: 1, pending: 0 });
    expect(await ledger.outbox.backlog(TEAM, "slack")).toMatchObject({ failed: 0 });
    const [f] = await ledger.outbox.failed(TEAM, 5);
    expect(f).toMatchObject({ kind: "webhook", lastError: "HTTP 400" });
  });

  it("are rows that only the webhook sender takes, and it takes no Slack message", async () => {
    await ledger.webhooks.add(ADMIN, { url, events: [] });
    await claim(ANA, 1, 10);
    await ledger.webhooks.dispatch();
    await ledger.outbox.enqueue(TEAM, [
      { key: "note:1", kind: "test", to: { user: ANA.userId }, content: { text: "hi" } },
    ]);
    const slack = await ledger.outbox.claimDue("slack-sender", 60_000, 50);
    expect(slack.map((r) => [r.key, r.sender])).toEqual([["note:1", "slack"]]);
    const hooks = await ledger.outbox.claimDue("webhook-sender", 60_000, 50, "webhook");
    expect(hooks.map((r) => [r.kind, r.sender])).toEqual([["webhook", "webhook"]]);
    expect(await ledger.outbox.nextDueAt("slack")).toBeNull();
  });
});

describe("the dispatcher", () => {
  it("dispatches every event once when it reads the trail a few events at a time", async () => {
    await ledger.webhooks.add(ADMIN, { url, events: [] });
    const a = await claim(ANA, 1, 100);
    for (let n = 1; n <= 7; n++) await ledger.setProgress(ANA, a, n);
    let passes = 0;
    for (;;) {
      const d = await ledger.webhooks.dispatch(2);
      passes++;
      if (!d.more) break;
    }
    expect(passes).toBeGreaterThan(3);
    await deliverAll(sender());
    const got = receiver.delivered();
    expect(got.map((e) => e.type)).toEqual(["assignment.claimed", ...Array(7).fill("assignment.progress")]);
    expect(got.map((e) => (e.data.after as { itemsDone?: number }).itemsDone ?? 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it.skipIf(!usingPostgres())(
    "does not skip an event whose transaction commits after a later one was dispatched",
    async () => {
      await ledger.webhooks.add(ADMIN, { url, events: [] });
      const a = await claim(ANA, 1, 100);
      await ledger.webhooks.dispatch();
      // A transaction on another connection writes an event (a lower id) and stays open…
      const [other] = db.openConnections(1, { poolSize: 1 });
      const late = await openLateTransaction(other!, (r) =>
        r.audit.append({
          teamId: TEAM,
          actorId: ANA.userId,
          action: "assignment.progress",
          assignmentId: a,
          after: { itemsDone: 1, status: "IN_PROGRESS" },
          at: new Date(),
        }),
      );
      // …while another change commits (a higher id) and the dispatcher runs.
      const b = await claim(BOB, 101, 110);
      await ledger.webhooks.dispatch();
      await late.commit();
      await ledger.webhooks.dispatch();
      await deliverAll(sender());
      expect(
        receiver
          .delivered()
          .map((e) => [e.type, e.data.assignment])
          .sort(),
      ).toEqual([
        ["assignment.claimed", `A${a}`],
        ["assignment.claimed", `A${b}`],
        ["assignment.progress", `A${a}`],
      ]);
    },
  );
});
