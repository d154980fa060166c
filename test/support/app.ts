/**
 * The whole rangekeeper app on a loopback port, driven through the local
 * Slack stand-in: a stand-in with a small team, a Ledger on a fresh test
 * database, and the real Bolt app (HTTP mode) pointed at the stand-in.
 *
 *   const h = await startApp();
 *   const res = await h.ana.command("/claim", "cats 1-100");
 *   const reply = await res.reply();
 *   await h.settle(); // DMs and App Home refreshes started after the reply
 *   await h.close();
 */

import { Writable } from "node:stream";
import {
  type ResponseRecord,
  type SimulatedUser,
  type Standin,
  type StoredMessage,
  startStandin,
} from "@rangekeeper/slack-standin";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { DEFAULT_JOB_CRONS } from "../../src/config/env.ts";
import type { Ledger } from "../../src/core/ledger/index.ts";
import type { Actor } from "../../src/core/types.ts";
import { type RunningRangekeeper, startRangekeeper } from "../../src/rangekeeper.ts";
import type { Rangekeeper } from "../../src/slack/app.ts";
import { parseDatasetSetting } from "../../src/slack/parse/settings.ts";
import { createTestDatabase } from "./db.ts";

export const TEAM = "T0E2E";
export const CHANNEL = "C0LABELS";

/** Slack user ids of the team (Slack's mention syntax allows only [UW][A-Z0-9]+). */
export const IDS = {
  admin: "UADMIN",
  lead: "ULEAD",
  lead2: "ULEADTWO",
  ana: "UANA",
  bob: "UBOB",
  rev: "UREV",
} as const;

export const USERS = [
  { id: IDS.admin, name: "ada", real_name: "Ada Admin", tz: "UTC" },
  { id: IDS.lead, name: "lee", real_name: "Lee Lead", tz: "Europe/Lisbon" },
  { id: IDS.lead2, name: "lou", real_name: "Lou Lead", tz: "UTC" },
  { id: IDS.ana, name: "ana", real_name: "Ana Lima", tz: "Europe/Lisbon" },
  { id: IDS.bob, name: "bob", real_name: "Bob Okafor", tz: "America/New_York" },
  { id: IDS.rev, name: "rita", real_name: "Rita Reviewer", tz: "UTC" },
];

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface AppHarness {
  slack: Standin;
  ledger: Ledger;
  rk: Rangekeeper;
  /** the whole running bot (its stop() is what a signal runs) */
  running: RunningRangekeeper;
  /** the Prisma client of the test database (to count rows) */
  prisma: Awaited<ReturnType<typeof createTestDatabase>>["prisma"];
  /** the app's port; its request URL is http://127.0.0.1:<port>/slack/events */
  port: number;
  baseUrl: string;
  admin: SimulatedUser;
  lead: SimulatedUser;
  lead2: SimulatedUser;
  ana: SimulatedUser;
  bob: SimulatedUser;
  rev: SimulatedUser;
  /** the ledger actor of a user id */
  actor(userId: string): Actor;
  /** adds a dataset straight in the ledger (as the admin), optionally with settings; returns its slug */
  dataset(slug: string, items?: number, settings?: Record<string, string>): Promise<string>;
  /** audit events, optionally of one dataset */
  auditCount(slug?: string): Promise<number>;
  /** replaces the database check behind GET /healthz (null: the real one) */
  setDatabaseHealth(check: (() => Promise<boolean>) | null): void;
  /** warnings and errors the app logged so far */
  logs: LogLine[];
  /** waits until the DMs and App Home refreshes started after replies are done */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** extra Web API retry policy (default: 2 quick retries) */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /** webhooks may go to loopback addresses (a receiver in the test) */
  allowPrivateWebhooks?: boolean;
}

/** Starts stand-in, database, ledger and app; roles: ada is a configured admin, lee and lou leads, rita a reviewer. */
export async function startApp(o: StartOptions = {}): Promise<AppHarness> {
  const slack = await startStandin({ teamId: TEAM, users: USERS, channels: [{ id: CHANNEL, name: "labels" }] });
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let running: RunningRangekeeper | undefined;
  try {
    db = await createTestDatabase();
    const logs: LogLine[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? "warn" }, sink);
    running = await startRangekeeper({
      slack: {
        botToken: slack.botToken,
        signingSecret: slack.signingSecret,
        apiUrl: slack.apiUrl,
        retryConfig: o.retryConfig ?? { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
      },
      port: 0,
      database: db,
      ledger: {
        bootstrapAdmins: [IDS.admin],
        defaultCapacity: 1000,
        defaultTimezone: "UTC",
        allowPrivateWebhooks: o.allowPrivateWebhooks ?? false,
      },
      logger,
      // Quick retries, so a test of Slack failing for a while does not wait minutes.
      outbox: { policy: { baseDelayMs: 20, maxDelayMs: 200, giveUpAfterMs: 30_000 }, pollMs: 200 },
      webhooks: { policy: { baseDelayMs: 20, maxDelayMs: 200, giveUpAfterMs: 30_000 }, pollMs: 200 },
      // Jobs run when a test runs them (as if at a time of its choosing), not on the clock.
      jobs: { crons: DEFAULT_JOB_CRONS, scheduled: false },
    });
    const ledger = running.ledger;
    const actor = (userId: string): Actor => ({ teamId: TEAM, userId });
    await ledger.setRole(actor(IDS.admin), IDS.lead, "LEAD");
    await ledger.setRole(actor(IDS.admin), IDS.lead2, "LEAD");
    await ledger.setRole(actor(IDS.admin), IDS.rev, "REVIEWER");
    const prisma = db.prisma;
    // /healthz asks the ledger whether its database answers; a test may make it say otherwise.
    const realPing = ledger.ping;
    const port = running.port;
    // Bolt calls auth.test from its constructor; let it land before anything else.
    await slack.waitFor("auth.test");
    const baseUrl = `http://127.0.0.1:${port}`;
    slack.setRequestUrl(`${baseUrl}/slack/events`);
    const app = running.slack;
    const rk = running;
    const database = db;
    let closed = false;
    return {
      slack,
      ledger,
      rk: app,
      running: rk,
      prisma,
      port,
      baseUrl,
      admin: slack.as(IDS.admin),
      lead: slack.as(IDS.lead),
      lead2: slack.as(IDS.lead2),
      ana: slack.as(IDS.ana),
      bob: slack.as(IDS.bob),
      rev: slack.as(IDS.rev),
      actor,
      async dataset(slug, items = 1000, settings = {}) {
        await ledger.createDataset(actor(IDS.admin), { slug, itemCount: items, title: `Test ${slug}` });
        for (const [k, v] of Object.entries(settings)) {
          const parsed = parseDatasetSetting(k, v);
          if (!parsed.ok) throw new Error(`dataset setting ${k} ${v}: ${parsed.problem}`);
          await ledger.configureDataset(actor(IDS.admin), slug, parsed.setting);
        }
        return slug;
      },
      async auditCount(slug) {
        if (!slug) return prisma.auditEvent.count({ where: { teamId: TEAM } });
        const d = await ledger.getDataset(TEAM, slug);
        return prisma.auditEvent.count({ where: { datasetId: d.id } });
      },
      setDatabaseHealth(check) {
        ledger.ping = check
          ? async () => {
              if (!(await check())) throw new Error("the database check said no");
            }
          : realPing;
      },
      logs,
      settle: () => app.settle(),
      async close() {
        if (closed) return;
        closed = true;
        // The app first (it may still be answering through the stand-in; it closes the database), then the stand-in.
        await rk.stop();
        await slack.close();
        await database.dispose();
      },
    };
  } catch (e) {
    await running?.stop().catch(() => undefined);
    await slack.close();
    await db?.dispose();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// reading what the app sent

/** Every text of a Block Kit structure (sections, contexts, headers, buttons, labels), joined by newlines. */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "text" && typeof x === "string") out.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks);
  return out.join("\n");
}

/** The text a person sees in a reply or message: its blocks, or its fallback text without blocks. */
export function shown(m: ResponseRecord | StoredMessage | { text?: string; blocks?: unknown }): string {
  const blocks = m.blocks as unknown[] | undefined;
  return blocks?.length ? blockText(blocks) : (m.text ?? "");
}

export interface ButtonInfo {
  text: string;
  actionId: string;
  value: string | undefined;
  blockId: string | undefined;
}

/** Buttons of a Block Kit structure, in order. */
export function buttons(blocks: unknown): ButtonInfo[] {
  const out: ButtonInfo[] = [];
  const walk = (v: unknown, blockId?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, blockId));
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const bid = typeof o.block_id === "string" ? o.block_id : blockId;
      if (o.type === "button") {
        out.push({
          text: blockText(o.text),
          actionId: String(o.action_id),
          value: o.value as string | undefined,
          blockId: bid,
        });
        return;
      }
      for (const x of Object.values(o)) walk(x, bid);
    }
  };
  walk(blocks);
  return out;
}

/** The number in a reference like "A17" found in `text` after `prefix` (e.g. the first A-ref). */
export function refIn(text: string, letter: "A" | "H" | "R" = "A"): string {
  const m = new RegExp(`\\b${letter}(\\d+)\\b`).exec(text);
  if (!m) throw new Error(`no ${letter}-reference in: ${text}`);
  return `${letter}${m[1]}`;
}

let datasetCounter = 0;
/** A dataset slug no other test of this process uses. */
export function uniqueSlug(prefix: string): string {
  datasetCounter += 1;
  return `${prefix}-${datasetCounter}`.slice(0, 40);
}

export interface Answer {
  /** what the app posted back (response_url or ack) */
  reply: ResponseRecord;
  /** its visible text */
  text: string;
  /** the delivery of the command itself */
  result: Awaited<ReturnType<SimulatedUser["command"]>>;
}

/** Types a slash command and waits for the app's answer to it. */
export async function ask(
  user: SimulatedUser,
  command: string,
  text = "",
  opts: Parameters<SimulatedUser["command"]>[2] = {},
): Promise<Answer> {
  const result = await user.command(command, text, opts);
  if (result.status !== 200)
    throw new Error(`${command} ${text} was answered with HTTP ${result.status}: ${result.body}`);
  // Acknowledged before answered: an app that worked before its ack (and so risked Slack's 3 s)
  // would have posted its answer to the response_url first.
  if (result.replies().some((r) => r.via === "response_url"))
    throw new Error(`${command} ${text} was answered through its response_url before it was acknowledged`);
  const reply = await result.reply();
  if (reply.error)
    throw new Error(
      `the stand-in refused the reply to ${command} ${text}: ${reply.error} ${reply.problems?.join("; ") ?? ""}`,
    );
  return { reply, text: shown(reply), result };
}

export interface ForgedClick {
  status: number;
  /** what the app posted to the click's response_url */
  replies(): ResponseRecord[];
  reply(index?: number): Promise<ResponseRecord>;
  payload: Record<string, unknown>;
}

/**
 * Sends a correctly signed block_actions payload that no button shown to the
 * user produced: a button value on a message that never had it, a message the
 * user no longer sees the button on, or a made-up value. Slack signs whatever
 * its client sends, so the app must check every value itself.
 */
export async function forgeClick(
  h: AppHarness,
  userId: string,
  action: { actionId: string; value: string; blockId?: string; text?: string },
  at: { channel?: string; message?: StoredMessage } = {},
  deliver: { retryNum?: number } = {},
): Promise<ForgedClick> {
  const ws = h.slack.workspace;
  const user = ws.user(userId)!;
  const channel = at.message?.channel ?? at.channel ?? ws.dmChannel(userId);
  const target = ws.registerResponseTarget({ kind: "block_actions", user: userId, channel, messageTs: at.message?.ts });
  const payload: Record<string, unknown> = {
    type: "block_actions",
    user: { id: userId, username: user.name, name: user.name, team_id: TEAM },
    api_app_id: ws.opts.appId,
    token: ws.opts.verificationToken,
    container: { type: "message", message_ts: at.message?.ts ?? ws.ids.ts(), channel_id: channel, is_ephemeral: false },
    trigger_id: ws.issueTrigger(userId),
    team: { id: TEAM, domain: ws.opts.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: "directmessage" },
    ...(at.message ? { message: ws.messageObject(at.message) } : {}),
    state: { values: {} },
    response_url: `${h.slack.url}/response/${target.id}`,
    actions: [
      {
        action_id: action.actionId,
        block_id: action.blockId ?? "forged",
        text: { type: "plain_text", text: action.text ?? "Approve", emoji: true },
        type: "button",
        value: action.value,
        action_ts: ws.ids.ts(),
      },
    ],
  };
  const res = await h.slack.driver.deliver("interaction", payload, deliver);
  return {
    status: res.status,
    payload,
    replies: () => [...target.records],
    reply: (index = 0) => h.slack.waitUntil(() => target.records[index], 3000, `reply #${index + 1} to a forged click`),
  };
}

/** The assignment id of a reference like "A17". */
export const idOf = (ref: string): number => Number(ref.slice(1));

export interface UseAppOptions {
  /** after each test: close every modal and wait for background work, so tests do not leak into each other */
  settleEach?: boolean;
  /** messages of the errors the file's tests provoke on purpose; any other logged error fails the file */
  expectedErrors?: string[];
}

/**
 * One app per test file: started before its tests (handed to `onStart`) and
 * closed after them. The file fails when the app logged an error nobody
 * expected: nothing may fail behind the scenes (background DMs, App Home
 * refreshes, listeners).
 */
export function useApp(onStart: (h: AppHarness) => void, o: UseAppOptions = {}): void {
  let h: AppHarness | undefined;
  beforeAll(async () => {
    h = await startApp();
    onStart(h);
  }, 60_000);
  if (o.settleEach) {
    afterEach(async () => {
      if (!h) return;
      for (const id of Object.values(IDS)) h.slack.workspace.closeAllModals(id);
      await h.settle();
    });
  }
  afterAll(async () => {
    await h?.close();
    if (h) expect(h.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(o.expectedErrors ?? []);
  });
}

/** What a modal opened by the bot remembers: its private_metadata without the seal (src/slack/seal.ts). */
export function metadataOf(view: { private_metadata?: string }): Record<string, unknown> {
  const raw = view.private_metadata ?? "";
  const at = raw.lastIndexOf("~");
  if (at < 0) throw new Error(`the view's metadata is not sealed: ${raw}`);
  return JSON.parse(raw.slice(0, at)) as Record<string, unknown>;
}
