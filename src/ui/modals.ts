/** Modals: pure builders from domain data to Block Kit views. Inputs are read back by src/slack/views. */
import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { formatRange } from "../core/ranges.ts";
import { goldOfSample } from "../core/review/policy.ts";
import type { AssignmentView, DatasetView, HandoffView, ReviewView } from "../core/types.ts";
import { context, esc, mention, plain, plural, section } from "./format.ts";
import { ACTIONS, INPUTS, VALUE, VIEWS } from "./ids.ts";
import { instructionsLine } from "./instruction-messages.ts";
import { compactItemList } from "./item-list.ts";
import type { Message } from "./message.ts";
import { reviewSampleBlocks, submitNoteBlocks } from "./review-messages.ts";

/** What a modal remembers between opening and submission (kept in private_metadata, < 3000 chars). */
export interface ModalMetadata {
  /** where the modal was opened from, to reply there */
  channelId?: string | null;
  /** the assignment, handoff or review the modal is about */
  ref?: string;
}

const meta = (m: ModalMetadata) => JSON.stringify(m);

function modal(
  callbackId: string,
  title: string,
  blocks: KnownBlock[],
  m: ModalMetadata,
  submit: string | null = "Save",
): ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    title: plain(title.slice(0, 24)),
    close: plain("Cancel"),
    ...(submit ? { submit: plain(submit) } : {}),
    private_metadata: meta(m),
    blocks: blocks.slice(0, 100),
  };
}

const option = (text: string, value: string): PlainTextOption => ({
  text: plain(text.slice(0, 75)),
  value: value.slice(0, 150),
});

function input(
  blockId: string,
  label: string,
  element: InputBlock["element"],
  o: { optional?: boolean; hint?: string; dispatch?: boolean } = {},
): InputBlock {
  return {
    type: "input",
    block_id: blockId,
    label: plain(label),
    element,
    optional: o.optional ?? false,
    ...(o.hint ? { hint: plain(o.hint) } : {}),
    ...(o.dispatch ? { dispatch_action: true } : {}),
  };
}

const textInput = (
  placeholder: string,
  o: { multiline?: boolean; initial?: string | null; max?: number } = {},
): InputBlock["element"] => ({
  type: "plain_text_input",
  action_id: VALUE,
  placeholder: plain(placeholder.slice(0, 150)),
  ...(o.multiline ? { multiline: true } : {}),
  ...(o.initial ? { initial_value: o.initial } : {}),
  ...(o.max ? { max_length: o.max } : {}),
});

const numberInput = (initial: number | null, min: number, max?: number): InputBlock["element"] => ({
  type: "number_input",
  action_id: VALUE,
  is_decimal_allowed: false,
  min_value: String(min),
  ...(max !== undefined ? { max_value: String(max) } : {}),
  ...(initial !== null ? { initial_value: String(initial) } : {}),
});

export function loadingModal(title: string, m: ModalMetadata = {}): ModalView {
  return modal(VIEWS.loading, title, [section(":hourglass_flowing_sand: Loading…")], m, null);
}

/** A modal that only says something (a refusal, a result, or that there is nothing to do): mrkdwn text, or a message's blocks. */
export function noticeModal(title: string, body: string | Message): ModalView {
  const blocks = typeof body === "string" ? [section(body)] : body.blocks;
  return { type: "modal", callback_id: VIEWS.loading, title: plain(title.slice(0, 24)), close: plain("Close"), blocks };
}

const assignmentOption = (a: AssignmentView) =>
  option(
    `${a.ref} · ${a.dataset} ${formatRange(a)} · ${a.itemsDone}/${a.size} · ${a.status.toLowerCase().replace("_", " ")}`,
    a.ref,
  );

function assignmentSelect(assignments: AssignmentView[], selected?: string): InputBlock["element"] {
  const options = assignments.slice(0, 100).map(assignmentOption);
  const initial = options.find((o) => o.value === selected);
  return {
    type: "static_select",
    action_id: VALUE,
    placeholder: plain("Choose a range"),
    options,
    ...(initial ? { initial_option: initial } : {}),
  };
}

export interface ClaimModalInput {
  datasets: DatasetView[];
  selected: DatasetView | null;
  /** the next free range of the default size in the selected dataset */
  suggestion: { first: number; last: number } | null;
  freeItems: number | null;
  today: string;
  metadata: ModalMetadata;
}

export function claimModal(c: ClaimModalInput): ModalView {
  const i = INPUTS.claim;
  if (c.datasets.length === 0) {
    return noticeModal(
      "Claim a range",
      `There are no datasets yet. A lead adds one with \`${esc("/ledger dataset add <slug> <items>")}\`.`,
    );
  }
  const options = c.datasets.slice(0, 100).map((d) => option(`${d.slug} · ${d.title}`, d.slug));
  const initial = options.find((o) => o.value === c.selected?.slug);
  const d = c.selected;
  const blocks: KnownBlock[] = [
    input(
      i.dataset,
      "Dataset",
      {
        type: "static_select",
        action_id: ACTIONS.claimDataset,
        placeholder: plain("Choose a dataset"),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
      { dispatch: true },
    ),
  ];
  if (d) {
    blocks.push(
      section(
        c.suggestion
          ? `:sparkles: Next free: *${formatRange(c.suggestion)}* (${plural(c.suggestion.last - c.suggestion.first + 1, d.itemNoun)}) · ${c.freeItems?.toLocaleString("en-US")} of ${d.itemCount.toLocaleString("en-US")} free`
          : `:no_entry: No free range of ${d.batchSize} ${d.itemNoun}s is left in ${esc(d.slug)}; give a smaller size or an explicit range.`,
      ),
    );
    if (d.maxClaim !== null || d.maxDays !== null)
      blocks.push(
        context(
          [
            ...(d.maxClaim !== null ? [`at most ${d.maxClaim.toLocaleString("en-US")} items a claim`] : []),
            ...(d.maxDays !== null ? [`at most ${d.maxDays} days of work a person`] : []),
          ].join(" · "),
        ),
      );
    if (d.instructions)
      blocks.push(
        context(
          `Instructions v${d.instructions.version}: ${esc(d.instructions.url ?? d.instructions.text.slice(0, 200))}`,
        ),
      );
  }
  blocks.push(
    input(
      i.range,
      "Items",
      textInput(c.suggestion ? `e.g. ${c.suggestion.first}-${c.suggestion.last}` : "e.g. 101-200"),
      {
        optional: true,
        hint: "Leave empty to take the next free range of the size below.",
      },
    ),
    input(i.size, "Size", numberInput(d ? Math.min(d.batchSize, d.maxClaim ?? d.batchSize) : null, 1, d?.itemCount), {
      optional: true,
      hint: "Used when Items is empty.",
    }),
    input(
      i.due,
      "Due date",
      { type: "datepicker", action_id: VALUE, placeholder: plain("No due date") },
      { optional: true },
    ),
    input(i.note, "Note", textInput("Anything the team should know", { max: 500 }), { optional: true }),
  );
  return modal(VIEWS.claim, "Claim a range", blocks, { ...c.metadata, ...(d ? { ref: d.slug } : {}) }, "Claim");
}

export function progressModal(
  assignments: AssignmentView[],
  selected: string | undefined,
  m: ModalMetadata,
): ModalView {
  const i = INPUTS.progress;
  if (assignments.length === 0)
    return noticeModal("Update progress", "You hold no open ranges. Claim some with `/claim`.");
  const chosen = assignments.find((a) => a.ref === selected);
  return modal(
    VIEWS.progress,
    "Update progress",
    [
      input(i.assignment, "Range", assignmentSelect(assignments, selected)),
      input(i.done, "Items done", numberInput(chosen?.itemsDone ?? null, 0, chosen?.size), {
        optional: true,
        hint: "Leave empty to keep the count as it is.",
      }),
      input(i.action, "And", {
        type: "radio_buttons",
        action_id: VALUE,
        options: [
          option("Just record the count", "progress"),
          option("Start working on it", "start"),
          option("Pause it", "pause"),
          option("Submit it as done", "done"),
        ],
        initial_option: option("Just record the count", "progress"),
      }),
      input(i.note, "Note", textInput("Optional", { max: 500 }), { optional: true }),
    ],
    m,
  );
}

export interface HandoffPrefill {
  ref?: string;
  to?: string | null;
  range?: { first: number; last: number } | null;
  reason?: string;
}

export function handoffModal(
  assignments: AssignmentView[],
  prefill: HandoffPrefill,
  m: ModalMetadata,
  isLead: boolean,
): ModalView {
  const i = INPUTS.handoff;
  if (assignments.length === 0) return noticeModal("Hand off", "There is no range you can hand off.");
  return modal(
    VIEWS.handoff,
    "Hand off a range",
    [
      input(i.assignment, "Range", assignmentSelect(assignments, prefill.ref)),
      input(
        i.to,
        "To",
        {
          type: "users_select",
          action_id: VALUE,
          placeholder: plain("Someone"),
          ...(prefill.to ? { initial_user: prefill.to } : {}),
        },
        {
          optional: true,
        },
      ),
      input(
        i.pool,
        "Or",
        {
          type: "checkboxes",
          action_id: VALUE,
          options: [option("Return the items to the pool", "pool")],
          ...(prefill.to === null ? { initial_options: [option("Return the items to the pool", "pool")] } : {}),
        },
        { optional: true },
      ),
      input(
        i.range,
        "Only these items",
        textInput("e.g. 151-200", { initial: prefill.range ? `${prefill.range.first}-${prefill.range.last}` : null }),
        {
          optional: true,
          hint: "Leave empty to hand off the whole range; a part splits it.",
        },
      ),
      input(i.done, "Done items in the handed-off part", numberInput(null, 0), {
        optional: true,
        hint: "Leave empty to count done items from the start of the range: of 1–100 with 60 done, items 1–60 are the done ones, so handing off 51–100 moves 10 done and keeps 50.",
      }),
      input(
        i.reason,
        "Reason",
        textInput("Why it moves (kept in the history)", { multiline: true, initial: prefill.reason ?? null, max: 500 }),
      ),
      context(
        isLead
          ? "As a lead, your handoff happens at once; the owner and the recipient are told who moved what, why, and how the done items were split."
          : "A lead approves your request; you and the recipient get a message saying how the done items were split.",
      ),
    ],
    m,
    isLead ? "Hand off" : "Ask a lead",
  );
}

export function decisionModal(h: HandoffView, m: ModalMetadata): ModalView {
  const i = INPUTS.decision;
  return modal(
    VIEWS.decision,
    `Decide ${h.ref}`,
    [
      section(
        `${mention(h.requesterId)} asks to hand *${h.assignmentRef}* items ${formatRange(h)} to ${h.toUserId ? mention(h.toUserId) : "the pool"}.`,
      ),
      context(`Reason: ${esc(h.reason)}`),
      input(i.decision, "Decision", {
        type: "radio_buttons",
        action_id: VALUE,
        options: [option("Approve", "approve"), option("Reject", "reject")],
        initial_option: option("Approve", "approve"),
      }),
      input(
        i.to,
        "Recipient",
        {
          type: "users_select",
          action_id: VALUE,
          placeholder: plain("The pool"),
          ...(h.toUserId ? { initial_user: h.toUserId } : {}),
        },
        {
          optional: true,
          hint: "Change it to approve the handoff to someone else; empty returns the items to the pool.",
        },
      ),
      input(i.comment, "Comment", textInput("Optional; the requester sees it", { multiline: true, max: 500 }), {
        optional: true,
      }),
    ],
    { ...m, ref: h.ref },
    "Decide",
  );
}

export function reviewModal(r: ReviewView, a: AssignmentView, d: DatasetView, m: ModalMetadata): ModalView {
  const i = INPUTS.review;
  const gold = goldOfSample(r, a, d.goldItems);
  const blocks: KnownBlock[] = [
    ...reviewSampleBlocks(
      r,
      a,
      `*${a.ref}* · ${esc(d.title)} ${formatRange(a)} by ${mention(a.assigneeId)} · round ${r.round}\n`,
    ),
    ...(d.instructions ? [context(instructionsLine({ dataset: d.slug, ...d.instructions }))] : []),
    ...submitNoteBlocks(r),
    input(i.checked, "Items checked", numberInput(r.sampleSize, 1, r.sampleSize)),
  ];
  d.errorTaxonomy.slice(0, 20).forEach((cat, n) => {
    blocks.push(input(`${i.errorPrefix}${n}`, `Errors: ${cat}`.slice(0, 2000), numberInput(0, 0), { optional: true }));
  });
  if (gold.length) {
    blocks.push(
      input(i.gold, `Gold items right (of ${gold.length})`, numberInput(gold.length, 0, gold.length), {
        hint: `Gold items: ${compactItemList(gold, 1900)}`,
      }),
    );
  }
  blocks.push(
    input(i.verdict, "Verdict", {
      type: "radio_buttons",
      action_id: VALUE,
      options: [option("Accept", "accept"), option("Request changes", "changes")],
    }),
    input(
      i.comment,
      // Slack marks an optional field "(optional)" itself: the label and hint say when it is not.
      "Comment for the annotator",
      textInput("What to change, or a word for the annotator", { multiline: true, max: 1000 }),
      { optional: true, hint: "Required when you ask for changes: say what to change. Accepting needs none." },
    ),
  );
  return modal(VIEWS.review, `Review ${a.ref}`, blocks, { ...m, ref: r.ref }, "Record");
}

/** An owner proposes a new due date for their range; its dataset's leads decide. */
export function dueProposalModal(a: AssignmentView, m: ModalMetadata): ModalView {
  const i = INPUTS.due;
  return modal(
    VIEWS.due,
    `New date for ${a.ref}`.slice(0, 24),
    [
      section(
        `*${a.ref}* · ${esc(a.dataset)} items ${formatRange(a)} · ${a.itemsDone}/${a.size} done · ${a.dueDate ? `due ${a.dueDate}` : "no due date"}`,
      ),
      input(i.due, "New due date", {
        type: "datepicker",
        action_id: VALUE,
        placeholder: plain("Pick a date"),
        ...(a.dueDate ? { initial_date: a.dueDate } : {}),
      }),
      input(
        i.reason,
        "Why",
        textInput("What the leads should know, e.g. the images are harder than planned", { multiline: true, max: 500 }),
        {
          optional: true,
        },
      ),
      context("The dataset's leads get your proposal with a button to accept it; the date moves only then."),
    ],
    { ...m, ref: a.ref },
    "Ask the leads",
  );
}
