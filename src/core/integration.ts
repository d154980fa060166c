/**
 * What the HTTP API reads and changes beyond the ledger operations it shares
 * with Slack: the audit feed a tool catches up with, per-item labels and the
 * known answers of gold items.
 */
import type { AuditEventRecord } from "../db/records.ts";
import { type AuditEventView, advance, auditEventView, formatCursor, parseCursor } from "./audit-stream.ts";
import { forbidden, invalid } from "./errors.ts";
import { change, type LedgerContext } from "./ledger/context.ts";
import { requireDataset } from "./ledger/datasets.ts";
import type { Actor, ChangeOptions } from "./types.ts";

export const FEED_MAX_PAGE = 500;

/** An event of the feed: its id and time, its dataset's id, and the event as every reader sees it. */
export type FeedEvent = { id: string; at: string; datasetId: number | null } & AuditEventView;

const feedEvent = (e: AuditEventRecord): FeedEvent => ({
  id: String(e.id),
  at: e.at.toISOString(),
  datasetId: e.datasetId,
  ...auditEventView(e),
});

/**
 * The workspace's audit events after cursor `after` ("0": from the start),
 * oldest first, and the cursor to go on from. Read as the webhook dispatcher
 * reads the trail (core/audit-stream.ts): an event of a transaction that
 * commits late still comes, on a later page; an event may come twice, with
 * the same id.
 */
export async function auditFeed(ctx: LedgerContext, actor: Actor, after: string, limit: number) {
  const cursor = parseCursor(after);
  if (!cursor) throw invalid(`after must be a cursor from an earlier page (or 0), not "${after}"`, { field: "after" });
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > FEED_MAX_PAGE)
    throw invalid(`limit must be between 1 and ${FEED_MAX_PAGE}`, { field: "limit" });
  const batch = await ctx.store.read.audit.streamAfter(cursor, limit, actor.teamId);
  return {
    events: batch.events.map(feedEvent),
    next: formatCursor(advance(cursor, batch, limit)),
    more: batch.events.length === limit,
  };
}

export interface NewLabel {
  item: number;
  /** a Slack user id */
  annotator: string;
  label: string;
}

/** The most labels one request records. */
export const MAX_LABELS = 5_000;

/** Records labels of dataset `slug` (write tokens and leads): each item within the dataset, the latest label of an annotator replacing theirs. */
export async function recordLabels(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  labels: readonly NewLabel[],
  opts: ChangeOptions = {},
) {
  if (actor.integration?.scope !== "write") throw forbidden("only write tokens record labels");
  if (labels.length === 0) throw invalid("give at least one label", { field: "labels" });
  if (labels.length > MAX_LABELS) throw invalid(`at most ${MAX_LABELS} labels at once`, { field: "labels" });
  return change(ctx, actor.teamId, "labels.record", opts.idempotencyKey, async (r) => {
    const d = await requireDataset(r, actor.teamId, slug);
    labels.forEach((l, i) => {
      if (l.item < 1 || l.item > d.itemCount)
        throw invalid(`labels[${i}].item ${l.item} is outside ${d.slug} (items 1–${d.itemCount})`, {
          field: `labels.${i}.item`,
        });
    });
    const at = ctx.config.clock();
    const recorded = await r.labels.record(
      d.id,
      labels.map((l) => ({ item: l.item, annotatorId: l.annotator, label: l.label })),
      at,
    );
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "labels.record",
      datasetId: d.id,
      after: {
        labels: recorded,
        items: new Set(labels.map((l) => l.item)).size,
        annotators: [...new Set(labels.map((l) => l.annotator))].slice(0, 50),
      },
      reason: opts.reason ?? null,
      at,
    });
    return { dataset: d.slug, recorded };
  });
}

export interface GoldAnswer {
  item: number;
  label: string;
}

/** Records the known answers of gold items (write tokens): each item must be one of the dataset's gold items. */
export async function recordGoldAnswers(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  answers: readonly GoldAnswer[],
  opts: ChangeOptions = {},
) {
  if (actor.integration?.scope !== "write") throw forbidden("only write tokens record gold answers");
  if (answers.length === 0) throw invalid("give at least one answer", { field: "answers" });
  if (answers.length > MAX_LABELS) throw invalid(`at most ${MAX_LABELS} answers at once`, { field: "answers" });
  return change(ctx, actor.teamId, "gold.record", opts.idempotencyKey, async (r) => {
    const d = await requireDataset(r, actor.teamId, slug);
    const gold = new Set(d.goldItems);
    answers.forEach((a, i) => {
      if (!gold.has(a.item))
        throw invalid(
          `answers[${i}].item ${a.item} is not a gold item of ${d.slug}; a lead makes it one with /ledger dataset set ${d.slug} gold …`,
          { field: `answers.${i}.item` },
        );
    });
    const at = ctx.config.clock();
    const recorded = await r.labels.recordGold(d.id, answers, at);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "gold.record",
      datasetId: d.id,
      after: { answers: recorded, items: [...new Set(answers.map((a) => a.item))].slice(0, 50) },
      reason: opts.reason ?? null,
      at,
    });
    return { dataset: d.slug, recorded };
  });
}
