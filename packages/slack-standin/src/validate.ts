/**
 * A pragmatic subset of the checks Slack applies to Block Kit payloads, so that an app sending
 * something Slack would refuse fails here too (with Slack's error codes and message style).
 */
import type { Json } from "./types.ts";
import { isObject, str } from "./util.ts";

export interface BlockProblem {
  pointer: string;
  message: string;
}

const KNOWN_BLOCKS = new Set([
  "actions",
  "context",
  "context_actions",
  "divider",
  "file",
  "header",
  "image",
  "input",
  "markdown",
  "rich_text",
  "section",
  "video",
  "table",
  "card",
  "carousel",
  "alert",
]);

const KNOWN_ELEMENTS = new Set([
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "email_text_input",
  "file_input",
  "feedback_buttons",
  "icon_button",
  "image",
  "multi_static_select",
  "multi_external_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "number_input",
  "overflow",
  "plain_text_input",
  "radio_buttons",
  "rich_text_input",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "timepicker",
  "url_text_input",
  "workflow_button",
]);

class Checker {
  problems: BlockProblem[] = [];
  blockIds = new Set<string>();
  actionIds = new Set<string>();

  add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  text(obj: unknown, ptr: string, opts: { plainOnly?: boolean; max?: number; required?: boolean }): void {
    if (obj === undefined || obj === null) {
      if (opts.required) this.add(ptr, "missing required field: text");
      return;
    }
    if (!isObject(obj)) {
      this.add(ptr, "must be a text object");
      return;
    }
    const type = str(obj.type);
    if (opts.plainOnly ? type !== "plain_text" : type !== "plain_text" && type !== "mrkdwn") {
      this.add(`${ptr}/type`, opts.plainOnly ? "must be plain_text" : "must be plain_text or mrkdwn");
    }
    const text = obj.text;
    if (typeof text !== "string" || text.length === 0) {
      this.add(`${ptr}/text`, "must be more than 0 characters");
    } else if (opts.max !== undefined && text.length > opts.max) {
      this.add(`${ptr}/text`, `must be less than ${opts.max + 1} characters`);
    }
  }

  actionId(el: Json, ptr: string): void {
    const id = el.action_id;
    if (id === undefined) return;
    if (typeof id !== "string" || id.length === 0 || id.length > 255) {
      this.add(`${ptr}/action_id`, "must be a string of 1 to 255 characters");
      return;
    }
    if (this.actionIds.has(id)) this.add(`${ptr}/action_id`, `duplicate action_id: ${id}`);
    this.actionIds.add(id);
  }

  options(opts: unknown, ptr: string, min: number, max: number, plainOnly: boolean): void {
    if (!Array.isArray(opts)) {
      this.add(ptr, "must be an array");
      return;
    }
    if (opts.length < min) this.add(ptr, `must provide at least ${min} items`);
    if (opts.length > max) this.add(ptr, `must provide no more than ${max} items`);
    const seen = new Set<string>();
    opts.forEach((o, i) => {
      const p = `${ptr}/${i}`;
      if (!isObject(o)) return this.add(p, "must be an option object");
      this.text(o.text, `${p}/text`, { plainOnly, max: 75, required: true });
      const value = o.value;
      if (typeof value !== "string" || value.length === 0) this.add(`${p}/value`, "must be more than 0 characters");
      else if (value.length > 150) this.add(`${p}/value`, "must be less than 151 characters");
      else if (seen.has(value)) this.add(`${p}/value`, `duplicate option value: ${value}`);
      if (typeof value === "string") seen.add(value);
    });
  }

  element(el: unknown, ptr: string): void {
    if (!isObject(el)) {
      this.add(ptr, "must be an element object");
      return;
    }
    const type = str(el.type) ?? "";
    if (!KNOWN_ELEMENTS.has(type)) {
      this.add(`${ptr}/type`, `unsupported element type: ${type || "(none)"}`);
      return;
    }
    this.actionId(el, ptr);
    if (el.placeholder !== undefined) this.text(el.placeholder, `${ptr}/placeholder`, { plainOnly: true, max: 150 });
    switch (type) {
      case "button": {
        this.text(el.text, `${ptr}/text`, { plainOnly: true, max: 75, required: true });
        if (el.value !== undefined && (typeof el.value !== "string" || el.value.length > 2000)) {
          this.add(`${ptr}/value`, "must be a string of at most 2000 characters");
        }
        if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") {
          this.add(`${ptr}/style`, "must be primary or danger");
        }
        break;
      }
      case "static_select":
      case "multi_static_select": {
        if (el.option_groups !== undefined) {
          if (!Array.isArray(el.option_groups)) this.add(`${ptr}/option_groups`, "must be an array");
          else
            el.option_groups.forEach((g, i) =>
              this.options(isObject(g) ? g.options : undefined, `${ptr}/option_groups/${i}/options`, 1, 100, true),
            );
        } else {
          this.options(el.options, `${ptr}/options`, 1, 100, true);
        }
        break;
      }
      case "overflow":
        this.options(el.options, `${ptr}/options`, 1, 5, true);
        break;
      case "checkboxes":
      case "radio_buttons":
        this.options(el.options, `${ptr}/options`, 1, 10, false);
        break;
      case "image":
        if (typeof el.alt_text !== "string") this.add(`${ptr}/alt_text`, "missing required field: alt_text");
        break;
      case "plain_text_input":
        if (
          typeof el.initial_value === "string" &&
          typeof el.max_length === "number" &&
          el.initial_value.length > el.max_length
        ) {
          this.add(`${ptr}/initial_value`, "must not be longer than max_length");
        }
        break;
      case "number_input":
        if (typeof el.is_decimal_allowed !== "boolean")
          this.add(`${ptr}/is_decimal_allowed`, "missing required field: is_decimal_allowed");
        break;
      case "datepicker":
        if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
          this.add(`${ptr}/initial_date`, "must be in the format YYYY-MM-DD");
        }
        break;
      default:
        break;
    }
  }

  block(block: unknown, ptr: string): void {
    if (!isObject(block)) {
      this.add(ptr, "must be a block object");
      return;
    }
    const type = str(block.type) ?? "";
    if (!KNOWN_BLOCKS.has(type)) {
      this.add(`${ptr}/type`, `unsupported block type: ${type || "(none)"}`);
      return;
    }
    // Slack wants action_ids unique within their containing block only: cards in one message, or
    // input blocks in one modal, may reuse an action_id (state is keyed by block_id first).
    this.actionIds = new Set<string>();
    const id = block.block_id;
    if (id !== undefined) {
      if (typeof id !== "string" || id.length === 0 || id.length > 255)
        this.add(`${ptr}/block_id`, "must be a string of 1 to 255 characters");
      else if (this.blockIds.has(id)) this.add(`${ptr}/block_id`, `duplicate block_id: ${id}`);
      else this.blockIds.add(id);
    }
    switch (type) {
      case "section": {
        if (block.text === undefined && block.fields === undefined) this.add(ptr, "must provide text or fields");
        if (block.text !== undefined) this.text(block.text, `${ptr}/text`, { max: 3000 });
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.add(`${ptr}/fields`, "must be an array");
          else {
            if (block.fields.length > 10) this.add(`${ptr}/fields`, "must provide no more than 10 items");
            block.fields.forEach((f, i) => this.text(f, `${ptr}/fields/${i}`, { max: 2000, required: true }));
          }
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${ptr}/accessory`);
        break;
      }
      case "header":
        this.text(block.text, `${ptr}/text`, { plainOnly: true, max: 150, required: true });
        break;
      case "actions":
      case "context_actions": {
        const els = block.elements;
        if (!Array.isArray(els) || els.length === 0) this.add(`${ptr}/elements`, "must provide at least 1 items");
        else {
          if (els.length > 25) this.add(`${ptr}/elements`, "must provide no more than 25 items");
          els.forEach((el, i) => this.element(el, `${ptr}/elements/${i}`));
        }
        break;
      }
      case "context": {
        const els = block.elements;
        if (!Array.isArray(els) || els.length === 0) this.add(`${ptr}/elements`, "must provide at least 1 items");
        else {
          if (els.length > 10) this.add(`${ptr}/elements`, "must provide no more than 10 items");
          els.forEach((el, i) => {
            if (isObject(el) && el.type === "image") this.element(el, `${ptr}/elements/${i}`);
            else this.text(el, `${ptr}/elements/${i}`, { required: true });
          });
        }
        break;
      }
      case "image":
        if (typeof block.image_url !== "string" && !isObject(block.slack_file))
          this.add(ptr, "must provide image_url or slack_file");
        if (typeof block.alt_text !== "string" || block.alt_text.length === 0)
          this.add(`${ptr}/alt_text`, "missing required field: alt_text");
        if (block.title !== undefined) this.text(block.title, `${ptr}/title`, { plainOnly: true, max: 2000 });
        break;
      case "input": {
        this.text(block.label, `${ptr}/label`, { plainOnly: true, max: 2000, required: true });
        if (block.hint !== undefined) this.text(block.hint, `${ptr}/hint`, { plainOnly: true, max: 2000 });
        if (block.element === undefined) this.add(`${ptr}/element`, "missing required field: element");
        else this.element(block.element, `${ptr}/element`);
        break;
      }
      case "markdown":
        if (typeof block.text !== "string") this.add(`${ptr}/text`, "missing required field: text");
        break;
      case "rich_text":
        if (!Array.isArray(block.elements)) this.add(`${ptr}/elements`, "must be an array");
        break;
      default:
        break;
    }
  }
}

/** Checks the blocks of a message (chat.postMessage, chat.update, response_url, …). */
export function checkMessageBlocks(blocks: unknown): BlockProblem[] {
  const c = new Checker();
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return [{ pointer: "/blocks", message: "must be an array" }];
  if (blocks.length > 50) c.add("/blocks", "must provide no more than 50 items");
  blocks.forEach((b, i) => c.block(b, `/blocks/${i}`));
  return c.problems;
}

/** Checks a view (views.open, views.update, views.push, views.publish, response_action). */
export function checkView(view: unknown, expectedType?: "modal" | "home"): BlockProblem[] {
  const c = new Checker();
  if (!isObject(view)) return [{ pointer: "/view", message: "must be an object" }];
  const type = str(view.type);
  if (type !== "modal" && type !== "home") c.add("/view/type", "must be modal or home");
  else if (expectedType && type !== expectedType) c.add("/view/type", `must be ${expectedType}`);
  if (type === "modal") {
    c.text(view.title, "/view/title", { plainOnly: true, max: 24, required: true });
    if (view.submit !== undefined && view.submit !== null)
      c.text(view.submit, "/view/submit", { plainOnly: true, max: 24 });
    if (view.close !== undefined && view.close !== null)
      c.text(view.close, "/view/close", { plainOnly: true, max: 24 });
  }
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000) {
    c.add("/view/private_metadata", "must be less than 3001 characters");
  }
  if (typeof view.callback_id === "string" && view.callback_id.length > 255) {
    c.add("/view/callback_id", "must be less than 256 characters");
  }
  const blocks = view.blocks;
  if (!Array.isArray(blocks)) {
    c.add("/view/blocks", "missing required field: blocks");
  } else {
    if (blocks.length > 100) c.add("/view/blocks", "must provide no more than 100 items");
    blocks.forEach((b, i) => c.block(b, `/view/blocks/${i}`));
    const hasInput = blocks.some((b) => isObject(b) && b.type === "input");
    if (type === "modal" && hasInput && (view.submit === undefined || view.submit === null)) {
      c.add("/view/submit", "submit is required when an input block is within the blocks array");
    }
  }
  return c.problems;
}

/** Slack's `response_metadata.messages` lines for a list of problems. */
export function problemMessages(problems: BlockProblem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
}
