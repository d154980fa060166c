import type { DatasetRecord } from "../../db/records.ts";
import type { ReviewCursor, ReviewWithRange } from "../../db/repositories/reviews.ts";
import { formatIsoDate } from "../dates.ts";
import { forbidden } from "../errors.ts";
import { assignmentRef } from "../refs.ts";
import { LIVE_STATUSES } from "../transitions.ts";
import type { Actor } from "../types.ts";
import { type LedgerContext, roleOf } from "./context.ts";
import { requireDataset } from "./datasets.ts";

const COLUMNS = [
  "ref",
  "first",
  "last",
  "size",
  "assignee",
  "status",
  "items_done",
  "due_date",
  "note",
  "review_round",
  "created_at",
  "updated_at",
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-looking text is defused. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The dataset an actor may export: reviewers, leads and admins any dataset;
 * an annotator only one they hold a range of.
 */
async function datasetToExport(ctx: LedgerContext, actor: Actor, slug: string): Promise<DatasetRecord> {
  const r = ctx.store.read;
  const d = await requireDataset(r, actor.teamId, slug);
  if ((await roleOf(ctx, r, actor, d.id, { register: false })) === "ANNOTATOR") {
    const mine = await r.assignments.list(actor.teamId, {
      assigneeId: actor.userId,
      dataset: d.slug,
      statuses: LIVE_STATUSES,
      limit: 1,
    });
    if (mine.length === 0)
      throw forbidden(`you hold nothing in ${d.slug}; reviewers, leads and its annotators can export it`);
  }
  return d;
}

/**
 * The dataset's ledger (every assignment, released ones included) as CSV.
 * Reviewers, leads and admins may export any dataset; an annotator only one
 * they hold a range of.
 */
export async function exportCsv(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
): Promise<{ csv: string; rows: number; slug: string }> {
  const d = await datasetToExport(ctx, actor, slug);
  const rows = await ctx.store.read.assignments.allOfDataset(d.id);
  const lines = [COLUMNS.join(",")];
  for (const a of rows) {
    lines.push(
      [
        assignmentRef(a.id),
        a.first,
        a.last,
        a.last - a.first + 1,
        a.assigneeId,
        a.status,
        a.itemsDone,
        a.dueDate ? formatIsoDate(a.dueDate) : "",
        a.note,
        a.reviewRound,
        a.createdAt.toISOString(),
        a.updatedAt.toISOString(),
      ]
        .map(csvField)
        .join(","),
    );
  }
  return { csv: `${lines.join("\r\n")}\r\n`, rows: rows.length, slug: d.slug };
}

/** Reviews read per query while exporting: a dataset may hold tens of thousands. */
export const REVIEW_EXPORT_PAGE = 2000;

/**
 * The columns of the reviews export: one `errors: <category>` column per
 * category of the dataset's taxonomy, in its order, then any category found
 * in recorded reviews that the taxonomy no longer has (sorted).
 */
export function reviewColumns(
  taxonomy: readonly string[],
  recorded: readonly string[],
): {
  header: string[];
  categories: string[];
} {
  const categories = [...taxonomy, ...recorded.filter((c) => !taxonomy.includes(c))];
  return {
    header: [
      "assignment",
      "first",
      "last",
      "annotator",
      "reviewer",
      "round",
      "status",
      "submitted_at",
      "decided_at",
      "sample_size",
      "sample",
      "items_checked",
      ...categories.map((c) => `errors: ${c}`),
      "errors_total",
      "gold_checked",
      "gold_correct",
      "submit_note",
      "comment",
    ],
    categories,
  };
}

/**
 * One review as a CSV line (see `reviewColumns`). The counts of a review not
 * decided (pending, or called off) are empty, not zero: nothing was checked.
 */
export function reviewCsvLine(r: ReviewWithRange, categories: readonly string[]): string {
  const decided = r.itemsChecked !== null;
  const count = (n: number) => (decided ? n : "");
  return [
    assignmentRef(r.assignmentId),
    r.first,
    r.last,
    r.annotatorId,
    r.reviewerId,
    r.round,
    r.status,
    r.createdAt.toISOString(),
    r.decidedAt?.toISOString(),
    r.sampleSize,
    r.sampleFull ? "full" : "sampled",
    r.itemsChecked,
    ...categories.map((c) => count(r.errors[c] ?? 0)),
    count(Object.values(r.errors).reduce((a, b) => a + b, 0)),
    count(r.goldChecked),
    count(r.goldCorrect),
    r.submitNote,
    r.comment,
  ]
    .map(csvField)
    .join(",");
}

/**
 * Every review (each round) of the dataset's ranges as CSV, by range then
 * round: who annotated and reviewed, when it was submitted and decided, the
 * sample, items checked, errors by category, gold items and the notes. Who
 * may export it: as for the ledger.
 */
export async function exportReviewsCsv(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
): Promise<{ csv: string; rows: number; slug: string }> {
  const d = await datasetToExport(ctx, actor, slug);
  const repo = ctx.store.read.reviews;
  const { header, categories } = reviewColumns(d.errorTaxonomy, await repo.errorCategoriesOfDataset(d.id));
  const lines = [header.map(csvField).join(",")];
  let after: ReviewCursor | null = null;
  for (;;) {
    const page = await repo.pageOfDataset(d.id, after, REVIEW_EXPORT_PAGE);
    for (const r of page) lines.push(reviewCsvLine(r, categories));
    if (page.length < REVIEW_EXPORT_PAGE) break;
    const last = page[page.length - 1]!;
    after = { assignmentId: last.assignmentId, round: last.round };
  }
  return { csv: `${lines.join("\r\n")}\r\n`, rows: lines.length - 1, slug: d.slug };
}
