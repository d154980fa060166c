/**
 * The workspace and audit repositories' reads on their own: every workspace
 * in order with its settings only; the audit trail read past its end; and a
 * dataset's changes of some kinds since a time.
 */
import { describe, expect, it } from "vitest";
import { ANA, dayAt, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

describe("workspaces", () => {
  it("are all read by id, with their settings", async () => {
    for (const id of ["T0ZZZ", "T0AAA"]) await f.repos.workspaces.ensure(id);
    const all = await f.repos.workspaces.all();
    expect(all.map((w) => w.id)).toEqual(["T0AAA", TEAM, "T0ZZZ"]);
    expect(Object.keys(all[0]!).sort()).toEqual(
      ["escalateAfterDays", "id", "stalledAfterDays", "timezone", "workdayEnd", "workdayStart", "workdays"].sort(),
    );
    expect(all[0]).toEqual(await f.repos.workspaces.get("T0AAA"));
  });
});

describe("the audit trail", () => {
  it("read past its last event gives no events and nothing left over", async () => {
    const batch = await f.repos.audit.streamAfter({ txid: 2n ** 62n, afterId: 0n, afterXmin: 0n }, 10, TEAM);
    expect(batch.events).toEqual([]);
    expect(batch.leftMinTxid).toBeNull();
    expect(batch.xmin).toBeGreaterThan(0n);
  });

  it("gives a dataset's changes of the kinds asked since a time", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    const [cats, dogs] = [(await f.ledger.getDataset(TEAM, "cats")).id, (await f.ledger.getDataset(TEAM, "dogs")).id];
    const event = (datasetId: number, action: string, day: number, n: number) =>
      f.repos.audit.append({ teamId: TEAM, actorId: ANA.userId, action, datasetId, at: dayAt(day), after: { n } });
    await event(cats, "assignment.progress", 10, 1);
    await event(cats, "assignment.progress", 20, 2);
    await event(cats, "assignment.submit", 21, 3);
    await event(cats, "assignment.release", 22, 4);
    await event(dogs, "assignment.progress", 22, 5);
    const changes = await f.repos.audit.changesSince(cats, ["assignment.progress", "assignment.submit"], dayAt(20));
    expect(changes.map((c) => c.after).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)).toEqual([
      { n: 2 },
      { n: 3 },
    ]);
    expect(changes[0]).toEqual({ before: null, after: expect.anything() });
  });
});
