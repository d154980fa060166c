/**
 * Plain-text rendering of Block Kit for a terminal: messages, modals and the App Home.
 *
 * Interactive elements are numbered so that a person can act on them: buttons show as
 * `[1 Approve]`, selects as `[2 ▾ Pick a dataset]`, inputs as `[3] Dataset: Cats`. The numbers
 * and what they stand for come back in `controls`. Pure functions: no I/O, no state.
 */
import type {
  ActionsBlock,
  AnyBlock,
  ContextBlock,
  HeaderBlock,
  ImageBlock,
  InputBlock,
  KnownBlock,
  MessageAttachment,
  RichTextBlock,
  RichTextElement,
  SectionBlock,
  TextObject,
  View,
} from "@slack/types";
import { initialStateValue } from "./blocks.ts";
import type { Json } from "./types.ts";

export interface RenderOptions {
  /** Display name of a user id (for `<@U…>` mentions and user pickers). */
  userName?: (id: string) => string | undefined;
  /** Name of a conversation id (for `<#C…>` links and conversation pickers). */
  channelName?: (id: string) => string | undefined;
  /** Width of dividers and of the two field columns (default 72). */
  width?: number;
  /** Current element values, as in `view.state.values` (defaults to the view's own state). */
  state?: Record<string, Record<string, StateValueLike>>;
  /** Number of the first control (default 1), to number several renderings in one sequence. */
  firstIndex?: number;
}

/** The subset of a `state.values` entry the renderer reads. */
export interface StateValueLike {
  type?: string;
  value?: string | null;
  selected_option?: { text?: { text?: string }; value?: string } | null;
  selected_options?: { text?: { text?: string }; value?: string }[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_conversations?: string[];
  selected_channel?: string | null;
  selected_channels?: string[];
  selected_date?: string | null;
  selected_time?: string | null;
  selected_date_time?: number | null;
}

/** A numbered interactive element of a rendering. */
export interface RenderedControl {
  index: number;
  /** Block Kit element type: button, static_select, plain_text_input, … */
  elementType: string;
  actionId: string;
  blockId: string;
  /** Button text, or the label of an input, or the placeholder of a select. */
  label: string;
  /** Buttons: their value. */
  value?: string;
  url?: string;
  style?: string;
  /** Selects, overflows, checkboxes and radio buttons: what can be picked. */
  options?: { value: string; text: string }[];
  /** True for elements inside an input block (their values go with the submission). */
  inInput: boolean;
  /** Input blocks: whether the field may stay empty. */
  optional?: boolean;
  /** Whether acting on it sends something to the app right away (false for plain inputs). */
  dispatches: boolean;
}

export interface Rendered {
  text: string;
  lines: string[];
  controls: RenderedControl[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const s = (v: unknown): string => (typeof v === "string" ? v : "");

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * Slack mrkdwn to terminal text: resolves `<@U…>` to `@name`, `<#C…|name>` to `#name`,
 * `<!here>` to `@here`, `<url|text>` to `text (url)`, dates to their fallback, and unescapes
 * `&lt; &gt; &amp;`. Emphasis marks (*bold*, _italic_, ~strike~, `code`) are kept.
 */
export function renderMrkdwn(text: string, opts: RenderOptions = {}): string {
  const out = text.replace(/<([^<>]+)>/g, (_m, inner: string) => {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
    if (target.startsWith("@")) {
      const id = target.slice(1);
      return `@${opts.userName?.(id) ?? label ?? id}`;
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      return `#${label ?? opts.channelName?.(id) ?? id}`;
    }
    if (target.startsWith("!")) {
      const cmd = target.slice(1);
      if (cmd.startsWith("subteam^")) return label ?? `@${cmd.slice(8)}`;
      if (cmd.startsWith("date^")) return label ?? cmd.split("^")[1] ?? "";
      return label ?? `@${cmd}`;
    }
    if (target.startsWith("mailto:")) return label ?? target.slice(7);
    if (label === undefined || label === target) return target;
    return `${label} (${target})`;
  });
  return unescapeEntities(out);
}

/** A text object: mrkdwn goes through renderMrkdwn, plain_text is shown as is. */
export function renderText(obj: TextObject | Obj | string | undefined | null, opts: RenderOptions = {}): string {
  if (obj === undefined || obj === null) return "";
  if (typeof obj === "string") return renderMrkdwn(obj, opts);
  const text = s(obj.text);
  return obj.type === "mrkdwn" ? renderMrkdwn(text, opts) : text;
}

function richElements(elements: unknown, opts: RenderOptions): string {
  if (!Array.isArray(elements)) return "";
  return (elements as RichTextElement[])
    .map((el) => {
      const e = el as unknown as Obj;
      switch (e.type) {
        case "text":
          return s(e.text);
        case "user":
          return `@${opts.userName?.(s(e.user_id)) ?? s(e.user_id)}`;
        case "channel":
          return `#${opts.channelName?.(s(e.channel_id)) ?? s(e.channel_id)}`;
        case "usergroup":
          return `@${s(e.usergroup_id)}`;
        case "broadcast":
          return `@${s(e.range)}`;
        case "emoji":
          return typeof e.unicode === "string" && /^[0-9a-f-]+$/i.test(e.unicode)
            ? String.fromCodePoint(...e.unicode.split("-").map((h) => parseInt(h, 16)))
            : `:${s(e.name)}:`;
        case "link":
          return e.text && e.text !== e.url ? `${s(e.text)} (${s(e.url)})` : s(e.url);
        case "date":
          return s(e.fallback) || String(e.timestamp ?? "");
        case "color":
          return s(e.value);
        default:
          return "";
      }
    })
    .join("");
}

function renderRichText(block: RichTextBlock, opts: RenderOptions): string[] {
  const lines: string[] = [];
  for (const part of block.elements as unknown as Obj[]) {
    switch (part.type) {
      case "rich_text_section":
        lines.push(...richElements(part.elements, opts).split("\n"));
        break;
      case "rich_text_list": {
        const indent = "  ".repeat(typeof part.indent === "number" ? part.indent : 0);
        const items = Array.isArray(part.elements) ? (part.elements as Obj[]) : [];
        items.forEach((item, i) => {
          const bullet =
            part.style === "ordered" ? `${i + 1 + (typeof part.offset === "number" ? part.offset : 0)}.` : "•";
          lines.push(`${indent}${bullet} ${richElements(item.elements, opts)}`);
        });
        break;
      }
      case "rich_text_preformatted":
        lines.push("```", ...richElements(part.elements, opts).split("\n"), "```");
        break;
      case "rich_text_quote":
        lines.push(
          ...richElements(part.elements, opts)
            .split("\n")
            .map((l) => `> ${l}`),
        );
        break;
      default:
        break;
    }
  }
  return lines;
}

function optionList(el: Obj): { value: string; text: string }[] {
  const raw: Obj[] = [];
  if (Array.isArray(el.options)) raw.push(...(el.options as Obj[]));
  if (Array.isArray(el.option_groups))
    for (const g of el.option_groups as Obj[]) if (Array.isArray(g.options)) raw.push(...(g.options as Obj[]));
  return raw.map((o) => ({ value: s(o.value), text: renderText(o.text as Obj, {}) }));
}

function describeValue(v: StateValueLike | undefined, opts: RenderOptions): string {
  if (!v) return "";
  const user = (id: string) => `@${opts.userName?.(id) ?? id}`;
  const chan = (id: string) => `#${opts.channelName?.(id) ?? id}`;
  if ("value" in v) return v.value ?? "";
  if ("selected_option" in v)
    return v.selected_option ? s(v.selected_option.text?.text) || s(v.selected_option.value) : "";
  if (v.selected_options) return v.selected_options.map((o) => s(o.text?.text) || s(o.value)).join(", ");
  if ("selected_user" in v) return v.selected_user ? user(v.selected_user) : "";
  if (v.selected_users) return v.selected_users.map(user).join(", ");
  if ("selected_conversation" in v) return v.selected_conversation ? chan(v.selected_conversation) : "";
  if (v.selected_conversations) return v.selected_conversations.map(chan).join(", ");
  if ("selected_channel" in v) return v.selected_channel ? chan(v.selected_channel) : "";
  if (v.selected_channels) return v.selected_channels.map(chan).join(", ");
  if ("selected_date" in v) return v.selected_date ?? "";
  if ("selected_time" in v) return v.selected_time ?? "";
  if ("selected_date_time" in v) return v.selected_date_time ? new Date(v.selected_date_time * 1000).toISOString() : "";
  return "";
}

class Renderer {
  readonly lines: string[] = [];
  readonly controls: RenderedControl[] = [];
  private next: number;
  private readonly width: number;

  private readonly opts: RenderOptions;

  constructor(opts: RenderOptions) {
    this.opts = opts;
    this.next = opts.firstIndex ?? 1;
    this.width = opts.width ?? 72;
  }

  private control(c: Omit<RenderedControl, "index">): number {
    const index = this.next++;
    this.controls.push({ index, ...c });
    return index;
  }

  /** Inline rendering of an element of an actions block or a section accessory. */
  private element(el: Obj, blockId: string): string {
    const type = s(el.type);
    const actionId = s(el.action_id);
    const label = renderText(el.text as Obj, this.opts) || renderText(el.placeholder as Obj, this.opts);
    switch (type) {
      case "image":
        return `[image: ${s(el.alt_text)}]`;
      case "button":
      case "workflow_button":
      case "icon_button": {
        const n = this.control({
          elementType: type,
          actionId,
          blockId,
          label,
          ...(el.value !== undefined ? { value: s(el.value) } : {}),
          ...(el.url !== undefined ? { url: s(el.url) } : {}),
          ...(el.style !== undefined ? { style: s(el.style) } : {}),
          inInput: false,
          dispatches: true,
        });
        return `[${n} ${label}]`;
      }
      case "overflow": {
        const options = optionList(el);
        const n = this.control({
          elementType: type,
          actionId,
          blockId,
          label: "⋯",
          options,
          inInput: false,
          dispatches: true,
        });
        return `[${n} ⋯ ${options.map((o) => o.text).join(" | ")}]`;
      }
      default: {
        const options = optionList(el);
        const current = describeValue(this.current(blockId, actionId, el), this.opts);
        const n = this.control({
          elementType: type,
          actionId,
          blockId,
          label,
          ...(options.length ? { options } : {}),
          inInput: false,
          dispatches: true,
        });
        const shown = current || label || type;
        return `[${n} ▾ ${shown}]`;
      }
    }
  }

  private current(blockId: string, actionId: string, el: Obj): StateValueLike | undefined {
    return this.opts.state?.[blockId]?.[actionId] ?? (initialStateValue(el as Json) as StateValueLike | undefined);
  }

  block(raw: AnyBlock): void {
    const block = raw as KnownBlock;
    const obj = raw as unknown as Obj;
    const blockId = s(obj.block_id);
    switch (block.type) {
      case "header":
        this.lines.push(`# ${renderText((block as HeaderBlock).text, this.opts)}`);
        break;
      case "divider":
        this.lines.push("─".repeat(this.width));
        break;
      case "section": {
        const b = block as SectionBlock;
        const out: string[] = [];
        if (b.text) out.push(...renderText(b.text, this.opts).split("\n"));
        if (b.fields?.length) out.push(...this.fields(b.fields.map((f) => renderText(f, this.opts))));
        if (b.accessory) {
          const acc = this.element(b.accessory as unknown as Obj, blockId);
          if (out.length === 0) out.push(acc);
          else out[out.length - 1] = `${out[out.length - 1]}  ${acc}`;
        }
        this.lines.push(...out);
        break;
      }
      case "context": {
        const parts = (block as ContextBlock).elements.map((e) => {
          const o = e as unknown as Obj;
          return o.type === "image" ? `[image: ${s(o.alt_text)}]` : renderText(o, this.opts);
        });
        this.lines.push(`  ${parts.join(" · ")}`);
        break;
      }
      case "actions":
      case "context_actions": {
        const els = (block as ActionsBlock).elements as unknown as Obj[];
        this.lines.push(els.map((e) => this.element(e, blockId)).join("  "));
        break;
      }
      case "image": {
        const b = block as ImageBlock;
        const title = b.title ? ` — ${renderText(b.title, this.opts)}` : "";
        this.lines.push(`[image: ${b.alt_text}${title}]`);
        break;
      }
      case "input":
        this.input(block as InputBlock, blockId);
        break;
      case "rich_text":
        this.lines.push(...renderRichText(block as RichTextBlock, this.opts));
        break;
      case "markdown":
        this.lines.push(...s(obj.text).split("\n"));
        break;
      case "file":
        this.lines.push(`[file: ${s(obj.external_id)}]`);
        break;
      case "video":
        this.lines.push(`[video: ${renderText(obj.title as Obj, this.opts) || s(obj.alt_text)}]`);
        break;
      default: {
        const rows = obj.rows;
        if (Array.isArray(rows)) {
          for (const row of rows) {
            if (Array.isArray(row))
              this.lines.push(
                row
                  .map((cell) => (isObj(cell) ? renderText(cell, this.opts) || s(cell.text) : String(cell)))
                  .join(" | "),
              );
          }
        } else {
          this.lines.push(`[${s(obj.type) || "unknown"} block]`);
        }
      }
    }
  }

  /** Section fields in two columns when they fit, else one per line. */
  private fields(texts: string[]): string[] {
    const col = Math.floor(this.width / 2);
    const out: string[] = [];
    for (let i = 0; i < texts.length; i += 2) {
      const left = texts[i] ?? "";
      const right = texts[i + 1];
      if (
        right !== undefined &&
        !left.includes("\n") &&
        !right.includes("\n") &&
        left.length < col - 1 &&
        right.length <= col
      ) {
        out.push(`${left.padEnd(col)}${right}`);
      } else {
        out.push(...left.split("\n"));
        if (right !== undefined) out.push(...right.split("\n"));
      }
    }
    return out;
  }

  private input(b: InputBlock, blockId: string): void {
    const el = b.element as unknown as Obj;
    const type = s(el.type);
    const actionId = s(el.action_id);
    const label = renderText(b.label, this.opts);
    const options = optionList(el);
    const n = this.control({
      elementType: type,
      actionId,
      blockId,
      label,
      ...(options.length ? { options } : {}),
      inInput: true,
      optional: b.optional === true,
      dispatches: b.dispatch_action === true,
    });
    const value = describeValue(this.current(blockId, actionId, el), this.opts);
    const placeholder = renderText(el.placeholder as Obj, this.opts);
    const shown = value !== "" ? value : placeholder ? `‹${placeholder}›` : "____";
    const choices = options.length ? `  (${options.map((o) => o.text).join(" | ")})` : "";
    this.lines.push(`[${n}] ${label}${b.optional ? " (optional)" : ""}: ${shown}${choices}`);
    if (b.hint) this.lines.push(`    ${renderText(b.hint, this.opts)}`);
  }

  attachment(a: MessageAttachment): void {
    const o = a as unknown as Obj;
    if (o.pretext) this.lines.push(renderMrkdwn(s(o.pretext), this.opts));
    const inner = new Renderer({ ...this.opts, firstIndex: this.next, width: this.width - 2 });
    if (o.author_name) inner.lines.push(s(o.author_name));
    if (o.title) inner.lines.push(o.title_link ? `*${s(o.title)}* (${s(o.title_link)})` : `*${s(o.title)}*`);
    if (o.text) inner.lines.push(...renderMrkdwn(s(o.text), this.opts).split("\n"));
    if (Array.isArray(o.fields)) {
      for (const f of o.fields as Obj[]) inner.lines.push(`${s(f.title)}: ${renderMrkdwn(s(f.value), this.opts)}`);
    }
    if (Array.isArray(o.blocks)) for (const b of o.blocks as AnyBlock[]) inner.block(b);
    if (o.image_url) inner.lines.push(`[image: ${s(o.fallback) || s(o.image_url)}]`);
    if (o.footer) inner.lines.push(`  ${renderMrkdwn(s(o.footer), this.opts)}`);
    if (inner.lines.length === 0 && o.fallback) inner.lines.push(s(o.fallback));
    this.lines.push(...inner.lines.map((l) => `▌ ${l}`));
    this.controls.push(...inner.controls);
    this.next = inner.next;
  }

  result(): Rendered {
    return { text: this.lines.join("\n"), lines: [...this.lines], controls: [...this.controls] };
  }
}

/** A block as typed by @slack/types, or as stored from the wire (a plain JSON object). */
export type BlockLike = AnyBlock | Json;

/** Renders a list of blocks. */
export function renderBlocks(blocks: readonly BlockLike[], opts: RenderOptions = {}): Rendered {
  const r = new Renderer(opts);
  for (const b of blocks) r.block(b as AnyBlock);
  return r.result();
}

/** A message as the app sends it or as the stand-in stores it. */
export interface RenderableMessage {
  text?: string;
  blocks?: readonly BlockLike[];
  attachments?: readonly (MessageAttachment | Json)[];
}

/** Renders a message: its blocks (or, without blocks, its text) and its attachments. */
export function renderMessage(msg: RenderableMessage, opts: RenderOptions = {}): Rendered {
  const r = new Renderer(opts);
  if (msg.blocks && msg.blocks.length > 0) for (const b of msg.blocks) r.block(b as AnyBlock);
  else if (msg.text) r.lines.push(...renderMrkdwn(msg.text, opts).split("\n"));
  for (const a of msg.attachments ?? []) r.attachment(a as MessageAttachment);
  return r.result();
}

/** A view as the app builds it (@slack/types View) or as Slack returns it (with state). */
export type RenderableView =
  | View
  | {
      type: string;
      title?: unknown;
      submit?: unknown;
      close?: unknown;
      blocks: readonly BlockLike[];
      state?: { values: Record<string, Record<string, object>> };
    };

/**
 * Renders a modal (title line, blocks with current input values, then its close / submit
 * buttons) or a home tab.
 */
export function renderView(view: RenderableView, opts: RenderOptions = {}): Rendered {
  const v = view as unknown as Obj;
  const state =
    opts.state ?? (isObj(v.state) && isObj(v.state.values) ? (v.state.values as RenderOptions["state"]) : undefined);
  const r = new Renderer({ ...opts, state });
  const title = renderText(v.title as Obj, opts) || (v.type === "home" ? "Home" : "Modal");
  r.lines.push(`=== ${title} ===`);
  for (const b of (v.blocks as AnyBlock[]) ?? []) r.block(b);
  if (v.type === "modal") {
    const close = renderText(v.close as Obj, opts) || "Cancel";
    const submit = v.submit ? renderText(v.submit as Obj, opts) : undefined;
    r.lines.push(submit ? `(close: ${close})  (submit: ${submit})` : `(close: ${close})`);
  }
  return r.result();
}
