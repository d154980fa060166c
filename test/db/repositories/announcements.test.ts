/**
 * The announcement repository on its own: each fact recorded once per
 * workspace, the keys told before among some, and the latest fact of a kind.
 */
import { describe, expect, it } from "vitest";
import type { Repositories } from "../../../src/db/repositories/index.ts";
import { type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

const OTHER = "T0OTHER";
let repos: Repositories;
useLedgerFixture((x: LedgerFixture) => {
  repos = x.ledger.ctx.store.read;
});

/** 2026-11-`day` at 10:00 UTC. */
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10));

describe("announcements", () => {
  it("record each fact once per workspace and say which keys were new", async () => {
    await repos.workspaces.ensure(OTHER);
    expect(await repos.announcements.announce(TEAM, [{ key: "a" }, { key: "b", detail: { n: 1 } }], at(1))).toEqual(
      new Set(["a", "b"]),
    );
    expect(await repos.announcements.announce(TEAM, [{ key: "b" }, { key: "c" }], at(2))).toEqual(new Set(["c"]));
    expect(await repos.announcements.announce(OTHER, [{ key: "a" }], at(2))).toEqual(new Set(["a"]));
    expect(await repos.announcements.announce(TEAM, [], at(3))).toEqual(new Set());
  });

  it("tell which of some keys were told before in the workspace", async () => {
    await repos.workspaces.ensure(OTHER);
    await repos.announcements.announce(TEAM, [{ key: "a" }, { key: "b" }], at(1));
    await repos.announcements.announce(OTHER, [{ key: "c" }], at(1));
    expect(await repos.announcements.existing(TEAM, ["a", "c", "x"])).toEqual(new Set(["a"]));
    expect(await repos.announcements.existing(TEAM, [])).toEqual(new Set());
  });

  it("give the latest fact whose key starts with a prefix, with its detail", async () => {
    await repos.workspaces.ensure(OTHER);
    await repos.announcements.announce(TEAM, [{ key: "imbalance:1", detail: { spread: 3 } }], at(2));
    await repos.announcements.announce(TEAM, [{ key: "imbalance:2", detail: { spread: 5 } }], at(4));
    await repos.announcements.announce(TEAM, [{ key: "imbalance:0", detail: { spread: 1 } }], at(3));
    await repos.announcements.announce(TEAM, [{ key: "stall:9" }], at(5));
    await repos.announcements.announce(OTHER, [{ key: "imbalance:7" }], at(6));
    expect(await repos.announcements.latestWithPrefix(TEAM, "imbalance:")).toEqual({
      key: "imbalance:2",
      detail: { spread: 5 },
      at: at(4),
    });
    expect(await repos.announcements.latestWithPrefix(TEAM, "overdue:")).toBeNull();
  });
});
