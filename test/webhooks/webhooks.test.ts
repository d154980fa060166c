/**
 * Managing webhooks in the ledger: admins only, http(s) URLs to allowed
 * addresses, known events; the secret is given once and never listed; every
 * change audited. And the address rules on their own.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventTypesOf, WEBHOOK_EVENTS } from "../../src/core/webhooks/events.ts";
import { addressProblem, checkTargetUrl } from "../../src/core/webhooks/targets.ts";
import { ADMIN, ANA, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

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
