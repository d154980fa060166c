/**
 * What Slack's transport does to the app: signatures, retried deliveries,
 * rate-limited and failing Web API calls; and the operational endpoints.
 */
import { describe, expect, it, vi } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  CHANNEL,
  IDS,
  idOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started));

async function counts(slug: string) {
  const d = await h.ledger.getDataset(TEAM, slug);
  const [assignments, handoffs, reviews, audit, notifications] = await Promise.all([
    h.prisma.assignment.count({ where: { datasetId: d.id } }),
    h.prisma.handoffRequest.count({ where: { assignment: { datasetId: d.id } } }),
    h.prisma.review.count({ where: { assignment: { datasetId: d.id } } }),
    h.auditCount(slug),
    h.prisma.notification.count({ where: { teamId: TEAM } }),
  ]);
  return { assignments, handoffs, reviews, audit, notifications };
}

describe("request signatures", () => {
  it("a bad, missing or stale signature gets 401 and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("signed"), 100);
    const before = await counts(slug);
    for (const opts of [{ badSignature: true }, { omitSignature: true }, { timestampSkewSec: -600 }]) {
      const res = await h.ana.command("/claim", `${slug} 1-10`, opts);
      expect(res.status).toBe(401);
      expect(res.replies()).toEqual([]);
    }
    const click = await h.ana.command("/ledger", "help", { badSignature: true });
    expect(click.status).toBe(401);
    const home = await h.ana.openHome({ badSignature: true });
    expect(home.status).toBe(401);
    await h.settle();
    expect(await counts(slug)).toEqual(before);
    expect(h.slack.home(IDS.ana)).toBeUndefined();
    // the same request, correctly signed, works
    const ok = await ask(h.ana, "/claim", `${slug} 1-10`);
    expect(ok.reply.text).toMatch(/^Claimed A\d+/);
  });
});

describe("the request URL", () => {
  it("answers Slack's url_verification challenge", async () => {
    const res = await h.slack.driver.urlVerification("rk-challenge-123");
    expect(res.status).toBe(200);
    expect(res.json ?? JSON.parse(res.body)).toMatchObject({ challenge: "rk-challenge-123" });
  });
});

describe("retried deliveries change nothing twice", () => {
  it("a slash command retried with the same trigger id (after a timeout, and concurrently): one change, one answer", async () => {
    const slug = await h.dataset(uniqueSlug("retry-cmd"), 500);
    const created = await counts(slug);
    const res = await h.ana.command("/claim", `${slug} 1-100`);
    const first = await res.reply();
    const ref = refIn(first.text ?? "");
    await h.settle();
    const after1 = await counts(slug);
    expect(after1).toMatchObject({ assignments: 1, audit: created.audit + 1 });

    const retry = await h.slack.driver.deliver("command", res.payload, { retryNum: 1, retryReason: "http_timeout" });
    expect(retry.status).toBe(200);
    await h.settle();
    // The retry is the same request: the answer already shown is not shown again.
    expect(res.replies().map((r) => r.text)).toEqual([first.text]);
    expect(blockText(first.blocks)).toContain(`You hold *${ref}*`);
    expect(await counts(slug)).toEqual(after1);

    // Slack's first delivery and its retry arriving together
    const res2 = await h.bob.command("/claim", `${slug} next 50`);
    await res2.reply();
    const both = await Promise.all([
      h.slack.driver.deliver("command", res2.payload, { retryNum: 1, retryReason: "http_timeout" }),
      h.slack.driver.deliver("command", res2.payload, { retryNum: 2, retryReason: "http_timeout" }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    expect(res2.replies()).toHaveLength(1);
    expect(await counts(slug)).toMatchObject({ assignments: 2, audit: created.audit + 2 });
  });

  it("a button click retried", async () => {
    const slug = await h.dataset(uniqueSlug("retry-click"), 500);
    const claimed = await ask(h.ana, "/claim", `${slug} 1-100`);
    const ref = refIn(claimed.reply.text ?? "");
    const click = await h.ana.click("assignment.start", {
      messageTs: claimed.reply.message!.ts,
      channel: CHANNEL,
      value: ref,
    });
    const first = await click.reply();
    expect(blockText(first.blocks)).toContain(`*${ref}* is in progress.`);
    await h.settle();
    const before = await counts(slug);
    const retry = await h.slack.driver.deliver("interaction", click.payload, {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    expect(retry.status).toBe(200);
    await h.settle();
    expect(click.replies()).toHaveLength(1);
    expect(await counts(slug)).toEqual(before);
    const starts = await h.prisma.auditEvent.count({ where: { assignmentId: idOf(ref), action: "assignment.start" } });
    expect(starts).toBe(1);
  });

  it("a modal submission retried", async () => {
    const slug = await h.dataset(uniqueSlug("retry-view"), 500);
    await h.bob.command("/claim");
    const form = await h.bob.waitForModal((v) => v.callback_id === "claim_modal");
    await h.bob.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    const sub = await h.bob.submit(chosen.id, { range: "1-40" });
    expect(sub.closed).toBe(true);
    await h.settle();
    const before = await counts(slug);
    expect(before.assignments).toBe(1);
    const retry = await h.slack.driver.deliver("interaction", sub.payload, {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toBe(""); // closes, no errors: the claim is the one already made
    await h.settle();
    expect(await counts(slug)).toEqual(before);
  });

  it("a handoff approval retried: one decision, one set of DMs", async () => {
    const slug = await h.dataset(uniqueSlug("retry-approve"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-100`)).reply.text ?? "");
    const hRef = refIn((await ask(h.ana, "/handoff", `${ref} <@${IDS.bob}> 91-100 retry check`)).text, "H");
    await h.settle();
    const dm = await h.lead.waitForDm((m) => m.text.includes(hRef));
    const click = await h.lead.click("handoff.approve", { channel: h.lead.dmChannel, messageTs: dm.ts });
    await click.reply();
    await h.settle();
    const before = await counts(slug);
    const dmsBefore = h.slack.calls("chat.postMessage").length;
    const retry = await h.slack.driver.deliver("interaction", click.payload, {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    expect(retry.status).toBe(200);
    await h.settle();
    expect(click.replies().map((r) => r.text)).toEqual([`${hRef} approved`]);
    expect(await counts(slug)).toEqual(before);
    expect(h.slack.calls("chat.postMessage").length).toBe(dmsBefore);
    expect(
      h.slack
        .messages(h.bob.dmChannel)
        .filter((m) => m.text.startsWith("You received"))
        .filter((m) => blockText(m.blocks).includes("91–100")),
    ).toHaveLength(1);
  });

  it("an event retried (App Home) publishes the same view again", async () => {
    const res = await h.rev.openHome();
    expect(res.status).toBe(200);
    const home = await h.rev.waitForHome();
    await h.settle();
    const mark = h.slack.mark();
    const again = await h.rev.openHome({ retryNum: 1, retryReason: "timeout" });
    expect(again.status).toBe(200);
    await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.rev, { since: mark });
    expect(blockText(h.rev.home()?.blocks)).toBe(blockText(home.blocks));
    expect(blockText(home.blocks)).toContain("Your ranges (0)");
  });
});

describe("Web API failures during a reply are retried", () => {
  it("views.open rate limited: the modal still opens", async () => {
    await h.dataset(uniqueSlug("ratelimit-open"), 100);
    const mark = h.slack.mark();
    h.slack.failNext("views.open", { status: 429, retryAfter: 0 });
    const res = await h.ana.command("/claim");
    expect(res.status).toBe(200);
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal", 5000);
    expect(form.id).toBeTruthy();
    const opens = h.slack.calls("views.open").filter((c) => c.seq > mark);
    expect(opens.map((c) => c.status)).toEqual([429, 200]);
    await h.ana.closeView();
  });

  it("views.update and views.publish rate limited", async () => {
    const slug = await h.dataset(uniqueSlug("ratelimit-update"), 100);
    await ask(h.bob, "/claim", `${slug} 1-10`);
    const mark = h.slack.mark();
    h.slack.failNext("views.update", { status: 429, retryAfter: 0 });
    await h.bob.command("/progress");
    await h.bob.waitForModal((v) => v.callback_id === "progress_modal", 5000);
    expect(
      h.slack
        .calls("views.update")
        .filter((c) => c.seq > mark)
        .map((c) => c.status),
    ).toEqual([429, 200]);
    await h.bob.closeView();

    await h.settle();
    h.slack.failNext("views.publish", { status: 429, retryAfter: 0 });
    const m2 = h.slack.mark();
    await h.bob.openHome();
    await h.slack.waitFor("views.publish", (c) => c.args.user_id === IDS.bob && c.status === 200, {
      since: m2,
      timeoutMs: 5000,
    });
    expect(blockText(h.bob.home()?.blocks)).toContain(slug);
    expect(
      h.slack
        .calls("views.publish")
        .filter((c) => c.seq > m2 && c.args.user_id === IDS.bob)
        .map((c) => c.status),
    ).toEqual([429, 200]);
  });

  it("a rate-limited DM waits out Slack's Retry-After in the outbox and arrives once, in one call per attempt", async () => {
    const slug = await h.dataset(uniqueSlug("ratelimit-dm"), 100);
    const mark = h.slack.mark();
    h.slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, 2);
    const { reply } = await ask(h.lead, "/ledger", `assign ${slug} 1-20 <@${IDS.bob}>`);
    const ref = refIn(reply.text ?? "");
    const row = () => h.prisma.notification.findFirstOrThrow({ where: { teamId: TEAM, dedupeKey: `assigned:${ref}` } });
    // Rate limited: the row waits in the outbox, its next attempt no earlier than Slack asked.
    await vi.waitFor(async () => expect((await row()).attempts).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    const waiting = await row();
    expect(waiting).toMatchObject({ status: "PENDING", lastError: "rate limited (Retry-After 1 s)" });
    expect(waiting.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(0);
    const dm = await h.bob.waitForDm((m) => m.text.includes(ref), 10_000);
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> assigned you *${ref}*`);
    const posts = h.slack.calls("chat.postMessage").filter((c) => c.seq > mark);
    expect(posts.map((c) => c.status)).toEqual([429, 429, 200]);
    // Posted to the user id: Slack opens the app's DM itself, so no conversations.open.
    expect(h.slack.calls("conversations.open").filter((c) => c.seq > mark)).toEqual([]);
    await vi.waitFor(
      async () => expect(await row()).toMatchObject({ status: "SENT", messageTs: dm.ts, attempts: 0, lastError: null }),
      { timeout: 15_000 },
    );
  });

  it("a server error on chat.postMessage is retried under the retry policy", async () => {
    const slug = await h.dataset(uniqueSlug("server-error-dm"), 100);
    const mark = h.slack.mark();
    h.slack.failNext("chat.postMessage", { status: 503 });
    const { reply } = await ask(h.lead, "/ledger", `assign ${slug} 1-20 <@${IDS.ana}>`);
    const ref = refIn(reply.text ?? "");
    const dm = await h.ana.waitForDm((m) => m.text.includes(ref));
    await h.settle();
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> assigned you *${ref}*`);
    // One failed attempt, then one that went through: retried after the 503, not after the 200.
    const posts = h.slack.calls("chat.postMessage").filter((c) => c.seq > mark);
    expect(posts.map((c) => c.status)).toEqual([503, 200]);
    expect(posts.map((c) => c.args.channel)).toEqual([IDS.ana, IDS.ana]);
    // Delivered once: the failed attempt stored nothing, the retry one message.
    expect(h.slack.messages(h.ana.dmChannel).filter((m) => m.text.includes(ref))).toHaveLength(1);
  });

  it("an export whose upload is rate limited still delivers the file", async () => {
    const slug = await h.dataset(uniqueSlug("ratelimit-export"), 100);
    await ask(h.ana, "/claim", `${slug} 1-10`);
    const mark = h.slack.mark();
    h.slack.failNext("files.getUploadURLExternal", { status: 429, retryAfter: 0 });
    h.slack.failNext("files.completeUploadExternal", { status: 429, retryAfter: 0 });
    const { text } = await ask(h.ana, "/ledger", `export ${slug}`);
    expect(text).toContain(`Sent you the ledger of *${slug}* as CSV (1 row).`);
    expect(
      h.slack
        .calls("files.completeUploadExternal")
        .filter((c) => c.seq > mark)
        .map((c) => c.status),
    ).toEqual([429, 200]);
    const file = h.slack.files().find((f) => f.name === `${slug}-ledger.csv`)!;
    expect(file.completed).toBe(true);
    expect(file.content!.toString("utf8").split("\r\n")[1]).toMatch(new RegExp(`^A\\d+,1,10,10,${IDS.ana},PENDING,`));
  });

  it("when the answer to a modal cannot be posted in its channel, it comes by DM", async () => {
    const slug = await h.dataset(uniqueSlug("ephemeral-fails"), 100);
    await h.bob.command("/claim");
    const form = await h.bob.waitForModal((v) => v.callback_id === "claim_modal");
    await h.bob.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    h.slack.failNext("chat.postEphemeral", { error: "channel_not_found" });
    expect((await h.bob.submit(chosen.id, { range: "1-5" })).closed).toBe(true);
    const dm = await h.bob.waitForDm((m) => m.text.includes(`${slug} 1–5`));
    expect(dm.text).toMatch(/^Claimed A\d+/);
  });

  it("the response_url rate limited: the reply still arrives, once", async () => {
    const slug = await h.dataset(uniqueSlug("ratelimit-respond"), 100);
    h.slack.failNext("response_url", { status: 429, retryAfter: 0 });
    const res = await h.ana.command("/claim", `${slug} 1-10`);
    expect(res.status).toBe(200);
    const reply = await res.reply({ timeoutMs: 5000 });
    expect(reply.text).toMatch(/^Claimed A\d+: /);
    expect(res.replies()).toHaveLength(1);
    await h.settle();
    expect((await counts(slug)).assignments).toBe(1);
  });

  it("a response_url that refuses for good: the answer to the change comes by DM, and no false 'nothing was changed'", async () => {
    const slug = await h.dataset(uniqueSlug("respond-gone"), 100);
    h.slack.failNext("response_url", { status: 404, body: "used_url" });
    const res = await h.ana.command("/claim", `${slug} 1-10`);
    const dm = await h.ana.waitForDm((m) => m.text.includes("A") && blockText(m.blocks).includes("You hold"), 5_000);
    await h.settle();
    expect(res.replies().filter((r) => !r.error)).toEqual([]);
    expect(h.slack.messages(h.ana.dmChannel).filter((m) => m.text.includes("nothing was changed"))).toEqual([]);
    expect(dm.text).toMatch(/A\d+/);
    expect((await counts(slug)).assignments).toBe(1);
  });

  it("the response_url failing on a button click: the update still arrives", async () => {
    const slug = await h.dataset(uniqueSlug("ratelimit-click"), 100);
    const claimed = await ask(h.ana, "/claim", `${slug} 1-10`);
    const ref = refIn(claimed.reply.text ?? "");
    h.slack.failNext("response_url", { status: 503 });
    const click = await h.ana.click("assignment.start", {
      messageTs: claimed.reply.message!.ts,
      channel: CHANNEL,
      value: ref,
    });
    const reply = await click.reply({ timeoutMs: 5000 });
    expect(blockText(reply.blocks)).toContain(`*${ref}* is in progress.`);
  });
});

describe("operational endpoints", () => {
  it("GET /healthz reports the process and the database", async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ status: "ok", ready: true, database: "ok", slack: "ok" });
  });

  it("GET /metrics serves Prometheus text with request counters", async () => {
    await ask(h.ana, "/ledger", "help");
    await ask(h.ana, "/progress", "nonsense here");
    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toContain("# TYPE rangekeeper_requests_total counter");
    expect(body).toMatch(/rangekeeper_requests_total\{kind="command",name="\/ledger",outcome="ok"\} \d+/);
    expect(body).toMatch(/rangekeeper_requests_total\{kind="command",name="\/claim",outcome="ok"\} \d+/);
    expect(body).toMatch(/rangekeeper_requests_total\{kind="action",name="assignment.start",outcome="ok"\} \d+/);
    expect(body).toMatch(/rangekeeper_requests_total\{kind="view",name="claim_modal",outcome="ok"\} \d+/);
    expect(body).toMatch(/rangekeeper_requests_total\{kind="event",name="app_home_opened",outcome="ok"\} \d+/);
    expect(body).toContain("# TYPE rangekeeper_request_duration_seconds histogram");
    expect(body).toMatch(/rangekeeper_request_duration_seconds_count\{kind="command",name="\/claim"\} \d+/);
    expect(body).toContain("rangekeeper_process_cpu_user_seconds_total");
  });

  it("an unreachable database answers 503", async () => {
    try {
      h.setDatabaseHealth(async () => false);
      const res = await fetch(`${h.baseUrl}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "degraded", ready: false, database: "unreachable", slack: "ok" });
      h.setDatabaseHealth(async () => {
        throw new Error("connection refused");
      });
      const res2 = await fetch(`${h.baseUrl}/healthz`);
      expect(res2.status).toBe(503);
      expect(await res2.json()).toEqual({ status: "degraded", ready: false, database: "unreachable", slack: "ok" });
    } finally {
      h.setDatabaseHealth(null);
    }
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });
});
