/**
 * The slash-command grammars of rangekeeper. Each parser turns the command's
 * text into a typed request or a UsageError saying what was wrong and the
 * correct usage. Token shapes are zod schemas.
 */

import { z } from "zod";
import { DUE_DATE_FORMS, dueDateProblem } from "../../core/dates.ts";
import { MAX_CAPACITY } from "../../core/ledger/members.ts";
import type { DatasetSetting } from "../../core/ledger/settings.ts";
import type { WorkspaceSetting } from "../../core/ledger/workspace.ts";
import { ITEM_NUMBER, MAX_INT, readWhole, type WholeBounds } from "../../core/limits.ts";
import { excerpt } from "../../core/text.ts";
import { ROLES, type Role } from "../../core/types.ts";
import { isWebhookEvent, WEBHOOK_EVENTS, type WebhookEvent } from "../../core/webhooks/events.ts";
import { BUILT_JOBS, type BuiltJob, isBuiltJob } from "../../jobs/catalog.ts";
import { parseDatasetSetting, parseWorkspaceSetting } from "./settings.ts";
import { unstorable } from "./text.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}

// ---------------------------------------------------------------------------
// tokens

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
const ref = z
  .string()
  .regex(/^[Aa]\d+$/)
  .transform((s) => Number(s.slice(1)));
const digits = /^\d+$/;
/** `<first>-<last>` or `<n>`, as digits; the numbers are read (and bounded) by expectRange. */
const range = z
  .string()
  .regex(/^\d+(?:[-–]\d+)?$/)
  .transform((s) => {
    const [a, b] = s.split(/[-–]/);
    return { first: a!, last: b ?? a! };
  });
/** `<@U123>` or `<@U123|name>` as Slack escapes a mention. */
const mention = z
  .string()
  .regex(/^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/)
  .transform((s) => /^<@([UW][A-Z0-9]+)/.exec(s)![1]!);
/** `<#C123|name>` or `<#C123>` as Slack escapes a channel. */
const channel = z
  .string()
  .regex(/^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/)
  .transform((s) => /^<#([CG][A-Z0-9]+)/.exec(s)![1]!);

/** The command's words; a text with a control character is refused whole (nothing could store it). */
function tokenize(text: string, usage: string): string[] {
  const problem = unstorable(text);
  if (problem) throw new UsageError(problem, usage);
  return text.trim().split(/\s+/).filter(Boolean);
}
const rest = (tokens: string[], from: number) => tokens.slice(from).join(" ").trim();
/** A word (or the rest) of the command quoted back in a refusal: a short excerpt. */
const q = (s: string) => excerpt(s, 50);

function parseToken<T>(schema: z.ZodType<T>, token: string | undefined): T | undefined {
  if (token === undefined) return undefined;
  const r = schema.safeParse(token);
  return r.success ? r.data : undefined;
}

function expectDataset(token: string | undefined, usage: string): string {
  if (!token) throw new UsageError("name the dataset", usage);
  const s = parseToken(slug, token.toLowerCase());
  if (!s) throw new UsageError(`"${q(token)}" is not a dataset name (lowercase letters, digits and dashes)`, usage);
  return s;
}

/** A whole number of the command, refused with a sentence naming the bound it breaks. */
function expectWhole(token: string, bounds: WholeBounds, usage: string): number {
  const r = readWhole(token, bounds);
  if (!r.ok) throw new UsageError(r.problem, usage);
  return r.value;
}

function expectRef(token: string | undefined, usage: string): number {
  if (!token) throw new UsageError("name the assignment, e.g. A17", usage);
  const id = parseToken(ref, token);
  if (id === undefined) throw new UsageError(`"${q(token)}" is not an assignment reference; they look like A17`, usage);
  if (id < 1 || id > MAX_INT)
    throw new UsageError(`"${q(token)}" is not an assignment reference; they run from A1 to A${MAX_INT}`, usage);
  return id;
}

function expectUser(token: string | undefined, usage: string): string {
  if (!token) throw new UsageError("mention the person, e.g. @ana", usage);
  const u = parseToken(mention, token);
  if (!u) {
    throw new UsageError(
      token.startsWith("@")
        ? `${q(token)} is not a known user: pick the person from Slack's @-mention list so Slack fills in who it is`
        : `"${q(token)}" is not a person; mention them with @`,
      usage,
    );
  }
  return u;
}

function expectRange(token: string | undefined, usage: string): { first: number; last: number } {
  if (!token) throw new UsageError("give the items as <first>-<last>, e.g. 101-200", usage);
  const r = parseToken(range, token);
  if (!r) throw new UsageError(`"${q(token)}" is not an item range; write it as <first>-<last>, e.g. 101-200`, usage);
  const item = { what: "an item number", ...ITEM_NUMBER };
  return { first: expectWhole(r.first, item, usage), last: expectWhole(r.last, item, usage) };
}

/**
 * Takes `due <date>` off the front of the remaining tokens: the date as typed (YYYY-MM-DD, today,
 * tomorrow, fri, +3d…), which the core resolves in the person's time zone (resolveDueDate).
 */
function takeDue(tokens: string[], at: number, usage: string): { due: string | null; next: number } {
  if (tokens[at]?.toLowerCase() !== "due") return { due: null, next: at };
  const d = tokens[at + 1];
  if (!d) throw new UsageError(`after "due" give a date: ${DUE_DATE_FORMS}`, usage);
  const problem = dueDateProblem(d);
  if (problem) throw new UsageError(problem, usage);
  return { due: d, next: at + 2 };
}

// ---------------------------------------------------------------------------
// /claim

export const CLAIM_USAGE =
  "/claim <dataset> <first>-<last> [due <date>] [note…]  ·  /claim <dataset> next [size] [due <date>] [note…]  ·  /claim (opens a form)  ·  <date>: YYYY-MM-DD, today, tomorrow, fri, +3d, +2w";

export type ClaimCommand =
  | { kind: "modal" }
  | { kind: "range"; dataset: string; first: number; last: number; due: string | null; note: string | null }
  | { kind: "next"; dataset: string; size: number | null; due: string | null; note: string | null };

export function parseClaim(text: string): ClaimCommand {
  const t = tokenize(text, CLAIM_USAGE);
  if (t.length === 0) return { kind: "modal" };
  const dataset = expectDataset(t[0], CLAIM_USAGE);
  const what = t[1];
  if (!what) throw new UsageError(`say which items of ${dataset}: a range like 101-200, or next`, CLAIM_USAGE);
  if (what.toLowerCase() === "next") {
    let at = 2;
    let size: number | null = null;
    if (t[at] !== undefined && digits.test(t[at]!)) {
      size = expectWhole(t[at]!, { what: "the size", ...ITEM_NUMBER }, CLAIM_USAGE);
      at += 1;
    }
    const { due, next } = takeDue(t, at, CLAIM_USAGE);
    return { kind: "next", dataset, size, due, note: rest(t, next) || null };
  }
  const r = expectRange(what, CLAIM_USAGE);
  const { due, next } = takeDue(t, 2, CLAIM_USAGE);
  return { kind: "range", dataset, ...r, due, note: rest(t, next) || null };
}

// ---------------------------------------------------------------------------
// /progress

export const PROGRESS_USAGE =
  "/progress <ref> <count>  ·  /progress <ref> start|pause|done [note…]  ·  /progress <ref> done confirm|<ref> <size> done [note…]  ·  /progress (opens a form)";

export type ProgressCommand =
  | { kind: "modal" }
  | { kind: "count"; id: number; count: number }
  | { kind: "start" | "pause"; id: number; note: string | null }
  /** `done confirm` submits a range with items left as all done; `<count> done` states the count */
  | { kind: "done"; id: number; note: string | null; confirmed?: true; count?: number };

export function parseProgress(text: string): ProgressCommand {
  const t = tokenize(text, PROGRESS_USAGE);
  if (t.length === 0) return { kind: "modal" };
  const id = expectRef(t[0], PROGRESS_USAGE);
  const what = t[1]?.toLowerCase();
  if (!what) throw new UsageError("give the number of items done, or start, pause or done", PROGRESS_USAGE);
  if (what === "done" && t[2]?.toLowerCase() === "confirm")
    return { kind: "done", id, note: rest(t, 3) || null, confirmed: true };
  if (what === "start" || what === "pause" || what === "done") return { kind: what, id, note: rest(t, 2) || null };
  if (!digits.test(what)) {
    throw new UsageError(`"${q(t[1]!)}" is neither a count of items done nor start, pause or done`, PROGRESS_USAGE);
  }
  const count = expectWhole(what, { what: "items done", ...ITEM_NUMBER, min: 0 }, PROGRESS_USAGE);
  if (t[2]?.toLowerCase() === "done") return { kind: "done", id, note: rest(t, 3) || null, count };
  if (t.length > 2) throw new UsageError(`unexpected "${q(rest(t, 2))}" after the count`, PROGRESS_USAGE);
  return { kind: "count", id, count };
}

// ---------------------------------------------------------------------------
// /handoff

export const HANDOFF_USAGE =
  "/handoff <ref> @user [<first>-<last>] [done <n>] <reason…>  ·  /handoff <ref> pool [<first>-<last>] <reason…>  ·  /handoff (opens a form)";

export type HandoffCommand =
  | { kind: "modal" }
  | {
      kind: "handoff";
      id: number;
      to: string | null;
      range: { first: number; last: number } | null;
      reason: string;
      /** `done <n>`: the done items in the handed-off part (else counted from the start of the range) */
      doneMoved?: number;
    };

export function parseHandoff(text: string): HandoffCommand {
  const t = tokenize(text, HANDOFF_USAGE);
  if (t.length === 0) return { kind: "modal" };
  const id = expectRef(t[0], HANDOFF_USAGE);
  const target = t[1];
  if (!target) throw new UsageError("say who gets it: @someone, or pool", HANDOFF_USAGE);
  const to = target.toLowerCase() === "pool" ? null : expectUser(target, HANDOFF_USAGE);
  let at = 2;
  let r: { first: number; last: number } | null = null;
  if (t[at] !== undefined && /^\d/.test(t[at]!)) {
    r = expectRange(t[at], HANDOFF_USAGE);
    at += 1;
  }
  let doneMoved: number | undefined;
  if (t[at]?.toLowerCase() === "done" && t[at + 1] !== undefined && /^\d/.test(t[at + 1]!)) {
    doneMoved = expectWhole(
      t[at + 1]!,
      { what: "the done items of the handed-off part", ...ITEM_NUMBER, min: 0 },
      HANDOFF_USAGE,
    );
    at += 2;
  }
  const reason = rest(t, at);
  if (!reason) throw new UsageError("add a reason (it is kept in the ledger's history)", HANDOFF_USAGE);
  return { kind: "handoff", id, to, range: r, reason, ...(doneMoved !== undefined ? { doneMoved } : {}) };
}

// ---------------------------------------------------------------------------
// /release, /review

export const RELEASE_USAGE = "/release <ref> [confirm|all] [reason…]";

/**
 * `/release A8` releases a range with nothing done (one with items done asks
 * first); `confirm` keeps the done items with their owner and releases the
 * unstarted rest; `all` releases every item, discarding the done ones.
 */
export function parseRelease(text: string): { id: number; mode: "unstarted" | "all" | null; reason: string | null } {
  const t = tokenize(text, RELEASE_USAGE);
  const id = expectRef(t[0], RELEASE_USAGE);
  const word = t[1]?.toLowerCase();
  const mode = word === "confirm" ? "unstarted" : word === "all" ? "all" : null;
  return { id, mode, reason: rest(t, mode ? 2 : 1) || null };
}

export const REVIEW_USAGE = "/review  ·  /review <ref>";

export type ReviewCommand = { kind: "queue" } | { kind: "open"; assignmentId: number };

export function parseReview(text: string): ReviewCommand {
  const t = tokenize(text, REVIEW_USAGE);
  if (t.length === 0) return { kind: "queue" };
  const id = expectRef(t[0], REVIEW_USAGE);
  if (t.length > 1) throw new UsageError(`unexpected "${q(rest(t, 1))}" after ${t[0]}`, REVIEW_USAGE);
  return { kind: "open", assignmentId: id };
}

export const MYWORK_USAGE = "/mywork";

export function parseMywork(text: string): { kind: "list" } {
  const t = tokenize(text, MYWORK_USAGE);
  if (t.length > 0) throw new UsageError(`/mywork takes no arguments, not "${q(rest(t, 0))}"`, MYWORK_USAGE);
  return { kind: "list" };
}

// ---------------------------------------------------------------------------
// /ledger

export const LEDGER_USAGES = {
  help: "/ledger help",
  status: "/ledger status [<dataset>] [public]",
  datasetAdd: "/ledger dataset add <slug> <items> [#channel] [title…]",
  datasetSet: "/ledger dataset set <slug> <key> <value>",
  assign:
    "/ledger assign <dataset> <first>-<last> @user [due <date>] [note…]  (<date>: YYYY-MM-DD, today, tomorrow, fri, +3d)",
  role: "/ledger role @user annotator|reviewer|lead|admin [<dataset>]",
  capacity: "/ledger capacity @user <items-per-week>",
  export: "/ledger export <dataset> [reviews]",
  qa: "/ledger qa <dataset>|me [weeks <n> | since YYYY-MM-DD]",
  due: "/ledger due <ref> <date>|none [reason…]  (<date>: YYYY-MM-DD, today, tomorrow, fri, +3d)",
  jobs: "/ledger jobs [run <job>]",
  token: "/ledger token create <name> [read|write] · token list · token revoke <name>",
  workspace: "/ledger workspace [set <key> <value>]",
  webhook: "/ledger webhook add <url> [event,…] · webhook list · webhook remove <id>",
} as const;

export const LEDGER_USAGE = Object.values(LEDGER_USAGES).join("  ·  ");

export type LedgerCommand =
  | { kind: "help" }
  | { kind: "status"; dataset: string | null; public: boolean }
  | { kind: "dataset-add"; slug: string; items: number; channelId: string | null; title: string | null }
  | { kind: "dataset-set"; slug: string; setting: DatasetSetting }
  | {
      kind: "assign";
      dataset: string;
      first: number;
      last: number;
      userId: string;
      due: string | null;
      note: string | null;
    }
  | { kind: "role"; userId: string; role: Role; dataset: string | null }
  | { kind: "capacity"; userId: string; itemsPerWeek: number }
  | { kind: "export"; dataset: string; what: "ledger" | "reviews" }
  | { kind: "qa"; dataset: string | null; span: { weeks: number } | { since: string } }
  | { kind: "due"; id: number; due: string | null; reason: string | null }
  | { kind: "jobs" }
  | { kind: "workspace" }
  | { kind: "workspace-set"; setting: WorkspaceSetting }
  | { kind: "jobs-run"; job: BuiltJob }
  | { kind: "token-create"; name: string; scope: "read" | "write" }
  | { kind: "token-list" }
  | { kind: "token-revoke"; name: string }
  | WebhookCommand;

const SUBCOMMANDS = [
  "help",
  "status",
  "dataset",
  "assign",
  "due",
  "role",
  "capacity",
  "export",
  "qa",
  "jobs",
  "token",
  "workspace",
  "webhook",
];

const TOKEN_NAME_SHAPE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

function parseTokenCommand(t: string[]): LedgerCommand {
  const u = LEDGER_USAGES.token;
  const verb = t[0]?.toLowerCase();
  const name = () => {
    const n = t[1];
    if (!n) throw new UsageError("name the token", u);
    if (!TOKEN_NAME_SHAPE.test(n))
      throw new UsageError(
        `"${q(n)}" cannot name a token: use up to 40 lowercase letters, digits, - and _, starting with a letter or digit`,
        u,
      );
    return n;
  };
  switch (verb) {
    case "create": {
      const n = name();
      const scope = t[2]?.toLowerCase() ?? "read";
      if (scope !== "read" && scope !== "write")
        throw new UsageError(`"${q(t[2]!)}" is not a scope; use read or write`, u);
      if (t.length > 3) throw new UsageError(`unexpected "${q(rest(t, 3))}"`, u);
      return { kind: "token-create", name: n, scope };
    }
    case "list":
      if (t.length > 1) throw new UsageError(`unexpected "${q(rest(t, 1))}"`, u);
      return { kind: "token-list" };
    case "revoke": {
      const n = name();
      if (t.length > 2) throw new UsageError(`unexpected "${q(rest(t, 2))}"`, u);
      return { kind: "token-revoke", name: n };
    }
    default:
      throw new UsageError(
        verb ? `"token ${q(t[0]!)}" is not a command; use token create, list or revoke` : "say create, list or revoke",
        u,
      );
  }
}

export function parseLedger(text: string): LedgerCommand {
  const t = tokenize(text, LEDGER_USAGES.help);
  const sub = t[0]?.toLowerCase();
  if (!sub || sub === "help") return { kind: "help" };
  switch (sub) {
    case "status": {
      const args = t.slice(1);
      const isPublic = args.some((a) => a.toLowerCase() === "public");
      const names = args.filter((a) => a.toLowerCase() !== "public");
      if (names.length > 1) throw new UsageError(`unexpected "${q(names.slice(1).join(" "))}"`, LEDGER_USAGES.status);
      return {
        kind: "status",
        dataset: names[0] ? expectDataset(names[0], LEDGER_USAGES.status) : null,
        public: isPublic,
      };
    }
    case "dataset": {
      const verb = t[1]?.toLowerCase();
      if (verb === "add") {
        const u = LEDGER_USAGES.datasetAdd;
        const s = expectDataset(t[2], u);
        if (!t[3]) throw new UsageError("give the number of items", u);
        if (!digits.test(t[3])) throw new UsageError(`"${q(t[3])}" is not a number of items`, u);
        const items = expectWhole(t[3], { what: "the item count", ...ITEM_NUMBER }, u);
        let at = 4;
        let channelId: string | null = null;
        const ch = parseToken(channel, t[at]);
        if (ch) {
          channelId = ch;
          at += 1;
        } else if (t[at]?.startsWith("#")) {
          throw new UsageError(`${q(t[at]!)} is not a channel Slack recognised; pick it from the #-list`, u);
        }
        return { kind: "dataset-add", slug: s, items, channelId, title: rest(t, at) || null };
      }
      if (verb === "set") {
        const u = LEDGER_USAGES.datasetSet;
        const s = expectDataset(t[2], u);
        const key = t[3];
        if (!key) throw new UsageError("name the setting to change", u);
        const parsed = parseDatasetSetting(key, rest(t, 4));
        if (!parsed.ok) throw new UsageError(parsed.problem, u);
        return { kind: "dataset-set", slug: s, setting: parsed.setting };
      }
      throw new UsageError(
        `"dataset ${q(t[1] ?? "")}" is not a command; use add or set`,
        `${LEDGER_USAGES.datasetAdd}  ·  ${LEDGER_USAGES.datasetSet}`,
      );
    }
    case "assign": {
      const u = LEDGER_USAGES.assign;
      const dataset = expectDataset(t[1], u);
      const r = expectRange(t[2], u);
      const userId = expectUser(t[3], u);
      const { due, next } = takeDue(t, 4, u);
      return { kind: "assign", dataset, ...r, userId, due, note: rest(t, next) || null };
    }
    case "role": {
      const u = LEDGER_USAGES.role;
      const userId = expectUser(t[1], u);
      const roleName = t[2]?.toUpperCase();
      const role = ROLES.find((r) => r === roleName);
      if (!role) throw new UsageError(t[2] ? `"${q(t[2])}" is not a role` : "name the role", u);
      if (t.length > 4) throw new UsageError(`unexpected "${q(rest(t, 4))}"`, u);
      return { kind: "role", userId, role, dataset: t[3] ? expectDataset(t[3], u) : null };
    }
    case "capacity": {
      const u = LEDGER_USAGES.capacity;
      const userId = expectUser(t[1], u);
      if (!t[2]) throw new UsageError("give the items per week", u);
      if (!digits.test(t[2])) throw new UsageError(`"${q(t[2])}" is not a number of items per week`, u);
      const n = expectWhole(t[2], { what: "the capacity", min: 1, max: MAX_CAPACITY, because: "items per week" }, u);
      return { kind: "capacity", userId, itemsPerWeek: n };
    }
    case "export": {
      const u = LEDGER_USAGES.export;
      const dataset = expectDataset(t[1], u);
      const what = t[2]?.toLowerCase();
      if (what !== undefined && what !== "reviews")
        throw new UsageError(`"${q(t[2]!)}" is not an export; add reviews, or nothing for the ledger`, u);
      if (t.length > 3) throw new UsageError(`unexpected "${q(rest(t, 3))}"`, u);
      return { kind: "export", dataset, what: what === "reviews" ? "reviews" : "ledger" };
    }
    case "qa":
      return parseQa(t.slice(1));
    case "jobs": {
      const u = LEDGER_USAGES.jobs;
      const verb = t[1]?.toLowerCase();
      if (!verb) return { kind: "jobs" };
      if (verb !== "run") throw new UsageError(`"jobs ${q(t[1]!)}" is not a command; use jobs, or jobs run <job>`, u);
      const job = t[2]?.toLowerCase();
      if (!job) throw new UsageError("name the job to run", u);
      if (!isBuiltJob(job)) throw new UsageError(`"${q(t[2]!)}" is not a job; jobs: ${BUILT_JOBS.join(", ")}`, u);
      if (t.length > 3) throw new UsageError(`unexpected "${q(rest(t, 3))}"`, u);
      return { kind: "jobs-run", job };
    }
    case "token":
      return parseTokenCommand(t.slice(1));
    case "due": {
      const u = LEDGER_USAGES.due;
      const id = expectRef(t[1], u);
      const d = t[2];
      if (!d) throw new UsageError(`give the new due date (${DUE_DATE_FORMS}), or none`, u);
      const problem = /^none$/i.test(d) ? null : dueDateProblem(d);
      if (problem) throw new UsageError(`${problem}; or none`, u);
      return { kind: "due", id, due: /^none$/i.test(d) ? null : d, reason: rest(t, 3) || null };
    }
    case "workspace": {
      const u = LEDGER_USAGES.workspace;
      const verb = t[1]?.toLowerCase();
      if (!verb) return { kind: "workspace" };
      if (verb !== "set")
        throw new UsageError(`"workspace ${q(t[1]!)}" is not a command; use workspace, or workspace set`, u);
      const key = t[2];
      if (!key) throw new UsageError("name the setting to change", u);
      const parsed = parseWorkspaceSetting(key, rest(t, 3));
      if (!parsed.ok) throw new UsageError(parsed.problem, u);
      return { kind: "workspace-set", setting: parsed.setting };
    }
    case "webhook":
      return parseWebhook(t.slice(1));
    default:
      throw new UsageError(
        `"${q(t[0]!)}" is not a /ledger command; commands: ${SUBCOMMANDS.join(", ")}`,
        LEDGER_USAGES.help,
      );
  }
}

/** `/ledger qa <dataset>|me [weeks <n> | since YYYY-MM-DD]`: the last 4 weeks unless told. */
function parseQa(t: string[]): LedgerCommand {
  const usage = LEDGER_USAGES.qa;
  if (!t[0]) throw new UsageError("name a dataset, or me for your own numbers", usage);
  const dataset = t[0].toLowerCase() === "me" ? null : expectDataset(t[0], usage);
  const how = t[1]?.toLowerCase();
  if (how === undefined) return { kind: "qa", dataset, span: { weeks: 4 } };
  if (t.length > 3) throw new UsageError(`unexpected "${q(rest(t, 3))}"`, usage);
  if (how === "weeks")
    return {
      kind: "qa",
      dataset,
      span: {
        weeks: expectWhole(
          t[2] ?? "",
          { what: "the number of weeks", min: 1, max: 52, because: "a report looks back a year at most" },
          usage,
        ),
      },
    };
  if (how === "since") {
    if (!t[2] || !/^\d{4}-\d{2}-\d{2}$/.test(t[2]))
      throw new UsageError(`after "since" give a date as YYYY-MM-DD${t[2] ? `, not "${q(t[2])}"` : ""}`, usage);
    return { kind: "qa", dataset, span: { since: t[2] } };
  }
  throw new UsageError(`"${q(t[1]!)}" is not a span; use weeks <n> or since YYYY-MM-DD`, usage);
}

// ---------------------------------------------------------------------------
// /ledger webhook

export type WebhookCommand =
  | { kind: "webhook-add"; url: string; events: WebhookEvent[] }
  | { kind: "webhook-list" }
  | { kind: "webhook-remove"; id: number };

/** A URL as Slack escapes it in a command's text (`<https://…>` or `<https://…|label>`), or as typed. */
const linkUrl = (token: string): string =>
  (/^<([^|>]+)(?:\|[^>]*)?>$/.exec(token)?.[1] ?? token)
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** `/ledger webhook add <url> [event,…]` · `list` · `remove <id>`: the URL's own rules are the core's. */
function parseWebhook(t: string[]): LedgerCommand {
  const u = LEDGER_USAGES.webhook;
  const verb = t[0]?.toLowerCase();
  if (verb === "list") {
    if (t.length > 1) throw new UsageError(`unexpected "${q(rest(t, 1))}"`, u);
    return { kind: "webhook-list" };
  }
  if (verb === "remove") {
    const id = t[1];
    if (!id) throw new UsageError("name the webhook to remove by its id (/ledger webhook list shows them)", u);
    if (!digits.test(id)) throw new UsageError(`"${q(id)}" is not a webhook id; ids are numbers, e.g. 3`, u);
    if (t.length > 2) throw new UsageError(`unexpected "${q(rest(t, 2))}"`, u);
    return { kind: "webhook-remove", id: expectWhole(id, { what: "the webhook id", min: 1, max: MAX_INT }, u) };
  }
  if (verb === "add") {
    const raw = t[1];
    if (!raw) throw new UsageError("give the receiver's URL, e.g. https://hooks.example.com/rangekeeper", u);
    const url = linkUrl(raw);
    if (!/^https?:\/\//i.test(url))
      throw new UsageError(`"${q(url)}" is not an http(s) URL; a webhook URL starts with https:// or http://`, u);
    const events: WebhookEvent[] = [];
    for (const e of rest(t, 2)
      .split(/[\s,]+/)
      .filter(Boolean)) {
      const name = e.toLowerCase();
      if (!isWebhookEvent(name))
        throw new UsageError(`"${q(e)}" is not an event; events: ${WEBHOOK_EVENTS.join(", ")}`, u);
      if (!events.includes(name)) events.push(name);
    }
    return { kind: "webhook-add", url, events };
  }
  throw new UsageError(
    t[0] ? `"webhook ${q(t[0])}" is not a command; use add, list or remove` : "say add, list or remove",
    u,
  );
}
