/**
 * Workspace API tokens and what a token may do: made by admins only, shown
 * once, found by hash, refused once revoked; a read token changes nothing, a
 * write token changes ranges under the ledger's rules, audited under its
 * name; a thousand concurrent reports of items done leave the ledger
 * consistent.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bodySignature, hashToken, integrationActor, signingSecretOf } from "../../src/core/api-tokens.ts";
import {
  ADMIN,
  ANA,
  actor,
  auditOf,
  BOB,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
});
afterEach(async () => {
  await f.dispose();
});

describe("API tokens", () => {
  it("are made by admins only, shown once, kept as a hash, and stop working once revoked", async () => {
    await expectDomainError(
      f.ledger.createToken(LEAD, "tool", "write"),
      "forbidden",
      /only admins can create API tokens/,
    );
    for (const name of ["Tool", "tool!", "tool name", "-tool", "", "a".repeat(41)])
      await expectDomainError(f.ledger.createToken(ADMIN, name, "write"), "invalid", /cannot name a token/);
    expect((await f.ledger.createToken(ADMIN, `0${"a_-".repeat(13)}`, "read")).token.name).toHaveLength(40);
    const made = await f.ledger.createToken(ADMIN, "tool", "write", { idempotencyKey: "k1" });
    expect(made.secret).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect((await f.prisma.apiToken.findFirstOrThrow({ where: { name: "tool" } })).hash).toBe(hashToken(made.secret!));
    // The same request again: created already, and the token is not shown again (nothing keeps it).
    const again = await f.ledger.createToken(ADMIN, "tool", "write", { idempotencyKey: "k1" });
    expect(again).toMatchObject({ secret: null, token: { name: "tool" } });
    await expectDomainError(f.ledger.createToken(ADMIN, "tool", "read"), "conflict", /exists already/);

    const ok = await f.ledger.authenticateToken(made.secret!);
    expect(ok).toMatchObject({ ok: true, token: { name: "tool", scope: "write", teamId: TEAM } });
    expect((await f.prisma.apiToken.findFirstOrThrow({ where: { name: "tool" } })).lastUsedAt).toEqual(f.clock.now);
    expect(await f.ledger.authenticateToken("rk_unknown")).toEqual({ ok: false, reason: "unknown" });
    expect(await f.ledger.authenticateToken("not even a token")).toEqual({ ok: false, reason: "unknown" });

    await expectDomainError(
      f.ledger.revokeToken(LEAD, "tool"),
      "forbidden",
      "only admins can revoke API tokens; you are a lead",
    );
    await expectDomainError(
      f.ledger.listTokens(LEAD),
      "forbidden",
      "only admins can see the API tokens; you are a lead",
    );
    await f.ledger.revokeToken(ADMIN, "tool");
    expect(await f.ledger.authenticateToken(made.secret!)).toEqual({ ok: false, reason: "revoked" });
    await expectDomainError(f.ledger.revokeToken(ADMIN, "tool"), "conflict", /revoked already/);
    await expectDomainError(f.ledger.revokeToken(ADMIN, "nope"), "not_found");
    expect((await f.ledger.listTokens(ADMIN)).map((t) => [t.name, t.revokedAt !== null])).toEqual([
      ["tool", true],
      [`0${"a_-".repeat(13)}`, false],
    ]);
    const audit = await f.prisma.auditEvent.findMany({
      where: { action: { startsWith: "token." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
      ["token.create", ADMIN.userId],
      ["token.create", ADMIN.userId],
      ["token.revoke", ADMIN.userId],
    ]);
  });

  it("lets a write token change ranges as the rules allow, audited under its name, and a read token nothing", async () => {
    const a = (await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 })).assignment.ref;
    const reader = integrationActor({ teamId: TEAM, name: "dash", scope: "read" });
    const writer = integrationActor({ teamId: TEAM, name: "tool", scope: "write" });
    await expectDomainError(f.ledger.setProgress(reader, a, 3), "forbidden");
    await expectDomainError(
      f.ledger.recordLabels(reader, "cats", [{ item: 1, annotator: ANA.userId, label: "x" }]),
      "forbidden",
    );
    const r = await f.ledger.setProgress(writer, a, 3);
    expect(r.assignment).toMatchObject({ itemsDone: 3, status: "IN_PROGRESS" });
    await expectDomainError(f.ledger.setProgress(writer, a, 11), "invalid", /between 0 and 10/);
    const e = await f.prisma.auditEvent.findFirstOrThrow({ where: { action: "assignment.progress" } });
    expect(e.actorId).toBe("api:tool");
    // An integration is no member of the workspace.
    expect(await f.prisma.member.findMany({ where: { userId: { startsWith: "api:" } } })).toEqual([]);
  });

  it("holds a read token to an annotator's role and a write token to a lead's, saying so when it refuses", async () => {
    const reader = integrationActor({ teamId: TEAM, name: "dash", scope: "read" });
    const writer = integrationActor({ teamId: TEAM, name: "tool", scope: "write" });
    await expectDomainError(
      f.ledger.createDataset(reader, { slug: "dogs", itemCount: 10 }),
      "forbidden",
      "only leads and admins can add datasets; you are an annotator",
    );
    await expectDomainError(
      f.ledger.setRole(writer, ANA.userId, "LEAD"),
      "forbidden",
      /only admins can .*; you are a lead$/,
    );
    expect((await f.ledger.createDataset(writer, { slug: "dogs", itemCount: 10 })).dataset.slug).toBe("dogs");
  });

  it("keeps the ledger consistent under a thousand concurrent reports of items done on overlapping items", async () => {
    const writer = integrationActor({ teamId: TEAM, name: "tool", scope: "write" });
    const a = (await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 100 })).assignment.ref;
    const b = (await f.ledger.claim(BOB, { dataset: "cats", first: 101, last: 200 })).assignment.ref;
    // Items 1–250 reported in overlapping windows of 5, 1,000 reports at once.
    const reports = Array.from({ length: 1000 }, (_, i) => {
      const start = 1 + ((i * 7) % 246);
      return [start, start + 1, start + 2, start + 3, start + 4];
    });
    const results = await Promise.allSettled(reports.map((items) => f.ledger.reportItemsDone(writer, "cats", items)));
    const refused = results.filter((r) => r.status === "rejected");
    // Lost races are refused as conflicts (nothing changed) and may be sent again; none is anything else.
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
    const applied = reports.filter((_, i) => results[i]!.status === "fulfilled");
    expect(applied.length).toBeGreaterThan(0);
    const reported = new Set(applied.flat());
    const inRange = (first: number, last: number) => [...reported].filter((i) => i >= first && i <= last).length;
    const rows = await f.prisma.assignment.findMany({ orderBy: { first: "asc" } });
    expect(rows.map((x) => [`A${x.id}`, x.itemsDone])).toEqual([
      [a, inRange(1, 100)],
      [b, inRange(101, 200)],
    ]);
    expect(await f.prisma.doneItem.count()).toBe(inRange(1, 200));
    // One audit event per range a report moved, no more.
    const moved = await f.prisma.auditEvent.count({ where: { action: "assignment.progress" } });
    expect(moved).toBeLessThanOrEqual(applied.length * 2);
    expect(moved).toBeGreaterThanOrEqual(2);
  });

  it("audits a token's creation and revocation with its name, scope and reason, and never the token", async () => {
    const made = await f.ledger.createToken(ADMIN, "tool", "write", { reason: "for CVAT" });
    await f.ledger.revokeToken(ADMIN, "tool", { reason: "leaked in a log" });
    const fields = ["actorId", "before", "after", "reason"] as const;
    expect(await auditOf(f, "token.create", fields)).toEqual([
      { actorId: ADMIN.userId, before: null, after: { name: "tool", scope: "write" }, reason: "for CVAT" },
    ]);
    expect(await auditOf(f, "token.revoke", fields)).toEqual([
      { actorId: ADMIN.userId, before: { name: "tool", scope: "write" }, after: null, reason: "leaked in a log" },
    ]);
    // Without a reason, the events say none.
    await f.ledger.createToken(ADMIN, "dash", "read");
    await f.ledger.revokeToken(ADMIN, "dash");
    expect((await auditOf(f, "token.create", ["reason"]))[1]).toEqual({ reason: null });
    expect((await auditOf(f, "token.revoke", ["reason"]))[1]).toEqual({ reason: null });
    const rows = JSON.stringify([
      ...(await auditOf(f, "token.create", ["before", "after", "reason"])),
      ...(await auditOf(f, "token.revoke", ["before", "after", "reason"])),
    ]);
    expect(rows).not.toContain(made.secret!);
    expect(rows).not.toContain(hashToken(made.secret!));
  });

  it("names the field a refusal is about, and tells a request key used for the other operation", async () => {
    const badName = await expectDomainError(f.ledger.createToken(ADMIN, "-tool", "read"), "invalid");
    expect(badName.details).toEqual({ field: "name" });
    await f.ledger.createToken(ADMIN, "tool", "read", { idempotencyKey: "k1" });
    const taken = await expectDomainError(
      f.ledger.createToken(ADMIN, "tool", "read"),
      "conflict",
      "a token named tool exists already (names are not used twice, revoked ones included); choose another name",
    );
    expect(taken.details).toEqual({ field: "name" });
    const missing = await expectDomainError(
      f.ledger.revokeToken(ADMIN, "nope"),
      "not_found",
      "there is no token named nope",
    );
    expect(missing.details).toEqual({ field: "name" });
    await expectKeyUsedFor(f.ledger.revokeToken(ADMIN, "tool", { idempotencyKey: "k1" }), "k1", "token.create");
    await f.ledger.revokeToken(ADMIN, "tool", { idempotencyKey: "k2" });
    await expectKeyUsedFor(
      f.ledger.createToken(ADMIN, "other", "read", { idempotencyKey: "k2" }),
      "k2",
      "token.revoke",
    );
    // The same revocation sent again is answered as it was, not refused as revoked already.
    expect((await f.ledger.revokeToken(ADMIN, "tool", { idempotencyKey: "k2" })).token.revokedAt).not.toBeNull();
  });

  it("derives the same signing secret from a token's hash in every version, since tools keep it", () => {
    // A change here would break every tool's webhook configured with a secret shown earlier.
    expect(signingSecretOf("0".repeat(64))).toBe("rks_c1WZajG9y_iIvDb4TY-_LgCuWNTxN3uwVTOkqpYEDTM");
    expect(hashToken("rk_x")).toBe("14ae315d80feaf35ddfa4664ed44b0875bc0697ea2f215e2413eaaee7cdedcdf");
  });

  it("accepts a body signed with a write token's signing secret, with or without sha256= and spaces, and refuses the rest", async () => {
    const made = await f.ledger.createToken(ADMIN, "cvat", "write");
    expect(made.signingSecret).toBe(signingSecretOf(hashToken(made.secret!)));
    const body = new TextEncoder().encode('{"event":"update:job"}');
    const hex = bodySignature(made.signingSecret!, body);
    const signed = (signature: string, name = "cvat", team = TEAM) =>
      f.ledger.authenticateSigned(team, name, body, signature);
    const lastUsed = async () => (await f.prisma.apiToken.findFirstOrThrow({ where: { name: "cvat" } })).lastUsedAt;

    // Refusals first: none of them counts as a use of the token.
    expect(await signed(hex.slice(1))).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed(`${hex}0`)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed("")).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed(bodySignature(made.signingSecret!, new TextEncoder().encode("{}")))).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    expect(await signed(bodySignature(made.secret!, body))).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed(`sha256= ${hex}`)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed(`x-sha256=${hex}`)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await signed(hex, "other")).toEqual({ ok: false, reason: "unknown" });
    expect(await signed(hex, "Not A Name")).toEqual({ ok: false, reason: "unknown" });
    expect(await signed(hex, "cvat", "T0OTHER")).toEqual({ ok: false, reason: "unknown" });

    // Hex is compared as CVAT sends it, in lowercase.
    expect(await signed(hex.toUpperCase())).toEqual({ ok: false, reason: "bad-signature" });
    expect(await lastUsed()).toBeNull();

    for (const signature of [hex, `sha256=${hex}`, `SHA256=${hex}`, `  sha256=${hex}\n`])
      expect(await signed(signature), signature).toMatchObject({
        ok: true,
        token: { name: "cvat", scope: "write", teamId: TEAM },
      });
    expect(await lastUsed()).toEqual(f.clock.now);

    await f.ledger.revokeToken(ADMIN, "cvat");
    expect(await signed(hex)).toEqual({ ok: false, reason: "revoked" });
  });

  it("are listed to their own workspace only, and a use is written at most once a minute", async () => {
    // the admin named at start-up is an admin of every workspace
    const elsewhere = actor(ADMIN.userId, { teamId: "T0OTHER" });
    await f.ledger.createToken(elsewhere, "theirs", "write");
    const mine = await f.ledger.createToken(ADMIN, "mine", "read");
    expect((await f.ledger.listTokens(ADMIN)).map((t) => [t.name, t.scope])).toEqual([["mine", "read"]]);
    expect((await f.ledger.listTokens(elsewhere)).map((t) => [t.name, t.scope])).toEqual([["theirs", "write"]]);

    const lastUsed = async () => (await f.prisma.apiToken.findFirstOrThrow({ where: { name: "mine" } })).lastUsedAt;
    const first = f.clock.now;
    await f.ledger.authenticateToken(mine.secret!);
    expect(await lastUsed()).toEqual(first);
    f.clock.now = new Date(first.getTime() + 60_000);
    await f.ledger.authenticateToken(mine.secret!);
    expect(await lastUsed()).toEqual(first);
    f.clock.now = new Date(first.getTime() + 60_001);
    await f.ledger.authenticateToken(mine.secret!);
    expect(await lastUsed()).toEqual(f.clock.now);
  });

  it("registers nobody who only asks to see the tokens", async () => {
    await expectDomainError(f.ledger.listTokens(actor("UNEW")), "forbidden");
    expect(await f.prisma.member.findUnique({ where: { teamId_userId: { teamId: TEAM, userId: "UNEW" } } })).toBeNull();
  });
});
