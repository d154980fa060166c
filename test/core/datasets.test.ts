/**
 * Datasets: the bounds of what a lead types when adding one or changing a
 * setting (each from both sides, with its sentence), what a new dataset takes
 * by default, and what each change writes to the audit trail.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_CATEGORIES,
  MAX_CATEGORY,
  MAX_GOLD_RUN,
  MAX_INSTRUCTIONS,
  MAX_TITLE,
  MAX_TOOL_ENTRIES,
} from "../../src/core/ledger/datasets.ts";
import type { DatasetSetting } from "../../src/core/ledger/settings.ts";
import { MAX_INT, MAX_ITEMS } from "../../src/core/limits.ts";
import { DEFAULT_ERROR_TAXONOMY } from "../../src/core/types.ts";
import {
  ADMIN,
  ANA,
  auditOf,
  BOB,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  LEAD2,
  type LedgerFixture,
  TEAM,
  useLedgerFixture,
} from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const audit = (action: string) => auditOf(f, action, ["actorId", "datasetId", "before", "after", "reason"]);
const cats = (itemCount = 1000) => f.ledger.createDataset(LEAD, { slug: "cats", itemCount });
const set = (setting: DatasetSetting, slug = "cats") => f.ledger.configureDataset(LEAD, slug, setting);
const refused = (setting: DatasetSetting, message: string, code: "invalid" | "conflict" = "invalid") =>
  expectDomainError(set(setting), code, message);

describe("adding a dataset", () => {
  it("takes names of 1–40 lowercase letters, digits and dashes, starting with a letter or digit", async () => {
    for (const slug of ["a", "9", "a".repeat(40), "street-scenes-2"]) {
      expect((await f.ledger.createDataset(LEAD, { slug, itemCount: 1 })).dataset.slug).toBe(slug);
    }
    for (const slug of ["", "-a", "a".repeat(41), "Cats", "a_b", "a b", "a\nb", "ä"]) {
      await expectDomainError(
        f.ledger.createDataset(LEAD, { slug, itemCount: 1 }),
        "invalid",
        `"${slug}" can't be a dataset name: use 1–40 lowercase letters, digits and dashes, starting with a letter or digit (e.g. street-scenes)`,
      );
    }
  });

  it("takes an item count from 1 to the most a dataset can have, and refuses one past either end", async () => {
    expect((await f.ledger.createDataset(LEAD, { slug: "one", itemCount: 1 })).dataset.itemCount).toBe(1);
    expect((await f.ledger.createDataset(LEAD, { slug: "max", itemCount: MAX_ITEMS })).dataset.itemCount).toBe(
      MAX_ITEMS,
    );
    for (const itemCount of [0, -1, MAX_ITEMS + 1, 1.5, Number.NaN, 2 ** 53]) {
      await expectDomainError(
        f.ledger.createDataset(LEAD, { slug: "bad", itemCount }),
        "invalid",
        "the item count must be a whole number from 1 to 100,000,000",
      );
    }
  });

  it("takes a batch size of at least 1, and refuses 0, a fraction or a negative one", async () => {
    expect((await f.ledger.createDataset(LEAD, { slug: "b1", itemCount: 10, batchSize: 1 })).dataset.batchSize).toBe(1);
    for (const batchSize of [0, -3, 2.5]) {
      await expectDomainError(
        f.ledger.createDataset(LEAD, { slug: "bad", itemCount: 10, batchSize }),
        "invalid",
        "the batch size must be a whole number of at least 1",
      );
    }
    expect(await f.prisma.dataset.count()).toBe(1);
  });

  it("defaults the title to the name, items to 'item', no channel, batches of 100 or fewer, and the default taxonomy", async () => {
    const { dataset } = await f.ledger.createDataset(LEAD, { slug: "small", itemCount: 40, title: "   " });
    expect(dataset).toMatchObject({
      slug: "small",
      title: "small",
      itemNoun: "item",
      channelId: null,
      batchSize: 40,
      archived: false,
      goldItems: [],
      errorTaxonomy: [...DEFAULT_ERROR_TAXONOMY],
      instructions: null,
    });
    expect((await f.ledger.createDataset(LEAD, { slug: "big", itemCount: 1000 })).dataset.batchSize).toBe(100);
  });

  it("keeps what it is given: a trimmed title cut at 200 characters, the noun, the channel, the batch size", async () => {
    expect(MAX_TITLE).toBe(200);
    const { dataset } = await f.ledger.createDataset(LEAD, {
      slug: "given",
      itemCount: 1000,
      title: `  ${"t".repeat(250)}  `,
      itemNoun: "frame",
      channelId: "C1",
      batchSize: 250,
    });
    expect(dataset).toMatchObject({ title: "t".repeat(200), itemNoun: "frame", channelId: "C1", batchSize: 250 });
  });

  it("writes one dataset.add event with the dataset as added", async () => {
    const { dataset } = await cats();
    expect(await audit("dataset.add")).toEqual([
      { actorId: LEAD.userId, datasetId: dataset.id, before: null, after: dataset, reason: null },
    ]);
  });

  it("refuses a name already taken in the workspace, and an annotator, changing nothing", async () => {
    await cats();
    await expectDomainError(cats(), "conflict", "a dataset named cats already exists");
    await expectDomainError(
      f.ledger.createDataset(ANA, { slug: "dogs", itemCount: 10 }),
      "forbidden",
      /only leads and admins can add datasets/,
    );
    expect(await f.prisma.dataset.count()).toBe(1);
    expect(await audit("dataset.add")).toHaveLength(1);
  });
});

describe("finding a dataset", () => {
  it("reads a name in any case, and names the datasets there are when it is unknown (ten at most, in order)", async () => {
    await cats();
    expect((await f.ledger.getDataset(TEAM, "CATS")).slug).toBe("cats");
    for (const slug of ["k", "j", "i", "h", "g", "f", "e", "d", "c", "b", "a"]) {
      await f.ledger.createDataset(LEAD, { slug, itemCount: 1 });
    }
    await set({ key: "archived", value: true }, "a");
    const e = await expectDomainError(
      f.ledger.getDataset(TEAM, "dogs"),
      "not_found",
      'there is no dataset "dogs"; datasets: b, c, cats, d, e, f, g, h, i, j',
    );
    expect(e.details).toEqual({ slug: "dogs" });
  });

  it("says a lead can add one when there is none", async () => {
    const e = await expectDomainError(
      f.ledger.getDataset(TEAM, "dogs"),
      "not_found",
      'there is no dataset "dogs"; a lead can add one',
    );
    expect(e.text).toEqual([
      'there is no dataset "dogs"; a lead can add one',
      { kind: "hint", hint: { kind: "add-dataset" } },
    ]);
  });

  it("lists the workspace's datasets, the archived ones only when asked", async () => {
    await cats();
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 5 });
    await set({ key: "archived", value: true }, "dogs");
    expect((await f.ledger.listDatasets(TEAM)).map((d) => d.slug)).toEqual(["cats"]);
    expect((await f.ledger.listDatasets(TEAM, true)).map((d) => d.slug).sort()).toEqual(["cats", "dogs"]);
    expect(await f.ledger.listDatasets("T0OTHER", true)).toEqual([]);
  });
});

describe("changing a setting", () => {
  it("writes one dataset.set event with the setting's value before and after, and the reason", async () => {
    const { dataset } = await cats();
    const cases: [DatasetSetting, unknown, unknown][] = [
      [{ key: "title", value: " Cats of the world " }, "cats", "Cats of the world"],
      [{ key: "items", value: 2000 }, 1000, 2000],
      [{ key: "noun", value: "Image" }, "item", "image"],
      [{ key: "channel", value: "C9" }, null, "C9"],
      [{ key: "batch", value: 50 }, 100, 50],
      [{ key: "sample", value: 0.5 }, 0.1, 0.5],
      [{ key: "first-k", value: 0 }, 1, 0],
      [{ key: "review", value: "first-k" }, "every", "first-k"],
      [{ key: "gold", value: [{ first: 3, last: 4 }] }, [], [3, 4]],
      [{ key: "taxonomy", value: ["box"] }, [...DEFAULT_ERROR_TAXONOMY], ["box"]],
      [{ key: "archived", value: true }, false, true],
      [{ key: "archived", value: false }, true, false],
      [{ key: "max-claim", value: 10 }, null, 10],
      [{ key: "max-days", value: 2 }, null, 2],
      [{ key: "max-claim", value: null }, 10, null],
    ];
    const before = await f.ledger.getDataset(TEAM, "cats");
    expect(before.reviewFirstK).toBe(1);
    expect(before.reviewEveryRange).toBe(true);
    for (const [setting] of cases) {
      await f.ledger.configureDataset(LEAD2, "cats", setting, { reason: `set ${setting.key}` });
    }
    expect(await audit("dataset.set")).toEqual(
      cases.map(([s, was, now]) => ({
        actorId: LEAD2.userId,
        datasetId: dataset.id,
        before: { [s.key]: was },
        after: { [s.key]: now },
        reason: `set ${s.key}`,
      })),
    );
  });

  it("is a change of its own kind for a request key", async () => {
    await cats();
    await f.ledger.configureDataset(LEAD, "cats", { key: "batch", value: 5 }, { idempotencyKey: "k" });
    await expectKeyUsedFor(
      f.ledger.claimNext(ANA, { dataset: "cats", size: 1 }, { idempotencyKey: "k" }),
      "k",
      "dataset.set",
    );
  });

  it("returns the dataset as changed and the setting's key", async () => {
    await cats();
    const r = await set({ key: "review", value: "every" });
    expect(r).toMatchObject({ key: "review", dataset: { reviewEveryRange: true }, instructionsTo: [] });
    expect(r.tool).toBeUndefined();
    expect((await set({ key: "review", value: "first-k" })).dataset.reviewEveryRange).toBe(false);
  });

  it("refuses an empty title, and cuts a long one at 200 characters", async () => {
    await cats();
    await refused({ key: "title", value: "  " }, "the title can't be empty");
    expect((await set({ key: "title", value: "x".repeat(201) })).dataset.title).toBe("x".repeat(200));
  });

  it("changes the item count within its bounds, shrinking the batch size with it", async () => {
    await cats(100);
    await refused({ key: "items", value: 0 }, "the item count must be a whole number from 1 to 100,000,000");
    await refused(
      { key: "items", value: MAX_ITEMS + 1 },
      "the item count must be a whole number from 1 to 100,000,000",
    );
    expect((await set({ key: "items", value: 30 })).dataset).toMatchObject({ itemCount: 30, batchSize: 30 });
    expect((await set({ key: "items", value: 500 })).dataset).toMatchObject({ itemCount: 500, batchSize: 30 });
  });

  it("shrinks over free items only, naming the range in the way; the last item held is the bound", async () => {
    await cats(100);
    await f.ledger.claim(ANA, { dataset: "cats", first: 81, last: 90 });
    await refused({ key: "items", value: 89 }, "can't shrink cats to 89 items: A1 holds items up to 90", "conflict");
    expect((await set({ key: "items", value: 90 })).dataset.itemCount).toBe(90);
    await f.ledger.release(ANA, "A1");
    expect((await set({ key: "items", value: 10 })).dataset.itemCount).toBe(10);
  });

  it("takes an item noun of 1–30 letters, digits, spaces and dashes, in lowercase", async () => {
    await cats();
    expect((await set({ key: "noun", value: "Vidéo-Frame 2" })).dataset.itemNoun).toBe("vidéo-frame 2");
    expect((await set({ key: "noun", value: "n".repeat(30) })).dataset.itemNoun).toBe("n".repeat(30));
    for (const value of ["", "n".repeat(31), "a_b", "a.b", "x\ny"]) {
      await refused({ key: "noun", value }, "the item noun must be 1–30 letters, e.g. image");
    }
  });

  it("clears the channel with none", async () => {
    await cats();
    await set({ key: "channel", value: "C1" });
    expect((await set({ key: "channel", value: null })).dataset.channelId).toBeNull();
  });

  it("takes a batch size of at least 1, capped at the item count, naming each bound it breaks", async () => {
    await cats(100);
    expect((await set({ key: "batch", value: 1 })).dataset.batchSize).toBe(1);
    expect((await set({ key: "batch", value: 500 })).dataset.batchSize).toBe(100);
    await refused({ key: "batch", value: 0 }, "the batch size must be at least 1");
    await refused({ key: "batch", value: 1.5 }, "the batch size must be a whole number");
    await refused({ key: "batch", value: MAX_INT + 1 }, "the batch size must be at most 2,147,483,647");
    expect((await set({ key: "batch", value: MAX_INT })).dataset.batchSize).toBe(100);
  });

  it("takes a sample share from 0 to 1, and refuses one outside or not a number", async () => {
    await cats();
    expect((await set({ key: "sample", value: 0 })).dataset.reviewSampleRate).toBe(0);
    expect((await set({ key: "sample", value: 1 })).dataset.reviewSampleRate).toBe(1);
    for (const value of [-0.01, 1.01, Number.NaN]) {
      await refused({ key: "sample", value }, "the sample share must be between 0% and 100%");
    }
  });

  it("takes first-k from 0, and limits of claims and days from 1, or none", async () => {
    await cats();
    await refused({ key: "first-k", value: -1 }, "first-k must be at least 0");
    await refused({ key: "first-k", value: 0.5 }, "first-k must be a whole number");
    expect((await set({ key: "max-claim", value: 1 })).dataset.maxClaim).toBe(1);
    await refused({ key: "max-claim", value: 0 }, "max-claim must be at least 1");
    await refused({ key: "max-claim", value: MAX_INT + 1 }, "max-claim must be at most 2,147,483,647");
    expect((await set({ key: "max-days", value: 1 })).dataset.maxDays).toBe(1);
    await refused({ key: "max-days", value: 0 }, "max-days must be at least 1");
    expect((await set({ key: "max-days", value: null })).dataset.maxDays).toBeNull();
  });

  it("takes gold items inside the dataset, runs of up to 10,000 at once, and none", async () => {
    await cats(20_000);
    expect(MAX_GOLD_RUN).toBe(10_000);
    const run = await set({ key: "gold", value: [{ first: 1, last: 10_000 }] });
    expect(run.dataset.goldItems).toHaveLength(10_000);
    expect(run.dataset.goldItems.at(-1)).toBe(10_000);
    await refused(
      { key: "gold", value: [{ first: 1, last: 10_001 }] },
      "1–10001 is too long a run of gold items (at most 10,000 at once)",
    );
    expect(
      (
        await set({
          key: "gold",
          value: [
            { first: 20_000, last: 20_000 },
            { first: 2, last: 3 },
          ],
        })
      ).dataset.goldItems,
    ).toEqual([2, 3, 20_000]);
    for (const g of [
      { first: 0, last: 1 },
      { first: 5, last: 4 },
      { first: 19_999, last: 20_001 },
      { first: 1.5, last: 2 },
      { first: 1, last: 2.5 },
    ]) {
      const e = await refused({ key: "gold", value: [g] }, `${g.first}–${g.last} is outside 1–20000`);
      expect(e.code).toBe("invalid");
    }
    expect((await set({ key: "gold", value: [] })).dataset.goldItems).toEqual([]);
  });

  it("takes 1–20 categories of up to 40 characters, trimmed, in lowercase, once each; or the default", async () => {
    await cats();
    expect([MAX_CATEGORIES, MAX_CATEGORY]).toEqual([20, 40]);
    const sentence = "the taxonomy needs 1–20 comma-separated categories of at most 40 characters";
    const twenty = Array.from({ length: 20 }, (_, i) => `c${i}`);
    expect((await set({ key: "taxonomy", value: [...twenty, " C0 ", ""] })).dataset.errorTaxonomy).toEqual(twenty);
    expect((await set({ key: "taxonomy", value: ["x".repeat(40)] })).dataset.errorTaxonomy).toEqual(["x".repeat(40)]);
    await refused({ key: "taxonomy", value: [...twenty, "c20"] }, sentence);
    await refused({ key: "taxonomy", value: ["x".repeat(41)] }, sentence);
    await refused({ key: "taxonomy", value: ["box", "x".repeat(41)] }, sentence);
    await refused({ key: "taxonomy", value: [" ", ""] }, sentence);
    await refused({ key: "taxonomy", value: [] }, sentence);
    expect((await set({ key: "taxonomy", value: "default" })).dataset.errorTaxonomy).toEqual([
      ...DEFAULT_ERROR_TAXONOMY,
    ]);
  });
});

describe("publishing instructions", () => {
  it("publishes a new version each time, keeping a URL as the link and text as text", async () => {
    await cats();
    expect(MAX_INSTRUCTIONS).toBe(3000);
    await refused({ key: "instructions", value: " \n " }, "the instructions can't be empty");
    const one = await set({ key: "instructions", value: "  http://wiki.example/cats  " });
    expect(one.dataset.instructions).toEqual({
      version: 1,
      text: "http://wiki.example/cats",
      url: "http://wiki.example/cats",
    });
    const two = await set({ key: "instructions", value: `see https://wiki.example/cats ${"x".repeat(3100)}` });
    expect(two.dataset.instructions?.version).toBe(2);
    expect(two.dataset.instructions?.url).toBeNull();
    expect(two.dataset.instructions?.text).toHaveLength(3000);
    expect((await set({ key: "instructions", value: "ftp://wiki.example/cats" })).dataset.instructions?.url).toBeNull();
    // a link is the whole of the instructions, or they are text
    for (const text of ["see https://wiki.example/cats", "https://wiki.example/cats and the FAQ"]) {
      expect((await set({ key: "instructions", value: text })).dataset.instructions).toMatchObject({ text, url: null });
    }
    const events = await audit("dataset.set");
    expect(events[1]).toMatchObject({
      before: { instructions: { version: 1, url: "http://wiki.example/cats" } },
      after: { instructions: { version: 2, url: null } },
    });
  });

  it("tells everyone working on the dataset but the lead who published", async () => {
    await cats();
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.claim(LEAD, { dataset: "cats", first: 21, last: 30 });
    expect((await set({ key: "instructions", value: "v1" })).instructionsTo).toEqual([ANA.userId, BOB.userId]);
    expect((await set({ key: "title", value: "Cats" })).instructionsTo).toEqual([]);
  });
});

describe("linking the annotation tools", () => {
  it("links a Label Studio project by the task id of item 1, and unlinks it with none", async () => {
    const { dataset } = await cats();
    const r = await set({ key: "label-studio", value: { project: 12, firstTask: 3401 } });
    expect(r.tool).toEqual({ key: "label-studio", value: { project: 12, firstTask: 3401 } });
    expect(await f.prisma.toolProject.findMany({ select: { tool: true, externalId: true, offset: true } })).toEqual([
      { tool: "label-studio", externalId: 12, offset: -3400 },
    ]);
    expect((await set({ key: "label-studio", value: null })).tool).toEqual({ key: "label-studio", value: null });
    expect(await audit("dataset.set")).toEqual([
      expect.objectContaining({
        datasetId: dataset.id,
        before: { "label-studio": null },
        after: { "label-studio": { project: 12, firstTask: 3401 } },
      }),
      expect.objectContaining({
        before: { "label-studio": { project: 12, firstTask: 3401 } },
        after: { "label-studio": null },
      }),
    ]);
  });

  it("refuses Label Studio ids below 1 or not whole, naming which", async () => {
    await cats();
    await refused(
      { key: "label-studio", value: { project: 0, firstTask: 1 } },
      "the Label Studio project id must be at least 1",
    );
    await refused(
      { key: "label-studio", value: { project: 1, firstTask: 0 } },
      "the task id of item 1 must be at least 1",
    );
    await refused(
      { key: "label-studio", value: { project: 1.5, firstTask: 1 } },
      "the Label Studio project id must be a whole number",
    );
    expect(await f.prisma.toolProject.count()).toBe(0);
  });

  it("links CVAT tasks by the item of their frame 0, replacing the earlier ones", async () => {
    await cats();
    await set({ key: "cvat", value: [{ task: 1, firstItem: 1 }] });
    const r = await set({
      key: "cvat",
      value: [
        { task: 15, firstItem: 1 },
        { task: 16, firstItem: 1000 },
      ],
    });
    expect(r.tool).toEqual({
      key: "cvat",
      value: [
        { task: 15, firstItem: 1 },
        { task: 16, firstItem: 1000 },
      ],
    });
    const events = await audit("dataset.set");
    expect(events[1]).toMatchObject({ before: { cvat: [{ task: 1, firstItem: 1 }] } });
    expect((await set({ key: "cvat", value: [] })).tool).toEqual({ key: "cvat", value: [] });
  });

  it("keeps each tool's links apart in the audit events of a dataset fed by both", async () => {
    await cats();
    await set({ key: "cvat", value: [{ task: 4, firstItem: 1 }] });
    await set({ key: "label-studio", value: { project: 9, firstTask: 1 } });
    await set({ key: "cvat", value: [{ task: 5, firstItem: 1 }] });
    expect((await audit("dataset.set")).map((e) => [e.before, e.after])).toEqual([
      [{ cvat: [] }, { cvat: [{ task: 4, firstItem: 1 }] }],
      [{ "label-studio": null }, { "label-studio": { project: 9, firstTask: 1 } }],
      [{ cvat: [{ task: 4, firstItem: 1 }] }, { cvat: [{ task: 5, firstItem: 1 }] }],
    ]);
  });

  it("refuses CVAT tasks named twice, outside the dataset, too many, or not ids", async () => {
    await cats();
    await refused(
      {
        key: "cvat",
        value: [
          { task: 7, firstItem: 1 },
          { task: 7, firstItem: 500 },
        ],
      },
      "CVAT task 7 is named twice",
    );
    for (const firstItem of [0, 1001, 1.5]) {
      await refused(
        { key: "cvat", value: [{ task: 7, firstItem }] },
        `item ${firstItem} of CVAT task 7 is outside cats (items 1–1000)`,
      );
    }
    await refused({ key: "cvat", value: [{ task: 0, firstItem: 1 }] }, "a CVAT task id must be at least 1");
    expect(MAX_TOOL_ENTRIES).toBe(50);
    const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ task: i + 1, firstItem: 1 }));
    await refused({ key: "cvat", value: tasks(51) }, "name at most 50 CVAT tasks");
    expect((await set({ key: "cvat", value: tasks(50) })).tool?.value).toHaveLength(50);
  });

  it("lets a project or task feed one dataset only, naming the one it feeds", async () => {
    await cats();
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 10 });
    await set(
      {
        key: "cvat",
        value: [
          { task: 9, firstItem: 1 },
          { task: 7, firstItem: 6 },
        ],
      },
      "dogs",
    );
    await set({ key: "label-studio", value: { project: 3, firstTask: 1 } }, "dogs");
    // Of several taken, the lowest number is named.
    await refused(
      {
        key: "cvat",
        value: [
          { task: 8, firstItem: 1 },
          { task: 9, firstItem: 3 },
          { task: 7, firstItem: 5 },
        ],
      },
      "CVAT task 7 feeds dogs already; a project or task feeds one dataset",
      "conflict",
    );
    await refused(
      { key: "label-studio", value: { project: 3, firstTask: 1 } },
      "Label Studio project 3 feeds dogs already; a project or task feeds one dataset",
      "conflict",
    );
    // The same project named again for the dataset it feeds is no conflict.
    await set({ key: "label-studio", value: { project: 3, firstTask: 5 } }, "dogs");
    // A Label Studio project and a CVAT task of the same number are different things.
    await set({ key: "label-studio", value: { project: 7, firstTask: 1 } });
    expect(
      await f.prisma.toolProject.count({ where: { datasetId: (await f.ledger.getDataset(TEAM, "cats")).id } }),
    ).toBe(1);
  });

  it("says who tool users are in Slack, and forgets one with none", async () => {
    await cats();
    const r = await set({
      key: "tool-users",
      value: [
        { tool: "label-studio", user: "7", slackUserId: ANA.userId },
        { tool: "cvat", user: "bob.k@x+y-z", slackUserId: BOB.userId },
      ],
    });
    expect(r.tool?.key).toBe("tool-users");
    // in order of tool, then tool user
    expect(r.tool?.value).toEqual([`cvat:bob.k@x+y-z=${BOB.userId}`, `label-studio:7=${ANA.userId}`]);
    const forget = await set({ key: "tool-users", value: [{ tool: "label-studio", user: "7", slackUserId: null }] });
    expect(forget.tool?.value).toEqual([`cvat:bob.k@x+y-z=${BOB.userId}`]);
    expect((await audit("dataset.set"))[1]?.before).toEqual({
      "tool-users": [`cvat:bob.k@x+y-z=${BOB.userId}`, `label-studio:7=${ANA.userId}`],
    });
  });

  it("keeps each dataset's links and tool users to it, in order of task and of tool user, and changes who one is", async () => {
    await cats();
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 5000 });
    await set({ key: "cvat", value: [{ task: 40, firstItem: 1 }] }, "dogs");
    await set({ key: "tool-users", value: [{ tool: "cvat", user: "zed", slackUserId: BOB.userId }] }, "dogs");
    // given out of order
    const linked = await set({
      key: "cvat",
      value: [
        { task: 31, firstItem: 101 },
        { task: 30, firstItem: 1 },
      ],
    });
    expect(linked.tool?.value).toEqual([
      { task: 30, firstItem: 1 },
      { task: 31, firstItem: 101 },
    ]);
    const users = await set({
      key: "tool-users",
      value: [
        { tool: "cvat", user: "mia", slackUserId: ANA.userId },
        { tool: "cvat", user: "kai", slackUserId: BOB.userId },
      ],
    });
    expect(users.tool?.value).toEqual([`cvat:kai=${BOB.userId}`, `cvat:mia=${ANA.userId}`]);
    const changed = await set({ key: "tool-users", value: [{ tool: "cvat", user: "mia", slackUserId: BOB.userId }] });
    expect(changed.tool?.value).toEqual([`cvat:kai=${BOB.userId}`, `cvat:mia=${BOB.userId}`]);
    expect(
      (await set({ key: "tool-users", value: [{ tool: "cvat", user: "zed", slackUserId: ANA.userId }] }, "dogs")).tool
        ?.value,
    ).toEqual([`cvat:zed=${ANA.userId}`]);
  });

  it("refuses no tool users, too many, and names each tool names its users by", async () => {
    await cats();
    await refused({ key: "tool-users", value: [] }, "name at least one tool user, e.g. label-studio:7=@ana");
    const many = Array.from({ length: 51 }, (_, i) => ({
      tool: "cvat" as const,
      user: `u${i}`,
      slackUserId: ANA.userId,
    }));
    await refused({ key: "tool-users", value: many }, "name at most 50 tool users at once");
    await refused(
      { key: "tool-users", value: [{ tool: "label-studio", user: "ana", slackUserId: ANA.userId }] },
      '"ana" is not a label-studio user: a Label Studio user is named by their numeric id',
    );
    await refused(
      { key: "tool-users", value: [{ tool: "label-studio", user: "1234567890123", slackUserId: ANA.userId }] },
      '"1234567890123" is not a label-studio user: a Label Studio user is named by their numeric id',
    );
    await refused(
      { key: "tool-users", value: [{ tool: "cvat", user: "a b", slackUserId: ANA.userId }] },
      '"a b" is not a cvat user: a CVAT user is named by their username',
    );
    await refused(
      { key: "tool-users", value: [{ tool: "cvat", user: "u".repeat(151), slackUserId: ANA.userId }] },
      `"${"u".repeat(49)}…" is not a cvat user: a CVAT user is named by their username`,
    );
    expect(await f.prisma.toolUser.count()).toBe(0);
    await set({ key: "tool-users", value: [{ tool: "cvat", user: "u".repeat(150), slackUserId: ANA.userId }] });
    await set({ key: "tool-users", value: many.slice(0, 50) });
    expect(await f.prisma.toolUser.count()).toBe(51);
    // up to twelve digits
    const ids = await set({
      key: "tool-users",
      value: [{ tool: "label-studio", user: "123456789012", slackUserId: ANA.userId }],
    });
    expect(ids.tool?.value).toContain(`label-studio:123456789012=${ANA.userId}`);
  });
});

describe("who changes datasets", () => {
  it("refuses an annotator and names an unknown dataset, writing no event", async () => {
    await cats();
    await expectDomainError(
      f.ledger.configureDataset(ANA, "cats", { key: "title", value: "x" }),
      "forbidden",
      /only leads and admins can change datasets/,
    );
    await expectDomainError(
      set({ key: "title", value: "x" }, "dogs"),
      "not_found",
      'there is no dataset "dogs"; datasets: cats',
    );
    expect(await audit("dataset.set")).toEqual([]);
  });

  it("lets a lead of one dataset change that one only", async () => {
    await cats();
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 10 });
    await f.ledger.setRole(ADMIN, BOB.userId, "LEAD", { dataset: "cats" });
    expect((await f.ledger.configureDataset(BOB, "cats", { key: "title", value: "Cats" })).dataset.title).toBe("Cats");
    await expectDomainError(
      f.ledger.configureDataset(BOB, "dogs", { key: "title", value: "Dogs" }),
      "forbidden",
      /only leads and admins can change datasets/,
    );
    expect((await f.ledger.getDataset(TEAM, "dogs")).title).toBe("dogs");
  });
});
