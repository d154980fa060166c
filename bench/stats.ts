export interface Row {
  backend: string;
  op: string;
  /** live ranges in the dataset, or concurrency for HTTP rows */
  live: number;
  p50: number;
  p99: number;
  /** p50 / baseline p50 */
  r50: number;
  /** p99 / baseline p99 */
  r99: number;
}

/** Nearest-rank percentile of a sample, in its unit. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) =>
    r.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? c.toLocaleString("en-US") : c.toFixed(2)) : c)),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
