/**
 * Webhook receivers for the annotation tools teams use most, beside the API:
 *
 * - Label Studio (`POST /api/v1/hooks/label-studio`): its webhooks carry the
 *   headers set up with them, so they authenticate as any API request does,
 *   with `Authorization: Bearer <write token>`. An annotation created or
 *   updated marks its task's item done and records its label; a ground-truth
 *   annotation records the gold answer. Payloads as documented at
 *   https://labelstud.io/guide/webhook_reference (Annotation Created/Updated).
 * - CVAT (`POST /api/v1/hooks/cvat/{team}/{token}`): CVAT signs every
 *   delivery with the webhook's secret (`X-Signature-256: sha256=<HMAC-SHA256
 *   of the body>`), so the secret set in CVAT is the token's signing secret,
 *   shown when the token is created. A job that reaches `completed` (or moves
 *   on from the annotation stage) marks its frames' items done. Payloads as
 *   documented at https://docs.cvat.ai/docs/administration/advanced/webhooks/
 *   (update:<resource> events, ping).
 *
 * Events that change nothing here (other actions, a job still in progress, a
 * skipped task) are answered 200 with what was ignored and why, so that the
 * tool does not retry them; a payload that is not what the tool documents is
 * refused (400) naming the field.
 */
import { z } from "zod";
import type { ToolEvent } from "../core/tool-events.ts";
import { assignmentBody } from "./schemas.ts";

/** The most frames one CVAT job may bring at once. */
export const MAX_JOB_FRAMES = 100_000;

const id = z.number().int().positive();
const span = z.object({ first: z.number().int(), last: z.number().int() });

// ── Label Studio ─────────────────────────────────────────────────────────

const lsAnnotation = z.looseObject({
  id,
  task: z.union([id, z.looseObject({ id })]).describe("the task's id (or the task)"),
  completed_by: z
    .union([z.number().int(), z.looseObject({ id: z.number().int() })])
    .nullish()
    .describe("the Label Studio user who annotated (an id, or the user)"),
  result: z
    .array(z.looseObject({ type: z.string().optional(), value: z.record(z.string(), z.unknown()).optional() }))
    .default([]),
  was_cancelled: z.boolean().default(false).describe("a skipped task: nothing done"),
  ground_truth: z.boolean().default(false).describe("the known answer of a gold item"),
  updated_at: z.string().optional(),
});

export const labelStudioPayload = z
  .looseObject({
    action: z.string().min(1).describe("ANNOTATION_CREATED and ANNOTATION_UPDATED are applied; others are ignored"),
    annotation: lsAnnotation.optional(),
    project: z.looseObject({ id }).optional(),
  })
  .superRefine((p, c) => {
    if (!LS_APPLIED.has(p.action)) return;
    if (!p.annotation)
      c.addIssue({ code: "custom", path: ["annotation"], message: `${p.action} carries an annotation` });
    if (!p.project) c.addIssue({ code: "custom", path: ["project"], message: `${p.action} carries its project` });
  });

const LS_APPLIED = new Set(["ANNOTATION_CREATED", "ANNOTATION_UPDATED"]);

/** Keys of a result's value that hold the classes chosen (Labels, Choices, RectangleLabels, Taxonomy, …). */
const isClassKey = (k: string) => k === "choices" || k === "taxonomy" || k.endsWith("labels");

/** An annotation's label as one string: the classes its results chose, sorted, comma-separated; null when none. */
export function labelStudioLabel(result: readonly { value?: Record<string, unknown> }[]): string | null {
  const classes = new Set<string>();
  for (const r of result)
    for (const [k, v] of Object.entries(r.value ?? {})) {
      if (!isClassKey(k) || !Array.isArray(v)) continue;
      for (const c of v) {
        // Taxonomy answers are paths (arrays of names)
        const name = Array.isArray(c) ? c.filter((x) => typeof x === "string").join("/") : c;
        if (typeof name === "string" && name.trim()) classes.add(name.trim());
      }
    }
  if (classes.size === 0) return null;
  const label = [...classes].sort().join(", ");
  return label.length > 200 ? `${label.slice(0, 199)}…` : label;
}

export type Ignored = { ignored: string };

/** What a Label Studio payload asks of the ledger, or why it asks nothing. */
export function labelStudioEvent(p: z.infer<typeof labelStudioPayload>): ToolEvent | Ignored {
  if (!LS_APPLIED.has(p.action)) return { ignored: `${p.action} changes nothing in the ledger` };
  const a = p.annotation!;
  const task = typeof a.task === "number" ? a.task : a.task.id;
  if (a.was_cancelled) return { ignored: `annotation ${a.id} skipped task ${task}: nothing done` };
  const user = a.completed_by == null ? null : typeof a.completed_by === "number" ? a.completed_by : a.completed_by.id;
  return {
    tool: "label-studio",
    project: p.project!.id,
    numbers: [{ first: task, last: task }],
    toolUser: user === null ? null : String(user),
    label: labelStudioLabel(a.result),
    gold: a.ground_truth,
    eventKey: `${a.id}@${a.updated_at ?? p.action}`,
  };
}

// ── CVAT ─────────────────────────────────────────────────────────────────

const cvatUser = z.looseObject({ id: z.number().int().optional(), username: z.string().min(1).max(150) });

const cvatJob = z
  .looseObject({
    id,
    task_id: id,
    start_frame: z.number().int().min(0),
    stop_frame: z.number().int().min(0),
    state: z.string().describe("new, in progress, rejected, completed"),
    stage: z.string().describe("annotation, validation, acceptance"),
    type: z.string().optional().describe("annotation or ground_truth"),
    assignee: cvatUser.nullish(),
    updated_date: z.string().optional(),
  })
  .refine((j) => j.stop_frame >= j.start_frame, { message: "stop_frame is before start_frame", path: ["stop_frame"] })
  .refine((j) => j.stop_frame - j.start_frame < MAX_JOB_FRAMES, {
    message: `a job of more than ${MAX_JOB_FRAMES.toLocaleString("en-US")} frames`,
    path: ["stop_frame"],
  });

export const cvatPayload = z
  .looseObject({
    event: z.string().min(1).describe("update:job is applied, ping answered; others are ignored"),
    job: cvatJob.optional(),
    before_update: z.record(z.string(), z.unknown()).optional(),
    sender: cvatUser.optional(),
    webhook_id: z.number().int().optional(),
  })
  .superRefine((p, c) => {
    if (p.event === "update:job" && !p.job)
      c.addIssue({ code: "custom", path: ["job"], message: "update:job carries the job" });
  });

/** The job's work is done: it became completed, or left the annotation stage (for validation or acceptance). */
function finished(job: { state: string; stage: string }, before: Record<string, unknown>): string | null {
  if (job.state === "completed" && "state" in before && before.state !== "completed") return "completed";
  if (job.stage !== "annotation" && before.stage === "annotation") return `moved to ${job.stage}`;
  return null;
}

/** What a CVAT payload asks of the ledger, or why it asks nothing. */
export function cvatEvent(p: z.infer<typeof cvatPayload>): ToolEvent | Ignored | { pong: true } {
  if (p.event === "ping") return { pong: true };
  if (p.event !== "update:job") return { ignored: `${p.event} changes nothing in the ledger` };
  const job = p.job!;
  if (job.type === "ground_truth") return { ignored: `job ${job.id} is a ground-truth job: not annotators' work` };
  const how = finished(job, p.before_update ?? {});
  if (!how) return { ignored: `job ${job.id} is ${job.state} in ${job.stage}: its frames count when it is completed` };
  return {
    tool: "cvat",
    project: job.task_id,
    numbers: [{ first: job.start_frame, last: job.stop_frame }],
    toolUser: job.assignee?.username ?? p.sender?.username ?? null,
    label: null,
    gold: false,
    eventKey: `job-${job.id}:${how}@${job.updated_date ?? ""}`,
  };
}

// ── answers ──────────────────────────────────────────────────────────────

export const toolEventAnswer = z.union([
  z.object({
    dataset: z.string(),
    items: z.array(span).describe("the items the event named, in the dataset's numbering"),
    outside: z.array(span).describe("the tool's numbers that are outside the dataset: not counted"),
    changed: z.array(assignmentBody).describe("open ranges whose items done went up, as they are now"),
    notOpen: z.array(z.object({ ref: z.string(), items: z.array(span) })),
    unheld: z.array(span).describe("items no live range holds: not counted"),
    labels: z.number().int().describe("labels recorded"),
    goldAnswers: z.number().int().describe("gold answers recorded"),
    annotator: z.string().nullable().describe("the Slack user the tool user is, when the dataset says"),
    notes: z.array(z.string()).describe("what was not done, and why"),
  }),
  z.object({ ignored: z.string().describe("why the event changes nothing") }),
  z.object({ pong: z.literal(true) }),
]);

export const hookParams = z.object({
  team: z
    .string()
    .regex(/^[TE][A-Z0-9]{2,20}$/, "a Slack workspace id such as T0123ABCD")
    .describe("the Slack workspace's id"),
  token: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "a token's name")
    .describe("the name of the write token whose signing secret CVAT signs with"),
});
