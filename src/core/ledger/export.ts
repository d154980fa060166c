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
 * The dataset's ledger (every assignment, released ones included) as CSV.
 * Reviewers, leads and admins may export any dataset; an annotator only one
 * they hold a range of.
 */
export async function exportCsv(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
): Promise<{ csv: string; rows: number; slug: string }> {
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
  const rows = await r.assignments.allOfDataset(d.id);
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
