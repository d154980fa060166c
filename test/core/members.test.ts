/**
 * Members: roles granted workspace-wide or on one dataset, capacities, the
 * profile Slack reports, and what each change writes to the audit trail.
 */
import { describe, expect, it } from "vitest";
import { MAX_CAPACITY } from "../../src/core/ledger/members.ts";
import {
  ADMIN,
  actor,
  auditOf,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => {
  f = x;
});

const audit = (action: string) => auditOf(f, action, ["actorId", "datasetId", "before", "after"]);

const CAPACITY_SENTENCE = "capacity must be a whole number of items per week from 1 to 10,000,000";

describe("capacity", () => {
  it("takes 1 to 10,000,000 items a week (none of their own before: the default), returns the member and writes the change", async () => {
    const r = await f.ledger.setCapacity(LEAD, "UANA", 1);
    expect(r.member).toMatchObject({ teamId: TEAM, userId: "UANA", capacityPerWeek: 1 });
    expect(r.replayed).toBe(false);
    await f.ledger.setCapacity(LEAD, "UANA", MAX_CAPACITY);
    expect(await audit("member.capacity")).toEqual([
      {
        actorId: LEAD.userId,
        datasetId: null,
        before: { userId: "UANA", capacityPerWeek: null },
        after: { userId: "UANA", capacityPerWeek: 1 },
      },
      {
        actorId: LEAD.userId,
        datasetId: null,
        before: { userId: "UANA", capacityPerWeek: 1 },
        after: { userId: "UANA", capacityPerWeek: 10_000_000 },
      },
    ]);
  });

  it("refuses anything else with one sentence, changing nothing", async () => {
    for (const n of [0, -5, MAX_CAPACITY + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      await expectDomainError(f.ledger.setCapacity(LEAD, "UANA", n), "invalid", CAPACITY_SENTENCE);
    expect(await audit("member.capacity")).toEqual([]);
  });

  it("is a change of its own kind: a key used for a role cannot set a capacity", async () => {
    await f.ledger.setRole(ADMIN, "UANA", "REVIEWER", { idempotencyKey: "k1" });
    await expectKeyUsedFor(f.ledger.setCapacity(LEAD, "UANA", 50, { idempotencyKey: "k1" }), "k1", "member.role");
    await f.ledger.setCapacity(LEAD, "UANA", 50, { idempotencyKey: "k2" });
    await expectKeyUsedFor(f.ledger.setRole(ADMIN, "UANA", "LEAD", { idempotencyKey: "k2" }), "k2", "member.capacity");
    const again = await f.ledger.setCapacity(LEAD, "UANA", 50, { idempotencyKey: "k2" });
    expect(again).toMatchObject({ replayed: true, member: { userId: "UANA", capacityPerWeek: 50 } });
  });
});

describe("roles", () => {
  it("granted workspace-wide: returns the member and writes the role before and after", async () => {
    const r = await f.ledger.setRole(ADMIN, "UANA", "REVIEWER");
    expect(r).toMatchObject({ member: { userId: "UANA", role: "REVIEWER" }, dataset: null, role: "REVIEWER" });
    expect(await audit("member.role")).toContainEqual({
      actorId: ADMIN.userId,
      datasetId: null,
      before: { userId: "UANA", role: "ANNOTATOR" },
      after: { userId: "UANA", role: "REVIEWER" },
    });
  });

  it("of lead and admin are granted by admins only, saying so", async () => {
    await expectDomainError(
      f.ledger.setRole(LEAD, "UANA", "ADMIN"),
      "forbidden",
      "only admins can make someone admin; you are a lead",
    );
    await expectDomainError(
      f.ledger.setRole(LEAD, "UANA", "LEAD"),
      "forbidden",
      "only admins can make someone lead; you are a lead",
    );
    expect(await audit("member.role")).not.toContainEqual(
      expect.objectContaining({ after: expect.objectContaining({ userId: "UANA" }) }),
    );
  });

  it("granted on one dataset: names the dataset and writes the dataset's role before and after", async () => {
    const { dataset } = await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    const r = await f.ledger.setRole(ADMIN, "UANA", "LEAD", { dataset: "cats" });
    expect(r).toMatchObject({ member: { userId: "UANA", role: "ANNOTATOR" }, dataset: "cats", role: "LEAD" });
    await f.ledger.setRole(ADMIN, "UANA", "REVIEWER", { dataset: "cats" });
    expect(await audit("member.dataset_role")).toEqual([
      {
        actorId: ADMIN.userId,
        datasetId: dataset.id,
        before: { userId: "UANA", role: null },
        after: { userId: "UANA", role: "LEAD" },
      },
      {
        actorId: ADMIN.userId,
        datasetId: dataset.id,
        before: { userId: "UANA", role: "LEAD" },
        after: { userId: "UANA", role: "REVIEWER" },
      },
    ]);
    expect(await f.ledger.effectiveRole(actor("UANA"), dataset.id)).toBe("REVIEWER");
    expect(await f.ledger.effectiveRole(actor("UANA"))).toBe("ANNOTATOR");
  });
});

describe("members as Slack reports them", () => {
  it("keeps a display name and a time zone, and a zone that is none as no zone", async () => {
    expect(await f.ledger.updateProfile(TEAM, "UANA", { displayName: "Ana", timezone: "Asia/Tokyo" })).toMatchObject({
      userId: "UANA",
      displayName: "Ana",
      timezone: "Asia/Tokyo",
    });
    expect(
      await f.ledger.updateProfile(TEAM, "UANA", { displayName: null, timezone: "Mars/Olympus_Mons" }),
    ).toMatchObject({
      displayName: null,
      timezone: null,
    });
    expect(await f.ledger.updateProfile(TEAM, "UBOB", {})).toMatchObject({
      userId: "UBOB",
      displayName: null,
      timezone: null,
    });
  });

  it("reads a member with their effective role, registering them; a plain look registers nobody", async () => {
    const before = (await f.ledger.listMembers(TEAM)).map((m) => m.userId);
    expect(before).not.toContain("UCAL");
    expect(await f.ledger.effectiveRole(actor("UCAL"))).toBe("ANNOTATOR");
    await expectDomainError(f.ledger.authorizeJobs(actor("UCAL"), "view"), "forbidden");
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).not.toContain("UCAL");
    expect(await f.ledger.getMember(actor("UCAL"))).toMatchObject({
      userId: "UCAL",
      role: "ANNOTATOR",
      effectiveRole: "ANNOTATOR",
    });
    expect((await f.ledger.listMembers(TEAM)).map((m) => m.userId)).toContain("UCAL");
    expect(await f.ledger.getMember(LEAD)).toMatchObject({ userId: LEAD.userId, role: "LEAD", effectiveRole: "LEAD" });
  });

  it("lets leads see the jobs and only admins run one", async () => {
    await f.ledger.authorizeJobs(LEAD, "view");
    await f.ledger.authorizeJobs(ADMIN, "run");
    await expectDomainError(f.ledger.authorizeJobs(LEAD, "run"), "forbidden");
  });
});
