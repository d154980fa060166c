/**
 * What a tool records through the API beyond the ledger's operations:
 * labels of items and the known answers of gold items. Write tokens only;
 * every item within the dataset (and a gold item for an answer); at most
 * 5,000 at once; each request audited once, with what it recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { integrationActor } from "../../src/core/api-tokens.ts";
import { MAX_LABELS } from "../../src/core/integration.ts";
import {
  ANA,
  auditOf,
  BOB,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

let f: LedgerFixture;
const writer = integrationActor({ teamId: TEAM, name: "tool", scope: "write" });
const reader = integrationActor({ teamId: TEAM, name: "dash", scope: "read" });

beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 6000 });
  await f.ledger.configureDataset(LEAD, "cats", { key: "gold", value: [{ first: 1, last: 6000 }] });
});
afterEach(async () => {
  await f.dispose();
});

const labels = (items: number[], annotator = ANA.userId, label = "cat") =>
  items.map((item) => ({ item, annotator, label }));
const answers = (items: number[], label = "cat") => items.map((item) => ({ item, label }));
const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe("labels", () => {
  it("are recorded by write tokens only, not by read tokens nor by people", async () => {
    for (const who of [reader, LEAD])
      await expectDomainError(
        f.ledger.recordLabels(who, "cats", labels([1])),
        "forbidden",
        "only write tokens record labels",
      );
    expect(await f.ledger.recordLabels(writer, "cats", labels([1]))).toEqual({
      dataset: "cats",
      recorded: 1,
      replayed: false,
    });
  });

  it("are refused, naming the field, when there are none, too many, or one is outside the dataset", async () => {
    const none = await expectDomainError(
      f.ledger.recordLabels(writer, "cats", []),
      "invalid",
      "give at least one label",
    );
    expect(none.details).toEqual({ field: "labels" });
    const many = await expectDomainError(
      f.ledger.recordLabels(writer, "cats", labels(range(1, MAX_LABELS + 1))),
      "invalid",
      "at most 5000 labels at once",
    );
    expect(many.details).toEqual({ field: "labels" });
    for (const [item, i] of [
      [0, 1],
      [6001, 1],
    ] as const) {
      const outside = await expectDomainError(
        f.ledger.recordLabels(writer, "cats", labels([5, item])),
        "invalid",
        `labels[${i}].item ${item} is outside cats (items 1–6000)`,
      );
      expect(outside.details).toEqual({ field: `labels.${i}.item` });
    }
    await expectDomainError(f.ledger.recordLabels(writer, "dogs", labels([1])), "not_found");
    expect(await f.prisma.itemLabel.count()).toBe(0);
    // The edges themselves, and as many as allowed.
    expect((await f.ledger.recordLabels(writer, "cats", labels([1, 6000]))).recorded).toBe(2);
    expect(
      (await f.ledger.recordLabels(writer, "cats", labels(range(1, MAX_LABELS)), { reason: "import" })).recorded,
    ).toBe(MAX_LABELS);
  });

  it("are audited once a request, with how many items and the first fifty annotators", async () => {
    const many = range(1, 60).map((item) => ({ item, annotator: `U${String(item).padStart(3, "0")}`, label: "cat" }));
    await f.ledger.recordLabels(writer, "cats", [...many, ...labels([1, 2], BOB.userId)], { reason: "nightly sync" });
    await f.ledger.recordLabels(writer, "cats", labels([3]));
    expect(await auditOf(f, "labels.record", ["actorId", "after", "reason"])).toEqual([
      {
        actorId: "api:tool",
        after: { labels: 62, items: 60, annotators: many.slice(0, 50).map((l) => l.annotator) },
        reason: "nightly sync",
      },
      { actorId: "api:tool", after: { labels: 1, items: 1, annotators: [ANA.userId] }, reason: null },
    ]);
  });

  it("are recorded once for a request sent twice, and its key is not another request's", async () => {
    const first = await f.ledger.recordLabels(writer, "cats", labels([1, 2]), { idempotencyKey: "k1" });
    expect(await f.ledger.recordLabels(writer, "cats", labels([1, 2]), { idempotencyKey: "k1" })).toEqual({
      ...first,
      replayed: true,
    });
    await expectKeyUsedFor(
      f.ledger.recordGoldAnswers(writer, "cats", answers([1]), { idempotencyKey: "k1" }),
      "k1",
      "labels.record",
    );
    await f.ledger.recordGoldAnswers(writer, "cats", answers([1]), { idempotencyKey: "k2" });
    await expectKeyUsedFor(
      f.ledger.recordLabels(writer, "cats", labels([1]), { idempotencyKey: "k2" }),
      "k2",
      "gold.record",
    );
    expect(await f.prisma.auditEvent.count({ where: { action: "labels.record" } })).toBe(1);
  });
});

describe("gold answers", () => {
  it("are recorded by write tokens only, for gold items only, naming the field refused", async () => {
    for (const who of [reader, LEAD])
      await expectDomainError(
        f.ledger.recordGoldAnswers(who, "cats", answers([1])),
        "forbidden",
        "only write tokens record gold answers",
      );
    const none = await expectDomainError(
      f.ledger.recordGoldAnswers(writer, "cats", []),
      "invalid",
      "give at least one answer",
    );
    expect(none.details).toEqual({ field: "answers" });
    const many = await expectDomainError(
      f.ledger.recordGoldAnswers(writer, "cats", answers(range(1, MAX_LABELS + 1))),
      "invalid",
      "at most 5000 answers at once",
    );
    expect(many.details).toEqual({ field: "answers" });
    await f.ledger.configureDataset(LEAD, "cats", { key: "gold", value: [{ first: 2, last: 3 }] });
    const notGold = await expectDomainError(
      f.ledger.recordGoldAnswers(writer, "cats", answers([2, 4])),
      "invalid",
      "answers[1].item 4 is not a gold item of cats; a lead makes it one with /ledger dataset set cats gold …",
    );
    expect(notGold.details).toEqual({ field: "answers.1.item" });
    expect(await f.prisma.goldAnswer.count()).toBe(0);
    expect(await f.ledger.recordGoldAnswers(writer, "cats", answers([2, 3]))).toEqual({
      dataset: "cats",
      recorded: 2,
      replayed: false,
    });
  });

  it("are as many as 5,000 at once, audited once a request with the first fifty items", async () => {
    expect((await f.ledger.recordGoldAnswers(writer, "cats", answers(range(1, MAX_LABELS)))).recorded).toBe(MAX_LABELS);
    await f.ledger.recordGoldAnswers(writer, "cats", [...answers([7, 7], "dog"), ...answers([8])], { reason: "fixed" });
    const events = await auditOf(f, "gold.record", ["actorId", "after", "reason"]);
    expect(events).toEqual([
      { actorId: "api:tool", after: { answers: MAX_LABELS, items: range(1, 50) }, reason: null },
      { actorId: "api:tool", after: { answers: 3, items: [7, 8] }, reason: "fixed" },
    ]);
  });
});
