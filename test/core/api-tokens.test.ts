/**
 * Workspace API tokens and what a token may do: made by admins only, shown
 * once, found by hash, refused once revoked; a read token changes nothing, a
 * write token changes ranges under the ledger's rules, audited under its
 * name; a thousand concurrent reports of items done leave the ledger
 * consistent.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashToken, integrationActor } from "../../src/core/api-tokens.ts";
import {
  ADMIN,
  ANA,
  BOB,
  expectDomainError,
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
    await expectDomainError(f.ledger.createToken(ADMIN, "Tool!", "write"), "invalid", /cannot name a token/);
    const made = await f.ledger.createToken(ADMIN, "tool", "write", { idempotencyKey: "k1" });
    expect(made.secret).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect((await f.prisma.apiToken.findFirstOrThrow()).hash).toBe(hashToken(made.secret!));
    // The same request again: created already, and the token is not shown again (nothing keeps it).
    const again = await f.ledger.createToken(ADMIN, "tool", "write", { idempotencyKey: "k1" });
    expect(again).toMatchObject({ secret: null, token: { name: "tool" } });
    await expectDomainError(f.ledger.createToken(ADMIN, "tool", "read"), "conflict", /exists already/);

    const ok = await f.ledger.authenticateToken(made.secret!);
    expect(ok).toMatchObject({ ok: true, token: { name: "tool", scope: "write", teamId: TEAM } });
    expect((await f.prisma.apiToken.findFirstOrThrow()).lastUsedAt).toEqual(f.clock.now);
    expect(await f.ledger.authenticateToken("rk_unknown")).toEqual({ ok: false, reason: "unknown" });
    expect(await f.ledger.authenticateToken("not even a token")).toEqual({ ok: false, reason: "unknown" });

    await expectDomainError(f.ledger.revokeToken(LEAD, "tool"), "forbidden");
    await f.ledger.revokeToken(ADMIN, "tool");
    expect(await f.ledger.authenticateToken(made.secret!)).toEqual({ ok: false, reason: "revoked" });
    await expectDomainError(f.ledger.revokeToken(ADMIN, "tool"), "conflict", /revoked already/);
    await expectDomainError(f.ledger.revokeToken(ADMIN, "nope"), "not_found");
    expect((await f.ledger.listTokens(ADMIN)).map((t) => [t.name, t.revokedAt !== null])).toEqual([["tool", true]]);
    const audit = await f.prisma.auditEvent.findMany({
      where: { action: { startsWith: "token." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
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
});
