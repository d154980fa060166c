/**
 * An annotation tool's event as the core applies it, once its payload has
 * been read: the tool's numbers mapped to the dataset's items (and the rest
 * given back), items done counted in the ranges holding them, labels and gold
 * answers recorded, and a sentence for each thing not done. The webhooks'
 * payloads themselves are tested in test/api/hooks.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { integrationActor } from "../../src/core/api-tokens.ts";
import type { ToolEvent } from "../../src/core/tool-events.ts";
import { parseDatasetSetting } from "../../src/slack/parse/settings.ts";
import { ANA, BOB, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
const tool = integrationActor({ teamId: TEAM, name: "tools", scope: "write" });

beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 30 });
});
afterEach(async () => {
  await f.dispose();
});

const set = async (slug: string, key: string, value: string) => {
  const p = parseDatasetSetting(key, value);
  if (!p.ok) throw new Error(p.problem);
  return f.ledger.configureDataset(LEAD, slug, p.setting);
};

let events = 0;
/** A Label Studio event of project 2 (tasks 101–130 are the items 1–30 of cats, once linked). */
const event = (numbers: [number, number][], over: Partial<ToolEvent> = {}): ToolEvent => ({
  tool: "label-studio",
  project: 2,
  numbers: numbers.map(([first, last]) => ({ first, last })),
  toolUser: "7",
  label: null,
  gold: false,
  eventKey: `event-${++events}`,
  ...over,
});

const itemsDone = async () =>
  (await f.prisma.assignment.findMany({ orderBy: { first: "asc" } })).map((a) => [a.first, a.itemsDone]);

describe("a tool's event", () => {
  it("is refused, saying how to link one, when no dataset is linked to the project or task", async () => {
    await expectDomainError(
      f.ledger.applyToolEvent(tool, event([[101, 101]])),
      "not_found",
      "no dataset is linked to Label Studio project 2; a lead links one with /ledger dataset set <dataset> label-studio project=2 first-task=<task id of item 1>",
    );
    await expectDomainError(
      f.ledger.applyToolEvent(tool, event([[0, 3]], { tool: "cvat", project: 15 })),
      "not_found",
      "no dataset is linked to CVAT task 15; a lead links one with /ledger dataset set <dataset> cvat 15@<item of frame 0>",
    );
  });

  it("maps the tool's numbers to the dataset's items and gives back those outside it, to the edge", async () => {
    await set("cats", "label-studio", "project=2 first-task=101");
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 30 });
    // Task 100 would be item 0, task 131 item 31: neither is in cats.
    const r = await f.ledger.applyToolEvent(
      tool,
      event([
        [98, 102],
        [129, 132],
      ]),
    );
    expect(r).toMatchObject({
      dataset: "cats",
      items: [
        { first: 1, last: 2 },
        { first: 29, last: 30 },
      ],
      outside: [
        { first: 98, last: 100 },
        { first: 131, last: 132 },
      ],
      notOpen: [],
      unheld: [],
    });
    expect(r.changed.map((a) => [a.ref, a.itemsDone])).toEqual([["A1", 4]]);
    expect(await itemsDone()).toEqual([[1, 4]]);
  });

  it("changes nothing and says so when none of its numbers is an item of the dataset", async () => {
    await set("cats", "label-studio", "project=2 first-task=101");
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 30 });
    const r = await f.ledger.applyToolEvent(tool, event([[1, 100]], { label: "cat" }));
    expect(r).toEqual({
      dataset: "cats",
      items: [],
      outside: [{ first: 1, last: 100 }],
      changed: [],
      notOpen: [],
      unheld: [],
      labels: 0,
      goldAnswers: 0,
      annotator: null,
      notes: [],
    });
    expect(await itemsDone()).toEqual([[1, 0]]);
    expect(await f.prisma.auditEvent.count({ where: { actorId: tool.userId } })).toBe(0);
  });

  it("counts items in open ranges, gives back those in review and those nobody holds", async () => {
    await set("cats", "cvat", "15@1"); // frame 0 of task 15 is item 1
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const b = (await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 12 })).assignment.ref;
    await f.ledger.setProgress(BOB, b, 2);
    await f.ledger.submit(BOB, b);
    const r = await f.ledger.applyToolEvent(tool, event([[4, 14]], { tool: "cvat", project: 15, toolUser: null }));
    expect(r.items).toEqual([{ first: 5, last: 15 }]);
    expect(r.changed.map((a) => [a.ref, a.itemsDone, a.status])).toEqual([["A1", 6, "IN_PROGRESS"]]);
    expect(r.notOpen).toEqual([{ ref: b, items: [{ first: 11, last: 12 }] }]);
    expect(r.unheld).toEqual([{ first: 13, last: 15 }]);
    expect(r).toMatchObject({ labels: 0, annotator: null, notes: [] });
  });

  it("records the label as the linked annotator's, and says why not when the tool user is unknown or not named", async () => {
    await set("cats", "label-studio", "project=2 first-task=101");
    await set("cats", "tool-users", "label-studio:7=<@UANA|ana>");
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const labels = () => f.prisma.itemLabel.findMany({ select: { item: true, annotatorId: true, label: true } });

    const linked = await f.ledger.applyToolEvent(tool, event([[101, 102]], { label: "cat" }));
    expect(linked).toMatchObject({ annotator: "UANA", labels: 2, notes: [] });
    expect(await labels()).toEqual([
      { item: 1, annotatorId: "UANA", label: "cat" },
      { item: 2, annotatorId: "UANA", label: "cat" },
    ]);

    const unknown = await f.ledger.applyToolEvent(tool, event([[103, 103]], { label: "dog", toolUser: "8" }));
    expect(unknown).toMatchObject({
      annotator: null,
      labels: 0,
      notes: [
        "label-studio user 8 is not linked to a Slack user (/ledger dataset set cats tool-users label-studio:8=@name): the label was not recorded",
      ],
    });
    const unnamed = await f.ledger.applyToolEvent(tool, event([[104, 104]], { label: "dog", toolUser: null }));
    expect(unnamed).toMatchObject({
      annotator: null,
      labels: 0,
      notes: ["the event does not say who labelled: the label was not recorded"],
    });
    // Without a label there is nothing to say about one.
    expect(await f.ledger.applyToolEvent(tool, event([[105, 105]], { toolUser: "8" }))).toMatchObject({
      labels: 0,
      notes: [],
    });
    expect(await labels()).toHaveLength(2);
    // Each event's items were counted, labelled or not.
    expect(await itemsDone()).toEqual([[1, 5]]);
  });

  it("records gold answers only for gold items, naming the others, and counts no work", async () => {
    await set("cats", "label-studio", "project=2 first-task=101");
    await set("cats", "gold", "2-3 7");
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const answers = () =>
      f.prisma.goldAnswer.findMany({ select: { item: true, label: true }, orderBy: { item: "asc" } });

    const r = await f.ledger.applyToolEvent(tool, event([[101, 106]], { gold: true, label: "cat" }));
    expect(r).toMatchObject({
      items: [{ first: 1, last: 6 }],
      goldAnswers: 2,
      labels: 0,
      changed: [],
      notes: ["items 1, 4-6 are not gold items of cats: their answer was not recorded"],
    });
    expect(await answers()).toEqual([
      { item: 2, label: "cat" },
      { item: 3, label: "cat" },
    ]);

    // Only gold items: nothing to say. No gold item: nothing recorded, and no refusal.
    expect(await f.ledger.applyToolEvent(tool, event([[107, 107]], { gold: true, label: "dog" }))).toMatchObject({
      goldAnswers: 1,
      notes: [],
    });
    expect(await f.ledger.applyToolEvent(tool, event([[108, 109]], { gold: true, label: "dog" }))).toMatchObject({
      goldAnswers: 0,
      notes: ["items 8-9 are not gold items of cats: their answer was not recorded"],
    });
    expect(await f.ledger.applyToolEvent(tool, event([[102, 102]], { gold: true, label: null }))).toMatchObject({
      goldAnswers: 0,
      notes: ["a gold answer without a label: nothing recorded"],
    });
    expect(await answers()).toHaveLength(3);
    expect(await itemsDone()).toEqual([[1, 0]]);
    // Delivered again: answered as before, recorded once.
    const again = event([[102, 103]], { gold: true, label: "bird", eventKey: "gold-again" });
    const first = await f.ledger.applyToolEvent(tool, again);
    expect(await f.ledger.applyToolEvent(tool, again)).toEqual(first);
    expect(await f.prisma.auditEvent.count({ where: { action: "gold.record" } })).toBe(3);
  });

  it("changes things once however often it is delivered, and each event of each tool once", async () => {
    await set("cats", "label-studio", "project=2 first-task=101");
    await set("cats", "cvat", "2@1");
    await set("cats", "tool-users", "label-studio:7=<@UANA|ana>");
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const once = event([[101, 102]], { label: "cat", eventKey: "same" });
    const first = await f.ledger.applyToolEvent(tool, once);
    expect(await f.ledger.applyToolEvent(tool, once)).toEqual(first);
    expect(await itemsDone()).toEqual([[1, 2]]);
    // The same key from the other tool is another event; so is another key from the same tool.
    await f.ledger.applyToolEvent(tool, event([[2, 2]], { tool: "cvat", project: 2, eventKey: "same" }));
    await f.ledger.applyToolEvent(tool, event([[104, 104]], { eventKey: "other" }));
    expect(await itemsDone()).toEqual([[1, 4]]);
    const audit = await f.prisma.auditEvent.findMany({ where: { actorId: tool.userId }, orderBy: { id: "asc" } });
    expect(audit.map((e) => e.action)).toEqual([
      "assignment.progress",
      "labels.record",
      "assignment.progress",
      "assignment.progress",
    ]);
  });

  it("reports more items than one report may hold in as many reports, each counted once", async () => {
    await f.ledger.createDataset(LEAD, { slug: "frames", itemCount: 12_000 });
    await set("frames", "cvat", "9@1");
    await f.ledger.claim(ANA, { dataset: "frames", first: 1, last: 12_000 });
    // Exactly two reports' worth: two reports, the second not followed by an empty one.
    const exact = await f.ledger.applyToolEvent(
      tool,
      event([[0, 9_999]], { tool: "cvat", project: 9, toolUser: null }),
    );
    expect(exact.changed.map((a) => a.itemsDone)).toEqual([5_000, 10_000]);
    const big = event([[0, 11_999]], { tool: "cvat", project: 9, toolUser: null });
    const r = await f.ledger.applyToolEvent(tool, big);
    expect(r.items).toEqual([{ first: 1, last: 12_000 }]);
    // One report per 5,000 items; the first two name items counted already.
    expect(r.changed.map((a) => a.itemsDone)).toEqual([12_000]);
    expect(await f.prisma.doneItem.count()).toBe(12_000);
    expect(await f.ledger.applyToolEvent(tool, big)).toEqual(r);
    expect(await f.prisma.auditEvent.count({ where: { actorId: tool.userId } })).toBe(3);
  });
});
