import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { DomainError, type DomainErrorCode } from "../../src/core/errors.ts";
import { Ledger } from "../../src/core/ledger/index.ts";
import type { Actor } from "../../src/core/types.ts";
import { Store } from "../../src/db/store.ts";
import type { AuditEvent } from "../../src/generated/prisma/client.ts";
import { createTestDatabase } from "./db.ts";

export const TEAM = "T0TEST";
export const actor = (userId: string, extra: Partial<Actor> = {}): Actor => ({ teamId: TEAM, userId, ...extra });
export const ADMIN = actor("UADMIN");
export const LEAD = actor("ULEAD");
export const LEAD2 = actor("ULEAD2");
export const REVIEWER = actor("UREV");
export const ANA = actor("UANA");
export const BOB = actor("UBOB");
export const CAL = actor("UCAL");

/** 2026-11-`day` at 10:00 UTC: the fixture's month (its clock starts on the 23rd). */
export const dayAt = (day: number): Date => new Date(Date.UTC(2026, 10, day, 10));

/** A controllable clock for the ledger under test. */
export class TestClock {
  now;

  constructor(now = new Date("2026-11-23T10:00:00Z")) {
    this.now = now;
  }
  advanceDays(days: number): void {
    this.now = new Date(this.now.getTime() + days * 86_400_000);
  }
}

export type LedgerFixture = Awaited<ReturnType<typeof ledgerFixture>>;

/** A ledger on a fresh test database with an admin, two leads and a reviewer set up. */
export async function ledgerFixture() {
  const db = await createTestDatabase();
  const clock = new TestClock();
  const ledger = new Ledger(new Store(db.prisma), {
    bootstrapAdmins: [ADMIN.userId],
    defaultCapacity: 1000,
    defaultTimezone: "UTC",
    clock: () => clock.now,
  });
  await ledger.setRole(ADMIN, LEAD.userId, "LEAD");
  await ledger.setRole(ADMIN, LEAD2.userId, "LEAD");
  await ledger.setRole(ADMIN, REVIEWER.userId, "REVIEWER");
  // The repositories outside any transaction, for tests of what they read and write on their own.
  const repos = ledger.ctx.store.read;
  return { db, prisma: db.prisma, ledger, repos, clock, dispose: () => db.dispose() };
}

/**
 * A fresh ledger fixture for each test of the file (with `once`, one for the
 * whole file), handed to `onReady` and disposed afterwards.
 */
export function useLedgerFixture(onReady: (f: LedgerFixture) => void, o: { once?: boolean } = {}): void {
  let f: LedgerFixture | undefined;
  (o.once ? beforeAll : beforeEach)(async () => {
    f = await ledgerFixture();
    onReady(f);
  });
  (o.once ? afterAll : afterEach)(async () => {
    await f?.dispose();
    f = undefined;
  });
}

/** Expects a domain error of `code` whose message matches `message`. */
export async function expectDomainError(
  p: Promise<unknown>,
  code: DomainErrorCode,
  message?: RegExp | string,
): Promise<DomainError> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, "expected the operation to be refused").toBeInstanceOf(DomainError);
  const d = error as DomainError;
  expect(d.code).toBe(code);
  if (message !== undefined) {
    if (typeof message === "string") expect(d.message).toBe(message);
    else expect(d.message).toMatch(message);
  }
  return d;
}

/** Expects `p` refused because `key` was first used for a request of another `kind`. */
export const expectKeyUsedFor = (p: Promise<unknown>, key: string, kind: string): Promise<DomainError> =>
  expectDomainError(p, "invalid", `request key ${key} was already used for a different request (${kind})`);

/** The audit events of `action` in the test team, oldest first, with only the `fields` a test compares. */
export async function auditOf<K extends keyof AuditEvent>(
  f: LedgerFixture,
  action: string,
  fields: readonly K[],
): Promise<Pick<AuditEvent, K>[]> {
  const rows = await f.prisma.auditEvent.findMany({ where: { teamId: TEAM, action }, orderBy: { id: "asc" } });
  return rows.map((e) => Object.fromEntries(fields.map((k) => [k, e[k]])) as Pick<AuditEvent, K>);
}
