/**
 * Block Kit bookkeeping shared by the Web API and the driver: locating interactive elements,
 * filling in the ids Slack generates, and computing `state.values` the way Slack reports them.
 */
import type { Json } from "./types.ts";
import { clone, isObject, str } from "./util.ts";

/** An interactive element found in a list of blocks. */
export interface ElementRef {
  /** The enclosing block. */
  block: Json;
  blockId: string;
  blockType: string;
  element: Json;
  actionId: string;
  elementType: string;
  /** For input blocks: the label text. For others: the button text / placeholder. */
  label: string;
  /** Input blocks only: whether Slack lets the user leave it empty. */
  optional: boolean;
  /** Index of the block in the list, and of the element in the block (0 for accessories / inputs). */
  blockIndex: number;
  elementIndex: number;
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Short random id like the ones Slack generates for blocks and actions without one ("aB3xZ"). */
export function generatedId(len = 5): string {
  let s = "";
  for (let i = 0; i < len; i++) s += ID_CHARS[Math.floor(Math.random() * ID_CHARS.length)];
  return s;
}

/** Text of a plain_text / mrkdwn object, or the empty string. */
export function textOf(obj: unknown): string {
  if (typeof obj === "string") return obj;
  return isObject(obj) ? (str(obj.text) ?? "") : "";
}

/** Elements that carry a value Slack reports in `state.values`. */
export const STATEFUL_TYPES = new Set([
  "plain_text_input",
  "email_text_input",
  "url_text_input",
  "number_input",
  "rich_text_input",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "multi_static_select",
  "multi_external_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "datepicker",
  "timepicker",
  "datetimepicker",
  "checkboxes",
  "radio_buttons",
  "file_input",
]);

/** All interactive elements of a block list, in display order. */
export function listElements(blocks: unknown): ElementRef[] {
  const out: ElementRef[] = [];
  if (!Array.isArray(blocks)) return out;
  blocks.forEach((block, blockIndex) => {
    if (!isObject(block)) return;
    const blockType = str(block.type) ?? "";
    const blockId = str(block.block_id) ?? "";
    const push = (el: unknown, elementIndex: number, label: string, optional: boolean) => {
      if (!isObject(el)) return;
      const elementType = str(el.type) ?? "";
      if (elementType === "image") return;
      out.push({
        block,
        blockId,
        blockType,
        element: el,
        actionId: str(el.action_id) ?? "",
        elementType,
        label,
        optional,
        blockIndex,
        elementIndex,
      });
    };
    if (blockType === "actions" || blockType === "context_actions") {
      const els = Array.isArray(block.elements) ? block.elements : [];
      els.forEach((el, i) => push(el, i, textOf(isObject(el) ? (el.text ?? el.placeholder) : undefined), true));
    } else if (blockType === "section") {
      if (isObject(block.accessory)) {
        const el = block.accessory;
        push(el, 0, textOf(el.text ?? el.placeholder), true);
      }
    } else if (blockType === "input") {
      push(block.element, 0, textOf(block.label), block.optional === true);
    }
  });
  return out;
}

/**
 * Fills in the block_id / action_id Slack generates when the app leaves them out, and returns a
 * copy; Slack echoes these generated ids back in payloads.
 */
export function withGeneratedIds(blocks: unknown): Json[] {
  if (!Array.isArray(blocks)) return [];
  const copy = clone(blocks).filter(isObject) as Json[];
  for (const block of copy) {
    if (typeof block.block_id !== "string" || block.block_id === "") block.block_id = generatedId();
    const els: unknown[] = [];
    if (Array.isArray(block.elements) && (block.type === "actions" || block.type === "context_actions"))
      els.push(...block.elements);
    if (block.type === "section" && isObject(block.accessory)) els.push(block.accessory);
    if (block.type === "input" && isObject(block.element)) els.push(block.element);
    for (const el of els) {
      if (isObject(el) && el.type !== "image" && (typeof el.action_id !== "string" || el.action_id === "")) {
        el.action_id = generatedId();
      }
    }
  }
  return copy;
}

/** All options of a select / checkbox / radio / overflow element, flattening option groups. */
export function optionsOf(el: Json): Json[] {
  const out: Json[] = [];
  if (Array.isArray(el.options)) out.push(...el.options.filter(isObject));
  if (Array.isArray(el.option_groups)) {
    for (const g of el.option_groups) {
      if (isObject(g) && Array.isArray(g.options)) out.push(...g.options.filter(isObject));
    }
  }
  return out;
}

/** The option as Slack reports it in state and actions: text and value (and description when present). */
export function reportedOption(opt: Json): Json {
  const out: Json = { text: clone(opt.text), value: opt.value };
  if (opt.description !== undefined) out.description = clone(opt.description);
  return out;
}

/** The `state.values` entry Slack reports for an element that the user has not touched. */
export function initialStateValue(el: Json): Json | undefined {
  const type = str(el.type) ?? "";
  switch (type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      return { type, value: el.initial_value === undefined ? null : String(el.initial_value) };
    case "rich_text_input":
      return { type, rich_text_value: el.initial_value ?? { type: "rich_text", elements: [] } };
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return { type, selected_option: isObject(el.initial_option) ? reportedOption(el.initial_option) : null };
    case "multi_static_select":
    case "multi_external_select":
    case "checkboxes":
      return {
        type,
        selected_options: Array.isArray(el.initial_options)
          ? el.initial_options.filter(isObject).map(reportedOption)
          : [],
      };
    case "users_select":
      return { type, selected_user: el.initial_user ?? null };
    case "multi_users_select":
      return { type, selected_users: Array.isArray(el.initial_users) ? [...el.initial_users] : [] };
    case "conversations_select":
      return { type, selected_conversation: el.initial_conversation ?? null };
    case "multi_conversations_select":
      return {
        type,
        selected_conversations: Array.isArray(el.initial_conversations) ? [...el.initial_conversations] : [],
      };
    case "channels_select":
      return { type, selected_channel: el.initial_channel ?? null };
    case "multi_channels_select":
      return { type, selected_channels: Array.isArray(el.initial_channels) ? [...el.initial_channels] : [] };
    case "datepicker":
      return { type, selected_date: el.initial_date ?? null };
    case "timepicker":
      return { type, selected_time: el.initial_time ?? null };
    case "datetimepicker":
      return { type, selected_date_time: el.initial_date_time ?? null };
    case "file_input":
      return { type, files: [] };
    default:
      return undefined;
  }
}

/** True when a state value holds something (used for Slack's "required field" check). */
export function stateHasValue(v: Json): boolean {
  for (const key of [
    "value",
    "selected_option",
    "selected_user",
    "selected_conversation",
    "selected_channel",
    "selected_date",
    "selected_time",
    "selected_date_time",
  ]) {
    if (key in v) return v[key] !== null && v[key] !== undefined && v[key] !== "";
  }
  for (const key of ["selected_options", "selected_users", "selected_conversations", "selected_channels", "files"]) {
    if (key in v) return Array.isArray(v[key]) && (v[key] as unknown[]).length > 0;
  }
  if ("rich_text_value" in v) return JSON.stringify(v.rich_text_value).includes('"text"');
  return false;
}

/**
 * Full `state.values` of a block list as Slack reports it: every stateful element with either the
 * value the user set (`current`) or its initial value.
 */
export function computeState(
  blocks: unknown,
  current: Record<string, Record<string, Json>> = {},
): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const ref of listElements(blocks)) {
    if (!STATEFUL_TYPES.has(ref.elementType)) continue;
    const set = current[ref.blockId]?.[ref.actionId];
    const v = set && set.type === ref.elementType ? clone(set) : initialStateValue(ref.element);
    if (!v) continue;
    (values[ref.blockId] ??= {})[ref.actionId] = v;
  }
  return values;
}

/**
 * Keeps the values a user entered across an update of the view, for elements whose block_id and
 * action_id (and type) did not change — as Slack does when a view is updated.
 */
export function carryState(
  oldValues: Record<string, Record<string, Json>>,
  newBlocks: unknown,
): Record<string, Record<string, Json>> {
  const kept: Record<string, Record<string, Json>> = {};
  for (const ref of listElements(newBlocks)) {
    const v = oldValues[ref.blockId]?.[ref.actionId];
    if (v && v.type === ref.elementType) (kept[ref.blockId] ??= {})[ref.actionId] = clone(v);
  }
  return kept;
}
