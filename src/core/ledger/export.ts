import { assignmentRef } from "../refs.js";
import { formatIsoDate } from "../dates.js";
import type { LedgerContext } from "./context.js";
import { getDataset } from "./datasets.js";

const COLUMNS = ["ref", "first", "last", "size", "assignee", "status", "items_done", "due_date", "note", "review_round", "created_at", "updated_at"];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-looking text is defused. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The dataset's ledger (every assignment, released ones included) as CSV. */
export async function exportCsv(ctx: LedgerContext, teamId: string, slug: string): Promise<{ csv: string; rows: number; slug: string }> {
  const d = await getDataset(ctx, teamId, slug);
  const rows = await ctx.store.prisma.assignment.findMany({ where: { datasetId: d.id }, orderBy: [{ first: "asc" }, { id: "asc" }] });
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
