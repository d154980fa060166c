/**
 * The assignment repository's reads on their own, over rows written as is:
 * which ranges each read takes (workspace, dataset, person, status, dates,
 * archived datasets), in which order, with which columns; the free spans the
 * trigger keeps; and the items reported done, each once.
 */
import { describe, expect, it } from "vitest";
import type { AssignmentStatus } from "../../../src/db/records.ts";
import type { NewAssignmentRecord } from "../../../src/db/repositories/index.ts";
import { ANA, BOB, CAL, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

const OTHER = "T0OTHER";
let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

/** 2026-11-`day` at 00:00 UTC (a due date), plus `hours`. */
const day = (d: number, hours = 0) => new Date(Date.UTC(2026, 10, d, hours));

/** Creates dataset `slug` (archived when asked); its id. */
async function dataset(slug: string, o: { archived?: boolean; itemCount?: number } = {}): Promise<number> {
  await f.ledger.createDataset(LEAD, { slug, itemCount: o.itemCount ?? 1000 });
  const id = (await f.ledger.getDataset(TEAM, slug)).id;
  if (o.archived) await f.repos.datasets.update(id, { archived: true });
  return id;
}

/** Writes a range as is (ANA's, pending, on day 1, unless told otherwise); its id. */
async function range(
  datasetId: number,
  first: number,
  last: number,
  o: Partial<NewAssignmentRecord> & { status?: AssignmentStatus; reviewRound?: number } = {},
): Promise<number> {
  const { reviewRound, ...fields } = o;
  const a = await f.repos.assignments.create({
    teamId: TEAM,
    datasetId,
    first,
    last,
    assigneeId: ANA.userId,
    assignedBy: ANA.userId,
    dueDate: null,
    note: null,
    createdAt: day(1),
    ...fields,
  });
  if (reviewRound !== undefined) await f.repos.assignments.update(a.id, { reviewRound });
  return a.id;
}

describe("ranges due", () => {
  it("are the open ranges of the workspace due before a date, in datasets not archived, the earliest due first", async () => {
    const cats = await dataset("cats");
    const old = await dataset("old", { archived: true });
    const late = await range(cats, 1, 10, { dueDate: day(20) });
    const earlier = await range(cats, 11, 20, { dueDate: day(18), status: "IN_PROGRESS" });
    const sameDayAfter = await range(cats, 21, 30, { dueDate: day(20), status: "CHANGES_REQUESTED" });
    await range(cats, 31, 40, { dueDate: day(21) }); // due that day: not before it
    await range(cats, 41, 50, { dueDate: day(10), status: "IN_REVIEW" });
    await range(cats, 51, 60, { dueDate: day(10), status: "COMPLETED" });
    await range(cats, 61, 70, { dueDate: null });
    await range(old, 1, 10, { dueDate: day(10) });
    // A later change of its items (indexed columns: new index entries) moves the first row last in the table.
    await f.repos.assignments.update(late, { last: 9 });
    const due = await f.repos.assignments.openDueBefore(TEAM, day(21));
    expect(due.map((a) => a.id)).toEqual([earlier, late, sameDayAfter]);
    expect(due[0]!.dataset).toStrictEqual({ id: cats, slug: "cats", title: "cats", itemNoun: "item", channelId: null });
    expect(await f.repos.assignments.openDueBefore(OTHER, day(21))).toEqual([]);
  });
});

describe("idle ranges", () => {
  it("are those in progress with no progress since a time (or, never reported, started before it), the longest idle first", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const old = await dataset("old", { archived: true });
    const at = (d: number) => ({ status: "IN_PROGRESS" as const, startedAt: day(1), lastProgressAt: day(d) });
    const a = await range(cats, 1, 10, at(9));
    const b = await range(cats, 11, 20, at(5));
    const tie = await range(cats, 31, 40, at(5));
    await f.repos.assignments.update(b, { last: 19 });
    const never = await range(dogs, 1, 10, { status: "IN_PROGRESS", startedAt: day(8), lastProgressAt: null });
    const exactly = await range(dogs, 11, 20, at(10));
    await range(dogs, 21, 30, at(11)); // reported after
    await range(dogs, 31, 40, { status: "IN_PROGRESS", startedAt: day(11), lastProgressAt: null }); // started after
    await range(cats, 21, 30, { ...at(2), status: "PENDING" });
    await range(old, 1, 10, at(2));
    const idle = await f.repos.assignments.inProgressIdleSince(TEAM, day(10));
    expect(idle.map((r) => r.id)).toEqual([b, tie, a, exactly, never]);
    expect(idle[0]!.dataset).toStrictEqual({
      id: cats,
      slug: "cats",
      title: "cats",
      itemNoun: "item",
      channelId: null,
    });
    expect(await f.repos.assignments.idleCountByDataset(TEAM, day(10))).toEqual(
      new Map([
        [cats, 3],
        [dogs, 2],
      ]),
    );
    expect(await f.repos.assignments.idleCountByDataset(OTHER, day(10))).toEqual(new Map());
  });
});

describe("a person's ranges", () => {
  it("open in a dataset are the pending, in progress and sent back ones, by id", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const open = [
      await range(cats, 1, 10, { status: "IN_PROGRESS" }),
      await range(cats, 11, 20),
      await range(cats, 21, 30, { status: "CHANGES_REQUESTED" }),
    ];
    for (const [i, status] of (["IN_REVIEW", "COMPLETED", "RELEASED"] as const).entries())
      await range(cats, 31 + 10 * i, 40 + 10 * i, { status });
    await range(cats, 61, 70, { assigneeId: BOB.userId });
    await range(dogs, 1, 10);
    await f.repos.assignments.update(open[0]!, { status: "PENDING", last: 9 });
    expect((await f.repos.assignments.openOf(cats, ANA.userId)).map((a) => a.id)).toEqual(open);
  });

  it("ever held are all of theirs in the workspace, released too, oldest first", async () => {
    const cats = await dataset("cats");
    const ids = [await range(cats, 1, 10, { status: "RELEASED" }), await range(cats, 11, 20)];
    await range(cats, 21, 30, { assigneeId: BOB.userId });
    await f.repos.assignments.update(ids[0]!, { itemsDone: 1 });
    expect((await f.repos.assignments.ofAssignee(TEAM, ANA.userId)).map((a) => a.id)).toEqual(ids);
    expect(await f.repos.assignments.ofAssignee(OTHER, ANA.userId)).toEqual([]);
  });

  it("submitted before are counted, leaving out the range asked about and other people's and datasets'", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const self = await range(cats, 1, 10, { reviewRound: 1 });
    await range(cats, 11, 20, { reviewRound: 2 });
    await range(cats, 21, 30, { reviewRound: 0 });
    await range(cats, 31, 40, { reviewRound: 1, assigneeId: BOB.userId });
    await range(dogs, 1, 10, { reviewRound: 1 });
    expect(await f.repos.assignments.submittedBefore(cats, ANA.userId, self)).toBe(1);
  });
});

describe("workload", () => {
  it("counts the items left in each person's open ranges of the workspace", async () => {
    const cats = await dataset("cats");
    await range(cats, 1, 10, { itemsDone: 4, status: "IN_PROGRESS" });
    await range(cats, 11, 30, { status: "CHANGES_REQUESTED", itemsDone: 20 });
    await range(cats, 31, 35, { assigneeId: BOB.userId });
    await range(cats, 36, 40, { assigneeId: CAL.userId, status: "IN_REVIEW" });
    expect(await f.repos.assignments.remainingByAssignee(TEAM)).toEqual(
      new Map([
        [ANA.userId, 6],
        [BOB.userId, 5],
      ]),
    );
  });

  it("names who worked on each dataset: a range held now, or not released and changed since a time", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const held = await range(cats, 41, 50, { assigneeId: "UHELD" });
    await f.prisma.assignment.update({ where: { id: held }, data: { updatedAt: day(2) } }); // held, not changed lately
    await range(cats, 1, 10);
    await range(cats, 11, 20); // ANA twice in cats: once
    await range(cats, 21, 30, { assigneeId: BOB.userId, status: "COMPLETED" }); // changed now: since
    const calOld = await range(dogs, 1, 10, { assigneeId: CAL.userId, status: "COMPLETED" });
    await f.prisma.assignment.update({ where: { id: calOld }, data: { updatedAt: day(2) } });
    await range(dogs, 11, 20, { assigneeId: BOB.userId, status: "RELEASED" });
    const active = await f.repos.assignments.activeAssignees(TEAM, day(5));
    expect(active.map((a) => `${a.datasetId}:${a.assigneeId}`).sort()).toEqual(
      [`${cats}:${ANA.userId}`, `${cats}:${BOB.userId}`, `${cats}:UHELD`].sort(),
    );
    expect(Object.keys(active[0]!).sort()).toEqual(["assigneeId", "datasetId"]);
  });

  it("reads a dataset's live ranges and a workspace's open and in-review ones with the columns workload needs", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const statuses = ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED", "IN_REVIEW", "COMPLETED", "RELEASED"] as const;
    const ids = {} as Record<(typeof statuses)[number], number>;
    for (const [i, status] of statuses.entries()) ids[status] = await range(cats, 10 * i + 1, 10 * i + 10, { status });
    await range(dogs, 1, 10);
    const sortedIds = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);
    const live = await f.repos.assignments.liveLoad(cats);
    expect(sortedIds(live)).toEqual(
      statuses
        .filter((s) => s !== "RELEASED")
        .map((s) => ids[s])
        .sort((a, b) => a - b),
    );
    expect(Object.keys(live[0]!).sort()).toEqual(
      ["assigneeId", "dueDate", "first", "id", "itemsDone", "last", "lastProgressAt", "startedAt", "status"].sort(),
    );
    expect((await f.repos.assignments.openLoad(TEAM)).map((a) => a.status).sort()).toEqual([
      "CHANGES_REQUESTED",
      "IN_PROGRESS",
      "IN_REVIEW",
      "PENDING",
      "PENDING",
    ]);
    expect(await f.repos.assignments.openLoad(OTHER)).toEqual([]);
  });
});

describe("ranges by items", () => {
  it("overlapping a range are the live ones, lowest first, up to the limit", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const c = await range(cats, 50, 59);
    const a = await range(cats, 1, 10);
    const b = await range(cats, 20, 29);
    await range(cats, 30, 39, { status: "RELEASED" });
    await range(cats, 60, 70);
    await range(dogs, 1, 100);
    const over = async (first: number, last: number, limit?: number) =>
      (await f.repos.assignments.overlappingLive(cats, { first, last }, limit)).map((r) => r.id);
    expect(await over(10, 50)).toEqual([a, b, c]);
    expect(await over(10, 50, 2)).toEqual([a, b]);
    expect(await over(11, 19)).toEqual([]);
    expect(await over(30, 39)).toEqual([]);
  });

  it("holding some items are the live ranges that hold any of them, in item order, each once", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const high = await range(cats, 50, 59);
    const low = await range(cats, 1, 10);
    await range(cats, 20, 29, { status: "RELEASED" });
    await range(dogs, 1, 100);
    const holding = async (items: number[]) => (await f.repos.assignments.liveHolding(cats, items)).map((r) => r.id);
    expect(await holding([55, 3, 10, 1, 25, 99])).toEqual([low, high]);
    expect(await holding([25, 99])).toEqual([]);
    expect(await holding([])).toEqual([]);
  });

  it("reaching furthest past an item is the live range that ends last above it", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    await range(cats, 1, 10);
    const far = await range(cats, 40, 49);
    await range(cats, 20, 30);
    await range(cats, 60, 69, { status: "RELEASED" });
    await range(dogs, 1, 100);
    expect((await f.repos.assignments.liveReachingPast(cats, 5))?.id).toBe(far);
    expect((await f.repos.assignments.liveReachingPast(cats, 48))?.id).toBe(far);
    expect(await f.repos.assignments.liveReachingPast(cats, 49)).toBeNull();
  });

  it("of a dataset, released ones included, come in item order", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const second = await range(cats, 20, 29);
    const released = await range(cats, 1, 10, { status: "RELEASED" });
    const first = await range(cats, 1, 10);
    await f.repos.assignments.update(released, { last: 9 });
    await range(dogs, 1, 10);
    expect((await f.repos.assignments.allOfDataset(cats)).map((a) => a.id)).toEqual([released, first, second]);
  });
});

describe("free spans", () => {
  it("are what the live ranges leave, read lowest first, the lowest large enough, and the largest (the lowest of equals)", async () => {
    const cats = await dataset("cats", { itemCount: 100 });
    const dogs = await dataset("dogs", { itemCount: 100 });
    await range(cats, 11, 20); // free 1–10, 21–30, 41–100 … once the rest are written
    await range(cats, 31, 40);
    await range(cats, 61, 80); // free 41–60 and 81–100: twenty each
    await range(cats, 21, 25, { status: "RELEASED" });
    await range(dogs, 1, 100);
    expect(await f.repos.assignments.freeSpans(cats)).toStrictEqual([
      { first: 1, last: 10 },
      { first: 21, last: 30 },
      { first: 41, last: 60 },
      { first: 81, last: 100 },
    ]);
    expect(await f.repos.assignments.lowestFreeSpan(cats, 10)).toStrictEqual({ first: 1, last: 10 });
    expect(await f.repos.assignments.lowestFreeSpan(cats, 11)).toStrictEqual({ first: 41, last: 60 });
    expect(await f.repos.assignments.lowestFreeSpan(cats, 21)).toBeNull();
    expect(await f.repos.assignments.largestFreeSpan(cats)).toStrictEqual({ first: 41, last: 60 });
    expect(await f.repos.assignments.largestFreeSpan(dogs)).toBeNull();
    expect(await f.repos.assignments.freeSpans(dogs)).toEqual([]);
  });
});

describe("listing ranges", () => {
  it("filters by person, dataset and status, the nearest due date first and those without one last, up to the limit", async () => {
    const cats = await dataset("cats");
    const dogs = await dataset("dogs");
    const none = await range(cats, 1, 10);
    const later = await range(cats, 11, 20, { dueDate: day(20) });
    const sooner = await range(dogs, 1, 10, { dueDate: day(10), status: "IN_PROGRESS" });
    const bobs = await range(cats, 21, 30, { dueDate: day(5), assigneeId: BOB.userId });
    await range(cats, 31, 40, { dueDate: day(1), status: "COMPLETED" });
    const laterToo = await range(cats, 41, 50, { dueDate: day(20) });
    await f.repos.assignments.update(later, { last: 19 }); // its row now lies after laterToo's
    const list = async (q: { assigneeId?: string; dataset?: string; limit?: number }) =>
      (await f.repos.assignments.list(TEAM, { statuses: ["PENDING", "IN_PROGRESS"], limit: 50, ...q })).map(
        (a) => a.id,
      );
    expect(await list({})).toEqual([bobs, sooner, later, laterToo, none]);
    expect(await list({ assigneeId: ANA.userId })).toEqual([sooner, later, laterToo, none]);
    expect(await list({ dataset: "cats" })).toEqual([bobs, later, laterToo, none]);
    expect(await list({ assigneeId: ANA.userId, dataset: "cats", limit: 1 })).toEqual([later]);
    expect((await f.repos.assignments.list(TEAM, { statuses: ["PENDING"], limit: 50 }))[0]!.dataset).toStrictEqual({
      slug: "cats",
      itemNoun: "item",
    });
  });
});

describe("an assignment", () => {
  it("is found in its own workspace only, with its dataset", async () => {
    const cats = await dataset("cats");
    const id = await range(cats, 1, 10);
    expect(await f.repos.assignments.findInTeam(TEAM, id)).toMatchObject({ id, dataset: { slug: "cats" } });
    expect(await f.repos.assignments.findInTeam(OTHER, id)).toBeNull();
    expect(await f.repos.assignments.findInTeam(TEAM, id + 1)).toBeNull();
  });

  it("keeps each item reported done once, and counts them", async () => {
    const cats = await dataset("cats");
    const a = await range(cats, 1, 10);
    const b = await range(cats, 11, 20);
    expect(await f.repos.assignments.reportDone(a, [1, 2, 3])).toBe(3);
    expect(await f.repos.assignments.reportDone(a, [3, 4])).toBe(4);
    expect(await f.repos.assignments.reportDone(b, [11])).toBe(1);
  });
});
