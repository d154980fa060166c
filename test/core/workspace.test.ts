/**
 * The workspace's settings: what a new workspace starts with, each setting's
 * bounds from both sides with its sentence, who may change them, and the audit
 * event of each change.
 */
import { describe, expect, it } from "vitest";
import { isWorkspaceSettingKey, type WorkspaceSetting } from "../../src/core/ledger/workspace.ts";
import {
  ADMIN,
  ANA,
  auditOf,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const set = (setting: WorkspaceSetting, reason?: string) => f.ledger.configureWorkspace(ADMIN, setting, { reason });
const refused = (setting: WorkspaceSetting, message: string) => expectDomainError(set(setting), "invalid", message);
const audit = () => auditOf(f, "workspace.set", ["actorId", "before", "after", "reason"]);

describe("a workspace's settings", () => {
  it("start with the configured zone, 09:00–18:00 on weekdays, escalation after 2 days and stalls after 3", async () => {
    expect(await f.ledger.getWorkspace("T0NEW")).toEqual({
      teamId: "T0NEW",
      timezone: "UTC",
      timezoneIsDefault: true,
      hours: { start: 540, end: 1080, days: [1, 2, 3, 4, 5] },
      escalateAfterDays: 2,
      stalledAfterDays: 3,
    });
    expect(await f.prisma.workspace.count({ where: { id: "T0NEW" } })).toBe(1);
  });

  it("names its settings", () => {
    for (const k of ["timezone", "hours", "days", "escalate-after", "stalled-after"]) {
      expect(isWorkspaceSettingKey(k)).toBe(true);
    }
    for (const k of ["zone", "toString", "constructor", ""]) expect(isWorkspaceSettingKey(k)).toBe(false);
  });

  it("takes an IANA zone, and none for the configured default", async () => {
    const r = await set({ key: "timezone", value: "Europe/Berlin" });
    expect(r).toMatchObject({ key: "timezone", workspace: { timezone: "Europe/Berlin", timezoneIsDefault: false } });
    await refused(
      { key: "timezone", value: "Mars/Olympus" },
      '"Mars/Olympus" is not a time zone; use an IANA name such as Europe/Berlin',
    );
    expect((await set({ key: "timezone", value: null })).workspace).toMatchObject({
      timezone: "UTC",
      timezoneIsDefault: true,
    });
  });

  it("takes working hours that start before they end within one day, to the minute", async () => {
    expect((await set({ key: "hours", value: { start: 0, end: 1440 } })).workspace.hours).toEqual({
      start: 0,
      end: 1440,
      days: [1, 2, 3, 4, 5],
    });
    expect((await set({ key: "hours", value: { start: 600, end: 601 } })).workspace.hours.start).toBe(600);
    for (const value of [
      { start: -1, end: 600 },
      { start: 600, end: 600 },
      { start: 601, end: 600 },
      { start: 0, end: 1441 },
      { start: Number.NaN, end: 600 },
    ]) {
      await refused(
        { key: "hours", value },
        "working hours must start before they end, within one day (e.g. 09:00-18:00)",
      );
    }
  });

  it("takes working days of the week, once each and in order", async () => {
    expect((await set({ key: "days", value: [7, 1, 3, 1] })).workspace.hours.days).toEqual([1, 3, 7]);
    for (const value of [[], [0], [8], [1, 2.5]]) {
      await refused({ key: "days", value }, "working days must be at least one day of the week");
    }
  });

  it("takes escalation after 0 to 60 days and stalls after 1 to 60", async () => {
    for (const n of [0, 60])
      expect((await set({ key: "escalate-after", value: n })).workspace.escalateAfterDays).toBe(n);
    for (const n of [-1, 61, 1.5]) {
      await refused({ key: "escalate-after", value: n }, "escalate-after must be a whole number of days from 0 to 60");
    }
    for (const n of [1, 60]) expect((await set({ key: "stalled-after", value: n })).workspace.stalledAfterDays).toBe(n);
    for (const n of [0, 61, 1.5]) {
      await refused({ key: "stalled-after", value: n }, "stalled-after must be a whole number of days from 1 to 60");
    }
  });

  it("writes one workspace.set event per change with the setting before and after, and the reason", async () => {
    await set({ key: "timezone", value: "Asia/Tokyo" }, "the team moved");
    await set({ key: "timezone", value: null });
    await set({ key: "hours", value: { start: 480, end: 960 } });
    await set({ key: "days", value: [1, 2] });
    await set({ key: "escalate-after", value: 5 });
    await set({ key: "stalled-after", value: 7 });
    await refused({ key: "stalled-after", value: 0 }, "stalled-after must be a whole number of days from 1 to 60");
    const by = { actorId: ADMIN.userId };
    expect(await audit()).toEqual([
      { ...by, before: { timezone: null }, after: { timezone: "Asia/Tokyo" }, reason: "the team moved" },
      { ...by, before: { timezone: "Asia/Tokyo" }, after: { timezone: null }, reason: null },
      {
        ...by,
        before: { hours: { start: 540, end: 1080 } },
        after: { hours: { start: 480, end: 960 } },
        reason: null,
      },
      { ...by, before: { days: [1, 2, 3, 4, 5] }, after: { days: [1, 2] }, reason: null },
      { ...by, before: { "escalate-after": 2 }, after: { "escalate-after": 5 }, reason: null },
      { ...by, before: { "stalled-after": 3 }, after: { "stalled-after": 7 }, reason: null },
    ]);
  });

  it("keeps a request key to the change of settings it was first used for", async () => {
    await f.ledger.configureWorkspace(ADMIN, { key: "escalate-after", value: 4 }, { idempotencyKey: "k" });
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    await expectKeyUsedFor(
      f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 }, { idempotencyKey: "k" }),
      "k",
      "workspace.set",
    );
  });

  it("lets admins only change them, changing nothing otherwise", async () => {
    await expectDomainError(
      f.ledger.configureWorkspace(LEAD, { key: "escalate-after", value: 9 }),
      "forbidden",
      /change the workspace's settings/,
    );
    expect((await f.ledger.getWorkspace(TEAM)).escalateAfterDays).toBe(2);
    expect(await audit()).toEqual([]);
  });
});
