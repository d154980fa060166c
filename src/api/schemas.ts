/**
 * The HTTP API's shapes, in zod: what requests must be (they are validated
 * with these) and what answers are. The OpenAPI document is generated from
 * the same schemas (openapi.ts), so the two cannot drift apart.
 */
import { z } from "zod";
import { ASSIGNMENT_STATUSES } from "../core/types.ts";

/** Schemas with a name become components of the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const named = <T extends z.ZodType>(schema: T, id: string, description: string): T => {
  apiSchemas.add(schema, { id, description });
  return schema;
};

// ── parameters ────────────────────────────────────────────────────────────

export const slugParam = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "a dataset slug: lowercase letters, digits and -")
    .describe("the dataset's slug"),
});
export const refParam = z.object({
  ref: z
    .string()
    .regex(/^[Aa]\d{1,9}$/, "an assignment reference such as A17")
    .describe("the assignment's reference, e.g. A17"),
});
export const userParam = z.object({
  user: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/, "a Slack user id such as U0123ABCD")
    .describe("a Slack user id"),
});

const status = z.enum(ASSIGNMENT_STATUSES);
export const assignmentsQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s, c) => {
      if (s === undefined) return undefined;
      const list = s.split(",").map((x) => x.trim().toUpperCase());
      const bad = list.find((x) => !status.safeParse(x).success);
      if (bad !== undefined) {
        c.addIssue({ code: "custom", message: `"${bad}" is not a status; use ${ASSIGNMENT_STATUSES.join(", ")}` });
        return z.NEVER;
      }
      return list as z.infer<typeof status>[];
    })
    .describe(`statuses, comma-separated (${ASSIGNMENT_STATUSES.join(", ")}); default: the live ones`),
  assignee: userParam.shape.user.optional().describe("only this person's ranges"),
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe("at most this many (1–1000, default 200)"),
});
export const memberAssignmentsQuery = assignmentsQuery.omit({ assignee: true });

export const eventsQuery = z.object({
  after: z
    .string()
    .regex(/^(0|\d{1,19}\.\d{1,19}\.\d{1,19})$/, "a cursor from an earlier page's next (or 0)")
    .default("0")
    .describe("the `next` of the last page read (0, or nothing: from the start)"),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe("at most this many (1–500, default 100)"),
});

// ── bodies ────────────────────────────────────────────────────────────────

export const progressBody = named(
  z.strictObject({
    itemsDone: z.number().int().min(0).describe("items of the range done so far (0..size)"),
  }),
  "ProgressRequest",
  "Sets the items done of a range, as /progress <ref> <n> does.",
);

export const submitBody = named(
  z.strictObject({
    confirm: z
      .boolean()
      .default(false)
      .describe("submit even when fewer items are counted as done than the range has: all of them then count as done"),
    note: z.string().max(500).optional().describe("a note for the reviewer"),
  }),
  "SubmitRequest",
  "Submits a range for review, as /progress <ref> done does.",
);

export const itemsDoneBody = named(
  z.strictObject({
    items: z
      .array(z.number().int().min(1))
      .min(1)
      .max(5000)
      .describe("item numbers done; each counts in the open range holding it, once however often it is reported"),
  }),
  "ItemsDoneRequest",
  "Items of a dataset reported done by an annotation tool.",
);

export const labelsBody = named(
  z.strictObject({
    labels: z
      .array(
        z.strictObject({
          item: z.number().int().min(1).describe("the item's number in the dataset"),
          annotator: userParam.shape.user.describe("the Slack user id of who gave the label"),
          label: z.string().min(1).max(200).describe("the label (a class name, an answer)"),
        }),
      )
      .min(1)
      .max(5000),
  }),
  "LabelsRequest",
  "Per-item labels: what inter-annotator agreement compares. A label an annotator gives an item again replaces theirs.",
);

export const goldBody = named(
  z.strictObject({
    answers: z
      .array(
        z.strictObject({
          item: z.number().int().min(1).describe("a gold item of the dataset"),
          label: z.string().min(1).max(200).describe("its known answer"),
        }),
      )
      .min(1)
      .max(5000),
  }),
  "GoldRequest",
  "Known answers of gold items. An answer given again replaces the earlier one.",
);

// ── answers ───────────────────────────────────────────────────────────────

export const errorBody = named(
  z.object({
    error: z.object({
      code: z
        .enum([
          "unauthorized",
          "forbidden",
          "not_found",
          "invalid_request",
          "refused",
          "conflict",
          "too_large",
          "rate_limited",
          "method_not_allowed",
          "internal",
        ])
        .describe("what kind of refusal"),
      message: z.string().describe("what was wrong, in a sentence"),
      field: z.string().optional().describe("the field of the request at fault, as a dotted path"),
    }),
  }),
  "Error",
  "A refusal. Nothing was changed.",
);

export const assignmentBody = named(
  z.object({
    ref: z.string(),
    dataset: z.string(),
    first: z.number().int(),
    last: z.number().int(),
    size: z.number().int(),
    assignee: z.string(),
    status,
    itemsDone: z.number().int(),
    dueDate: z.string().nullable().describe("YYYY-MM-DD"),
    note: z.string().nullable(),
    reviewRound: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastProgressAt: z.string().nullable(),
  }),
  "Assignment",
  "A range of a dataset's items held by one person.",
);

export const assignmentListBody = named(
  z.object({ assignments: z.array(assignmentBody) }),
  "AssignmentList",
  "Ranges, the most actionable first.",
);

export const datasetBody = named(
  z.object({
    slug: z.string(),
    title: z.string(),
    itemNoun: z.string(),
    itemCount: z.number().int(),
    archived: z.boolean(),
    coverage: z.object({
      claimed: z.number().int().describe("items held by live ranges"),
      done: z.number().int().describe("items counted as done in live ranges"),
      inReview: z.number().int(),
      completed: z.number().int().describe("items of accepted ranges"),
      free: z.number().int().describe("items nobody holds"),
      overdueRanges: z.number().int(),
    }),
  }),
  "Dataset",
  "A dataset with its coverage.",
);

export const datasetListBody = named(z.object({ datasets: z.array(datasetBody) }), "DatasetList", "The datasets.");

export const submitAnswer = named(
  z.object({
    assignment: assignmentBody,
    review: z
      .object({ ref: z.string(), reviewer: z.string().nullable(), items: z.number().int() })
      .nullable()
      .describe("the review it went to (null: completed at once)"),
  }),
  "SubmitResult",
  "The submitted range and its review.",
);

const span = z.object({ first: z.number().int(), last: z.number().int() });

export const itemsDoneAnswer = named(
  z.object({
    changed: z.array(assignmentBody).describe("open ranges whose items done went up, as they are now"),
    notOpen: z
      .array(z.object({ ref: z.string(), items: z.array(span) }))
      .describe("items of ranges in review or completed: not counted"),
    unheld: z.array(span).describe("items no live range holds: not counted"),
  }),
  "ItemsDoneResult",
  "What a report of items done changed, and the items it could not count.",
);

export const labelsAnswer = named(
  z.object({ dataset: z.string(), recorded: z.number().int() }),
  "LabelsResult",
  "How many labels were recorded.",
);

export const goldAnswer = named(
  z.object({ dataset: z.string(), recorded: z.number().int() }),
  "GoldResult",
  "How many gold answers were recorded.",
);

export const eventsAnswer = named(
  z.object({
    events: z.array(
      z.object({
        id: z.string().describe("the event's id: the same event read twice has the same id"),
        at: z.string(),
        actor: z.string().describe("a Slack user id, system:<job>, or api:<token name>"),
        action: z.string().describe("e.g. assignment.claim, assignment.progress, review.decide"),
        datasetId: z.number().int().nullable(),
        dataset: z.string().nullable().describe("the dataset's slug"),
        assignment: z.string().nullable(),
        handoff: z.string().nullable(),
        review: z.string().nullable(),
        before: z.unknown(),
        after: z.unknown(),
        reason: z.string().nullable(),
      }),
    ),
    next: z.string().describe("the cursor to pass as `after` next time (it may stay the same)"),
    more: z.boolean().describe("true when more events wait: ask again at once"),
  }),
  "EventPage",
  "Audit events after a cursor, oldest first. No event is ever skipped, even one whose transaction commits late (it comes on a later page); an event may come twice, with the same id.",
);
