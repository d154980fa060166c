/**
 * A job run's messages are those it wrote: written once by key, counted by the
 * run that wrote them, and all of them on a dry run, which writes nothing.
 * The facts a job tells (a range overdue, an imbalance) are told once.
 */
import { describe, expect, it } from "vitest";
import { enqueueDecided, tell } from "../../../src/core/jobs/decisions.ts";
import type { OutgoingMessage } from "../../../src/core/outbox.ts";
import { type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const dm = (key: string, user: string): OutgoingMessage => ({
  key,
  kind: "stalled_dm",
  to: { user },
  content: { text: `about ${key}` },
  workingHours: false,
});

const write = (messages: OutgoingMessage[], dryRun: boolean) =>
  f.ledger.ctx.store.transaction((r) => enqueueDecided(f.ledger.ctx, r, TEAM, messages, f.clock.now, dryRun));

const keysInOutbox = async () =>
  (await f.prisma.notification.findMany({ where: { teamId: TEAM }, orderBy: { dedupeKey: "asc" } })).map(
    (n) => n.dedupeKey,
  );

describe("a run's decided messages", () => {
  it("are returned in their order when this run wrote them all", async () => {
    await f.ledger.ctx.store.ensureWorkspace(TEAM);
    const decided = [dm("b", "UBOB"), dm("a", "UANA")];
    expect(await write(decided, false)).toEqual(decided);
    expect(await keysInOutbox()).toEqual(["a", "b"]);
  });

  it("leave out a message another run wrote first, which stays as that run wrote it", async () => {
    await f.ledger.ctx.store.ensureWorkspace(TEAM);
    await write([dm("a", "UANA")], false);
    const again = [dm("a", "UANA"), dm("c", "UCAL")];
    again[0] = { ...again[0]!, content: { text: "decided again" } };
    expect((await write(again, false)).map((m) => m.key)).toEqual(["c"]);
    const rows = await f.prisma.notification.findMany({ where: { teamId: TEAM }, orderBy: { dedupeKey: "asc" } });
    expect(rows.map((n) => [n.dedupeKey, (n.message as { text: string }).text])).toEqual([
      ["a", "about a"],
      ["c", "about c"],
    ]);
  });

  it("on a dry run are all returned, written or not, and nothing is written", async () => {
    await f.ledger.ctx.store.ensureWorkspace(TEAM);
    await write([dm("a", "UANA")], false);
    const decided = [dm("a", "UANA"), dm("b", "UBOB")];
    expect(await write(decided, true)).toEqual(decided);
    expect(await keysInOutbox()).toEqual(["a"]);
  });
});

describe("the facts a job tells", () => {
  const told = (keys: string[], dryRun: boolean) =>
    f.ledger.ctx.store.transaction((r) =>
      tell(
        r,
        TEAM,
        keys.map((key) => ({ key, detail: { about: key } })),
        f.clock.now,
        dryRun,
      ),
    );

  it("are new once: told again, they are left out, on a dry run too, which records nothing", async () => {
    await f.ledger.ctx.store.ensureWorkspace(TEAM);
    expect((await told(["overdue:A1", "overdue:A2"], false)).map((x) => x.key)).toEqual(["overdue:A1", "overdue:A2"]);
    expect((await told(["overdue:A2", "overdue:A3"], true)).map((x) => x.key)).toEqual(["overdue:A3"]);
    expect((await told(["overdue:A3", "overdue:A1"], false)).map((x) => x.key)).toEqual(["overdue:A3"]);
    expect(await told([], false)).toEqual([]);
    const rows = await f.prisma.announcement.findMany({ where: { teamId: TEAM }, orderBy: { key: "asc" } });
    expect(rows.map((a) => [a.key, a.detail])).toEqual([
      ["overdue:A1", { about: "overdue:A1" }],
      ["overdue:A2", { about: "overdue:A2" }],
      ["overdue:A3", { about: "overdue:A3" }],
    ]);
  });
});
