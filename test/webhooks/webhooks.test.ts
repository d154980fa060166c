/**
 * Managing webhooks in the ledger: admins only, http(s) URLs to allowed
 * addresses, known events; the secret is given once and never listed; every
 * change audited. And the address rules on their own.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventTypesOf, WEBHOOK_EVENTS } from "../../src/core/webhooks/events.ts";
import { addressProblem, checkTargetUrl } from "../../src/core/webhooks/targets.ts";
import { usingPostgres } from "../support/db.ts";
import { openLateTransaction } from "../support/late-commit.ts";
import {
  ADMIN,
  ANA,
  auditOf,
  BOB,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

describe("which addresses a webhook may reach", () => {
  const refusedAlways = [
    "169.254.169.254",
    "169.254.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "100.100.100.200",
    "fe80::1",
    "::",
    "ff02::1",
    "fd00:ec2::254",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
  ];
  const privateOnes = [
    "127.0.0.1",
    "127.1.2.3",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "::1",
    "fd12::1",
  ];
  const publicOnes = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1"];

  it("refuses link-local, metadata, multicast and reserved addresses even when private targets are allowed", () => {
    for (const a of refusedAlways) {
      expect(addressProblem(a, false), a).toMatch(/link-local, metadata, multicast or reserved/);
      expect(addressProblem(a, true), a).toMatch(/link-local, metadata, multicast or reserved/);
    }
  });
  it("refuses loopback and private addresses unless they are allowed", () => {
    for (const a of [...privateOnes, "::ffff:127.0.0.1"]) {
      expect(addressProblem(a, false), a).toMatch(/loopback or private.*WEBHOOK_ALLOW_PRIVATE=true/);
      expect(addressProblem(a, true), a).toBeNull();
    }
  });
  it("takes public addresses", () => {
    for (const a of publicOnes) expect(addressProblem(a, false), a).toBeNull();
  });
  it("reads URLs: http(s) only, no credentials, refused names and literal addresses in any spelling", () => {
    expect(checkTargetUrl("https://hooks.example.com/in?x=1", false)).toMatchObject({
      ok: true,
      host: "hooks.example.com",
    });
    const problems: [string, RegExp][] = [
      ["ftp://hooks.example.com/", /starts with https:\/\/ or http:\/\//],
      ["hooks.example.com", /is not a URL/],
      ["https://user:pass@hooks.example.com/", /user name or password/],
      ["http://metadata.google.internal/computeMetadata/v1/", /metadata service/],
      ["http://169.254.169.254/latest/meta-data/", /link-local/],
      ["http://[fe80::1]/", /link-local/],
      ["http://2130706433/", /127\.0\.0\.1 is a loopback/], // 127.0.0.1 as one number
      ["http://0x7f.1/", /127\.0\.0\.1 is a loopback/],
      ["http://localhost:8080/", /local or internal name/],
      ["http://db.internal/", /local or internal name/],
      ["http://[::1]:9000/", /::1 is a loopback/],
      [`https://example.com/${"x".repeat(2000)}`, /longer than 2000/],
    ];
    for (const [url, problem] of problems) {
      const r = checkTargetUrl(url, false);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.problem, url).toMatch(problem);
    }
    expect(checkTargetUrl("http://localhost:8080/", true).ok).toBe(true);
    expect(checkTargetUrl("http://metadata.google.internal/", true).ok).toBe(false);
  });
});

describe("event types", () => {
  it("map the ledger's audit actions to the events receivers take", () => {
    expect(eventTypesOf({ action: "assignment.claim", after: {} })).toEqual(["assignment.claimed"]);
    expect(eventTypesOf({ action: "assignment.pause", after: {} })).toEqual(["assignment.progress"]);
    expect(eventTypesOf({ action: "assignment.submit", after: { status: "IN_REVIEW" } })).toEqual([
      "assignment.submitted",
    ]);
    expect(eventTypesOf({ action: "assignment.submit", after: { status: "COMPLETED" } })).toEqual([
      "assignment.submitted",
      "assignment.completed",
    ]);
    expect(eventTypesOf({ action: "review.accept", after: {} })).toEqual(["review.decided", "assignment.completed"]);
    expect(eventTypesOf({ action: "handoff.direct", after: {} })).toEqual(["handoff.requested", "handoff.decided"]);
    expect(eventTypesOf({ action: "dataset.set", after: {} })).toEqual([]);
    expect(eventTypesOf({ action: "webhook.add", after: {} })).toEqual([]);
    const made = new Set(
      [
        "assignment.claim",
        "assignment.assign",
        "assignment.progress",
        "assignment.submit",
        "assignment.release",
        "handoff.request",
        "handoff.approve",
        "review.open",
        "review.accept",
      ].flatMap((action) => eventTypesOf({ action, after: { status: "COMPLETED" } })),
    );
    expect([...made].sort()).toEqual([...WEBHOOK_EVENTS].sort());
  });
});

describe("managing webhooks", () => {
  let f: LedgerFixture;
  beforeEach(async () => {
    f = await ledgerFixture();
  });
  afterEach(() => f.dispose());

  it("is for admins only, with a clear refusal", async () => {
    await expectDomainError(
      f.ledger.webhooks.add(LEAD, { url: "https://hooks.example.com/in", events: [] }),
      "forbidden",
      "only admins can manage webhooks; you are a lead",
    );
    await expectDomainError(f.ledger.webhooks.list(ANA), "forbidden", /only admins can manage webhooks/);
    const { webhook } = await f.ledger.webhooks.add(ADMIN, { url: "https://hooks.example.com/in", events: [] });
    await expectDomainError(f.ledger.webhooks.remove(LEAD, webhook.id), "forbidden", /only admins/);
    // A Slack workspace admin is an admin here too.
    const owner = { teamId: TEAM, userId: "UOWNER", workspaceAdmin: true };
    expect(await f.ledger.webhooks.list(owner)).toHaveLength(1);
  });

  it("refuses bad URLs, refused addresses and unknown events, changing nothing", async () => {
    await expectDomainError(
      f.ledger.webhooks.add(ADMIN, { url: "ftp://hooks.example.com/", events: [] }),
      "invalid",
      /https:\/\/ or http:\/\//,
    );
    await expectDomainError(
      f.ledger.webhooks.add(ADMIN, { url: "http://169.254.169.254/latest/meta-data/", events: [] }),
      "invalid",
      /webhooks may not be sent there: 169\.254\.169\.254 is a link-local/,
    );
    await expectDomainError(
      f.ledger.webhooks.add(ADMIN, { url: "http://127.0.0.1:9999/", events: [] }),
      "invalid",
      /loopback or private address \(allowed only with WEBHOOK_ALLOW_PRIVATE=true\)/,
    );
    await expectDomainError(
      f.ledger.webhooks.add(ADMIN, { url: "https://hooks.example.com/", events: ["assignment.deleted"] }),
      "invalid",
      /assignment\.deleted is not an event; events: assignment\.claimed/,
    );
    expect(await f.ledger.webhooks.list(ADMIN)).toEqual([]);
    expect(await f.prisma.auditEvent.count({ where: { action: { startsWith: "webhook." } } })).toBe(0);
  });

  it("gives the secret once, lists without it, removes, and audits each change", async () => {
    const added = await f.ledger.webhooks.add(ADMIN, {
      url: "https://hooks.example.com/in",
      events: ["review.decided", "assignment.claimed"],
    });
    expect(added.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await f.ledger.webhooks.add(ADMIN, { url: "https://other.example.com/in", events: [] });
    expect(other.secret).not.toBe(added.secret);
    const list = await f.ledger.webhooks.list(ADMIN);
    expect(list.map((w) => [w.id, w.url, w.events])).toEqual([
      [added.webhook.id, "https://hooks.example.com/in", ["review.decided", "assignment.claimed"]],
      [other.webhook.id, "https://other.example.com/in", []],
    ]);
    expect(JSON.stringify(list)).not.toContain(added.secret);

    await f.ledger.webhooks.remove(ADMIN, added.webhook.id);
    expect((await f.ledger.webhooks.list(ADMIN)).map((w) => w.id)).toEqual([other.webhook.id]);
    await expectDomainError(f.ledger.webhooks.remove(ADMIN, added.webhook.id), "not_found", /no webhook/);

    const audit = await f.prisma.auditEvent.findMany({
      where: { action: { startsWith: "webhook." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["webhook.add", ADMIN.userId],
      ["webhook.add", ADMIN.userId],
      ["webhook.remove", ADMIN.userId],
    ]);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after, a.reason]))).not.toContain(added.secret);
  });

  it("answers a repeated add (the same request handled again) with the same webhook, not its secret again", async () => {
    const a = await f.ledger.webhooks.add(
      ADMIN,
      { url: "https://hooks.example.com/in", events: [] },
      { idempotencyKey: "k1" },
    );
    const b = await f.ledger.webhooks.add(
      ADMIN,
      { url: "https://hooks.example.com/in", events: [] },
      { idempotencyKey: "k1" },
    );
    expect(b.replayed).toBe(true);
    expect([b.webhook.id, b.secret]).toEqual([a.webhook.id, null]);
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No record but the webhook's own keeps the secret.
    expect(JSON.stringify(await f.prisma.idempotencyKey.findMany())).not.toContain(a.secret);
    expect(await f.ledger.webhooks.list(ADMIN)).toHaveLength(1);
  });
});

describe("webhooks' limits, refusals and records", () => {
  let f: LedgerFixture;
  beforeEach(async () => {
    f = await ledgerFixture();
  });
  afterEach(() => f.dispose());
  const add = (url: string, events: string[] = [], key?: string) =>
    f.ledger.webhooks.add(ADMIN, { url, events }, { idempotencyKey: key });

  it("name the field refused, and the unknown events, one or several", async () => {
    expect((await expectDomainError(add("ftp://hooks.example.com/"), "invalid")).details).toEqual({ field: "url" });
    const list = WEBHOOK_EVENTS.join(", ");
    const one = await expectDomainError(
      add("https://hooks.example.com/", ["assignment.claimed", "range.lost"]),
      "invalid",
      `range.lost is not an event; events: ${list}`,
    );
    expect(one.details).toEqual({ field: "events" });
    await expectDomainError(
      add("https://hooks.example.com/", ["range.lost", "assignment.claimed", "range.found"]),
      "invalid",
      `range.lost, range.found are not events; events: ${list}`,
    );
  });

  it("are at most twenty a workspace, removed ones not counted", async () => {
    const added = [];
    for (let i = 0; i < 20; i++) added.push((await add(`https://hooks.example.com/${i}`)).webhook);
    await expectDomainError(
      add("https://hooks.example.com/20"),
      "invalid",
      "a workspace keeps at most 20 webhooks; remove one first",
    );
    await f.ledger.webhooks.remove(ADMIN, added[0]!.id);
    expect((await add("https://hooks.example.com/20")).webhook.url).toBe("https://hooks.example.com/20");
  });

  it("audit what was added and removed, with each event type once, and tell a request key used for the other", async () => {
    const { webhook } = await add("https://hooks.example.com/in", ["review.decided", "review.decided"], "k1");
    expect(webhook.events).toEqual(["review.decided"]);
    await expectKeyUsedFor(f.ledger.webhooks.remove(ADMIN, webhook.id, { idempotencyKey: "k1" }), "k1", "webhook.add");
    const removed = await f.ledger.webhooks.remove(ADMIN, webhook.id, { idempotencyKey: "k2" });
    expect(removed).toMatchObject({
      replayed: false,
      webhook: { id: webhook.id, url: "https://hooks.example.com/in" },
    });
    await expectKeyUsedFor(add("https://hooks.example.com/other", [], "k2"), "k2", "webhook.remove");
    const entry = { webhook: webhook.id, url: "https://hooks.example.com/in", events: ["review.decided"] };
    expect(await auditOf(f, "webhook.add", ["before", "after"])).toEqual([{ before: null, after: entry }]);
    expect(await auditOf(f, "webhook.remove", ["before", "after"])).toEqual([{ before: entry, after: null }]);
  });

  it("disable one whose receiver is gone once, audited as the webhooks' own doing, and tell the admin who added it", async () => {
    const { webhook } = await add("https://hooks.example.com/in");
    const view = await f.ledger.webhooks.disable(webhook.id, "410 Gone", (w) => ({ text: `${w.url} disabled` }));
    expect(view).toEqual({ ...webhook, disabledAt: f.clock.now, disabledReason: "410 Gone" });
    expect(await f.ledger.webhooks.disable(webhook.id, "410 Gone", () => ({}))).toBeNull();
    expect(await f.ledger.webhooks.disable(webhook.id + 1, "410 Gone", () => ({}))).toBeNull();
    expect(await auditOf(f, "webhook.disable", ["actorId", "before", "after", "reason"])).toEqual([
      {
        actorId: "system:webhooks",
        before: { webhook: webhook.id, url: "https://hooks.example.com/in" },
        after: { disabled: true },
        reason: "410 Gone",
      },
    ]);
    const told = await f.prisma.notification.findMany({ where: { kind: "webhook_disabled" } });
    expect(told.map((n) => [n.dedupeKey, n.recipient, n.toUser, n.message])).toEqual([
      [`webhook-disabled:${webhook.id}`, ADMIN.userId, true, { text: "https://hooks.example.com/in disabled" }],
    ]);
  });
});

describe("the dispatcher's deliveries", () => {
  let f: LedgerFixture;
  beforeEach(async () => {
    f = await ledgerFixture();
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
  });
  afterEach(() => f.dispose());
  const deliveries = () => f.prisma.notification.findMany({ where: { kind: "webhook" }, orderBy: { id: "asc" } });

  it("are one row per event and webhook of its workspace, for the webhook sender, in order per range and webhook", async () => {
    // An event at the very instant a webhook is added is delivered; one before it is not.
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    f.clock.now = new Date(f.clock.now.getTime() + 1000);
    const { webhook } = await f.ledger.webhooks.add(ADMIN, { url: "https://hooks.example.com/in", events: [] });
    const other = await f.ledger.webhooks.add(
      { teamId: "T0OTHER", userId: "UADMIN2", workspaceAdmin: true },
      { url: "https://hooks.example.com/other", events: [] },
    );
    const a = (await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 })).assignment;
    const b = (await f.ledger.claim(ANA, { dataset: "cats", first: 21, last: 30 })).assignment;

    const r = await f.ledger.webhooks.dispatch();
    expect(r).toEqual({ busy: false, events: expect.any(Number), deliveries: 2, more: false });
    const rows = await deliveries();
    expect(rows.map((n) => [n.teamId, n.recipient, n.toUser, n.sender, n.orderKey, n.notBefore])).toEqual([
      [TEAM, String(webhook.id), false, "webhook", `webhook:${webhook.id}:A${a.id}`, f.clock.now],
      [TEAM, String(webhook.id), false, "webhook", `webhook:${webhook.id}:A${b.id}`, f.clock.now],
    ]);
    expect(rows.every((n) => n.recipient !== String(other.webhook.id))).toBe(true);
    // Read again, nothing more.
    expect(await f.ledger.webhooks.dispatch()).toEqual({ busy: false, events: 0, deliveries: 0, more: false });
  });

  it("go to webhooks that receive events now, not to removed or disabled ones", async () => {
    const hook = (url: string) => f.ledger.webhooks.add(ADMIN, { url, events: [] });
    const { webhook: kept } = await hook("https://hooks.example.com/kept");
    const { webhook: removed } = await hook("https://hooks.example.com/removed");
    const { webhook: disabled } = await hook("https://hooks.example.com/disabled");
    await f.ledger.webhooks.remove(ADMIN, removed.id);
    await f.ledger.webhooks.disable(disabled.id, "410 Gone", () => ({}));
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    expect(await f.ledger.webhooks.dispatch()).toMatchObject({ deliveries: 1 });
    expect((await deliveries()).map((n) => n.recipient)).toEqual([String(kept.id)]);
  });

  it("says when a pass read as many events as it may, so that another pass follows", async () => {
    await f.ledger.webhooks.add(ADMIN, { url: "https://hooks.example.com/in", events: [] });
    expect(await f.ledger.webhooks.dispatch()).toMatchObject({ deliveries: 0, more: false }); // the set-up's events
    for (let i = 0; i < 3; i++) await f.ledger.claim(ANA, { dataset: "cats", first: 1 + 10 * i, last: 10 + 10 * i });
    expect(await f.ledger.webhooks.dispatch(2)).toMatchObject({ events: 2, deliveries: 2, more: true });
    expect(await f.ledger.webhooks.dispatch(2)).toMatchObject({ events: 1, deliveries: 1, more: false });
  });

  it.skipIf(!usingPostgres())("step aside while another dispatcher holds the cursor", async () => {
    await f.ledger.webhooks.add(ADMIN, { url: "https://hooks.example.com/in", events: [] });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const [other] = f.db.openConnections(1, { poolSize: 1 });
    const holding = await openLateTransaction(other!, async (r) => {
      expect(await r.webhooks.lockCursor()).not.toBeNull();
    });
    expect(await f.ledger.webhooks.dispatch()).toEqual({ busy: true, events: 0, deliveries: 0, more: false });
    await holding.commit();
    expect(await f.ledger.webhooks.dispatch()).toMatchObject({ busy: false, deliveries: 1 });
  });
});
