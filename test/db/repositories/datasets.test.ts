/**
 * The dataset repository's reads on their own: found by id, listed by slug,
 * the datasets whose ranges changed lately (the most recent first, archived
 * ones left out), and who acknowledged which version of the instructions;
 * and the dataset's lock, on PostgreSQL with a second connection.
 */
import { describe, expect, it } from "vitest";
import { usingPostgres } from "../../support/db.ts";
import { whileAnotherHolds } from "../../support/late-commit.ts";
import { ANA, BOB, CAL, dayAt, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** Creates dataset `slug`; its id. */
const dataset = async (slug: string) =>
  (await f.ledger.createDataset(LEAD, { slug, itemCount: 1000 })) && (await f.ledger.getDataset(TEAM, slug)).id;

describe("datasets", () => {
  it("are found by id, and listed by slug with or without the archived ones", async () => {
    const zebra = await dataset("zebra");
    await dataset("apple");
    await dataset("mango");
    await f.repos.datasets.update(await dataset("berry"), { archived: true });
    expect(await f.repos.datasets.findById(zebra)).toMatchObject({ id: zebra, slug: "zebra", teamId: TEAM });
    expect(await f.repos.datasets.findById(zebra + 100)).toBeNull();
    expect((await f.repos.datasets.list(TEAM, false)).map((d) => d.slug)).toEqual(["apple", "mango", "zebra"]);
    expect((await f.repos.datasets.list(TEAM, true)).map((d) => d.slug)).toEqual(["apple", "berry", "mango", "zebra"]);
  });

  it("whose ranges changed since a time come the most recently changed first, not archived, up to the limit", async () => {
    const ids: Record<string, number> = {};
    for (const [slug, day] of [
      ["cats", 20],
      ["dogs", 22],
      ["emus", 10],
      ["owls", 21],
      ["bats", 23],
    ] as const) {
      ids[slug] = await dataset(slug);
      const { assignment } = await f.ledger.claim(ANA, { dataset: slug, first: 1, last: 10 });
      await f.prisma.assignment.update({ where: { id: assignment.id }, data: { updatedAt: dayAt(day) } });
    }
    // An older range of cats does not make it older.
    const { assignment } = await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
    await f.prisma.assignment.update({ where: { id: assignment.id }, data: { updatedAt: dayAt(12) } });
    await f.repos.datasets.update(ids.bats!, { archived: true });
    const recent = async (limit: number) =>
      (await f.repos.datasets.recentlyActive(TEAM, dayAt(15), limit)).map((d) => [d.slug, d.id]);
    expect(await recent(50)).toEqual([
      ["dogs", ids.dogs],
      ["owls", ids.owls],
      ["cats", ids.cats],
    ]);
    expect(await recent(2)).toEqual([
      ["dogs", ids.dogs],
      ["owls", ids.owls],
    ]);
    expect(await f.repos.datasets.recentlyActive("T0OTHER", dayAt(15), 50)).toEqual([]);
  });
});

describe("acknowledgements of instructions", () => {
  it("are kept per dataset, person and version, once", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    expect(await f.repos.datasets.acknowledgeInstruction(cats, ANA.userId, 1, dayAt(1))).toBe(true);
    expect(await f.repos.datasets.acknowledgeInstruction(cats, ANA.userId, 1, dayAt(2))).toBe(false);
    await f.repos.datasets.acknowledgeInstruction(cats, BOB.userId, 2, dayAt(1));
    await f.repos.datasets.acknowledgeInstruction(dogs, CAL.userId, 1, dayAt(1));
    await f.repos.datasets.acknowledgeInstruction(cats, "UNOTASKED", 1, dayAt(1));
    expect(await f.repos.datasets.hasAcknowledged(cats, ANA.userId, 1)).toBe(true);
    expect(await f.repos.datasets.hasAcknowledged(cats, ANA.userId, 2)).toBe(false);
    expect(await f.repos.datasets.hasAcknowledged(cats, CAL.userId, 1)).toBe(false);
    expect(await f.repos.datasets.acknowledgedAmong(cats, 1, [ANA.userId, BOB.userId, CAL.userId, "UNOBODY"])).toEqual(
      new Set([ANA.userId]),
    );
    expect(await f.repos.datasets.acknowledgedAmong(cats, 2, [ANA.userId, BOB.userId])).toEqual(new Set([BOB.userId]));
    expect(await f.repos.datasets.acknowledgedAmong(cats, 1, [])).toEqual(new Set());
  });
});

describe.skipIf(!usingPostgres())("the dataset's lock", () => {
  it("makes a claim of the next free items wait for another claim of the dataset, then take the items after it", async () => {
    const cats = await dataset("cats");
    const claim = whileAnotherHolds(
      f.db,
      async (r) => {
        await r.datasets.lock(cats);
        await r.assignments.create({
          teamId: TEAM,
          datasetId: cats,
          first: 1,
          last: 10,
          assigneeId: BOB.userId,
          assignedBy: BOB.userId,
          dueDate: null,
          note: null,
          createdAt: dayAt(23),
        });
      },
      () => f.ledger.claimNext(ANA, { dataset: "cats", size: 10 }),
    );
    expect((await claim).assignment).toMatchObject({ first: 11, last: 20, assigneeId: ANA.userId });
  });
});
