/**
 * A simulated Slack user: types slash commands, presses buttons that exist in stored messages and
 * views, fills and submits modals, opens the App Home, mentions and DMs the app. Each action is
 * turned into the exact payload Slack would send and delivered to the app.
 */
import { randomUUID } from "node:crypto";
import { stringify as formEncode } from "node:querystring";
import {
  computeState,
  type ElementRef,
  listElements,
  optionsOf,
  reportedOption,
  STATEFUL_TYPES,
  stateHasValue,
  textOf,
} from "./blocks.ts";
import type { DeliverOptions, Driver } from "./driver.ts";
import { ackCarriesMessage, applyResponse } from "./responses.ts";
import type {
  DeliveryResult,
  DirectoryUser,
  Json,
  ResponseRecord,
  StoredMessage,
  ViewEntry,
  ViewRecord,
} from "./types.ts";
import { clone, hex, isObject, str, waitUntil } from "./util.ts";
import { checkView, problemMessages } from "./validate.ts";
import type { ResponseTarget, Workspace } from "./workspace.ts";

/** A value a user enters into an element: text, a number, an option value or label, ids, or several of those. */
export type FillValue = string | number | boolean | null | string[];
/** Values keyed by action_id, block_id, "block_id/action_id", or the input's label. */
export type FillValues = Record<string, FillValue>;

/** Where to find the element a user acts on. Without any, the top modal, the home tab and then the newest visible messages are searched. */
export interface Where {
  messageTs?: string;
  channel?: string;
  viewId?: string;
  /** Look in the user's App Home. */
  home?: boolean;
  blockId?: string;
  /** For buttons: pick the one carrying this value (many rows share an action_id). */
  value?: string;
}

/** A slash command's signed-to-be body, for delivery by someone else (see `SimulatedUser.preparedCommand`). */
export interface PreparedCommand {
  /** The form-encoded body, to sign with `signRequest` and POST to the request URL. */
  body: string;
  responseUrl: string;
  /** Everything posted to the response_url so far. */
  replies(): ResponseRecord[];
}

export interface ActionResult extends DeliveryResult {
  /** The payload (or command fields) as sent. */
  payload: Json;
  triggerId: string | undefined;
  /** The response_url of this command / interaction, if Slack gives one. */
  responseUrl: string | undefined;
  /** Everything posted to the response_url so far (and, for commands, a message in the ack). */
  replies(): ResponseRecord[];
  /** Waits for the n-th reply (default the first). */
  reply(opts?: { index?: number; timeoutMs?: number }): Promise<ResponseRecord>;
}

export interface SubmitResult extends DeliveryResult {
  payload: Json;
  triggerId: string;
  /** The response_action the app answered with, if any. */
  responseAction: string | undefined;
  /** With response_action "errors": messages by block_id. */
  errors: Record<string, string> | undefined;
  /** Whether the submitted view is now closed. */
  closed: boolean;
  /** The user's top modal after Slack applied the answer. */
  view: ViewRecord | undefined;
  /** Things Slack would reject in the app's answer (it then shows a generic error). */
  problems: string[];
}

/** Slack's own client-side checks refused the submission: nothing was sent to the app. */
export class ClientValidationError extends Error {
  readonly errors: Record<string, string>;

  constructor(errors: Record<string, string>) {
    super(
      `Slack would not submit this view: ${Object.entries(errors)
        .map(([b, e]) => `${b}: ${e}`)
        .join("; ")}`,
    );
    this.errors = errors;
    this.name = "ClientValidationError";
  }
}

export interface SubmitOptions extends DeliverOptions {
  /** Send even when Slack's client-side checks (required fields, number format, lengths) fail. */
  skipClientValidation?: boolean;
}

interface Located {
  ref: ElementRef;
  message?: StoredMessage;
  entry?: ViewEntry;
}

const ACK_BUDGET_NOTE = "Slack shows an error to the user when the app does not answer within 3 seconds";

export class SimulatedUser {
  /** Channel used for commands when none is given. */
  channel: string | undefined;
  /** Values the user set in interactive elements of messages (Slack keeps these client-side). */
  private messageState = new Map<string, Record<string, Record<string, Json>>>();

  readonly id: string;
  private readonly ws: Workspace;
  private readonly driver: Driver;
  private readonly baseUrl: () => string;

  constructor(id: string, ws: Workspace, driver: Driver, baseUrl: () => string, defaultChannel: string | undefined) {
    this.id = id;
    this.ws = ws;
    this.driver = driver;
    this.baseUrl = baseUrl;
    if (!ws.user(id)) throw new Error(`Unknown user ${id}: add it to the stand-in's directory first`);
    this.channel = defaultChannel;
  }

  get profile(): DirectoryUser {
    return this.ws.user(this.id)!;
  }

  /** The DM conversation between this user and the app. */
  get dmChannel(): string {
    return this.ws.dmChannel(this.id);
  }

  // ------------------------------------------------------------------ payload pieces

  private team(): Json {
    return { id: this.ws.opts.teamId, domain: this.ws.opts.teamDomain };
  }

  private userRef(): Json {
    return { id: this.id, username: this.profile.name, name: this.profile.name, team_id: this.ws.opts.teamId };
  }

  private channelRef(id: string): Json {
    const c = this.ws.channels.get(id);
    return { id, name: c?.is_im ? "directmessage" : (c?.name ?? id) };
  }

  private responseTarget(t: Omit<ResponseTarget, "id" | "createdAt" | "uses" | "records">): ResponseTarget {
    return this.ws.registerResponseTarget(t);
  }

  private responseUrl(target: ResponseTarget): string {
    return `${this.baseUrl()}/response/${target.id}`;
  }

  private actionResult(
    res: DeliveryResult,
    payload: Json,
    triggerId: string | undefined,
    target: ResponseTarget | undefined,
  ): ActionResult {
    const ws = this.ws;
    return {
      ...res,
      payload,
      triggerId,
      responseUrl: target ? this.responseUrl(target) : undefined,
      replies: () => (target ? [...target.records] : []),
      reply: ({ index = 0, timeoutMs = 3000 } = {}) => {
        if (!target) return Promise.reject(new Error("This interaction has no response_url"));
        return waitUntil(
          () => target.records[index],
          (fn) => {
            ws.on("change", fn);
            return () => ws.off("change", fn);
          },
          timeoutMs,
          () => `reply #${index + 1} on the response_url (got ${target.records.length}; delivery status ${res.status})`,
        );
      },
    };
  }

  private resolveChannel(ref: string | undefined): string {
    const id = ref ? this.ws.resolveChannel(ref) : undefined;
    if (ref && !id) throw new Error(`Unknown channel ${ref}`);
    return id ?? this.channel ?? this.dmChannel;
  }

  // ------------------------------------------------------------------ slash commands

  /** Types a slash command, e.g. `command("/claim", "cats 1-100")`. */
  async command(command: string, text = "", opts: DeliverOptions & { channel?: string } = {}): Promise<ActionResult> {
    const prepared = this.prepareCommand(command, text, opts);
    const res = await this.driver.deliver("command", prepared.fields, opts);
    if (res.status === 200) {
      if (ackCarriesMessage(res.json)) applyResponse(this.ws, prepared.target, res.json, "ack");
      else if (res.body !== "" && res.json === undefined)
        applyResponse(this.ws, prepared.target, { text: res.body }, "ack");
    }
    return this.actionResult(res, prepared.fields, prepared.triggerId, prepared.target);
  }

  /**
   * The form fields Slack would send for a slash command, with its response_url and trigger
   * registered, without sending them: for a load generator that delivers many commands from
   * elsewhere (another thread or process) while the stand-in receives the replies.
   */
  preparedCommand(command: string, text = "", opts: { channel?: string } = {}): PreparedCommand {
    const { fields, target } = this.prepareCommand(command, text, opts);
    return {
      body: formEncode(fields),
      responseUrl: this.responseUrl(target),
      replies: () => [...target.records],
    };
  }

  private prepareCommand(command: string, text: string, opts: { channel?: string }) {
    const channel = this.resolveChannel(opts.channel);
    const triggerId = this.ws.issueTrigger(this.id);
    const target = this.responseTarget({ kind: "command", user: this.id, channel });
    const fields: Record<string, string> = {
      token: this.ws.opts.verificationToken,
      team_id: this.ws.opts.teamId,
      team_domain: this.ws.opts.teamDomain,
      channel_id: channel,
      channel_name: str(this.channelRef(channel).name) ?? channel,
      user_id: this.id,
      user_name: this.profile.name,
      command: command.startsWith("/") ? command : `/${command}`,
      text,
      api_app_id: this.ws.opts.appId,
      is_enterprise_install: "false",
      response_url: this.responseUrl(target),
      trigger_id: triggerId,
    };
    return { fields, target, triggerId };
  }

  // ------------------------------------------------------------------ finding elements

  /** Messages this user can see, newest first. */
  visibleMessages(channel?: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const [id, list] of this.ws.messages) {
      if (channel && id !== channel) continue;
      const c = this.ws.channels.get(id);
      if (c?.is_im && c.user !== this.id) continue;
      if (c && !c.is_im && !this.ws.isMember(id, this.id)) continue;
      for (const m of list) if (!m.deleted && (!m.ephemeralTo || m.ephemeralTo === this.id)) out.push(m);
    }
    return out.sort((a, b) => (Number(b.ts) !== Number(a.ts) ? Number(b.ts) - Number(a.ts) : b.ts.localeCompare(a.ts)));
  }

  /** The modal on top of this user's stack. */
  modal(): ViewRecord | undefined {
    return this.ws.topModal(this.id)?.view;
  }

  /** This user's App Home view, if the app published one. */
  home(): ViewRecord | undefined {
    return this.ws.home(this.id)?.view;
  }

  private viewEntry(viewId: string): ViewEntry {
    const entry = this.ws.views.get(viewId);
    if (!entry || entry.user !== this.id) throw new Error(`View ${viewId} is not shown to ${this.id}`);
    if (!entry.open) throw new Error(`View ${viewId} is closed`);
    if (entry.view.type === "modal" && this.ws.topModal(this.id)?.view.id !== viewId) {
      throw new Error(`View ${viewId} is covered by another modal; only the top modal can be used`);
    }
    return entry;
  }

  private locate(actionId: string, where: Where, accept: (ref: ElementRef) => boolean, what: string): Located {
    const match = (ref: ElementRef) =>
      ref.actionId === actionId &&
      (where.blockId === undefined || ref.blockId === where.blockId) &&
      (where.value === undefined || ref.element.value === where.value || ref.elementType !== "button") &&
      accept(ref);
    const inView = (entry: ViewEntry): Located | undefined => {
      const ref = listElements(entry.view.blocks).find(match);
      return ref ? { ref, entry } : undefined;
    };
    const inMessage = (m: StoredMessage): Located | undefined => {
      const ref = listElements(m.blocks).find(match);
      return ref ? { ref, message: m } : undefined;
    };
    let found: Located | undefined;
    if (where.viewId) {
      found = inView(this.viewEntry(where.viewId));
    } else if (where.home) {
      const home = this.ws.home(this.id);
      if (!home) throw new Error(`${this.id} has no App Home view`);
      found = inView(home);
    } else if (where.messageTs) {
      const msg = this.visibleMessages(where.channel ? this.resolveChannel(where.channel) : undefined).find(
        (m) => m.ts === where.messageTs,
      );
      if (!msg) throw new Error(`No message ${where.messageTs} visible to ${this.id}`);
      found = inMessage(msg);
    } else {
      const top = this.ws.topModal(this.id);
      const home = this.ws.home(this.id);
      found = (top && inView(top)) || (home && inView(home)) || undefined;
      if (!found) {
        for (const m of this.visibleMessages(where.channel ? this.resolveChannel(where.channel) : undefined)) {
          found = inMessage(m);
          if (found) break;
        }
      }
    }
    if (!found) {
      const detail = where.value !== undefined ? ` with value ${JSON.stringify(where.value)}` : "";
      throw new Error(`No ${what} with action_id ${JSON.stringify(actionId)}${detail} is visible to ${this.id}`);
    }
    return found;
  }

  // ------------------------------------------------------------------ values

  private optionFor(ref: ElementRef, v: string): Json {
    if (ref.elementType === "external_select" || ref.elementType === "multi_external_select") {
      return { text: { type: "plain_text", text: v, emoji: true }, value: v };
    }
    const opts = optionsOf(ref.element);
    const lower = v.toLowerCase();
    const opt = opts.find((o) => o.value === v) ?? opts.find((o) => textOf(o.text).toLowerCase() === lower);
    if (!opt) {
      const list = opts.map((o) => `${String(o.value)} (${textOf(o.text)})`).join(", ");
      throw new Error(
        `Option ${JSON.stringify(v)} is not offered by ${ref.elementType} ${ref.actionId}; options: ${list}`,
      );
    }
    return reportedOption(opt);
  }

  private userIdFor(v: string): string {
    const u = this.ws.findUser(v);
    if (!u) throw new Error(`Unknown user ${v}`);
    return u.id;
  }

  private channelIdFor(v: string): string {
    const id = this.ws.resolveChannel(v);
    if (!id) throw new Error(`Unknown conversation ${v}`);
    return id;
  }

  /** Converts what a user enters into the `state.values` entry Slack reports for the element. */
  private stateValue(ref: ElementRef, input: FillValue): Json {
    const type = ref.elementType;
    const list = (v: FillValue): string[] => (v === null ? [] : Array.isArray(v) ? v : [String(v)]);
    const one = (v: FillValue): string | null => (v === null ? null : Array.isArray(v) ? (v[0] ?? null) : String(v));
    switch (type) {
      case "plain_text_input":
      case "email_text_input":
      case "url_text_input":
      case "number_input":
        return { type, value: one(input) };
      case "rich_text_input": {
        const text = one(input);
        return {
          type,
          rich_text_value: {
            type: "rich_text",
            elements: text ? [{ type: "rich_text_section", elements: [{ type: "text", text }] }] : [],
          },
        };
      }
      case "static_select":
      case "external_select":
      case "radio_buttons": {
        const v = one(input);
        return { type, selected_option: v === null ? null : this.optionFor(ref, v) };
      }
      case "multi_static_select":
      case "multi_external_select":
      case "checkboxes":
        if (typeof input === "boolean") {
          // A single checkbox: true ticks its only option.
          const only = optionsOf(ref.element)[0];
          return { type, selected_options: input && only ? [reportedOption(only)] : [] };
        }
        return { type, selected_options: list(input).map((v) => this.optionFor(ref, v)) };
      case "users_select": {
        const v = one(input);
        return { type, selected_user: v === null ? null : this.userIdFor(v) };
      }
      case "multi_users_select":
        return { type, selected_users: list(input).map((v) => this.userIdFor(v)) };
      case "conversations_select": {
        const v = one(input);
        return { type, selected_conversation: v === null ? null : this.channelIdFor(v) };
      }
      case "multi_conversations_select":
        return { type, selected_conversations: list(input).map((v) => this.channelIdFor(v)) };
      case "channels_select": {
        const v = one(input);
        return { type, selected_channel: v === null ? null : this.channelIdFor(v) };
      }
      case "multi_channels_select":
        return { type, selected_channels: list(input).map((v) => this.channelIdFor(v)) };
      case "datepicker": {
        const v = one(input);
        if (v !== null && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`A datepicker takes YYYY-MM-DD, got ${v}`);
        return { type, selected_date: v };
      }
      case "timepicker": {
        const v = one(input);
        if (v !== null && !/^\d{2}:\d{2}$/.test(v)) throw new Error(`A timepicker takes HH:mm, got ${v}`);
        return { type, selected_time: v };
      }
      case "datetimepicker":
        return { type, selected_date_time: input === null ? null : Number(input) };
      default:
        throw new Error(`Cannot enter a value into a ${type} element (${ref.actionId})`);
    }
  }

  /** Finds the stateful element a fill key names: "block/action", action_id, block_id or label. */
  private matchKey(refs: ElementRef[], key: string): ElementRef {
    const tries: ((r: ElementRef) => boolean)[] = [
      (r) => `${r.blockId}/${r.actionId}` === key,
      (r) => r.actionId === key,
      (r) => r.blockId === key,
      (r) => r.label.trim().toLowerCase() === key.trim().toLowerCase(),
    ];
    for (const t of tries) {
      const hits = refs.filter(t);
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1)
        throw new Error(`${JSON.stringify(key)} names ${hits.length} elements; use "block_id/action_id"`);
    }
    const known = refs.map((r) => `${r.blockId}/${r.actionId}${r.label ? ` (${r.label})` : ""}`).join(", ");
    throw new Error(`No input ${JSON.stringify(key)} in this view; inputs: ${known || "none"}`);
  }

  /** Enters values into a view without submitting it (as typing and picking does). */
  fill(viewId: string | undefined, values: FillValues): ViewRecord {
    const entry = this.viewEntry(viewId ?? this.requireTopModal().id);
    const refs = listElements(entry.view.blocks).filter((r) => STATEFUL_TYPES.has(r.elementType));
    for (const [key, v] of Object.entries(values)) {
      const ref = this.matchKey(refs, key);
      this.ws.setViewValue(entry, ref.blockId, ref.actionId, this.stateValue(ref, v));
    }
    return entry.view;
  }

  private requireTopModal(): ViewRecord {
    const top = this.ws.topModal(this.id);
    if (!top) throw new Error(`${this.id} has no open modal`);
    return top.view;
  }

  /** The view as Slack sends it in payloads: with the full current state. */
  private viewPayload(entry: ViewEntry): Json {
    const v = clone(entry.view) as unknown as Json;
    v.state = { values: computeState(entry.view.blocks, entry.view.state.values) };
    return v;
  }

  // ------------------------------------------------------------------ block actions

  private async blockActions(located: Located, action: Json, opts: DeliverOptions): Promise<ActionResult> {
    const triggerId = this.ws.issueTrigger(this.id);
    const base: Json = {
      type: "block_actions",
      user: this.userRef(),
      api_app_id: this.ws.opts.appId,
      token: this.ws.opts.verificationToken,
    };
    let target: ResponseTarget | undefined;
    let payload: Json;
    if (located.entry) {
      payload = {
        ...base,
        container: { type: "view", view_id: located.entry.view.id },
        trigger_id: triggerId,
        team: this.team(),
        enterprise: null,
        is_enterprise_install: false,
        view: this.viewPayload(located.entry),
        actions: [action],
      };
    } else {
      const m = located.message!;
      target = this.responseTarget({ kind: "block_actions", user: this.id, channel: m.channel, messageTs: m.ts });
      const key = `${m.channel}/${m.ts}`;
      payload = {
        ...base,
        container: {
          type: "message",
          message_ts: m.ts,
          channel_id: m.channel,
          is_ephemeral: m.ephemeralTo !== undefined,
        },
        trigger_id: triggerId,
        team: this.team(),
        enterprise: null,
        is_enterprise_install: false,
        channel: this.channelRef(m.channel),
        ...(m.ephemeralTo === undefined ? { message: this.ws.messageObject(m) } : {}),
        state: { values: computeState(m.blocks, this.messageState.get(key)) },
        response_url: this.responseUrl(target),
        actions: [action],
      };
    }
    const res = await this.driver.deliver("interaction", payload, opts);
    return this.actionResult(res, payload, triggerId, target);
  }

  /**
   * Presses a button (or an icon / workflow button) found by action_id in a stored message or view,
   * e.g. `click("approve_handoff", { value: "H12" })`.
   */
  async click(actionId: string, where: Where = {}, opts: DeliverOptions = {}): Promise<ActionResult> {
    const located = this.locate(
      actionId,
      where,
      (r) => ["button", "icon_button", "workflow_button"].includes(r.elementType),
      "button",
    );
    const el = located.ref.element;
    const action: Json = {
      action_id: located.ref.actionId,
      block_id: located.ref.blockId,
      text: clone(el.text),
      type: located.ref.elementType,
      action_ts: this.ws.ids.ts(),
    };
    if (el.value !== undefined) action.value = el.value;
    if (el.style !== undefined) action.style = el.style;
    if (el.url !== undefined) action.url = el.url;
    return this.blockActions(located, action, opts);
  }

  /**
   * Picks a value in a select / overflow / checkboxes / radio / datepicker / dispatching input
   * found by action_id. Returns null when Slack would not send anything (an input block without
   * dispatch_action: the value is only kept for the submission).
   */
  async select(
    actionId: string,
    value: FillValue,
    where: Where = {},
    opts: DeliverOptions = {},
  ): Promise<ActionResult | null> {
    const located = this.locate(
      actionId,
      where,
      (r) => STATEFUL_TYPES.has(r.elementType) || r.elementType === "overflow",
      "selectable element",
    );
    const ref = located.ref;
    let action: Json;
    if (ref.elementType === "overflow") {
      action = {
        type: "overflow",
        action_id: ref.actionId,
        block_id: ref.blockId,
        selected_option: this.optionFor(ref, String(value)),
        action_ts: this.ws.ids.ts(),
      };
    } else {
      const state = this.stateValue(ref, value);
      if (located.entry) this.ws.setViewValue(located.entry, ref.blockId, ref.actionId, state);
      else {
        const key = `${located.message!.channel}/${located.message!.ts}`;
        const values = this.messageState.get(key) ?? {};
        (values[ref.blockId] ??= {})[ref.actionId] = state;
        this.messageState.set(key, values);
      }
      if (ref.blockType === "input" && ref.block.dispatch_action !== true) return null;
      action = { ...state, action_id: ref.actionId, block_id: ref.blockId, action_ts: this.ws.ids.ts() };
      if (isObject(ref.element.placeholder)) action.placeholder = clone(ref.element.placeholder);
      const initial = [
        "initial_option",
        "initial_options",
        "initial_user",
        "initial_users",
        "initial_conversation",
        "initial_channel",
        "initial_date",
        "initial_time",
      ];
      for (const k of initial) if (ref.element[k] !== undefined) action[k] = clone(ref.element[k]);
    }
    return this.blockActions(located, action, opts);
  }

  // ------------------------------------------------------------------ views

  private clientErrors(entry: ViewEntry): Record<string, string> {
    const errors: Record<string, string> = {};
    const state = computeState(entry.view.blocks, entry.view.state.values);
    for (const ref of listElements(entry.view.blocks)) {
      if (ref.blockType !== "input") continue;
      const v = state[ref.blockId]?.[ref.actionId];
      const filled = v !== undefined && stateHasValue(v);
      if (!filled) {
        if (!ref.optional) errors[ref.blockId] = "Please complete this required field.";
        continue;
      }
      const el = ref.element;
      const value = str(v!.value);
      if (ref.elementType === "number_input" && value !== undefined) {
        if (!/^-?\d+(\.\d+)?$/.test(value.trim())) errors[ref.blockId] = "Please enter a number.";
        else if (el.is_decimal_allowed !== true && value.includes("."))
          errors[ref.blockId] = "Please enter a whole number.";
        else if (el.min_value !== undefined && Number(value) < Number(el.min_value))
          errors[ref.blockId] = `Please enter a number of at least ${String(el.min_value)}.`;
        else if (el.max_value !== undefined && Number(value) > Number(el.max_value))
          errors[ref.blockId] = `Please enter a number no more than ${String(el.max_value)}.`;
      }
      if (ref.elementType === "plain_text_input" && value !== undefined) {
        if (typeof el.min_length === "number" && value.length < el.min_length)
          errors[ref.blockId] = `Please enter at least ${el.min_length} characters.`;
        if (typeof el.max_length === "number" && value.length > el.max_length)
          errors[ref.blockId] = `Please enter no more than ${el.max_length} characters.`;
      }
      if (ref.elementType === "email_text_input" && value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        errors[ref.blockId] = "Please enter a valid email address.";
      }
      if (ref.elementType === "url_text_input" && value !== undefined && !/^https?:\/\/\S+$/.test(value))
        errors[ref.blockId] = "Please enter a valid URL.";
      const many = ["selected_options", "selected_users", "selected_conversations", "selected_channels"].find((k) =>
        Array.isArray(v![k]),
      );
      if (many && typeof el.max_selected_items === "number" && (v![many] as unknown[]).length > el.max_selected_items) {
        errors[ref.blockId] = `Please select no more than ${el.max_selected_items} items.`;
      }
    }
    return errors;
  }

  /**
   * Fills `values` into a modal (default: the top one) and presses its submit button. Slack's own
   * client-side checks run first (ClientValidationError). The app's response_action is applied:
   * errors stay on the view, update / push / clear change the stack, an empty ack closes the view.
   */
  async submit(viewId?: string, values: FillValues = {}, opts: SubmitOptions = {}): Promise<SubmitResult> {
    const entry = this.viewEntry(viewId ?? this.requireTopModal().id);
    if (entry.view.type !== "modal") throw new Error(`View ${entry.view.id} is not a modal`);
    if (!entry.view.submit) throw new Error(`View ${entry.view.id} has no submit button`);
    if (entry.view.submit_disabled) throw new Error(`View ${entry.view.id} has its submit button disabled`);
    this.fill(entry.view.id, values);
    if (!opts.skipClientValidation) {
      const errors = this.clientErrors(entry);
      if (Object.keys(errors).length > 0) throw new ClientValidationError(errors);
    }
    const triggerId = this.ws.issueTrigger(this.id);
    const responseUrls: Json[] = [];
    for (const ref of listElements(entry.view.blocks)) {
      if (ref.blockType !== "input" || ref.element.response_url_enabled !== true) continue;
      const v = computeState(entry.view.blocks, entry.view.state.values)[ref.blockId]?.[ref.actionId];
      const channel = str(v?.selected_conversation) ?? str(v?.selected_channel);
      if (!channel) continue;
      const t = this.responseTarget({ kind: "view_submission", user: this.id, channel });
      responseUrls.push({
        block_id: ref.blockId,
        action_id: ref.actionId,
        channel_id: channel,
        response_url: this.responseUrl(t),
      });
    }
    const payload: Json = {
      type: "view_submission",
      team: this.team(),
      user: this.userRef(),
      api_app_id: this.ws.opts.appId,
      token: this.ws.opts.verificationToken,
      trigger_id: triggerId,
      view: this.viewPayload(entry),
      response_urls: responseUrls,
      is_enterprise_install: false,
      enterprise: null,
    };
    const res = await this.driver.deliver("interaction", payload, opts);
    const result: SubmitResult = {
      ...res,
      payload,
      triggerId,
      responseAction: undefined,
      errors: undefined,
      closed: false,
      view: undefined,
      problems: [],
    };
    if (res.status !== 200) {
      result.problems.push(`the app answered HTTP ${res.status}; Slack keeps the view open and shows an error`);
    } else if (res.body !== "" && res.json === undefined) {
      result.problems.push("the app answered with a body that is not JSON");
    } else {
      const body = res.json ?? {};
      result.responseAction = str(body.response_action);
      switch (result.responseAction) {
        case undefined:
          this.ws.closeModal(this.id, entry.view.id, false);
          result.closed = true;
          break;
        case "errors": {
          const errors = isObject(body.errors) ? (body.errors as Record<string, string>) : {};
          result.errors = errors;
          const inputIds = new Set(
            listElements(entry.view.blocks)
              .filter((r) => r.blockType === "input")
              .map((r) => r.blockId),
          );
          for (const k of Object.keys(errors))
            if (!inputIds.has(k)) result.problems.push(`errors names ${k}, which is not an input block of the view`);
          break;
        }
        case "update": {
          const problems = checkView({ ...(isObject(body.view) ? body.view : {}), type: "modal" }, "modal");
          if (this.ws.opts.validateBlocks && problems.length > 0) result.problems.push(...problemMessages(problems));
          else {
            const r = this.ws.updateView(entry, isObject(body.view) ? body.view : {});
            if (!r.ok) result.problems.push(r.error);
          }
          break;
        }
        case "push": {
          const problems = checkView(body.view, "modal");
          if (this.ws.opts.validateBlocks && problems.length > 0) result.problems.push(...problemMessages(problems));
          else {
            const r = this.ws.pushModal(this.id, isObject(body.view) ? body.view : {});
            if (!r.ok) result.problems.push(r.error);
          }
          break;
        }
        case "clear":
          this.ws.closeAllModals(this.id);
          result.closed = true;
          break;
        default:
          result.problems.push(`unknown response_action ${result.responseAction}`);
      }
    }
    if (res.late) result.problems.push(ACK_BUDGET_NOTE);
    result.view = this.ws.topModal(this.id)?.view;
    return result;
  }

  /**
   * Closes a modal (default: the top one) with its close button. Slack sends view_closed only when
   * the view asked for it (notify_on_close); returns null otherwise.
   */
  async closeView(viewId?: string, opts: DeliverOptions = {}): Promise<DeliveryResult | null> {
    const entry = this.viewEntry(viewId ?? this.requireTopModal().id);
    const payloadView = this.viewPayload(entry);
    const all = entry.view.clear_on_close;
    this.ws.closeModal(this.id, entry.view.id, all);
    if (!entry.view.notify_on_close) return null;
    const payload: Json = {
      type: "view_closed",
      team: this.team(),
      user: this.userRef(),
      api_app_id: this.ws.opts.appId,
      token: this.ws.opts.verificationToken,
      view: payloadView,
      is_cleared: all,
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.driver.deliver("interaction", payload, opts);
  }

  // ------------------------------------------------------------------ shortcuts

  /** Runs a global shortcut (lightning-bolt menu). */
  async shortcut(callbackId: string, opts: DeliverOptions = {}): Promise<ActionResult> {
    const triggerId = this.ws.issueTrigger(this.id);
    const payload: Json = {
      type: "shortcut",
      token: this.ws.opts.verificationToken,
      action_ts: this.ws.ids.ts(),
      team: this.team(),
      user: { id: this.id, username: this.profile.name, team_id: this.ws.opts.teamId },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: callbackId,
      trigger_id: triggerId,
    };
    const res = await this.driver.deliver("interaction", payload, opts);
    return this.actionResult(res, payload, triggerId, undefined);
  }

  /** Runs a message shortcut on a stored message. */
  async messageShortcut(
    callbackId: string,
    where: { channel?: string; messageTs: string },
    opts: DeliverOptions = {},
  ): Promise<ActionResult> {
    const msg = this.visibleMessages(where.channel ? this.resolveChannel(where.channel) : undefined).find(
      (m) => m.ts === where.messageTs,
    );
    if (!msg) throw new Error(`No message ${where.messageTs} visible to ${this.id}`);
    const triggerId = this.ws.issueTrigger(this.id);
    const target = this.responseTarget({
      kind: "message_action",
      user: this.id,
      channel: msg.channel,
      messageTs: msg.ts,
    });
    const payload: Json = {
      type: "message_action",
      token: this.ws.opts.verificationToken,
      action_ts: this.ws.ids.ts(),
      team: this.team(),
      user: { id: this.id, name: this.profile.name, username: this.profile.name, team_id: this.ws.opts.teamId },
      channel: this.channelRef(msg.channel),
      is_enterprise_install: false,
      enterprise: null,
      callback_id: callbackId,
      trigger_id: triggerId,
      response_url: this.responseUrl(target),
      message_ts: msg.ts,
      message: this.ws.messageObject(msg),
    };
    const res = await this.driver.deliver("interaction", payload, opts);
    return this.actionResult(res, payload, triggerId, target);
  }

  // ------------------------------------------------------------------ events

  private eventEnvelope(event: Json): Json {
    return {
      token: this.ws.opts.verificationToken,
      team_id: this.ws.opts.teamId,
      context_team_id: this.ws.opts.teamId,
      context_enterprise_id: null,
      api_app_id: this.ws.opts.appId,
      event,
      type: "event_callback",
      event_id: `Ev${hex(5).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.ws.opts.teamId,
          user_id: this.ws.opts.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(`${this.ws.opts.teamId}:${hex(4)}`).toString("base64")}`,
    };
  }

  /** Sends an event_callback with an arbitrary event (for event types without a helper). */
  sendEvent(event: Json, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    return this.driver.deliver("event", this.eventEnvelope(event), opts);
  }

  /** Opens the app's Home tab (app_home_opened, with the current home view when there is one). */
  openHome(opts: DeliverOptions & { tab?: "home" | "messages" } = {}): Promise<DeliveryResult> {
    const home = this.ws.home(this.id);
    const tab = opts.tab ?? "home";
    const event: Json = {
      type: "app_home_opened",
      user: this.id,
      channel: this.dmChannel,
      tab,
      event_ts: this.ws.ids.ts(),
    };
    if (home && tab === "home") event.view = clone(home.view);
    return this.sendEvent(event, opts);
  }

  private richText(text: string): Json[] {
    const elements: Json[] = [];
    const re = /<@([A-Z0-9_]+)>/g;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > last) elements.push({ type: "text", text: text.slice(last, m.index) });
      elements.push({ type: "user", user_id: m[1] });
      last = m.index + m[0].length;
    }
    if (last < text.length) elements.push({ type: "text", text: text.slice(last) });
    return [{ type: "rich_text", block_id: hex(2), elements: [{ type: "rich_text_section", elements }] }];
  }

  private userMessage(channel: string, text: string, threadTs?: string): StoredMessage {
    return this.ws.addMessage({
      channel,
      user: this.id,
      text,
      blocks: this.richText(text),
      thread_ts: threadTs,
      via: "user",
    });
  }

  /** Writes to the app in its Messages tab (message event with channel_type "im"). */
  async dm(text: string, opts: DeliverOptions = {}): Promise<DeliveryResult & { message: StoredMessage }> {
    const msg = this.userMessage(this.dmChannel, text);
    const event: Json = {
      client_msg_id: randomUUID(),
      type: "message",
      text,
      user: this.id,
      ts: msg.ts,
      blocks: clone(msg.blocks),
      team: this.ws.opts.teamId,
      channel: msg.channel,
      event_ts: msg.ts,
      channel_type: "im",
    };
    return { ...(await this.sendEvent(event, opts)), message: msg };
  }

  /** Mentions the app in a channel (app_mention); prefixes the mention when the text lacks it. */
  async mention(
    text: string,
    opts: DeliverOptions & { channel?: string; threadTs?: string } = {},
  ): Promise<DeliveryResult & { message: StoredMessage }> {
    const channel = this.resolveChannel(opts.channel);
    const mention = `<@${this.ws.opts.botUserId}>`;
    const full = text.includes(mention) ? text : `${mention} ${text}`;
    const msg = this.userMessage(channel, full, opts.threadTs);
    const event: Json = {
      client_msg_id: randomUUID(),
      type: "app_mention",
      text: full,
      user: this.id,
      ts: msg.ts,
      blocks: clone(msg.blocks),
      team: this.ws.opts.teamId,
      channel,
      event_ts: msg.ts,
      ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
    };
    return { ...(await this.sendEvent(event, opts)), message: msg };
  }

  // ------------------------------------------------------------------ waiting

  private wait<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return waitUntil(
      check,
      (fn) => {
        this.ws.on("change", fn);
        return () => this.ws.off("change", fn);
      },
      timeoutMs,
      () => what,
    );
  }

  /** Waits until this user's top modal satisfies the predicate (e.g. a callback_id). */
  waitForModal(predicate: (v: ViewRecord) => boolean = () => true, timeoutMs = 3000): Promise<ViewRecord> {
    return this.wait(
      () => {
        const v = this.modal();
        return v && predicate(v) ? v : undefined;
      },
      timeoutMs,
      `a modal for ${this.id}`,
    );
  }

  /** Waits until this user's App Home satisfies the predicate. */
  waitForHome(predicate: (v: ViewRecord) => boolean = () => true, timeoutMs = 3000): Promise<ViewRecord> {
    return this.wait(
      () => {
        const v = this.home();
        return v && predicate(v) ? v : undefined;
      },
      timeoutMs,
      `the App Home of ${this.id}`,
    );
  }

  /** Waits for a message visible to this user (in any conversation, or `channel`) satisfying the predicate. */
  waitForMessage(
    predicate: (m: StoredMessage) => boolean,
    opts: { channel?: string; timeoutMs?: number } = {},
  ): Promise<StoredMessage> {
    const channel = opts.channel ? this.resolveChannel(opts.channel) : undefined;
    return this.wait(
      () => this.visibleMessages(channel).find((m) => m.user !== this.id && predicate(m)),
      opts.timeoutMs ?? 3000,
      `a message for ${this.id}${channel ? ` in ${channel}` : ""}`,
    );
  }

  /** Waits for a message from the app in this user's DM. */
  waitForDm(predicate: (m: StoredMessage) => boolean = () => true, timeoutMs = 3000): Promise<StoredMessage> {
    return this.waitForMessage((m) => m.channel === this.dmChannel && predicate(m), { timeoutMs });
  }
}
