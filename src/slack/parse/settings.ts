/**
 * `/ledger dataset set <slug> <key> <value>`: the value of each setting as
 * typed in Slack, parsed with zod into a typed DatasetSetting. Only the
 * syntax is checked here ("10%" is a share, "40-42" a range); the rules every
 * value must follow (a share within 0–100 %, gold items inside the dataset)
 * are the core's.
 */
import { z } from "zod";
import {
  DATASET_SETTINGS,
  type DatasetSetting,
  type DatasetSettingKey,
  isDatasetSettingKey,
  type ToolUserSetting,
} from "../../core/ledger/settings.ts";
import {
  isWorkspaceSettingKey,
  WORKSPACE_SETTINGS,
  type WorkspaceSetting,
  type WorkspaceSettingKey,
} from "../../core/ledger/workspace.ts";
import { ITEM_NUMBER, MAX_INT, readWhole } from "../../core/limits.ts";
import { excerpt } from "../../core/text.ts";
import { minutesOf } from "../../core/time.ts";
import type { Range } from "../../core/types.ts";

/** A value quoted back in a problem: a short excerpt of what was typed. */
const q = (input: unknown) => excerpt(String(input));

/** The first problem zod found, as a sentence. */
const firstIssue = (e: z.ZodError) => e.issues[0]?.message ?? "that value is not valid";

/** A whole number from `min` the ledger can store (the core holds each setting's own bounds). */
const whole = (what: string, min = 0) =>
  z.string().transform((s, ctx) => {
    const r = readWhole(s, { what, min, max: MAX_INT, because: "the largest number the ledger stores" });
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.problem });
    return z.NEVER;
  });

const share = z
  .string()
  .regex(/^\d+(?:\.\d+)?%?$/, { error: (i) => `"${q(i.input)}" is not a share; write it like 10% or 0.1` })
  .transform((s) => {
    const n = Number(s.replace(/%$/, ""));
    return s.endsWith("%") || n > 1 ? n / 100 : n;
  });

const yesNo = z
  .string()
  .regex(/^(yes|true|on|1|no|false|off|0)$/i, { error: (i) => `"${q(i.input)}" is not yes or no` })
  .transform((s) => /^(yes|true|on|1)$/i.test(s));

const itemOrRange = z
  .string()
  .regex(/^\d+(?:-\d+)?$/, { error: (i) => `"${q(i.input)}" is not an item or a range like 40-42` })
  .transform((s, ctx): Range => {
    const [a, b] = s.split("-");
    const item = { what: "an item number", ...ITEM_NUMBER };
    const first = readWhole(a!, item);
    const last = readWhole(b ?? a!, item);
    if (first.ok && last.ok) return { first: first.value, last: last.value };
    ctx.addIssue({ code: "custom", message: (first.ok ? null : first.problem) ?? (last.ok ? "" : last.problem) });
    return z.NEVER;
  });

const gold = z.string().transform((s, ctx): Range[] => {
  if (/^none$/i.test(s)) return [];
  const out: Range[] = [];
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const r = itemOrRange.safeParse(part);
    if (!r.success) {
      ctx.addIssue({ code: "custom", message: firstIssue(r.error) });
      return z.NEVER;
    }
    out.push(r.data);
  }
  return out;
});

/** `<#C123|name>` or `<#C123>` as Slack escapes a channel, or none. */
const channel = z
  .string()
  .regex(/^(<#[CG][A-Z0-9]+(?:\|[^>]*)?>|none)$/i, {
    error: (i) => `${q(i.input)} is not a channel Slack recognised; pick it from the #-list, or write none`,
  })
  .transform((s) => (/^none$/i.test(s) ? null : /^<#([CG][A-Z0-9]+)/.exec(s)![1]!));

const review = z
  .string()
  .regex(/^(every|first-k)$/i, { error: 'review must be "every" or "first-k"' })
  .transform((s) => s.toLowerCase() as "every" | "first-k");

const taxonomy = z.string().transform((s): readonly string[] | "default" =>
  /^default$/i.test(s)
    ? "default"
    : s
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
);

/** A limit: a whole number, or none for no limit. */
const limit = (what: string) =>
  z.union(
    [
      z
        .string()
        .regex(/^none$/i)
        .transform(() => null),
      whole(what),
    ],
    {
      error: (i) => `${what} must be a whole number or none, not "${q(i.input)}"`,
    },
  );

const positive = (what: string) => whole(what, 1);

/** `project=12 first-task=3401`, or none. */
const labelStudio = z.string().transform((s, ctx) => {
  if (/^none$/i.test(s)) return null;
  const m = /^project\s*=\s*(\S+)\s+first-task\s*=\s*(\S+)$/i.exec(s);
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `"${q(s)}" is not a Label Studio project; write it like project=12 first-task=3401, or none`,
    });
    return z.NEVER;
  }
  const project = positive("the project id").safeParse(m[1]);
  const firstTask = positive("the task id of item 1").safeParse(m[2]);
  if (!project.success || !firstTask.success) {
    ctx.addIssue({ code: "custom", message: firstIssue((project.success ? firstTask : project).error!) });
    return z.NEVER;
  }
  return { project: project.data, firstTask: firstTask.data };
});

/** `15@1 16@1001` (a task alone starts at item 1), or none. */
const cvat = z.string().transform((s, ctx) => {
  if (/^none$/i.test(s)) return [];
  const out: { task: number; firstItem: number }[] = [];
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:@(\d+))?$/.exec(part);
    const task = m && positive("a CVAT task id").safeParse(m[1]);
    const first = m && positive("an item number").safeParse(m[2] ?? "1");
    if (!task?.success || !first?.success) {
      ctx.addIssue({
        code: "custom",
        message:
          task && first
            ? firstIssue((task.success ? first : task).error!)
            : `"${q(part)}" is not a CVAT task; write the task id and the item of its frame 0, like 15@1`,
      });
      return z.NEVER;
    }
    out.push({ task: task.data, firstItem: first.data });
  }
  return out;
});

/** `label-studio:7=@ana cvat:bob.k=@bob cvat:old=none` (Slack sends a mention as <@U…|name>). */
const toolUsers = z.string().transform((s, ctx) => {
  const out: ToolUserSetting[] = [];
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(label-studio|cvat):([^=\s]+)=(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|(none))$/i.exec(part);
    if (!m) {
      ctx.addIssue({
        code: "custom",
        message: `"${q(part)}" is not a tool user; write it like label-studio:7=@ana or cvat:bob.k=@bob (=none forgets one)`,
      });
      return z.NEVER;
    }
    out.push({ tool: m[1]!.toLowerCase() as ToolUserSetting["tool"], user: m[2]!, slackUserId: m[3] ?? null });
  }
  return out;
});

const VALUES: { [K in DatasetSettingKey]: z.ZodType<Extract<DatasetSetting, { key: K }>["value"], string> } = {
  title: z.string(),
  items: whole("the item count"),
  noun: z.string(),
  channel,
  batch: whole("the batch size"),
  sample: share,
  "first-k": whole("first-k"),
  review,
  gold,
  taxonomy,
  instructions: z.string(),
  archived: yesNo,
  "max-claim": limit("max-claim"),
  "max-days": limit("max-days"),
  "label-studio": labelStudio,
  cvat,
  "tool-users": toolUsers,
};

/** A setting as typed, or the problem with it (one sentence). */
export function parseDatasetSetting(
  key: string,
  value: string,
): { ok: true; setting: DatasetSetting } | { ok: false; problem: string } {
  const k = key.toLowerCase();
  if (!isDatasetSettingKey(k)) {
    return {
      ok: false,
      problem: `"${excerpt(key)}" is not a dataset setting; settings: ${Object.keys(DATASET_SETTINGS).join(", ")}`,
    };
  }
  const text = value.trim();
  if (!text) return { ok: false, problem: `give a value for ${k}: ${DATASET_SETTINGS[k]}` };
  const r = VALUES[k].safeParse(text);
  return r.success
    ? { ok: true, setting: { key: k, value: r.data } as DatasetSetting }
    : { ok: false, problem: firstIssue(r.error) };
}

// ---------------------------------------------------------------------------
// `/ledger workspace set <key> <value>`

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const dayOf = (s: string): number => DAY_NAMES.indexOf(s.slice(0, 3).toLowerCase()) + 1;

const clock = z.string().transform((s, ctx) => {
  const minutes = minutesOf(s);
  if (minutes === null) {
    ctx.addIssue({ code: "custom", message: `"${excerpt(s)}" is not a time like 09:00` });
    return z.NEVER;
  }
  return minutes;
});

const hours = z
  .string()
  .regex(/^\S+\s*-\s*\S+$/, { error: (i) => `"${q(i.input)}" is not working hours like 09:00-18:00` })
  .transform((s, ctx) => {
    const [a, b] = s.split("-").map((x) => x.trim()) as [string, string];
    const start = clock.safeParse(a);
    const end = clock.safeParse(b);
    if (!start.success || !end.success) {
      ctx.addIssue({ code: "custom", message: firstIssue((start.success ? end : start).error!) });
      return z.NEVER;
    }
    return { start: start.data, end: end.data };
  });

/** "mon-fri", "mon,wed,fri", "sat-sun", "every day". */
const days = z.string().transform((s, ctx): number[] => {
  if (/^(every ?day|all|daily)$/i.test(s)) return [1, 2, 3, 4, 5, 6, 7];
  const out = new Set<number>();
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const [a, b] = part.split("-");
    const from = dayOf(a ?? "");
    const to = b === undefined ? from : dayOf(b);
    if (from === 0 || to === 0) {
      ctx.addIssue({ code: "custom", message: `"${excerpt(part)}" is not a day or a span of days like mon-fri` });
      return z.NEVER;
    }
    for (let d = from; ; d = (d % 7) + 1) {
      out.add(d);
      if (d === to) break;
    }
  }
  return [...out].sort();
});

const zone = z.string().transform((s) => (/^default$/i.test(s) ? null : s));

const WORKSPACE_VALUES: {
  [K in WorkspaceSettingKey]: z.ZodType<Extract<WorkspaceSetting, { key: K }>["value"], string>;
} = {
  timezone: zone,
  hours,
  days,
  "escalate-after": whole("escalate-after"),
  "stalled-after": whole("stalled-after"),
};

/** A workspace setting as typed, or the problem with it (one sentence). */
export function parseWorkspaceSetting(
  key: string,
  value: string,
): { ok: true; setting: WorkspaceSetting } | { ok: false; problem: string } {
  const k = key.toLowerCase();
  if (!isWorkspaceSettingKey(k)) {
    return {
      ok: false,
      problem: `"${excerpt(key)}" is not a workspace setting; settings: ${Object.keys(WORKSPACE_SETTINGS).join(", ")}`,
    };
  }
  const text = value.trim();
  if (!text) return { ok: false, problem: `give a value for ${k}: ${WORKSPACE_SETTINGS[k]}` };
  const r = WORKSPACE_VALUES[k].safeParse(text);
  return r.success
    ? { ok: true, setting: { key: k, value: r.data } as WorkspaceSetting }
    : { ok: false, problem: firstIssue(r.error) };
}
