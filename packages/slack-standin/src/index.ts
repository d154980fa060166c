/**
 * Local Slack stand-in: a fake Web API, response URLs, file uploads and Socket Mode on one loopback
 * port, plus a driver that plays Slack users against the real Bolt app.
 *
 *   const slack = await startStandin({ users: [{ id: 'U_ANA', name: 'ana' }] });
 *   const app = new App({ token: slack.botToken, signingSecret: slack.signingSecret,
 *                         clientOptions: { slackApiUrl: slack.apiUrl } });
 *   await app.start(3000);
 *   slack.setRequestUrl('http://127.0.0.1:3000/slack/events');
 *   const res = await slack.as('U_ANA').command('/claim', 'cats 1-100');
 *   const reply = await res.reply();
 */

import { Driver, type Transport } from "./driver.ts";
import type { RenderOptions } from "./render.ts";
import { StandinServer } from "./server.ts";
import type {
  ApiCall,
  DirectoryChannel,
  DirectoryUser,
  InjectedFailure,
  ResponseRecord,
  StoredFile,
  StoredMessage,
  ViewRecord,
} from "./types.ts";
import { SimulatedUser } from "./user.ts";
import { waitUntil } from "./util.ts";
import { Workspace, type WorkspaceEvents } from "./workspace.ts";

export { type DeliverOptions, signRequest, type Transport } from "./driver.ts";
export * from "./render.ts";
export { RESPONSE_URL } from "./server.ts";
export * from "./types.ts";
export {
  type ActionResult,
  ClientValidationError,
  type FillValue,
  type FillValues,
  type PreparedCommand,
  SimulatedUser,
  type SubmitOptions,
  type SubmitResult,
  type Where,
} from "./user.ts";
export { knownMethods } from "./webapi.ts";
export { type MessageChange, type ViewChange, Workspace, type WorkspaceEvents } from "./workspace.ts";

export interface StandinOptions {
  /** Signing secret the driver signs requests with (give the same to the app). */
  signingSecret?: string;
  /** Bot token the Web API accepts (xoxb-…). */
  botToken?: string;
  /** App-level token for Socket Mode (xapp-…). */
  appToken?: string;
  /** Further accepted bot tokens. */
  extraTokens?: string[];
  verificationToken?: string;
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  appId?: string;
  /** The bot's user id (auth.test user_id; Bolt ignores events from it). */
  botUserId?: string;
  botId?: string;
  botName?: string;
  /** Default time zone of directory users without one (default "UTC"). */
  timezone?: string;
  users?: DirectoryUser[];
  channels?: DirectoryChannel[];
  /** Channel where simulated users type commands by default (default: first channel, else their DM with the app). */
  defaultChannel?: string;
  /** The app's request URL (HTTP mode); can also be set later with setRequestUrl. */
  requestUrl?: string;
  transport?: Transport;
  /** Lifetime of trigger_ids in ms (default 3000, as Slack). */
  triggerTtlMs?: number;
  /** Error for a trigger_id used twice (default "expired_trigger_id"). */
  reusedTriggerError?: string;
  /** Refuse unknown channel ids instead of creating them (default false). */
  strictChannels?: boolean;
  /** Apply Slack's Block Kit checks (default true). */
  validateBlocks?: boolean;
  /** Uses allowed per response_url (default 5, as Slack). */
  responseUrlUses?: number;
  /** Loopback port (default 0: any free port). */
  port?: number;
}

/** Options to hand to Bolt's App so it talks to this stand-in. */
export interface BoltOptionsForStandin {
  token: string;
  signingSecret: string;
  clientOptions: {
    slackApiUrl: string;
    retryConfig: { retries: number; factor: number; minTimeout: number; maxTimeout: number };
  };
  appToken?: string;
  socketMode?: boolean;
}

export class Standin {
  readonly workspace: Workspace;
  readonly server: StandinServer;
  readonly driver: Driver;
  readonly signingSecret: string;
  private readonly users = new Map<string, SimulatedUser>();
  private readonly defaultChannel: string | undefined;

  constructor(opts: StandinOptions = {}) {
    const channels = opts.channels ?? [];
    this.signingSecret = opts.signingSecret ?? "standin-signing-secret";
    this.workspace = new Workspace({
      teamId: opts.teamId ?? "T0STANDIN",
      teamName: opts.teamName ?? "Rangekeeper Local",
      teamDomain: opts.teamDomain ?? "rangekeeper-local",
      appId: opts.appId ?? "A0STANDIN",
      botUserId: opts.botUserId ?? "U0BOT",
      botId: opts.botId ?? "B0BOT",
      botName: opts.botName ?? "rangekeeper",
      botToken: opts.botToken ?? "xoxb-standin-bot-token",
      appToken: opts.appToken ?? "xapp-1-standin-app-token",
      extraTokens: opts.extraTokens ?? [],
      verificationToken: opts.verificationToken ?? "standin-verification-token",
      timezone: opts.timezone ?? "UTC",
      users: opts.users ?? [],
      channels,
      triggerTtlMs: opts.triggerTtlMs ?? 3000,
      reusedTriggerError: opts.reusedTriggerError ?? "expired_trigger_id",
      strictChannels: opts.strictChannels ?? false,
      validateBlocks: opts.validateBlocks ?? true,
      responseUrlUses: opts.responseUrlUses ?? 5,
    });
    this.server = new StandinServer(this.workspace);
    this.driver = new Driver(this.server, this.signingSecret, {
      requestUrl: opts.requestUrl,
      transport: opts.transport,
    });
    this.defaultChannel = opts.defaultChannel ?? channels[0]?.id;
  }

  // ---------------------------------------------------------------- addresses and credentials

  /** Base URL, e.g. http://127.0.0.1:54321 */
  get url(): string {
    return this.server.baseUrl;
  }

  /** Web API base URL for `clientOptions.slackApiUrl`, e.g. http://127.0.0.1:54321/api/ */
  get apiUrl(): string {
    return `${this.server.baseUrl}/api/`;
  }

  get botToken(): string {
    return this.workspace.opts.botToken;
  }

  get appToken(): string {
    return this.workspace.opts.appToken;
  }

  get teamId(): string {
    return this.workspace.opts.teamId;
  }

  get botUserId(): string {
    return this.workspace.opts.botUserId;
  }

  /** Where the driver posts (the app's `POST /slack/events` URL in HTTP mode). */
  setRequestUrl(url: string | undefined): void {
    this.driver.requestUrl = url;
  }

  /**
   * Options for `new App(...)`: token, signing secret, Web API URL and a short retry policy.
   * With `socketMode: true` also the app token.
   */
  boltOptions(opts: { socketMode?: boolean } = {}): BoltOptionsForStandin {
    const base: BoltOptionsForStandin = {
      token: this.botToken,
      signingSecret: this.signingSecret,
      clientOptions: {
        slackApiUrl: this.apiUrl,
        retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
      },
    };
    return opts.socketMode ? { ...base, appToken: this.appToken, socketMode: true } : base;
  }

  // ---------------------------------------------------------------- directory

  addUser(u: DirectoryUser): void {
    this.workspace.addUser(u);
  }

  addChannel(c: DirectoryChannel): void {
    this.workspace.addChannel(c);
  }

  /** A simulated user (the same object for the same id). */
  as(userId: string): SimulatedUser {
    let u = this.users.get(userId);
    if (!u) {
      u = new SimulatedUser(userId, this.workspace, this.driver, () => this.url, this.defaultChannel);
      this.users.set(userId, u);
    }
    return u;
  }

  /** Render options that resolve user and channel ids through this workspace's directory. */
  renderOptions(extra: RenderOptions = {}): RenderOptions {
    return {
      userName: (id) => this.workspace.displayName(id),
      channelName: (id) => {
        const c = this.workspace.channels.get(id);
        if (!c) return undefined;
        return c.is_im ? `dm-${this.workspace.displayName(c.user ?? "") ?? c.user}` : c.name;
      },
      ...extra,
    };
  }

  /** The DM conversation id between the app and a user. */
  dmChannel(userId: string): string {
    return this.workspace.dmChannel(userId);
  }

  // ---------------------------------------------------------------- Web API log and failures

  /** Recorded Web API calls (optionally of one method), oldest first. */
  calls(method?: string): ApiCall[] {
    return this.server.calls(method);
  }

  /** Forgets recorded calls, e.g. between phases of a benchmark (sequence numbers keep increasing). */
  clearCalls(): void {
    this.server.clearCalls();
  }

  lastCall(method: string): ApiCall | undefined {
    return this.server.calls(method).at(-1);
  }

  /** Sequence number of the latest call; pass as `since` to waitFor to ignore earlier calls. */
  mark(): number {
    return this.server.mark();
  }

  /** Waits for a call of `method` matching the predicate (earlier calls count unless `since` is given). */
  waitFor(
    method: string,
    predicate?: (c: ApiCall) => boolean,
    opts: { timeoutMs?: number; since?: number } = {},
  ): Promise<ApiCall> {
    return this.server.waitFor(method, predicate, opts);
  }

  /**
   * Makes the next `times` calls of `method` fail. Use the method "response_url" for posts to
   * response URLs.
   */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    this.server.failNext(method, failure, times);
  }

  clearFailures(): void {
    this.server.clearFailures();
  }

  // ---------------------------------------------------------------- state

  /** Messages of a conversation, oldest first (ephemeral and deleted ones only when asked). */
  messages(channel: string, opts: { includeEphemeral?: boolean; includeDeleted?: boolean } = {}): StoredMessage[] {
    const id = this.workspace.resolveChannel(channel) ?? channel;
    return (this.workspace.messages.get(id) ?? []).filter(
      (m) => (opts.includeEphemeral || !m.ephemeralTo) && (opts.includeDeleted || !m.deleted),
    );
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    const id = this.workspace.resolveChannel(channel) ?? channel;
    return this.workspace.findMessage(id, ts);
  }

  /** Ephemeral messages shown to a user (in one channel or all), oldest first. */
  ephemerals(userId: string, channel?: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const [id, list] of this.workspace.messages) {
      if (channel && id !== channel) continue;
      out.push(...list.filter((m) => m.ephemeralTo === userId && !m.deleted));
    }
    return out.sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  view(viewId: string): ViewRecord | undefined {
    return this.workspace.views.get(viewId)?.view;
  }

  modal(userId: string): ViewRecord | undefined {
    return this.workspace.topModal(userId)?.view;
  }

  home(userId: string): ViewRecord | undefined {
    return this.workspace.home(userId)?.view;
  }

  file(fileId: string): StoredFile | undefined {
    return this.workspace.files.get(fileId);
  }

  files(): StoredFile[] {
    return [...this.workspace.files.values()];
  }

  /** Everything posted to response URLs (and messages in command acks), oldest first. */
  responses(): ResponseRecord[] {
    return [...this.workspace.responseTargets.values()].flatMap((t) => t.records).sort((a, b) => a.at - b.at);
  }

  /** Subscribes to stand-in events (call, message, view, response, file, change); returns an unsubscribe function. */
  on<K extends keyof WorkspaceEvents>(event: K, fn: (...args: WorkspaceEvents[K]) => void): () => void {
    const listener = fn as never;
    this.workspace.on(event, listener);
    return () => this.workspace.off(event, listener);
  }

  /** Waits until `check` returns something other than undefined, re-checking on every change. */
  waitUntil<T>(check: () => T | undefined, timeoutMs = 3000, what = "a condition"): Promise<T> {
    return waitUntil(
      check,
      (fn) => this.on("change", fn),
      timeoutMs,
      () => what,
    );
  }

  // ---------------------------------------------------------------- Socket Mode

  /** Number of open Socket Mode connections. */
  get socketConnections(): number {
    return this.server.socket.connections;
  }

  /** Waits until at least one Socket Mode client is connected. */
  waitForSocket(timeoutMs = 5000): Promise<true> {
    return waitUntil(
      () => (this.server.socket.connections > 0 ? true : undefined),
      (fn) => this.server.socket.onChange(fn),
      timeoutMs,
      () => "a Socket Mode connection",
    );
  }

  /** Sends Slack's `disconnect` message to every Socket Mode client (they reconnect). */
  recycleSockets(reason = "refresh_requested"): void {
    this.server.socket.disconnectAll(reason);
  }

  // ---------------------------------------------------------------- lifecycle

  async listen(port = 0): Promise<this> {
    await this.server.listen("127.0.0.1", port);
    return this;
  }

  async close(): Promise<void> {
    await this.server.close();
    this.workspace.removeAllListeners();
  }
}

/** Starts a stand-in on a loopback port (default: any free port). */
export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  return new Standin(opts).listen(opts.port ?? 0);
}
