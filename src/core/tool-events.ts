/**
 * What an annotation tool's webhook tells the ledger, once its payload has
 * been read (src/api/hooks): items of a Label Studio project or a CVAT task
 * done by a tool user, with the label they gave or the known answer of a gold
 * item. The dataset the project or task feeds, its item numbers and who the
 * tool user is in Slack come from the dataset's settings (`label-studio`,
 * `cvat`, `tool-users`); then the change is made as the API makes it.
 */
import type { ToolName } from "../db/store.ts";
import { notFound } from "./errors.ts";
import { recordGoldAnswers, recordLabels } from "./integration.ts";
import { MAX_REPORTED_ITEMS, reportItemsDone, spansOf } from "./ledger/assignments.ts";
import type { LedgerContext } from "./ledger/context.ts";
import type { Actor, AssignmentView, Range } from "./types.ts";

export interface ToolEvent {
  tool: ToolName;
  /** Label Studio project id, CVAT task id */
  project: number;
  /** the tool's numbers of the items (Label Studio task ids, CVAT frames), as spans */
  numbers: readonly Range[];
  /** the tool user who did the work (a Label Studio user id, a CVAT username), if the payload says */
  toolUser: string | null;
  /** the label given to the items (Label Studio), if any */
  label: string | null;
  /** the payload is the known answer of gold items, not an annotator's work */
  gold: boolean;
  /** what identifies this event in the tool, so that a delivery sent twice changes things once */
  eventKey: string;
}

export interface ToolEventResult {
  dataset: string;
  /** items the event named, in the dataset's numbering */
  items: Range[];
  /** the tool's numbers outside the dataset */
  outside: Range[];
  changed: AssignmentView[];
  notOpen: { ref: string; items: Range[] }[];
  unheld: Range[];
  labels: number;
  goldAnswers: number;
  /** the Slack user the tool user is, or null when the dataset's tool-users do not say */
  annotator: string | null;
  /** what was not done, in a sentence each (an unknown tool user, a gold answer without a label) */
  notes: string[];
}

const TOOL_WORD: Record<ToolName, (id: number) => string> = {
  "label-studio": (id) => `Label Studio project ${id}`,
  cvat: (id) => `CVAT task ${id}`,
};

const SETTING_HINT: Record<ToolName, (id: number) => string> = {
  "label-studio": (id) => `label-studio project=${id} first-task=<task id of item 1>`,
  cvat: (id) => `cvat ${id}@<item of frame 0>`,
};

/** Applies a tool's event: the items done (or the gold answers) and the label, as the integration. */
export async function applyToolEvent(ctx: LedgerContext, actor: Actor, e: ToolEvent): Promise<ToolEventResult> {
  const read = ctx.store.read;
  const link = await read.tools.project(actor.teamId, e.tool, e.project);
  const d = link && (await read.datasets.findById(link.datasetId));
  if (!link || !d)
    throw notFound(
      `no dataset is linked to ${TOOL_WORD[e.tool](e.project)}; a lead links one with /ledger dataset set <dataset> ${SETTING_HINT[e.tool](e.project)}`,
    );
  /** the dataset's items the event names, and the tool's numbers that are none of them */
  const itemNumbers: number[] = [];
  const outside: number[] = [];
  for (const span of e.numbers)
    for (let n = span.first; n <= span.last; n++) {
      const item = n + link.offset;
      if (item >= 1 && item <= d.itemCount) itemNumbers.push(item);
      else outside.push(n);
    }
  const annotator = e.toolUser === null ? null : await read.tools.slackUser(d.id, e.tool, e.toolUser);
  const result: ToolEventResult = {
    dataset: d.slug,
    items: spansOf(itemNumbers),
    outside: spansOf(outside),
    changed: [],
    notOpen: [],
    unheld: [],
    labels: 0,
    goldAnswers: 0,
    annotator,
    notes: [],
  };
  if (itemNumbers.length === 0) return result;
  const key = (what: string, i = 0) => `tool:${e.tool}:${e.eventKey}:${what}:${i}`;

  if (e.gold) {
    if (e.label === null) result.notes.push("a gold answer without a label: nothing recorded");
    else {
      const gold = new Set(d.goldItems);
      const answers = itemNumbers.filter((i) => gold.has(i)).map((item) => ({ item, label: e.label! }));
      const notGold = itemNumbers.filter((i) => !gold.has(i));
      if (notGold.length)
        result.notes.push(
          `items ${spansOf(notGold)
            .map((s) => (s.first === s.last ? `${s.first}` : `${s.first}-${s.last}`))
            .join(", ")} are not gold items of ${d.slug}: their answer was not recorded`,
        );
      if (answers.length)
        result.goldAnswers = (
          await recordGoldAnswers(ctx, actor, d.slug, answers, { idempotencyKey: key("gold") })
        ).recorded;
    }
    return result;
  }

  for (let i = 0; i < itemNumbers.length; i += MAX_REPORTED_ITEMS) {
    const r = await reportItemsDone(ctx, actor, d.slug, itemNumbers.slice(i, i + MAX_REPORTED_ITEMS), {
      idempotencyKey: key("done", i),
    });
    result.changed.push(...r.changed);
    result.notOpen.push(...r.notOpen);
    result.unheld.push(...r.unheld);
  }
  if (e.label !== null) {
    if (annotator === null)
      result.notes.push(
        e.toolUser === null
          ? "the event does not say who labelled: the label was not recorded"
          : `${e.tool} user ${e.toolUser} is not linked to a Slack user (/ledger dataset set ${d.slug} tool-users ${e.tool}:${e.toolUser}=@name): the label was not recorded`,
      );
    else
      result.labels = (
        await recordLabels(
          ctx,
          actor,
          d.slug,
          itemNumbers.map((item) => ({ item, annotator, label: e.label! })),
          { idempotencyKey: key("labels") },
        )
      ).recorded;
  }
  return result;
}
