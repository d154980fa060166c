/**
 * Reads our modals' submitted state (view.state.values) with zod. Each
 * reader returns typed input or the errors to show inline, keyed by block id,
 * the way Slack's `response_action: "errors"` wants them.
 */
import { z } from "zod";
import { formatCount, ITEM_NUMBER, MAX_INT, readWhole } from "../../core/limits.ts";
import { excerpt } from "../../core/text.ts";
import { ACTIONS, INPUTS, VALUE } from "../../ui/ids.ts";
import type { ModalMetadata } from "../../ui/modals.ts";
import { storableText } from "./text.ts";

export type FieldErrors = Record<string, string>;

/** The bound of a size or a count of items done typed in a form. */
const ITEM_LIMIT = { max: ITEM_NUMBER.max, because: ITEM_NUMBER.because! };
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

// Every string a field carries is checked for control characters (./text.ts): free text, and the
// values of selects and pickers, which a forged request could fill with anything.
const str = storableText;
const text = z.object({ type: z.literal("plain_text_input"), value: str.nullish() });
const num = z.object({ type: z.literal("number_input"), value: str.nullish() });
const select = z.object({
  type: z.literal("static_select"),
  selected_option: z.object({ value: str }).nullish(),
});
const user = z.object({ type: z.literal("users_select"), selected_user: str.nullish() });
const date = z.object({ type: z.literal("datepicker"), selected_date: str.nullish() });
const checks = z.object({
  type: z.literal("checkboxes"),
  selected_options: z.array(z.object({ value: str })).nullish(),
});
const radio = z.object({
  type: z.literal("radio_buttons"),
  selected_option: z.object({ value: str }).nullish(),
});

type Values = Record<string, Record<string, unknown>>;

const valuesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

class Reader {
  readonly errors: FieldErrors = {};
  private readonly values: Values;

  constructor(values: Values) {
    this.values = values;
  }

  private field<T>(block: string, schema: z.ZodType<T>, actionId: string = VALUE): T | undefined {
    const raw = this.values[block]?.[actionId];
    if (raw === undefined) return undefined;
    const r = schema.safeParse(raw);
    if (!r.success) {
      // A control character is named; any other mismatch is a shape no form of ours sends.
      this.errors[block] =
        r.error.issues.find((i) => i.code === "custom")?.message ??
        "this field arrived in a shape rangekeeper does not accept";
      return undefined;
    }
    return r.data;
  }

  text(block: string): string | null {
    return this.field(block, text)?.value?.trim() || null;
  }
  /**
   * A whole number from `min` to `max` (the form's own bound, refused as "between"), or, without
   * `max`, up to `limit`: the most the ledger takes there, named with why when refused.
   */
  number(
    block: string,
    label: string,
    min: number,
    max?: number,
    limit: { max: number; because: string } = { max: MAX_INT, because: "the largest number the ledger stores" },
  ): number | null {
    const v = this.field(block, num)?.value?.trim();
    if (!v) return null;
    if (!/^\d+$/.test(v)) {
      this.errors[block] = `${label} must be a whole number`;
      return null;
    }
    const n = Number(v);
    if (n < min || (max !== undefined && n > max)) {
      this.errors[block] =
        max !== undefined ? `${label} must be between ${min} and ${max}` : `${label} must be at least ${min}`;
      return null;
    }
    if (n > limit.max) {
      this.errors[block] = `${label} must be at most ${formatCount(limit.max)} (${limit.because})`;
      return null;
    }
    return n;
  }
  select(block: string, actionId?: string): string | null {
    return this.field(block, select, actionId)?.selected_option?.value ?? null;
  }
  user(block: string): string | null {
    return this.field(block, user)?.selected_user ?? null;
  }
  date(block: string): string | null {
    return this.field(block, date)?.selected_date ?? null;
  }
  checked(block: string): string[] {
    return (this.field(block, checks)?.selected_options ?? []).map((o) => o.value);
  }
  radio(block: string): string | null {
    return this.field(block, radio)?.selected_option?.value ?? null;
  }
  require<T>(block: string, v: T | null, message: string): T | null {
    if (v === null && !this.errors[block]) this.errors[block] = message;
    return v;
  }
  result<T>(value: T): Parsed<T> {
    return Object.keys(this.errors).length ? { ok: false, errors: this.errors } : { ok: true, value };
  }
}

function reader(values: unknown): Reader {
  const r = valuesSchema.safeParse(values);
  return new Reader(r.success ? (r.data as Values) : {});
}

const metadataSchema = z.object({ channelId: str.nullish(), ref: str.max(100).optional() });

/** private_metadata of our modals; anything else reads as empty. */
export function readMetadata(raw: string | undefined): ModalMetadata {
  try {
    const r = metadataSchema.safeParse(JSON.parse(raw || "{}"));
    return r.success ? { channelId: r.data.channelId ?? null, ...(r.data.ref ? { ref: r.data.ref } : {}) } : {};
  } catch {
    return {};
  }
}

const RANGE = /^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$/;

function parseRangeText(r: Reader, block: string, s: string | null): { first: number; last: number } | null {
  if (!s) return null;
  const m = RANGE.exec(s);
  if (!m) {
    r.errors[block] = `"${excerpt(s)}" is not a range; write it as <first>-<last>, e.g. 101-200`;
    return null;
  }
  const item = { what: "an item number", ...ITEM_NUMBER };
  for (const part of [m[1]!, m[2] ?? m[1]!]) {
    const n = readWhole(part, item);
    if (!n.ok) {
      r.errors[block] = n.problem;
      return null;
    }
  }
  return { first: Number(m[1]), last: Number(m[2] ?? m[1]) };
}

export type ClaimSubmission =
  | { kind: "range"; dataset: string; first: number; last: number; due: string | null; note: string | null }
  | { kind: "next"; dataset: string; size: number | null; due: string | null; note: string | null };

export function readClaim(values: unknown): Parsed<ClaimSubmission> {
  const i = INPUTS.claim;
  const r = reader(values);
  const dataset = r.require(i.dataset, r.select(i.dataset, ACTIONS.claimDataset), "choose a dataset");
  const range = parseRangeText(r, i.range, r.text(i.range));
  const size = r.number(i.size, "the size", 1, undefined, ITEM_LIMIT);
  const due = r.date(i.due);
  const note = r.text(i.note);
  if (!dataset) return { ok: false, errors: r.errors };
  return r.result<ClaimSubmission>(
    range ? { kind: "range", dataset, ...range, due, note } : { kind: "next", dataset, size, due, note },
  );
}

export type ProgressSubmission = {
  ref: string;
  done: number | null;
  action: "progress" | "start" | "pause" | "done";
  note: string | null;
};

export function readProgress(values: unknown): Parsed<ProgressSubmission> {
  const i = INPUTS.progress;
  const r = reader(values);
  const ref = r.require(i.assignment, r.select(i.assignment), "choose a range");
  const done = r.number(i.done, "items done", 0, undefined, ITEM_LIMIT);
  const action = r.radio(i.action) ?? "progress";
  if (!["progress", "start", "pause", "done"].includes(action)) r.errors[i.action] = "choose one of the options";
  if (action === "progress" && done === null && !r.errors[i.done]) r.errors[i.done] = "give the number of items done";
  return r.result({ ref: ref ?? "", done, action: action as ProgressSubmission["action"], note: r.text(i.note) });
}

export type HandoffSubmission = {
  ref: string;
  to: string | null;
  range: { first: number; last: number } | null;
  reason: string;
  /** done items in the handed-off part; null: counted from the start of the range */
  doneMoved: number | null;
};

export function readHandoff(values: unknown): Parsed<HandoffSubmission> {
  const i = INPUTS.handoff;
  const r = reader(values);
  const ref = r.require(i.assignment, r.select(i.assignment), "choose a range");
  const to = r.user(i.to);
  const pool = r.checked(i.pool).includes("pool");
  if (to && pool) r.errors[i.to] = "choose a person or the pool, not both";
  if (!to && !pool && !r.errors[i.to]) r.errors[i.to] = "choose who gets the items, or tick the pool below";
  const range = parseRangeText(r, i.range, r.text(i.range));
  const reason = r.require(i.reason, r.text(i.reason), "give a reason; it is kept in the history");
  const doneMoved = r.number(i.done, "done items", 0);
  return r.result({ ref: ref ?? "", to: pool ? null : to, range, reason: reason ?? "", doneMoved });
}

export type DecisionSubmission = { approve: boolean; to: string | null; comment: string | null };

export function readDecision(values: unknown): Parsed<DecisionSubmission> {
  const i = INPUTS.decision;
  const r = reader(values);
  const decision = r.require(i.decision, r.radio(i.decision), "approve or reject");
  if (decision && decision !== "approve" && decision !== "reject") r.errors[i.decision] = "approve or reject";
  return r.result({ approve: decision === "approve", to: r.user(i.to), comment: r.text(i.comment) });
}

export type ReviewSubmission = {
  itemsChecked: number;
  errors: Record<string, number>;
  goldCorrect: number | undefined;
  verdict: "accept" | "changes";
  comment: string | null;
};

export function readReview(
  values: unknown,
  taxonomy: readonly string[],
  sampleSize: number,
  goldInSample: number,
): Parsed<ReviewSubmission> {
  const i = INPUTS.review;
  const r = reader(values);
  const checked = r.require(
    i.checked,
    r.number(i.checked, "items checked", 1, sampleSize),
    "give the number of items checked",
  );
  const errors: Record<string, number> = {};
  taxonomy.slice(0, 20).forEach((cat, n) => {
    const v = r.number(`${i.errorPrefix}${n}`, `"${cat}" errors`, 0);
    if (v) errors[cat] = v;
  });
  const gold = goldInSample > 0 ? (r.number(i.gold, "gold items right", 0, goldInSample) ?? undefined) : undefined;
  const verdict = r.require(i.verdict, r.radio(i.verdict), "accept or request changes");
  if (verdict && verdict !== "accept" && verdict !== "changes") r.errors[i.verdict] = "accept or request changes";
  const comment = r.text(i.comment);
  if (verdict === "changes" && !comment && !r.errors[i.comment])
    r.errors[i.comment] = "A comment is required when asking for changes: say what to change.";
  return r.result({
    itemsChecked: checked ?? 0,
    errors,
    goldCorrect: gold,
    verdict: verdict as "accept" | "changes",
    comment,
  });
}

export type DueProposalSubmission = { due: string; reason: string | null };

export function readDueProposal(values: unknown): Parsed<DueProposalSubmission> {
  const i = INPUTS.due;
  const r = reader(values);
  const due = r.require(i.due, r.date(i.due), "pick the new due date");
  const reason = r.text(i.reason);
  if (!due) return { ok: false, errors: r.errors };
  return r.result<DueProposalSubmission>({ due, reason });
}

/** The value of a due-date proposal's buttons: `A17|2026-12-05|2026-11-25|UOWNER` (`none` for no date). */
export const dueProposalButton = z
  .string()
  .regex(/^A\d{1,9}\|\d{4}-\d{2}-\d{2}\|(\d{4}-\d{2}-\d{2}|none)\|[UW][A-Z0-9]{2,}$/);

export function readDueProposalButton(value: string): { ref: string; due: string; from: string | null; owner: string } {
  const [ref, due, from, owner] = value.split("|") as [string, string, string, string];
  return { ref, due, from: from === "none" ? null : from, owner };
}

/** The value of a "Claim … instead" button (claimOfferValue): its shape, checked before anything reads it. */
export const claimOfferShape = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}\|\d{1,9}-\d{1,9}\|[^|]*\|[\s\S]*$/);

/** A "Claim … instead" button's claim: the range, and the due date and note of the claim it replaces. */
export function readClaimOfferButton(value: string): {
  dataset: string;
  first: number;
  last: number;
  due: string | null;
  note: string | null;
} {
  const [dataset, range, due, ...note] = value.split("|") as [string, string, string, ...string[]];
  const [first, last] = range.split("-").map(Number) as [number, number];
  return { dataset, first, last, due: due || null, note: note.join("|") || null };
}
