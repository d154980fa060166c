/**
 * The announcement repository on its own: each fact recorded once per
 * workspace, the keys told before among some, and the latest fact of a kind.
 */
import { describe, expect, it } from "vitest";
import { dayAt, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

const OTHER = "T0OTHER";
let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

describe("announcements", () => {
  it("record each fact once per workspace and say which keys were new", async () => {
    await f.repos.workspaces.ensure(OTHER);
    expect(
      await f.repos.announcements.announce(TEAM, [{ key: "a" }, { key: "b", detail: { n: 1 } }], dayAt(1)),
    ).toEqual(new Set(["a", "b"]));
    expect(await f.repos.announcements.announce(TEAM, [{ key: "b" }, { key: "c" }], dayAt(2))).toEqual(new Set(["c"]));
    expect(await f.repos.announcements.announce(OTHER, [{ key: "a" }], dayAt(2))).toEqual(new Set(["a"]));
    expect(await f.repos.announcements.announce(TEAM, [], dayAt(3))).toEqual(new Set());
  });

  it("tell which of some keys were told before in the workspace", async () => {
    await f.repos.workspaces.ensure(OTHER);
    await f.repos.announcements.announce(TEAM, [{ key: "a" }, { key: "b" }], dayAt(1));
    await f.repos.announcements.announce(OTHER, [{ key: "c" }], dayAt(1));
    expect(await f.repos.announcements.existing(TEAM, ["a", "c", "x"])).toEqual(new Set(["a"]));
    expect(await f.repos.announcements.existing(TEAM, [])).toEqual(new Set());
  });

  it("give the latest fact whose key starts with a prefix, with its detail", async () => {
    await f.repos.workspaces.ensure(OTHER);
    await f.repos.announcements.announce(TEAM, [{ key: "imbalance:1", detail: { spread: 3 } }], dayAt(2));
    await f.repos.announcements.announce(TEAM, [{ key: "imbalance:2", detail: { spread: 5 } }], dayAt(4));
    await f.repos.announcements.announce(TEAM, [{ key: "imbalance:0", detail: { spread: 1 } }], dayAt(3));
    await f.repos.announcements.announce(TEAM, [{ key: "stall:9" }], dayAt(5));
    await f.repos.announcements.announce(OTHER, [{ key: "imbalance:7" }], dayAt(6));
    expect(await f.repos.announcements.latestWithPrefix(TEAM, "imbalance:")).toEqual({
      key: "imbalance:2",
      detail: { spread: 5 },
      at: dayAt(4),
    });
    expect(await f.repos.announcements.latestWithPrefix(TEAM, "overdue:")).toBeNull();
  });
});
