import { audit, datasetView, findDataset, latestInstruction, lockDataset, type Tx } from "../../db/store.js";
import { conflict, invalid, notFound } from "../errors.js";
import { DEFAULT_ERROR_TAXONOMY, type Actor, type ChangeOptions, type DatasetView } from "../types.js";
import { requireLead, type LedgerContext } from "./context.js";

export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const MAX_ITEMS = 100_000_000;

export interface NewDataset {
  slug: string;
  itemCount: number;
  title?: string;
  channelId?: string | null;
  itemNoun?: string;
  batchSize?: number;
}

export function checkSlug(slug: string): void {
  if (!SLUG.test(slug)) {
    throw invalid(
      `"${slug}" can't be a dataset name: use 1–40 lowercase letters, digits and dashes, starting with a letter or digit (e.g. street-scenes)`,
    );
  }
}

function checkItemCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ITEMS) {
    throw invalid(`the item count must be a whole number from 1 to ${MAX_ITEMS.toLocaleString("en-US")}`);
  }
}

/** Loads a dataset by slug or says which datasets exist. */
export async function requireDataset(tx: Tx, teamId: string, slug: string) {
  const d = await findDataset(tx, teamId, slug.toLowerCase());
  if (d) return d;
  const known = await tx.dataset.findMany({ where: { teamId, archived: false }, select: { slug: true }, orderBy: { slug: "asc" }, take: 10 });
  const hint = known.length ? `; datasets: ${known.map((k) => k.slug).join(", ")}` : "; a lead can add one with /ledger dataset add";
  throw notFound(`there is no dataset "${slug}"${hint}`, { slug });
}

export async function createDataset(ctx: LedgerContext, actor: Actor, input: NewDataset, opts: ChangeOptions = {}) {
  checkSlug(input.slug);
  checkItemCount(input.itemCount);
  if (input.batchSize !== undefined && (!Number.isSafeInteger(input.batchSize) || input.batchSize < 1)) {
    throw invalid("the batch size must be a whole number of at least 1");
  }
  return ctx.store.change(actor.teamId, "dataset.add", opts.idempotencyKey, async (tx) => {
    await requireLead(ctx, tx, actor, "add datasets");
    if (await findDataset(tx, actor.teamId, input.slug)) {
      throw conflict(`a dataset named ${input.slug} already exists`);
    }
    const d = await tx.dataset.create({
      data: {
        teamId: actor.teamId,
        slug: input.slug,
        title: input.title?.trim() || input.slug,
        itemCount: input.itemCount,
        itemNoun: input.itemNoun ?? "item",
        channelId: input.channelId ?? null,
        batchSize: input.batchSize ?? Math.min(100, input.itemCount),
        errorTaxonomy: [...DEFAULT_ERROR_TAXONOMY],
        goldItems: [],
        createdBy: actor.userId,
      },
    });
    const view = datasetView(d);
    await audit(tx, { teamId: actor.teamId, actorId: actor.userId, action: "dataset.add", datasetId: d.id, after: view, at: ctx.config.clock() });
    return { dataset: view };
  });
}

/** Keys of `/ledger dataset set <slug> <key> <value>`. */
export const DATASET_KEYS = {
  title: "the display title",
  items: "the number of items (may grow; shrinks only over free items)",
  noun: 'what one item is called, e.g. "image" or "frame"',
  channel: "the channel for digests and summaries (a channel, or none)",
  batch: "the default size of `/claim <dataset> next`",
  sample: "the share of items reviewed, e.g. 10%",
  "first-k": "how many of an annotator's first ranges are reviewed in full",
  review: "every (sample every range) or first-k (only the first K ranges)",
  gold: "gold items, e.g. 5,17,40-42, or none",
  taxonomy: "review error categories, comma-separated, or default",
  instructions: "the annotation instructions (a new version each time); a URL is kept as the link",
  archived: "yes or no",
} as const;
export type DatasetKey = keyof typeof DATASET_KEYS;

export function isDatasetKey(k: string): k is DatasetKey {
  return Object.hasOwn(DATASET_KEYS, k);
}

/** Parses a list like "5,17,40-42" into sorted distinct item numbers. */
export function parseItemList(text: string, itemCount: number): number[] {
  if (/^none$/i.test(text.trim())) return [];
  const items = new Set<number>();
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw invalid(`"${part}" is not an item or a range like 40-42`);
    const first = Number(m[1]);
    const last = m[2] ? Number(m[2]) : first;
    if (first < 1 || last < first || last > itemCount) throw invalid(`${part} is outside 1–${itemCount}`);
    if (last - first > 10_000) throw invalid(`${part} is too long a run of gold items (at most 10,000 at once)`);
    for (let i = first; i <= last; i++) items.add(i);
  }
  return [...items].sort((a, b) => a - b);
}

function parsePercent(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) throw invalid(`"${text}" is not a share; write it like 10% or 0.1`);
  const n = Number(m[1]);
  const rate = m[2] === "%" || n > 1 ? n / 100 : n;
  if (rate < 0 || rate > 1) throw invalid("the sample share must be between 0% and 100%");
  return rate;
}

function parseWholeNumber(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text.trim())) throw invalid(`${what} must be a whole number, not "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw invalid(`${what} must be at least ${min}`);
  return n;
}

function parseYesNo(text: string): boolean {
  if (/^(yes|true|on|1)$/i.test(text)) return true;
  if (/^(no|false|off|0)$/i.test(text)) return false;
  throw invalid(`"${text}" is not yes or no`);
}

export async function configureDataset(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  key: string,
  value: string,
  opts: ChangeOptions = {},
) {
  if (!isDatasetKey(key)) {
    throw invalid(`"${key}" is not a dataset setting; settings: ${Object.keys(DATASET_KEYS).join(", ")}`);
  }
  const text = value.trim();
  if (!text) throw invalid(`give a value for ${key}: ${DATASET_KEYS[key]}`);
  return ctx.store.change(actor.teamId, "dataset.set", opts.idempotencyKey, async (tx) => {
    const d = await requireDataset(tx, actor.teamId, slug);
    await requireLead(ctx, tx, actor, "change datasets", d.id);
    await lockDataset(tx, d.id);
    const before = datasetView(d, await latestInstruction(tx, d.id));
    let data: Parameters<Tx["dataset"]["update"]>[0]["data"] = {};
    switch (key) {
      case "title":
        data = { title: text.slice(0, 200) };
        break;
      case "items": {
        const n = parseWholeNumber(text, "the item count", 1);
        checkItemCount(n);
        if (n < d.itemCount) {
          const held = await tx.assignment.findFirst({
            where: { datasetId: d.id, status: { not: "RELEASED" }, last: { gt: n } },
            orderBy: { last: "desc" },
          });
          if (held) {
            throw conflict(`can't shrink ${d.slug} to ${n} items: A${held.id} holds items up to ${held.last}`);
          }
        }
        data = { itemCount: n, batchSize: Math.min(d.batchSize, n) };
        break;
      }
      case "noun":
        if (!/^[\p{L}\p{N} -]{1,30}$/u.test(text)) throw invalid("the item noun must be 1–30 letters, e.g. image");
        data = { itemNoun: text.toLowerCase() };
        break;
      case "channel":
        data = { channelId: /^none$/i.test(text) ? null : text };
        break;
      case "batch":
        data = { batchSize: Math.min(parseWholeNumber(text, "the batch size", 1), d.itemCount) };
        break;
      case "sample":
        data = { reviewSampleRate: parsePercent(text) };
        break;
      case "first-k":
        data = { reviewFirstK: parseWholeNumber(text, "first-k", 0) };
        break;
      case "review":
        if (!/^(every|first-k)$/i.test(text)) throw invalid('review must be "every" or "first-k"');
        data = { reviewEveryRange: /^every$/i.test(text) };
        break;
      case "gold":
        data = { goldItems: parseItemList(text, d.itemCount) };
        break;
      case "taxonomy": {
        const cats = /^default$/i.test(text)
          ? [...DEFAULT_ERROR_TAXONOMY]
          : [...new Set(text.split(",").map((c) => c.trim().toLowerCase()).filter(Boolean))];
        if (cats.length < 1 || cats.length > 20 || cats.some((c) => c.length > 40)) {
          throw invalid("the taxonomy needs 1–20 comma-separated categories of at most 40 characters");
        }
        data = { errorTaxonomy: cats };
        break;
      }
      case "instructions": {
        const prev = await latestInstruction(tx, d.id);
        const url = /^https?:\/\/\S+$/.test(text) ? text : null;
        await tx.datasetInstruction.create({
          data: { datasetId: d.id, version: (prev?.version ?? 0) + 1, text: text.slice(0, 3000), url, createdBy: actor.userId },
        });
        break;
      }
      case "archived":
        data = { archived: parseYesNo(text) };
        break;
    }
    const updated = await tx.dataset.update({ where: { id: d.id }, data });
    const after = datasetView(updated, await latestInstruction(tx, d.id));
    await audit(tx, {
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "dataset.set",
      datasetId: d.id,
      before: { [key]: settingValue(before, key) },
      after: { [key]: settingValue(after, key) },
      at: ctx.config.clock(),
      reason: opts.reason ?? null,
    });
    return { dataset: after, key };
  });
}

function settingValue(d: DatasetView, key: DatasetKey): unknown {
  switch (key) {
    case "title":
      return d.title;
    case "items":
      return d.itemCount;
    case "noun":
      return d.itemNoun;
    case "channel":
      return d.channelId;
    case "batch":
      return d.batchSize;
    case "sample":
      return d.reviewSampleRate;
    case "first-k":
      return d.reviewFirstK;
    case "review":
      return d.reviewEveryRange ? "every" : "first-k";
    case "gold":
      return d.goldItems;
    case "taxonomy":
      return d.errorTaxonomy;
    case "instructions":
      return d.instructions;
    case "archived":
      return d.archived;
  }
}

export async function getDataset(ctx: LedgerContext, teamId: string, slug: string): Promise<DatasetView> {
  const prisma = ctx.store.prisma;
  const d = await findDataset(prisma, teamId, slug.toLowerCase());
  if (!d) {
    return ctx.store.transaction(async (tx) => datasetView(await requireDataset(tx, teamId, slug)));
  }
  return datasetView(d, await latestInstruction(prisma, d.id));
}

export async function listDatasets(ctx: LedgerContext, teamId: string, includeArchived = false): Promise<DatasetView[]> {
  const rows = await ctx.store.prisma.dataset.findMany({
    where: { teamId, ...(includeArchived ? {} : { archived: false }) },
    orderBy: { slug: "asc" },
  });
  return rows.map((d) => datasetView(d));
}
