/**
 * The inbox against a real database: a request written once (its replay
 * refused), held under a lease, taken over only from a dead holder or after
 * the lease, oldest first and a few at a time, released by a stopping
 * process, and forgotten a day after it was handled.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { INBOX_LEASE_MS, type Inbox } from "../../src/core/inbox.ts";
import { type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
let inbox: Inbox;
useLedgerFixture((x) => {
  f = x;
  inbox = x.ledger.inbox;
});

const HOUR = 3_600_000;
let n = 0;
const request = (signature: string | null = `v0=sig${++n}`, payload: unknown = { text: `next ${n}` }) => ({
  teamId: TEAM,
  userId: "UANA",
  kind: "command",
  signature,
  payload,
});

const rows = () => f.prisma.inboxRequest.findMany({ orderBy: { id: "asc" } });

describe("recording", () => {
  it("writes the request open, held by its process under a lease from now, and returns its id and time", async () => {
    const r = await inbox.record(request("v0=a", { text: "mine", nested: [1, "two"] }), "host:1");
    expect(r).toEqual({ id: expect.any(Number), receivedAt: f.clock.now });
    const [row] = await rows();
    expect(row).toMatchObject({
      id: r!.id,
      teamId: TEAM,
      userId: "UANA",
      kind: "command",
      signature: "v0=a",
      receivedAt: f.clock.now,
      heldBy: "host:1",
      leaseUntil: new Date(f.clock.now.getTime() + INBOX_LEASE_MS),
      attempts: 1,
      doneAt: null,
      outcome: null,
    });
    expect(JSON.parse(row!.payload)).toEqual({ text: "mine", nested: [1, "two"] });
    expect(INBOX_LEASE_MS).toBe(10 * 60_000);
    expect(await inbox.open()).toBe(1);
  });

  it("refuses a replay of the same signed request, and keeps the first", async () => {
    const first = await inbox.record(request("v0=same", { text: "first" }), "host:1");
    expect(first).not.toBeNull();
    expect(await inbox.record(request("v0=same", { text: "again" }), "host:2")).toBeNull();
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ heldBy: "host:1", payload: JSON.stringify({ text: "first" }) });
  });

  it("writes every request without a signature (Socket Mode), each with an id of its own", async () => {
    const a = await inbox.record(request(null), "host:1");
    const b = await inbox.record(request(null), "host:1");
    expect(a!.id).not.toBe(b!.id);
    expect(await inbox.open()).toBe(2);
  });
});

describe("finishing", () => {
  it("closes the request with its outcome, lets go of it, and counts it no more as open", async () => {
    const r = await inbox.record(request(), "host:1");
    f.clock.advanceDays(0.001);
    await inbox.finish(r!.id);
    const [row] = await rows();
    expect(row).toMatchObject({ doneAt: f.clock.now, outcome: "done", heldBy: null, leaseUntil: null });
    expect(await inbox.open()).toBe(0);
    expect(await inbox.holders()).toEqual([]);
  });

  it("keeps why a request was given up, and a second finish changes nothing", async () => {
    const r = await inbox.record(request(), "host:1");
    await inbox.finish(r!.id, "gave up: malformed");
    const first = (await rows())[0]!.doneAt;
    f.clock.advanceDays(1);
    await inbox.finish(r!.id, "done");
    expect((await rows())[0]).toMatchObject({ doneAt: first, outcome: "gave up: malformed" });
  });
});

describe("taking over", () => {
  let ids: number[];
  beforeEach(async () => {
    ids = [];
    for (const holder of ["alive:1", "dead:2", "alive:1", "dead:2"]) {
      ids.push((await inbox.record(request(), holder))!.id);
    }
  });

  it("takes the open requests of dead holders, oldest first, and counts the attempt under a new lease", async () => {
    const taken = await inbox.takeOver("new:3", ["dead:2"]);
    expect(taken.map((r) => r.id)).toEqual([ids[1], ids[3]]);
    expect(taken[0]).toMatchObject({
      teamId: TEAM,
      userId: "UANA",
      kind: "command",
      receivedAt: f.clock.now,
      attempts: 2,
    });
    expect(taken[0]!.payload).toEqual({ text: expect.stringMatching(/^next \d+$/) });
    const after = await rows();
    expect(after.map((r) => r.heldBy)).toEqual(["alive:1", "new:3", "alive:1", "new:3"]);
    expect(after[1]!.leaseUntil).toEqual(new Date(f.clock.now.getTime() + INBOX_LEASE_MS));
    expect(after[0]!.attempts).toBe(1);
  });

  it("leaves the requests of a living holder until their lease runs out", async () => {
    expect(await inbox.takeOver("new:3", [])).toEqual([]);
    f.clock.now = new Date(f.clock.now.getTime() + INBOX_LEASE_MS);
    expect(await inbox.takeOver("new:3", []), "a lease ending now has not run out").toEqual([]);
    f.clock.now = new Date(f.clock.now.getTime() + 1);
    const taken = await inbox.takeOver("new:3", []);
    expect(taken.map((r) => r.id)).toEqual(ids);
  });

  it("takes at most `limit` at a time, and the next look takes the rest", async () => {
    const first = await inbox.takeOver("new:3", ["alive:1", "dead:2"], 3);
    expect(first.map((r) => r.id)).toEqual(ids.slice(0, 3));
    const rest = await inbox.takeOver("new:4", ["alive:1", "dead:2"], 3);
    expect(
      rest.map((r) => r.id),
      "new:3 is alive: only the one it did not take",
    ).toEqual([ids[3]]);
    expect(await inbox.takeOver("new:5", ["alive:1", "dead:2"], 3)).toEqual([]);
  });

  it("never takes a request that was handled", async () => {
    await inbox.finish(ids[1]!);
    expect((await inbox.takeOver("new:3", ["dead:2"])).map((r) => r.id)).toEqual([ids[3]]);
  });

  it("names the processes holding open requests, each once", async () => {
    expect((await inbox.holders()).sort()).toEqual(["alive:1", "dead:2"]);
    await inbox.finish(ids[0]!);
    await inbox.finish(ids[2]!);
    expect(await inbox.holders()).toEqual(["dead:2"]);
  });
});

describe("a stopping process", () => {
  it("hands its open requests to whoever looks next, and says how many", async () => {
    const mine = [await inbox.record(request(), "me:1"), await inbox.record(request(), "me:1")];
    const done = await inbox.record(request(), "me:1");
    await inbox.finish(done!.id);
    await inbox.record(request(), "other:2");
    expect(await inbox.release("me:1")).toBe(2);
    expect(await inbox.holders()).toEqual(["other:2"]);
    const taken = await inbox.takeOver("next:3", []);
    expect(taken.map((r) => r.id)).toEqual(mine.map((r) => r!.id));
    expect(await inbox.release("me:1")).toBe(0);
  });
});

describe("purging", () => {
  it("forgets handled requests received more than a day ago, never open ones nor recent ones", async () => {
    const old = await inbox.record(request(), "host:1");
    await inbox.finish(old!.id);
    const oldOpen = await inbox.record(request(), "host:1");
    f.clock.now = new Date(f.clock.now.getTime() + HOUR);
    const recent = await inbox.record(request(), "host:1");
    await inbox.finish(recent!.id);
    f.clock.now = new Date(old!.receivedAt.getTime() + 24 * HOUR);
    expect(await inbox.purge(), "received exactly a day ago: kept").toBe(0);
    f.clock.now = new Date(f.clock.now.getTime() + 1);
    expect(await inbox.purge()).toBe(1);
    expect((await rows()).map((r) => r.id)).toEqual([oldOpen!.id, recent!.id]);
    f.clock.now = new Date(f.clock.now.getTime() + HOUR);
    expect(await inbox.purge()).toBe(1);
    expect((await rows()).map((r) => r.id)).toEqual([oldOpen!.id]);
  });
});
