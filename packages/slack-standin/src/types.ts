/**
 * Shared shapes of the local Slack stand-in: the workspace directory it is configured with,
 * what it records, and what the driver returns.
 */

/** A loose JSON object, as Slack payloads and app-provided blocks arrive over the wire. */
export type Json = Record<string, unknown>;

/** A person (or bot) of the simulated workspace. Only `id` and `name` are required. */
export interface DirectoryUser {
  id: string;
  name: string;
  real_name?: string;
  display_name?: string;
  email?: string;
  /** IANA time zone, e.g. "Europe/Lisbon". Defaults to the workspace time zone. */
  tz?: string;
  /** Offset in seconds from UTC; derived from `tz` when omitted. */
  tz_offset?: number;
  tz_label?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface DirectoryChannel {
  id: string;
  name: string;
  is_private?: boolean;
  /** Members of the channel; defaults to every user of the directory. */
  members?: string[];
}

/** One Web API call received by the stand-in, with what it answered. */
export interface ApiCall {
  /** Monotonic sequence number across all calls of this stand-in. */
  seq: number;
  method: string;
  /** Bearer token (or `token` argument) the caller used, if any. */
  token: string | undefined;
  /** Arguments with `blocks`, `view`, `attachments`, … decoded from their JSON strings. */
  args: Json;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  /** HTTP status the stand-in answered with. */
  status: number;
  /** Body the stand-in answered with. */
  response: Json;
  /** Milliseconds the stand-in took to answer (includes queued delays). */
  ms: number;
}

/**
 * A failure to inject into the next call of a method:
 * - `{ error }`: HTTP 200 with `ok:false` and that error code (plus `extra` fields);
 * - `{ status: 429, retryAfter }`: rate limited, `Retry-After` in seconds;
 * - `{ status }` (5xx, 404, …): an HTTP error with an optional text body;
 * - `{ delayMs }`: answer normally, but only after a delay.
 */
export type InjectedFailure =
  | { error: string; extra?: Json }
  | { status: 429; retryAfter: number }
  | { status: number; body?: string }
  /** Slack did the work, then the answer was lost: applies the call, then answers `status` (an ambiguous failure). */
  | { status: number; afterApply: true }
  | { delayMs: number };

/** A message as the stand-in keeps it (channel messages, DMs and ephemeral messages). */
export interface StoredMessage {
  type: "message";
  channel: string;
  ts: string;
  /** Author user id (the bot user for messages the app posted). */
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  thread_ts?: string;
  metadata?: Json;
  files?: Json[];
  /** Set for ephemeral messages: only this user sees them. */
  ephemeralTo?: string;
  edited?: { user: string; ts: string };
  deleted?: boolean;
  /** How the message came to be: Web API method, response_url, or a user typing. */
  via: "chat.postMessage" | "chat.postEphemeral" | "response_url" | "ack" | "files" | "user";
}

/** A Slack view (modal or home tab) as Slack returns it from views.* and sends it in payloads. */
export interface ViewRecord {
  id: string;
  team_id: string;
  type: "modal" | "home" | string;
  blocks: Json[];
  private_metadata: string;
  callback_id: string;
  state: { values: Record<string, Record<string, Json>> };
  hash: string;
  title: Json | null;
  clear_on_close: boolean;
  notify_on_close: boolean;
  close: Json | null;
  submit: Json | null;
  previous_view_id: string | null;
  root_view_id: string | null;
  app_id: string;
  external_id: string;
  app_installed_team_id: string;
  bot_id: string;
  submit_disabled?: boolean;
}

/** Where a view lives for the stand-in: whose screen, and whether it is still shown. */
export interface ViewEntry {
  user: string;
  view: ViewRecord;
  open: boolean;
  /** Number of times the app changed it after opening (views.update, response_action update). */
  revisions: number;
}

/** What the app posted to a response_url (or answered in the ack of a slash command). */
export interface ResponseRecord {
  /** The response_url id (last path segment of the URL). */
  id: string;
  at: number;
  via: "response_url" | "ack";
  response_type: "ephemeral" | "in_channel";
  replace_original: boolean;
  delete_original: boolean;
  text: string | undefined;
  blocks: Json[] | undefined;
  attachments: Json[] | undefined;
  thread_ts: string | undefined;
  /** The full JSON body as posted. */
  body: Json;
  /** The message the stand-in stored or changed as a result, if any. */
  message?: StoredMessage;
  /** Set when the stand-in refused the post (e.g. "invalid_blocks", "used_url"), as Slack would. */
  error?: string;
  /** Block problems behind an "invalid_blocks" refusal. */
  problems?: string[];
}

/** A file uploaded through files.getUploadURLExternal / completeUploadExternal. */
export interface StoredFile {
  id: string;
  name: string;
  title: string;
  length: number;
  alt_text?: string;
  snippet_type?: string;
  content: Buffer | undefined;
  completed: boolean;
  user: string;
  created: number;
  channels: string[];
  initial_comment?: string;
}

/** Result of delivering one request to the app (over HTTP or Socket Mode). */
export interface DeliveryResult {
  transport: "http" | "socket";
  /** HTTP status (Socket Mode: 200 when acknowledged, 0 when the ack never came). */
  status: number;
  /** Raw response body (Socket Mode: the JSON of the ack payload). */
  body: string;
  /** Parsed JSON body when the body is JSON, else undefined. */
  json: Json | undefined;
  /** Milliseconds from sending to the response / ack. */
  ms: number;
  /** True when the app took longer than Slack's 3 seconds to respond. */
  late: boolean;
  /** Socket Mode only: no ack within the timeout. */
  timedOut?: boolean;
}
