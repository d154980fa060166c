/**
 * The member repository's reads on their own: a workspace's members in order,
 * their capacities, the time zones known among some people, and who holds
 * which roles in a workspace and on one dataset; never another workspace's
 * or another dataset's.
 */
import { describe, expect, it } from "vitest";
import { ANA, BOB, CAL, LEAD, LEAD2, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

const OTHER = "T0OTHER";
let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

describe("a workspace's members", () => {
  it("are listed by user id, its own only", async () => {
    await f.repos.workspaces.ensure(OTHER);
    for (const id of ["UZED", "UAAA"]) await f.repos.members.ensure(TEAM, id);
    await f.repos.members.ensure(OTHER, "UOTHER");
    const ids = (await f.repos.members.list(TEAM)).map((m) => m.userId);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(["UAAA", "UZED", LEAD.userId]));
    expect(ids).not.toContain("UOTHER");
  });

  it("have their capacities read, each member's and only the workspace's", async () => {
    await f.repos.workspaces.ensure(OTHER);
    await f.repos.members.ensure(TEAM, ANA.userId);
    await f.repos.members.setCapacity(TEAM, ANA.userId, 300);
    await f.repos.members.ensure(OTHER, "UOTHER");
    const capacities = await f.repos.members.capacities(TEAM);
    const all = (await f.repos.members.list(TEAM)).map((m) => m.userId);
    expect(capacities.map((c) => c.userId).sort()).toEqual(all);
    expect(capacities).toContainEqual({ userId: ANA.userId, capacityPerWeek: 300 });
    expect(capacities).toContainEqual({ userId: LEAD.userId, capacityPerWeek: null });
  });

  it("have the time zones Slack reported for them, none for those without one nor for another workspace's", async () => {
    await f.repos.workspaces.ensure(OTHER);
    await f.repos.members.saveProfile(TEAM, ANA.userId, { displayName: "Ana", timezone: "Europe/Paris" });
    await f.repos.members.saveProfile(TEAM, BOB.userId, { displayName: "Bob", timezone: null });
    await f.repos.members.saveProfile(OTHER, CAL.userId, { displayName: "Cal", timezone: "Asia/Tokyo" });
    await f.repos.members.saveProfile(TEAM, "UFAR", { displayName: "Far", timezone: "Pacific/Auckland" });
    expect(await f.repos.members.timezones(TEAM, [ANA.userId, BOB.userId, ANA.userId, CAL.userId, "UNOBODY"])).toEqual(
      new Map([[ANA.userId, "Europe/Paris"]]),
    );
    expect(await f.repos.members.timezones(TEAM, [])).toEqual(new Map());
  });
});

describe("who holds a role", () => {
  const sorted = (rows: { userId: string; role: string }[]) =>
    [...rows].sort((a, b) => a.userId.localeCompare(b.userId));

  it("in a workspace: its members holding one of the roles asked", async () => {
    await f.repos.workspaces.ensure(OTHER);
    await f.repos.members.ensure(OTHER, "UOTHER");
    await f.repos.members.setRole(OTHER, "UOTHER", "LEAD");
    expect(sorted(await f.repos.members.holdingRoles(TEAM, ["LEAD"]))).toEqual([
      { userId: LEAD.userId, role: "LEAD" },
      { userId: LEAD2.userId, role: "LEAD" },
    ]);
    expect(sorted(await f.repos.members.holdingRoles(TEAM, ["REVIEWER", "LEAD"])).map((m) => m.role)).toEqual([
      "LEAD",
      "LEAD",
      "REVIEWER",
    ]);
  });

  it("on a dataset: those granted one of the roles asked on it, not on another dataset", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    const [cats, dogs] = [(await f.ledger.getDataset(TEAM, "cats")).id, (await f.ledger.getDataset(TEAM, "dogs")).id];
    for (const id of [ANA, BOB, CAL]) await f.repos.members.ensure(TEAM, id.userId);
    expect(await f.repos.members.setDatasetRole(TEAM, cats, ANA.userId, "REVIEWER")).toBeNull();
    expect(await f.repos.members.setDatasetRole(TEAM, cats, ANA.userId, "LEAD")).toBe("REVIEWER");
    await f.repos.members.setDatasetRole(TEAM, cats, BOB.userId, "REVIEWER");
    await f.repos.members.setDatasetRole(TEAM, dogs, CAL.userId, "LEAD");
    expect(await f.repos.members.holdingDatasetRoles(cats, ["LEAD"])).toEqual([{ userId: ANA.userId, role: "LEAD" }]);
    expect(sorted(await f.repos.members.holdingDatasetRoles(cats, ["LEAD", "REVIEWER"]))).toEqual([
      { userId: ANA.userId, role: "LEAD" },
      { userId: BOB.userId, role: "REVIEWER" },
    ]);
    expect(await f.repos.members.datasetRole(dogs, ANA.userId)).toBeNull();
  });
});
