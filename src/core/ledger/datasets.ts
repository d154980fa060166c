import type { DatasetRecord } from "../../db/records.ts";
import type { DatasetPatch, Repositories, ToolName } from "../../db/store.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { formatCount, MAX_INT, MAX_ITEMS } from "../limits.ts";
import { formatRange } from "../ranges.ts";
import { assignmentRef } from "../refs.ts";
import { excerpt, hint, text } from "../text.ts";
import { type Actor, type ChangeOptions, type DatasetView, DEFAULT_ERROR_TAXONOMY } from "../types.ts";
import { datasetView } from "../views.ts";
import { change, type LedgerContext, requireLead } from "./context.ts";
import { holdersOf } from "./instructions.ts";
import type { DatasetSetting, DatasetSettingKey, ToolUserSetting } from "./settings.ts";

export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const MAX_TITLE = 200;
export const MAX_INSTRUCTIONS = 3000;
/** the longest run of gold items one setting may add */
export const MAX_GOLD_RUN = 10_000;
export const MAX_CATEGORIES = 20;
export const MAX_CATEGORY = 40;

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
      `"${excerpt(slug)}" can't be a dataset name: use 1–40 lowercase letters, digits and dashes, starting with a letter or digit (e.g. street-scenes)`,
    );
  }
}

function checkItemCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ITEMS) {
    throw invalid(`the item count must be a whole number from 1 to ${MAX_ITEMS.toLocaleString("en-US")}`);
  }
}

function checkWhole(n: number, what: string, min: number, max = MAX_INT): void {
  if (!Number.isSafeInteger(n)) throw invalid(`${what} must be a whole number`);
  if (n < min) throw invalid(`${what} must be at least ${min}`);
  if (n > max) throw invalid(`${what} must be at most ${formatCount(max)}`);
}

/** Loads a dataset by slug or says which datasets exist. */
export async function requireDataset(r: Repositories, teamId: string, slug: string): Promise<DatasetRecord> {
  const d = await r.datasets.findBySlug(teamId, slug.toLowerCase());
  if (d) return d;
  const known = await r.datasets.activeSlugs(teamId, 10);
  throw notFound(
    known.length
      ? text`there is no dataset "${excerpt(slug)}"; datasets: ${known.join(", ")}`
      : text`there is no dataset "${excerpt(slug)}"; a lead can add one${hint({ kind: "add-dataset" })}`,
    { slug },
  );
}

export async function createDataset(ctx: LedgerContext, actor: Actor, input: NewDataset, opts: ChangeOptions = {}) {
  checkSlug(input.slug);
  checkItemCount(input.itemCount);
  if (input.batchSize !== undefined && (!Number.isSafeInteger(input.batchSize) || input.batchSize < 1)) {
    throw invalid("the batch size must be a whole number of at least 1");
  }
  return change(ctx, actor.teamId, "dataset.add", opts.idempotencyKey, async (r) => {
    await requireLead(ctx, r, actor, "add datasets");
    if (await r.datasets.findBySlug(actor.teamId, input.slug)) {
      throw conflict(`a dataset named ${input.slug} already exists`);
    }
    const d = await r.datasets.create({
      teamId: actor.teamId,
      slug: input.slug,
      title: input.title?.trim().slice(0, MAX_TITLE) || input.slug,
      itemCount: input.itemCount,
      itemNoun: input.itemNoun ?? "item",
      channelId: input.channelId ?? null,
      batchSize: input.batchSize ?? Math.min(100, input.itemCount),
      errorTaxonomy: [...DEFAULT_ERROR_TAXONOMY],
      createdBy: actor.userId,
    });
    const view = datasetView(d);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "dataset.add",
      datasetId: d.id,
      after: view,
      at: ctx.config.clock(),
    });
    return { dataset: view };
  });
}

/** Expands gold ranges into sorted distinct item numbers, each inside the dataset. */
function goldItems(ranges: readonly { first: number; last: number }[], itemCount: number): number[] {
  const items = new Set<number>();
  for (const g of ranges) {
    if (
      !Number.isSafeInteger(g.first) ||
      !Number.isSafeInteger(g.last) ||
      g.first < 1 ||
      g.last < g.first ||
      g.last > itemCount
    ) {
      throw invalid(`${formatRange(g)} is outside 1–${itemCount}`);
    }
    if (g.last - g.first >= MAX_GOLD_RUN) {
      throw invalid(
        `${formatRange(g)} is too long a run of gold items (at most ${MAX_GOLD_RUN.toLocaleString("en-US")} at once)`,
      );
    }
    for (let i = g.first; i <= g.last; i++) items.add(i);
  }
  return [...items].sort((a, b) => a - b);
}

function taxonomy(value: readonly string[] | "default"): string[] {
  if (value === "default") return [...DEFAULT_ERROR_TAXONOMY];
  const cats = [...new Set(value.map((c) => c.trim().toLowerCase()).filter(Boolean))];
  if (cats.length < 1 || cats.length > MAX_CATEGORIES || cats.some((c) => c.length > MAX_CATEGORY)) {
    throw invalid(
      `the taxonomy needs 1–${MAX_CATEGORIES} comma-separated categories of at most ${MAX_CATEGORY} characters`,
    );
  }
  return cats;
}

/**
 * What a setting changes on a dataset, checked against the rules every value
 * must follow; instructions are published as a new version instead.
 */
async function patchFor(r: Repositories, actor: Actor, d: DatasetRecord, s: DatasetSetting): Promise<DatasetPatch> {
  switch (s.key) {
    case "title": {
      const title = s.value.trim();
      if (!title) throw invalid("the title can't be empty");
      return { title: title.slice(0, MAX_TITLE) };
    }
    case "items": {
      checkItemCount(s.value);
      // No live range reaches past the count it keeps (growing, none can).
      const held = await r.assignments.liveReachingPast(d.id, s.value);
      if (held)
        throw conflict(
          `can't shrink ${d.slug} to ${s.value} items: ${assignmentRef(held.id)} holds items up to ${held.last}`,
        );
      return { itemCount: s.value, batchSize: Math.min(d.batchSize, s.value) };
    }
    case "noun":
      if (!/^[\p{L}\p{N} -]{1,30}$/u.test(s.value)) throw invalid("the item noun must be 1–30 letters, e.g. image");
      return { itemNoun: s.value.toLowerCase() };
    case "channel":
      return { channelId: s.value };
    case "batch":
      checkWhole(s.value, "the batch size", 1);
      return { batchSize: Math.min(s.value, d.itemCount) };
    case "sample":
      if (!(s.value >= 0 && s.value <= 1)) throw invalid("the sample share must be between 0% and 100%");
      return { reviewSampleRate: s.value };
    case "first-k":
      checkWhole(s.value, "first-k", 0);
      return { reviewFirstK: s.value };
    case "review":
      return { reviewEveryRange: s.value === "every" };
    case "gold":
      return { goldItems: goldItems(s.value, d.itemCount) };
    case "taxonomy":
      return { errorTaxonomy: taxonomy(s.value) };
    case "instructions": {
      const body = s.value.trim();
      if (!body) throw invalid("the instructions can't be empty");
      const url = /^https?:\/\/\S+$/.test(body) ? body : null;
      await r.datasets.publishInstruction(d.id, {
        text: body.slice(0, MAX_INSTRUCTIONS),
        url,
        createdBy: actor.userId,
      });
      return {};
    }
    case "archived":
      return { archived: s.value };
    case "max-claim":
      if (s.value !== null) checkWhole(s.value, "max-claim", 1);
      return { maxClaim: s.value };
    case "max-days":
      if (s.value !== null) checkWhole(s.value, "max-days", 1);
      return { maxDays: s.value };
    case "label-studio": {
      const rows = s.value ? [labelStudioProject(s.value)] : [];
      await linkToolProjects(r, d, "label-studio", rows);
      return {};
    }
    case "cvat":
      await linkToolProjects(r, d, "cvat", cvatTasks(s.value, d));
      return {};
    case "tool-users":
      await r.tools.setUsers(d.id, toolUsers(s.value));
      return {};
  }
}

/** The most tasks or users one setting may name. */
export const MAX_TOOL_ENTRIES = 50;

function labelStudioProject(v: { project: number; firstTask: number }): { externalId: number; offset: number } {
  checkWhole(v.project, "the Label Studio project id", 1);
  checkWhole(v.firstTask, "the task id of item 1", 1);
  // item = task id + offset: the task of item 1 is firstTask
  return { externalId: v.project, offset: 1 - v.firstTask };
}

function cvatTasks(tasks: readonly { task: number; firstItem: number }[], d: DatasetRecord) {
  if (tasks.length > MAX_TOOL_ENTRIES) throw invalid(`name at most ${MAX_TOOL_ENTRIES} CVAT tasks`);
  const seen = new Set<number>();
  return tasks.map((t) => {
    checkWhole(t.task, "a CVAT task id", 1);
    if (seen.has(t.task)) throw invalid(`CVAT task ${t.task} is named twice`);
    seen.add(t.task);
    if (!Number.isSafeInteger(t.firstItem) || t.firstItem < 1 || t.firstItem > d.itemCount)
      throw invalid(`item ${t.firstItem} of CVAT task ${t.task} is outside ${d.slug} (items 1–${d.itemCount})`);
    // item = frame + offset: frame 0 is firstItem
    return { externalId: t.task, offset: t.firstItem };
  });
}

const TOOL_USER: Record<ToolName, { pattern: RegExp; what: string }> = {
  "label-studio": { pattern: /^\d{1,12}$/, what: "a Label Studio user is named by their numeric id" },
  cvat: { pattern: /^[\w.@+-]{1,150}$/, what: "a CVAT user is named by their username" },
};

function toolUsers(entries: readonly ToolUserSetting[]) {
  if (entries.length === 0) throw invalid("name at least one tool user, e.g. label-studio:7=@ana");
  if (entries.length > MAX_TOOL_ENTRIES) throw invalid(`name at most ${MAX_TOOL_ENTRIES} tool users at once`);
  return entries.map((e) => {
    const rule = TOOL_USER[e.tool];
    if (!rule.pattern.test(e.user)) throw invalid(`"${excerpt(e.user)}" is not a ${e.tool} user: ${rule.what}`);
    return { tool: e.tool, externalUser: e.user, userId: e.slackUserId };
  });
}

/** Links a dataset to a tool's projects or tasks (replacing its earlier ones); each feeds one dataset only. */
async function linkToolProjects(
  r: Repositories,
  d: DatasetRecord,
  tool: ToolName,
  rows: readonly { externalId: number; offset: number }[],
): Promise<void> {
  const taken = await r.tools.takenElsewhere(
    d.teamId,
    tool,
    rows.map((x) => x.externalId),
    d.id,
  );
  const first = taken[0];
  if (first) {
    const what = tool === "cvat" ? `CVAT task ${first.externalId}` : `Label Studio project ${first.externalId}`;
    throw conflict(`${what} feeds ${first.dataset} already; a project or task feeds one dataset`);
  }
  await r.tools.replaceProjects(d.teamId, d.id, tool, rows);
}

/** A tool setting as kept: what the audit event and the reply show. */
export type ToolSettingValue =
  | { key: "label-studio"; value: { project: number; firstTask: number } | null }
  | { key: "cvat"; value: { task: number; firstItem: number }[] }
  /** `<tool>:<tool user>=<Slack user id>` */
  | { key: "tool-users"; value: string[] };

/** What a tool setting is now, for the audit event (the tools' tables, not the dataset's row). */
async function toolSettingValue(
  r: Repositories,
  datasetId: number,
  key: ToolSettingValue["key"],
): Promise<ToolSettingValue> {
  if (key === "tool-users")
    return {
      key,
      value: (await r.tools.usersOf(datasetId)).map((u) => `${u.tool}:${u.externalUser}=${u.userId}`),
    };
  const projects = (await r.tools.projectsOf(datasetId)).filter((p) => p.tool === key);
  if (key === "cvat") return { key, value: projects.map((p) => ({ task: p.externalId, firstItem: p.offset })) };
  const p = projects[0];
  return { key, value: p ? { project: p.externalId, firstTask: 1 - p.offset } : null };
}

const isToolSetting = (key: DatasetSettingKey): key is ToolSettingValue["key"] =>
  key === "label-studio" || key === "cvat" || key === "tool-users";

/** A lead changes one setting of a dataset; the audit event keeps the value before and after. */
export async function configureDataset(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  setting: DatasetSetting,
  opts: ChangeOptions = {},
) {
  return change(ctx, actor.teamId, "dataset.set", opts.idempotencyKey, async (r) => {
    const d = await requireDataset(r, actor.teamId, slug);
    await requireLead(ctx, r, actor, "change datasets", d.id);
    await r.datasets.lock(d.id);
    const was = await keptValue(r, datasetView(d, await r.datasets.latestInstruction(d.id)), setting.key);
    const patch = await patchFor(r, actor, d, setting);
    const updated = Object.keys(patch).length ? await r.datasets.update(d.id, patch) : d;
    const after = datasetView(updated, await r.datasets.latestInstruction(d.id));
    const now = await keptValue(r, after, setting.key);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "dataset.set",
      datasetId: d.id,
      before: { [setting.key]: was.value },
      after: { [setting.key]: now.value },
      at: ctx.config.clock(),
      reason: opts.reason ?? null,
    });
    // A new version of the instructions: everyone working on the dataset is told, and acknowledges it.
    const instructionsTo =
      setting.key === "instructions" ? (await holdersOf(r, d.id)).filter((u) => u !== actor.userId) : [];
    return { dataset: after, key: setting.key, instructionsTo, tool: now.tool };
  });
}

/** A setting's value as kept: in the dataset's row, or in the tools' tables for a tool setting. */
async function keptValue(
  r: Repositories,
  d: DatasetView,
  key: DatasetSettingKey,
): Promise<{ value: unknown; tool?: ToolSettingValue }> {
  if (isToolSetting(key)) {
    const tool = await toolSettingValue(r, d.id, key);
    return { value: tool.value, tool };
  }
  return { value: settingValue(d, key) };
}

function settingValue(d: DatasetView, key: Exclude<DatasetSettingKey, ToolSettingValue["key"]>): unknown {
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
    case "max-claim":
      return d.maxClaim;
    case "max-days":
      return d.maxDays;
  }
}

export async function getDataset(ctx: LedgerContext, teamId: string, slug: string): Promise<DatasetView> {
  const r = ctx.store.read;
  const d = await requireDataset(r, teamId, slug);
  return datasetView(d, await r.datasets.latestInstruction(d.id));
}

export async function listDatasets(
  ctx: LedgerContext,
  teamId: string,
  includeArchived = false,
): Promise<DatasetView[]> {
  return (await ctx.store.read.datasets.list(teamId, includeArchived)).map((d) => datasetView(d));
}
