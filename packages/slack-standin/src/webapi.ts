/**
 * The Web API methods of the stand-in: each takes the decoded arguments of one call and answers
 * with the JSON body Slack would send (`ok:true` with realistic fields, or `ok:false` + error).
 */

import type { Json, StoredMessage } from "./types.ts";
import { decodeJsonArg, isObject, str } from "./util.ts";
import { checkMessageBlocks, checkView, problemMessages } from "./validate.ts";
import type { Workspace } from "./workspace.ts";

export interface ApiContext {
  /** Bearer token (or `token` argument) of the call. */
  token: string | undefined;
  /** Base URL of the stand-in (for upload URLs and file links). */
  baseUrl: string;
  /** Issues a Socket Mode URL (apps.connections.open). */
  socketUrl: () => string;
}

type Handler = (ws: Workspace, args: Json, ctx: ApiContext) => Json;

/** Argument names whose values arrive as JSON strings in url-encoded calls. */
const JSON_ARGS = [
  "blocks",
  "view",
  "attachments",
  "metadata",
  "files",
  "unfurls",
  "user_auth_blocks",
  "inputs",
  "outputs",
];

/** Decodes the JSON-string arguments of a call in place and returns it. */
export function decodeArgs(args: Json): Json {
  for (const key of JSON_ARGS) if (key in args) args[key] = decodeJsonArg(args[key]);
  return args;
}

const fail = (error: string, extra: Json = {}): Json => ({ ok: false, error, ...extra });

const invalidArgs = (field: string): Json =>
  fail("invalid_arguments", { response_metadata: { messages: [`[ERROR] missing required field: ${field}`] } });

function bool(v: unknown): boolean {
  return v === true || v === "true" || v === "1" || v === 1;
}

function num(v: unknown, dflt: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : dflt;
}

function blocksProblem(ws: Workspace, blocks: unknown): Json | undefined {
  if (!ws.opts.validateBlocks) return undefined;
  const problems = checkMessageBlocks(blocks);
  if (problems.length === 0) return undefined;
  const messages = problemMessages(problems);
  return fail("invalid_blocks", {
    errors: messages.map((m) => m.replace(/^\[ERROR\] /, "")),
    response_metadata: { messages },
  });
}

function viewProblem(ws: Workspace, view: unknown, expected?: "modal" | "home"): Json | undefined {
  if (!ws.opts.validateBlocks) return undefined;
  const problems = checkView(view, expected);
  if (problems.length === 0) return undefined;
  return fail("invalid_arguments", { response_metadata: { messages: problemMessages(problems) } });
}

function hasContent(args: Json): boolean {
  const text = str(args.text);
  return (
    (text !== undefined && text !== "") ||
    (Array.isArray(args.blocks) && args.blocks.length > 0) ||
    (Array.isArray(args.attachments) && args.attachments.length > 0)
  );
}

function messageFields(args: Json): Pick<StoredMessage, "text" | "blocks" | "attachments" | "thread_ts" | "metadata"> {
  return {
    text: str(args.text) ?? "",
    blocks: Array.isArray(args.blocks) ? (args.blocks as Json[]) : undefined,
    attachments: Array.isArray(args.attachments) ? (args.attachments as Json[]) : undefined,
    thread_ts: str(args.thread_ts),
    metadata: isObject(args.metadata) ? args.metadata : undefined,
  };
}

function viewArg(args: Json): Json | undefined {
  const v = decodeJsonArg(args.view);
  return isObject(v) ? v : undefined;
}

function paginate<T>(items: T[], args: Json, dfltLimit: number): { page: T[]; next: string } {
  const limit = Math.max(1, Math.min(1000, num(args.limit, dfltLimit) || dfltLimit));
  const cursor = str(args.cursor);
  const start = cursor
    ? Number(
        Buffer.from(cursor, "base64")
          .toString("utf8")
          .replace(/^offset:/, ""),
      ) || 0
    : 0;
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`offset:${start + limit}`).toString("base64") : "";
  return { page, next };
}

function channelObject(ws: Workspace, id: string): Json {
  const c = ws.channels.get(id);
  if (!c) return { id };
  if (c.is_im) {
    return {
      id: c.id,
      created: c.created,
      is_im: true,
      is_org_shared: false,
      user: c.user,
      is_user_deleted: false,
      priority: 0,
    };
  }
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.is_private && !c.is_mpim,
    is_group: c.is_private && !c.is_mpim,
    is_im: false,
    is_mpim: c.is_mpim,
    is_private: c.is_private,
    is_archived: false,
    is_general: c.name === "general",
    is_member: true,
    created: c.created,
    creator: ws.opts.botUserId,
    name_normalized: c.name,
    num_members: c.members?.length ?? ws.users.size,
  };
}

const handlers: Record<string, Handler> = {
  "api.test": (_ws, args) => ({
    ok: true,
    args: Object.fromEntries(Object.entries(args).filter(([k]) => k !== "token")),
  }),

  "auth.test": (ws) => ({
    ok: true,
    url: `https://${ws.opts.teamDomain}.slack.com/`,
    team: ws.opts.teamName,
    user: ws.opts.botName,
    team_id: ws.opts.teamId,
    user_id: ws.opts.botUserId,
    bot_id: ws.opts.botId,
    is_enterprise_install: false,
  }),

  "apps.connections.open": (_ws, _args, ctx) => ({ ok: true, url: ctx.socketUrl() }),

  "team.info": (ws) => ({
    ok: true,
    team: {
      id: ws.opts.teamId,
      name: ws.opts.teamName,
      url: `https://${ws.opts.teamDomain}.slack.com/`,
      domain: ws.opts.teamDomain,
      email_domain: "",
      icon: { image_default: true, image_68: "https://avatars.example/team_68.png" },
      avatar_base_url: "https://avatars.example/",
      is_verified: false,
    },
  }),

  // ------------------------------------------------------------------ users

  "users.info": (ws, args) => {
    const id = str(args.user);
    if (!id) return invalidArgs("user");
    const u = ws.user(id);
    return u ? { ok: true, user: ws.userObject(u) } : fail("user_not_found");
  },

  "users.list": (ws, args) => {
    const all = [...ws.users.values()].map((u) => ws.userObject(u));
    const { page, next } = paginate(all, args, 200);
    return {
      ok: true,
      members: page,
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: { next_cursor: next },
    };
  },

  "users.lookupByEmail": (ws, args) => {
    const email = str(args.email)?.toLowerCase();
    if (!email) return invalidArgs("email");
    const u = [...ws.users.values()].find((x) => x.email?.toLowerCase() === email);
    return u ? { ok: true, user: ws.userObject(u) } : fail("users_not_found");
  },

  // ------------------------------------------------------------------ conversations

  "conversations.open": (ws, args) => {
    const users = (str(args.users) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const channelArg = str(args.channel);
    if (channelArg) {
      if (!ws.channels.has(channelArg)) return fail("channel_not_found");
      return { ok: true, channel: bool(args.return_im) ? channelObject(ws, channelArg) : { id: channelArg } };
    }
    if (users.length === 0) return fail("users_list_not_supplied");
    for (const u of users) if (!ws.user(u)) return fail("user_not_found");
    const before = ws.channels.size;
    const id = users.length === 1 ? ws.dmChannel(users[0]!) : ws.mpimChannel(users);
    const existed = ws.channels.size === before;
    return {
      ok: true,
      ...(existed ? { no_op: true, already_open: true } : {}),
      channel: bool(args.return_im) || users.length > 1 ? channelObject(ws, id) : { id },
    };
  },

  "conversations.info": (ws, args) => {
    const id = ws.resolveChannel(str(args.channel));
    if (!id) return fail("channel_not_found");
    return { ok: true, channel: channelObject(ws, id) };
  },

  "conversations.list": (ws, args) => {
    const types = (str(args.types) ?? "public_channel").split(",");
    const list = [...ws.channels.values()].filter(
      (c) =>
        (types.includes("public_channel") && !c.is_private && !c.is_im && !c.is_mpim) ||
        (types.includes("private_channel") && c.is_private && !c.is_im && !c.is_mpim) ||
        (types.includes("im") && c.is_im) ||
        (types.includes("mpim") && c.is_mpim),
    );
    const { page, next } = paginate(
      list.map((c) => channelObject(ws, c.id)),
      args,
      100,
    );
    return { ok: true, channels: page, response_metadata: { next_cursor: next } };
  },

  "conversations.members": (ws, args) => {
    const id = ws.resolveChannel(str(args.channel));
    if (!id) return fail("channel_not_found");
    const c = ws.channels.get(id)!;
    const members = c.members ?? [...ws.users.keys()];
    const { page, next } = paginate(members, args, 100);
    return { ok: true, members: page, response_metadata: { next_cursor: next } };
  },

  "conversations.history": (ws, args) => {
    const id = ws.resolveChannel(str(args.channel));
    if (!id) return fail("channel_not_found");
    const oldest = str(args.oldest) ?? "0";
    const latest = str(args.latest);
    const inclusive = bool(args.inclusive);
    const visible = ws
      .channelMessages(id)
      .filter((m) => !m.deleted && !m.ephemeralTo && (!m.thread_ts || m.thread_ts === m.ts))
      .filter((m) => (inclusive ? Number(m.ts) >= Number(oldest) : Number(m.ts) > Number(oldest)))
      .filter(
        (m) => latest === undefined || (inclusive ? Number(m.ts) <= Number(latest) : Number(m.ts) < Number(latest)),
      )
      .reverse();
    const { page, next } = paginate(visible, args, 100);
    return {
      ok: true,
      messages: page.map((m) => ws.messageObject(m)),
      has_more: next !== "",
      response_metadata: { next_cursor: next },
    };
  },

  "conversations.replies": (ws, args) => {
    const id = ws.resolveChannel(str(args.channel));
    if (!id) return fail("channel_not_found");
    const ts = str(args.ts);
    if (!ts) return invalidArgs("ts");
    const parent = ws.findMessage(id, ts);
    if (!parent || parent.deleted) return fail("thread_not_found");
    const root = parent.thread_ts ?? parent.ts;
    const msgs = ws
      .channelMessages(id)
      .filter((m) => !m.deleted && !m.ephemeralTo && (m.ts === root || m.thread_ts === root));
    return { ok: true, messages: msgs.map((m) => ws.messageObject(m)), has_more: false };
  },

  // ------------------------------------------------------------------ chat

  "chat.postMessage": (ws, args) => {
    const channel = ws.resolveChannel(str(args.channel));
    if (!str(args.channel)) return fail("channel_not_found");
    if (!channel) return fail("channel_not_found");
    if (!hasContent(args)) return fail("no_text");
    if (typeof args.text === "string" && args.text.length > 40000) return fail("msg_too_long");
    const bad = blocksProblem(ws, args.blocks);
    if (bad) return bad;
    const threadTs = str(args.thread_ts);
    if (threadTs && !ws.findMessage(channel, threadTs)) return fail("thread_not_found");
    const msg = ws.addMessage({ channel, ...ws.botAuthor(), ...messageFields(args), via: "chat.postMessage" });
    return { ok: true, channel, ts: msg.ts, message: ws.messageObject(msg) };
  },

  "chat.postEphemeral": (ws, args) => {
    const channel = ws.resolveChannel(str(args.channel));
    if (!channel) return fail("channel_not_found");
    const user = str(args.user);
    if (!user) return invalidArgs("user");
    if (!ws.user(user)) return fail("user_not_found");
    if (!ws.isMember(channel, user)) return fail("user_not_in_channel");
    if (!hasContent(args)) return fail("no_text");
    const bad = blocksProblem(ws, args.blocks);
    if (bad) return bad;
    const msg = ws.addMessage({
      channel,
      ...ws.botAuthor(),
      ...messageFields(args),
      ephemeralTo: user,
      via: "chat.postEphemeral",
    });
    return { ok: true, message_ts: msg.ts };
  },

  "chat.update": (ws, args) => {
    const found = ownMessage(ws, args, "cant_update_message");
    if ("error" in found) return found.error;
    const { channel, ts, msg } = found;
    if (!hasContent(args) && args.blocks === undefined && args.attachments === undefined) return fail("no_text");
    const bad = blocksProblem(ws, args.blocks);
    if (bad) return bad;
    ws.editMessage(msg, {
      text: str(args.text),
      blocks: args.blocks,
      attachments: args.attachments,
      metadata: args.metadata,
    });
    return { ok: true, channel, ts, text: msg.text, message: ws.messageObject(msg) };
  },

  "chat.delete": (ws, args) => {
    const found = ownMessage(ws, args, "cant_delete_message");
    if ("error" in found) return found.error;
    const { channel, ts, msg } = found;
    ws.deleteMessage(msg);
    return { ok: true, channel, ts };
  },

  "chat.getPermalink": (ws, args) => {
    const channel = ws.resolveChannel(str(args.channel));
    if (!channel) return fail("channel_not_found");
    const ts = str(args.message_ts);
    if (!ts || !ws.findMessage(channel, ts)) return fail("message_not_found");
    return {
      ok: true,
      channel,
      permalink: `https://${ws.opts.teamDomain}.slack.com/archives/${channel}/p${ts.replace(".", "")}`,
    };
  },

  // ------------------------------------------------------------------ reactions

  "reactions.add": (ws, args) => {
    const channel = ws.resolveChannel(str(args.channel));
    if (!channel) return fail("channel_not_found");
    const ts = str(args.timestamp);
    const name = str(args.name);
    if (!ts || !name) return invalidArgs(!ts ? "timestamp" : "name");
    const msg = ws.findMessage(channel, ts);
    if (!msg || msg.deleted) return fail("message_not_found");
    const reactions = ((msg as StoredMessage & { reactions?: Json[] }).reactions ??= []);
    const existing = reactions.find((r) => r.name === name);
    const users = existing ? (existing.users as string[]) : [];
    if (users.includes(ws.opts.botUserId)) return fail("already_reacted");
    users.push(ws.opts.botUserId);
    if (existing) existing.count = users.length;
    else reactions.push({ name, users, count: 1 });
    ws.changed();
    return { ok: true };
  },

  // ------------------------------------------------------------------ views

  "views.open": (ws, args) => openModalWithTrigger(ws, args, "open"),

  "views.push": (ws, args) => openModalWithTrigger(ws, args, "push"),

  "views.update": (ws, args) => {
    const view = viewArg(args);
    if (!view) return invalidArgs("view");
    if (args.view_id === undefined && args.external_id === undefined) return invalidArgs("view_id");
    const entry = ws.findView(args.view_id, args.external_id);
    if (!entry) return fail("not_found");
    const bad = viewProblem(
      ws,
      { ...view, type: view.type ?? entry.view.type },
      entry.view.type === "home" ? "home" : "modal",
    );
    if (bad) return bad;
    const r = ws.updateView(entry, view, args.hash);
    return r.ok ? { ok: true, view: r.entry.view } : fail(r.error);
  },

  "views.publish": (ws, args) => {
    const view = viewArg(args);
    if (!view) return invalidArgs("view");
    const user = str(args.user_id);
    if (!user) return invalidArgs("user_id");
    if (!ws.user(user)) return fail("user_not_found");
    const bad = viewProblem(ws, view, "home");
    if (bad) return bad;
    const r = ws.publishHome(user, view, args.hash);
    return r.ok ? { ok: true, view: r.entry.view } : fail(r.error);
  },

  // ------------------------------------------------------------------ files

  "files.getUploadURLExternal": (ws, args, ctx) => {
    const filename = str(args.filename);
    const length = num(args.length, NaN);
    if (!filename) return invalidArgs("filename");
    if (!Number.isFinite(length)) return invalidArgs("length");
    const id = ws.ids.next("F", 10);
    ws.addFile({
      id,
      name: filename,
      title: filename,
      length,
      alt_text: str(args.alt_text),
      snippet_type: str(args.snippet_type),
      content: undefined,
      completed: false,
      user: ws.opts.botUserId,
      created: Math.floor(Date.now() / 1000),
      channels: [],
    });
    return { ok: true, upload_url: `${ctx.baseUrl}/upload/${id}`, file_id: id };
  },

  "files.completeUploadExternal": (ws, args, ctx) => {
    const files = decodeJsonArg(args.files);
    if (!Array.isArray(files) || files.length === 0) return invalidArgs("files");
    const found = [];
    for (const f of files) {
      const id = isObject(f) ? str(f.id) : undefined;
      const stored = id ? ws.files.get(id) : undefined;
      if (!stored || stored.content === undefined) return fail("file_not_found");
      if (isObject(f) && typeof f.title === "string") stored.title = f.title;
      found.push(stored);
    }
    const channelRefs = [str(args.channel_id), ...(str(args.channels)?.split(",") ?? [])].filter(
      (c): c is string => !!c,
    );
    const channels: string[] = [];
    for (const ref of channelRefs) {
      const id = ws.resolveChannel(ref);
      if (!id) return fail("channel_not_found");
      channels.push(id);
    }
    for (const f of found) {
      f.completed = true;
      f.channels.push(...channels);
      f.initial_comment = str(args.initial_comment);
      ws.emit("file", f);
    }
    for (const channel of channels) {
      ws.addMessage({
        channel,
        ...ws.botAuthor(),
        text: str(args.initial_comment) ?? "",
        blocks: Array.isArray(args.blocks) ? (args.blocks as Json[]) : undefined,
        thread_ts: str(args.thread_ts),
        files: found.map((f) => ws.fileObject(f, ctx.baseUrl)),
        via: "files",
      });
    }
    ws.changed();
    return { ok: true, files: found.map((f) => ({ id: f.id, title: f.title })) };
  },

  "files.info": (ws, args, ctx) => {
    const id = str(args.file);
    const f = id ? ws.files.get(id) : undefined;
    if (!f?.completed) return fail("file_not_found");
    return { ok: true, file: ws.fileObject(f, ctx.baseUrl) };
  },
};

/** Methods that need the app-level (xapp) token; every other method needs a bot token. */
const APP_TOKEN_METHODS = new Set(["apps.connections.open"]);
/** Methods Slack answers without any token. */
const NO_TOKEN_METHODS = new Set(["api.test"]);

export function knownMethods(): string[] {
  return Object.keys(handlers).sort();
}

/** Runs one Web API method against the workspace and returns Slack's JSON answer. */
export function callMethod(ws: Workspace, method: string, args: Json, ctx: ApiContext): Json {
  const handler = handlers[method];
  if (!handler) return fail("unknown_method", { req_method: method });
  if (!NO_TOKEN_METHODS.has(method)) {
    if (!ctx.token) return fail("not_authed");
    const isApp = ctx.token === ws.opts.appToken;
    const isBot = ctx.token === ws.opts.botToken || ws.opts.extraTokens.includes(ctx.token);
    if (!isApp && !isBot) return fail("invalid_auth");
    if (APP_TOKEN_METHODS.has(method) !== isApp) return fail("not_allowed_token_type");
  }
  return handler(ws, args, ctx);
}

/** views.open and views.push: a modal shown with a single-use trigger, opened fresh or on top of the stack. */
function openModalWithTrigger(ws: Workspace, args: Json, how: "open" | "push") {
  const view = viewArg(args);
  if (!view) return invalidArgs("view");
  const triggerId = args.trigger_id ?? args.interactivity_pointer;
  if (triggerId === undefined) return invalidArgs("trigger_id");
  const bad = viewProblem(ws, view, "modal");
  if (bad) return bad;
  const trig = ws.consumeTrigger(triggerId);
  if (!trig.ok) return fail(trig.error);
  const r = how === "open" ? ws.openModal(trig.user, view) : ws.pushModal(trig.user, view);
  return r.ok ? { ok: true, view: r.entry.view } : fail(r.error);
}

/** The bot's own message named by channel + ts, as chat.update and chat.delete find it (Slack's errors otherwise). */
function ownMessage(
  ws: Workspace,
  args: Json,
  notOwnError: string,
): { error: Json } | { channel: string; ts: string; msg: StoredMessage } {
  const channel = ws.resolveChannel(str(args.channel));
  if (!channel) return { error: fail("channel_not_found") };
  const ts = str(args.ts);
  if (!ts) return { error: invalidArgs("ts") };
  const msg = ws.findMessage(channel, ts);
  if (!msg || msg.deleted || msg.ephemeralTo) return { error: fail("message_not_found") };
  if (msg.user !== ws.opts.botUserId) return { error: fail(notOwnError) };
  return { channel, ts, msg };
}
