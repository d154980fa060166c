/**
 * Webhooks through the real app: an admin adds one with `/ledger webhook
 * add`, an annotator's `/claim` arrives at a receiver on this machine, signed
 * with the secret the admin was shown; others are refused; `/ledger jobs`
 * shows the deliveries given up.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppHarness, ask, startApp, uniqueSlug } from "../support/app.ts";

let h: AppHarness;
let server: Server;
let url: string;
let status = 200;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rangekeeper`;
  h = await startApp({ allowPrivateWebhooks: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await new Promise((r) => server.close(r));
});

/** Waits until the receiver has `n` requests (the sender looks every 200 ms here). */
async function receivedAtLeast(n: number, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (received.length < n) {
    if (Date.now() > end) throw new Error(`the receiver got ${received.length} of ${n} requests`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("webhooks through the app", () => {
  it("refuses people who are not admins", async () => {
    const a = await ask(h.ana, "/ledger", `webhook add ${url}`);
    expect(a.text).toMatch(/only admins can manage webhooks; you are an annotator/);
    const l = await ask(h.lead, "/ledger", "webhook list");
    expect(l.text).toMatch(/only admins can manage webhooks; you are a lead/);
    expect(await h.prisma.webhook.count()).toBe(0);
  });

  it("explains a refused address or an unknown event", async () => {
    expect((await ask(h.admin, "/ledger", "webhook add http://169.254.169.254/latest")).text).toMatch(
      /webhooks may not be sent there: 169\.254\.169\.254 is a link-local, metadata/,
    );
    expect((await ask(h.admin, "/ledger", `webhook add ${url} assignment.exploded`)).text).toMatch(
      /"assignment.exploded" is not an event/,
    );
  });

  it("sends a /claim to the receiver an admin added, signed with the secret shown once", async () => {
    const dataset = await h.dataset(uniqueSlug("hook"), 500);
    const added = await ask(h.admin, "/ledger", `webhook add <${url}> assignment.claimed,assignment.progress`);
    expect(added.reply.response_type).toBe("ephemeral");
    const id = /Added webhook \*(\d+)\*/.exec(added.text)?.[1];
    const secret = /`([A-Za-z0-9_-]{43})`/.exec(added.text)?.[1];
    expect(id, added.text).toBeDefined();
    expect(secret, added.text).toBeDefined();

    // The secret went straight to Slack: no outbox row or idempotency record holds it.
    expect(JSON.stringify(await h.prisma.notification.findMany())).not.toContain(secret!);
    expect(JSON.stringify(await h.prisma.idempotencyKey.findMany())).not.toContain(secret!);

    const listed = await ask(h.admin, "/ledger", "webhook list");
    expect(listed.text).toContain(url);
    expect(listed.text).not.toContain(secret!);

    const claim = await ask(h.ana, "/claim", `${dataset} 1-25`);
    expect(claim.text).toMatch(/A\d+/);
    await receivedAtLeast(1);
    const [r] = received;
    const event = JSON.parse(r!.body);
    expect(event).toMatchObject({ type: "assignment.claimed", data: { dataset, actor: "UANA" } });
    expect(r!.headers["content-type"]).toBe("application/json");
    const sig = String(r!.headers["rangekeeper-signature"]);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig) ?? [];
    expect(v1).toBe(createHmac("sha256", secret!).update(`${t}.${r!.body}`).digest("hex"));

    // A receiver that refuses for good: given up, and counted in /ledger jobs.
    status = 400;
    const ref = /A\d+/.exec(claim.text)![0];
    await ask(h.ana, "/progress", `${ref} 5`);
    await receivedAtLeast(2);
    let jobs = "";
    for (let i = 0; i < 100 && !/Webhooks\*: .*1 given up/.test(jobs); i++) {
      jobs = (await ask(h.lead, "/ledger", "jobs")).text;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(jobs).toMatch(/\*Webhooks\*: 0 deliveries waiting, 0 being sent, 1 given up/);
    expect(jobs).toMatch(new RegExp(`webhook to webhook ${id}: HTTP 400`));

    const removed = await ask(h.admin, "/ledger", `webhook remove ${id}`);
    expect(removed.text).toMatch(new RegExp(`Removed webhook \\*${id}\\*`));
    expect((await ask(h.admin, "/ledger", "webhook list")).text).toMatch(/No webhooks/);
  });
});
