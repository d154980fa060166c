/**
 * In-memory state of the simulated Slack workspace: directory, conversations and their messages,
 * views, trigger ids, response URLs and files. The Web API and the driver both act on it; every
 * change is announced on the event emitter so that tests and the sandbox can wait for it.
 */
import { EventEmitter } from "node:events";
import { carryState, withGeneratedIds } from "./blocks.ts";
import type {
  ApiCall,
  DirectoryChannel,
  DirectoryUser,
  Json,
  ResponseRecord,
  StoredFile,
  StoredMessage,
  ViewEntry,
  ViewRecord,
} from "./types.ts";
import { clone, hex, IdSource, isObject, str, tzLabel, tzOffsetSeconds } from "./util.ts";

export interface WorkspaceOptions {
  teamId: string;
  teamName: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  botName: string;
  botToken: string;
  appToken: string;
  /** Further tokens accepted as bot tokens. */
  extraTokens: string[];
  /** The (legacy) verification token Slack puts in payloads. */
  verificationToken: string;
  /** Workspace default time zone, used for users without one. */
  timezone: string;
  users: DirectoryUser[];
  channels: DirectoryChannel[];
  /** How long a trigger_id stays valid, in ms (Slack: 3000). */
  triggerTtlMs: number;
  /** Error code views.open / views.push answer for a trigger_id used a second time. */
  reusedTriggerError: string;
  /** When false (default), posting to an unknown C…/G… id creates that channel on the fly. */
  strictChannels: boolean;
  /** Check Block Kit payloads the way Slack does (default true). */
  validateBlocks: boolean;
  /** How many times one response_url may be used (Slack: 5). */
  responseUrlUses: number;
}

export interface ChannelState {
  id: string;
  name: string;
  is_im: boolean;
  is_mpim: boolean;
  is_private: boolean;
  /** For a DM with the app: the user at the other end. */
  user?: string;
  /** Member ids, or undefined for "everyone in the directory". */
  members?: string[];
  created: number;
}

export interface TriggerState {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
}

/** What a response_url answers for: where its messages go. */
export interface ResponseTarget {
  id: string;
  kind: "command" | "block_actions" | "message_action" | "view_submission";
  user: string;
  channel: string | undefined;
  /** For interactions on a message: the message that replace_original / delete_original act on. */
  messageTs?: string;
  createdAt: number;
  uses: number;
  records: ResponseRecord[];
}

export type MessageChange = "posted" | "updated" | "deleted";
export type ViewChange = "opened" | "pushed" | "updated" | "closed" | "published";

export interface WorkspaceEvents {
  call: [ApiCall];
  message: [StoredMessage, MessageChange];
  view: [ViewEntry, ViewChange];
  response: [ResponseRecord, ResponseTarget];
  file: [StoredFile];
  change: [];
}

export type ViewResult = { ok: true; entry: ViewEntry } | { ok: false; error: string };

export class Workspace extends EventEmitter<WorkspaceEvents> {
  readonly opts: WorkspaceOptions;
  readonly ids = new IdSource();
  readonly users = new Map<string, DirectoryUser>();
  readonly channels = new Map<string, ChannelState>();
  readonly messages = new Map<string, StoredMessage[]>();
  readonly views = new Map<string, ViewEntry>();
  /** Open modal stack per user, bottom first. */
  readonly modalStacks = new Map<string, string[]>();
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, TriggerState>();
  readonly responseTargets = new Map<string, ResponseTarget>();
  readonly files = new Map<string, StoredFile>();
  private dmByUser = new Map<string, string>();
  private mpimByKey = new Map<string, string>();

  constructor(opts: WorkspaceOptions) {
    super();
    this.setMaxListeners(0);
    this.opts = opts;
    this.addUser({ id: opts.botUserId, name: opts.botName, real_name: opts.botName, is_bot: true });
    for (const u of opts.users) this.addUser(u);
    for (const c of opts.channels) this.addChannel(c);
  }

  /** Announces that something changed, waking up waiters. */
  changed(): void {
    this.emit("change");
  }

  // ---------------------------------------------------------------- directory

  addUser(u: DirectoryUser): void {
    this.users.set(u.id, { ...u });
    this.changed();
  }

  user(id: string): DirectoryUser | undefined {
    return this.users.get(id);
  }

  /** Finds a user by id, name, display name or real name (case-insensitive; a leading @ is ignored). */
  findUser(ref: string): DirectoryUser | undefined {
    const direct = this.users.get(ref);
    if (direct) return direct;
    const want = ref.replace(/^@/, "").toLowerCase();
    for (const u of this.users.values()) {
      if ([u.name, u.display_name, u.real_name].some((n) => n?.toLowerCase() === want)) return u;
    }
    return undefined;
  }

  /** How a user's name shows in Slack: display name, else real name, else name. */
  displayName(id: string): string | undefined {
    const u = this.users.get(id);
    if (!u) return undefined;
    return u.display_name || u.real_name || u.name;
  }

  /** The users.info / users.list representation of a directory user. */
  userObject(u: DirectoryUser): Json {
    const tz = u.tz ?? this.opts.timezone;
    const realName = u.real_name ?? u.name;
    const displayName = u.display_name ?? "";
    return {
      id: u.id,
      team_id: this.opts.teamId,
      name: u.name,
      deleted: u.deleted ?? false,
      color: "9f69e7",
      real_name: realName,
      tz,
      tz_label: u.tz_label ?? tzLabel(tz),
      tz_offset: u.tz_offset ?? tzOffsetSeconds(tz),
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: displayName,
        display_name_normalized: displayName,
        email: u.email,
        team: this.opts.teamId,
        image_72: `https://avatars.example/${u.id}_72.png`,
        ...(u.is_bot
          ? { bot_id: u.id === this.opts.botUserId ? this.opts.botId : undefined, api_app_id: this.opts.appId }
          : {}),
      },
      is_admin: u.is_admin ?? false,
      is_owner: u.is_owner ?? false,
      is_primary_owner: u.is_primary_owner ?? false,
      is_restricted: u.is_restricted ?? false,
      is_ultra_restricted: false,
      is_bot: u.is_bot ?? false,
      is_app_user: false,
      updated: 1_700_000_000,
    };
  }

  addChannel(c: DirectoryChannel): ChannelState {
    const state: ChannelState = {
      id: c.id,
      name: c.name,
      is_im: false,
      is_mpim: false,
      is_private: c.is_private ?? false,
      members: c.members ? [...c.members] : undefined,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(c.id, state);
    if (!this.messages.has(c.id)) this.messages.set(c.id, []);
    this.changed();
    return state;
  }

  /** The DM conversation between the app and a user (stable id, created on first use). */
  dmChannel(userId: string): string {
    let id = this.dmByUser.get(userId);
    if (!id) {
      id = this.ids.next("D", 9);
      this.dmByUser.set(userId, id);
      this.channels.set(id, {
        id,
        name: id,
        is_im: true,
        is_mpim: false,
        is_private: true,
        user: userId,
        members: [userId, this.opts.botUserId],
        created: Math.floor(Date.now() / 1000),
      });
      this.messages.set(id, []);
    }
    return id;
  }

  /** A group DM among several users and the app. */
  mpimChannel(userIds: string[]): string {
    const key = [...userIds].sort().join(",");
    let id = this.mpimByKey.get(key);
    if (!id) {
      id = this.ids.next("G", 9);
      this.mpimByKey.set(key, id);
      this.channels.set(id, {
        id,
        name: `mpdm-${key.replace(/,/g, "--")}-1`,
        is_im: false,
        is_mpim: true,
        is_private: true,
        members: [...userIds, this.opts.botUserId],
        created: Math.floor(Date.now() / 1000),
      });
      this.messages.set(id, []);
    }
    return id;
  }

  /**
   * Resolves what an app passes as `channel`: a conversation id, "#name" / "name", or a user id
   * (which Slack maps to the DM with that user). Unknown C/G ids are created unless strict.
   */
  resolveChannel(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    if (this.channels.has(ref)) return ref;
    if (this.users.has(ref) && ref !== this.opts.botUserId) return this.dmChannel(ref);
    const name = ref.replace(/^#/, "");
    for (const c of this.channels.values()) if (!c.is_im && c.name === name) return c.id;
    if (!this.opts.strictChannels && /^[CG][A-Z0-9_]+$/.test(ref))
      return this.addChannel({ id: ref, name: ref.toLowerCase() }).id;
    return undefined;
  }

  isMember(channelId: string, userId: string): boolean {
    const c = this.channels.get(channelId);
    if (!c) return false;
    return c.members === undefined || c.members.includes(userId);
  }

  // ---------------------------------------------------------------- messages

  channelMessages(channel: string): StoredMessage[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** Stores a new message and announces it. */
  addMessage(m: Omit<StoredMessage, "type" | "ts" | "team"> & { ts?: string }): StoredMessage {
    const msg: StoredMessage = {
      type: "message",
      ts: m.ts ?? this.ids.ts(),
      team: this.opts.teamId,
      ...m,
      blocks: m.blocks ? withGeneratedIds(m.blocks) : undefined,
    } as StoredMessage;
    if (msg.blocks === undefined) delete msg.blocks;
    this.channelMessages(msg.channel).push(msg);
    this.emit("message", msg, "posted");
    this.changed();
    return msg;
  }

  /** Replaces text / blocks / attachments of a stored message. Undefined fields keep their value. */
  editMessage(
    msg: StoredMessage,
    change: { text?: string; blocks?: unknown; attachments?: unknown; metadata?: unknown; files?: Json[] },
  ): StoredMessage {
    if (change.text !== undefined) msg.text = change.text;
    if (change.blocks !== undefined) {
      const blocks = withGeneratedIds(change.blocks);
      if (blocks.length > 0) msg.blocks = blocks;
      else delete msg.blocks;
    }
    if (change.attachments !== undefined)
      msg.attachments = Array.isArray(change.attachments) ? (clone(change.attachments) as Json[]) : undefined;
    if (isObject(change.metadata)) msg.metadata = clone(change.metadata);
    msg.edited = { user: msg.user, ts: this.ids.ts() };
    this.emit("message", msg, "updated");
    this.changed();
    return msg;
  }

  deleteMessage(msg: StoredMessage): void {
    msg.deleted = true;
    this.emit("message", msg, "deleted");
    this.changed();
  }

  /** The chat.postMessage-style representation of a stored message. */
  messageObject(m: StoredMessage): Json {
    const out: Json = { type: "message", user: m.user, text: m.text, ts: m.ts, team: m.team };
    if (m.bot_id) {
      out.bot_id = m.bot_id;
      out.app_id = m.app_id;
      out.bot_profile = {
        id: m.bot_id,
        app_id: m.app_id,
        name: this.opts.botName,
        icons: {},
        deleted: false,
        updated: 1_700_000_000,
        team_id: this.opts.teamId,
      };
    }
    if (m.blocks) out.blocks = clone(m.blocks);
    if (m.attachments) out.attachments = clone(m.attachments);
    if (m.thread_ts) out.thread_ts = m.thread_ts;
    if (m.metadata) out.metadata = clone(m.metadata);
    if (m.files) out.files = clone(m.files);
    if (m.edited) out.edited = { ...m.edited };
    return out;
  }

  /** Fields every bot-authored message carries. */
  botAuthor(): Pick<StoredMessage, "user" | "bot_id" | "app_id"> {
    return { user: this.opts.botUserId, bot_id: this.opts.botId, app_id: this.opts.appId };
  }

  // ---------------------------------------------------------------- triggers

  issueTrigger(user: string): string {
    const id = `${Math.floor(Math.random() * 9e10) + 1e10}.${this.opts.teamId.replace(/\D/g, "") || "1"}.${hex(16)}`;
    this.triggers.set(id, { id, user, issuedAt: Date.now(), used: false });
    return id;
  }

  /** Uses a trigger_id once, within its lifetime. */
  consumeTrigger(id: unknown): { ok: true; user: string } | { ok: false; error: string } {
    if (typeof id !== "string" || id === "") return { ok: false, error: "invalid_arguments" };
    const t = this.triggers.get(id);
    if (!t) return { ok: false, error: "invalid_trigger_id" };
    if (t.used) return { ok: false, error: this.opts.reusedTriggerError };
    if (Date.now() - t.issuedAt > this.opts.triggerTtlMs) return { ok: false, error: "expired_trigger_id" };
    t.used = true;
    return { ok: true, user: t.user };
  }

  // ---------------------------------------------------------------- views

  private newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${hex(4)}`;
  }

  private buildView(
    input: Json,
    id: string,
    prev: ViewRecord | undefined,
    stack: { root: string | null; previous: string | null },
  ): ViewRecord {
    const blocks = withGeneratedIds(input.blocks);
    const values = prev ? carryState(prev.state.values, blocks) : {};
    const text = (v: unknown): Json | null => (isObject(v) ? { emoji: true, ...clone(v) } : null);
    return {
      id,
      team_id: this.opts.teamId,
      type: str(input.type) ?? "modal",
      blocks,
      private_metadata: str(input.private_metadata) ?? "",
      callback_id: str(input.callback_id) ?? "",
      state: { values },
      hash: this.newHash(),
      title: text(input.title),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      close: text(input.close),
      submit: text(input.submit),
      previous_view_id: stack.previous,
      root_view_id: stack.root,
      app_id: this.opts.appId,
      external_id: str(input.external_id) ?? "",
      app_installed_team_id: this.opts.teamId,
      bot_id: this.opts.botId,
      ...(input.submit_disabled !== undefined ? { submit_disabled: input.submit_disabled === true } : {}),
    };
  }

  private externalIdTaken(externalId: unknown, exceptId?: string): boolean {
    if (typeof externalId !== "string" || externalId === "") return false;
    for (const e of this.views.values()) {
      if (e.view.id !== exceptId && e.open && e.view.external_id === externalId) return true;
    }
    return false;
  }

  /** The modal on top of a user's stack. */
  topModal(user: string): ViewEntry | undefined {
    const stack = this.modalStacks.get(user);
    const id = stack?.[stack.length - 1];
    return id ? this.views.get(id) : undefined;
  }

  /** Opens a new modal stack for a user (closing any stack they had). */
  openModal(user: string, input: Json): ViewResult {
    if (this.externalIdTaken(input.external_id)) return { ok: false, error: "duplicate_external_id" };
    this.closeAllModals(user, false);
    const id = this.ids.next("V", 10);
    const view = this.buildView(input, id, undefined, { root: id, previous: null });
    const entry: ViewEntry = { user, view, open: true, revisions: 0 };
    this.views.set(id, entry);
    this.modalStacks.set(user, [id]);
    this.emit("view", entry, "opened");
    this.changed();
    return { ok: true, entry };
  }

  pushModal(user: string, input: Json): ViewResult {
    const stack = this.modalStacks.get(user);
    if (!stack || stack.length === 0) return { ok: false, error: "not_found" };
    if (stack.length >= 3) return { ok: false, error: "push_limit_reached" };
    if (this.externalIdTaken(input.external_id)) return { ok: false, error: "duplicate_external_id" };
    const id = this.ids.next("V", 10);
    const view = this.buildView(input, id, undefined, {
      root: stack[0] ?? id,
      previous: stack[stack.length - 1] ?? null,
    });
    const entry: ViewEntry = { user, view, open: true, revisions: 0 };
    this.views.set(id, entry);
    stack.push(id);
    this.emit("view", entry, "pushed");
    this.changed();
    return { ok: true, entry };
  }

  findView(viewId: unknown, externalId: unknown): ViewEntry | undefined {
    if (typeof viewId === "string" && viewId !== "") return this.views.get(viewId);
    if (typeof externalId === "string" && externalId !== "") {
      for (const e of this.views.values()) if (e.open && e.view.external_id === externalId) return e;
    }
    return undefined;
  }

  /** Replaces the content of an open view, keeping its id (views.update, response_action update). */
  updateView(entry: ViewEntry, input: Json, hash?: unknown): ViewResult {
    if (!entry.open) return { ok: false, error: "not_found" };
    if (typeof hash === "string" && hash !== "" && hash !== entry.view.hash)
      return { ok: false, error: "hash_conflict" };
    if (input.type !== undefined && input.type !== entry.view.type) return { ok: false, error: "invalid_arguments" };
    if (this.externalIdTaken(input.external_id, entry.view.id)) return { ok: false, error: "duplicate_external_id" };
    const view = this.buildView({ ...input, type: entry.view.type }, entry.view.id, entry.view, {
      root: entry.view.root_view_id,
      previous: entry.view.previous_view_id,
    });
    entry.view = view;
    entry.revisions += 1;
    this.emit("view", entry, "updated");
    this.changed();
    return { ok: true, entry };
  }

  /** Publishes a user's App Home (views.publish). */
  publishHome(user: string, input: Json, hash?: unknown): ViewResult {
    const existingId = this.homeViews.get(user);
    const existing = existingId ? this.views.get(existingId) : undefined;
    if (existing && typeof hash === "string" && hash !== "" && hash !== existing.view.hash)
      return { ok: false, error: "hash_conflict" };
    const id = existingId ?? this.ids.next("V", 10);
    const view = this.buildView({ ...input, type: "home" }, id, existing?.view, { root: id, previous: null });
    const entry: ViewEntry = existing ?? { user, view, open: true, revisions: 0 };
    if (existing) {
      existing.view = view;
      existing.revisions += 1;
    } else {
      this.views.set(id, entry);
      this.homeViews.set(user, id);
    }
    this.emit("view", entry, "published");
    this.changed();
    return { ok: true, entry };
  }

  home(user: string): ViewEntry | undefined {
    const id = this.homeViews.get(user);
    return id ? this.views.get(id) : undefined;
  }

  /** Closes the top modal of a user (or, with `all`, every modal of the stack). */
  closeModal(user: string, viewId: string, all: boolean): ViewEntry[] {
    const stack = this.modalStacks.get(user) ?? [];
    const closed: ViewEntry[] = [];
    const idx = stack.indexOf(viewId);
    const from = all ? 0 : idx;
    if (idx < 0) return closed;
    for (const id of stack.splice(from)) {
      const e = this.views.get(id);
      if (e?.open) {
        e.open = false;
        closed.push(e);
        this.emit("view", e, "closed");
      }
    }
    this.changed();
    return closed;
  }

  closeAllModals(user: string, announce = true): void {
    const stack = this.modalStacks.get(user) ?? [];
    for (const id of stack) {
      const e = this.views.get(id);
      if (e?.open) {
        e.open = false;
        if (announce) this.emit("view", e, "closed");
      }
    }
    this.modalStacks.set(user, []);
    this.changed();
  }

  /** Records the value a user put into a view element (typing, picking), as Slack keeps it. */
  setViewValue(entry: ViewEntry, blockId: string, actionId: string, value: Json): void {
    (entry.view.state.values[blockId] ??= {})[actionId] = clone(value);
    this.changed();
  }

  // ---------------------------------------------------------------- response URLs

  registerResponseTarget(t: Omit<ResponseTarget, "id" | "createdAt" | "uses" | "records">): ResponseTarget {
    const id = hex(12);
    const target: ResponseTarget = { ...t, id, createdAt: Date.now(), uses: 0, records: [] };
    this.responseTargets.set(id, target);
    return target;
  }

  addResponseRecord(target: ResponseTarget, record: ResponseRecord): void {
    target.records.push(record);
    this.emit("response", record, target);
    this.changed();
  }

  // ---------------------------------------------------------------- files

  addFile(f: StoredFile): void {
    this.files.set(f.id, f);
    this.changed();
  }

  fileObject(f: StoredFile, baseUrl: string): Json {
    const ext = f.name.includes(".") ? f.name.split(".").pop()!.toLowerCase() : "text";
    const mimetype =
      ext === "csv"
        ? "text/csv"
        : ext === "png"
          ? "image/png"
          : ext === "json"
            ? "application/json"
            : ext === "txt"
              ? "text/plain"
              : "application/octet-stream";
    return {
      id: f.id,
      created: f.created,
      timestamp: f.created,
      name: f.name,
      title: f.title,
      mimetype,
      filetype: ext,
      pretty_type: ext.toUpperCase(),
      user: f.user,
      user_team: this.opts.teamId,
      size: f.content?.length ?? f.length,
      mode: "hosted",
      is_external: false,
      is_public: false,
      url_private: `${baseUrl}/files/${f.id}/${encodeURIComponent(f.name)}`,
      url_private_download: `${baseUrl}/files/${f.id}/download/${encodeURIComponent(f.name)}`,
      permalink: `https://${this.opts.teamDomain}.slack.com/files/${f.user}/${f.id}/${encodeURIComponent(f.name)}`,
      channels: f.channels.filter((c) => c.startsWith("C")),
      ims: f.channels.filter((c) => c.startsWith("D")),
      groups: f.channels.filter((c) => c.startsWith("G")),
      ...(f.alt_text ? { alt_txt: f.alt_text } : {}),
    };
  }
}
