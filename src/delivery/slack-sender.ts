/**
 * Delivers the outbox to Slack: claims due rows (no two senders, on any
 * replica, hold one row), posts each message (a DM to the person's app
 * channel, or to a channel) or, once posted, updates it in place, and records
 * where it landed. A 429 pauses the sender for Slack's Retry-After; 5xx and
 * network errors are retried with backoff until the policy gives up; errors a
 * retry cannot fix fail the row at once with the reason. Rows a dead sender
 * held come back when their lease runs out; at shutdown the sender hands back
 * what it holds, so a restart (or another replica) resumes it.
 */
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from "@slack/web-api";
import type { Logger } from "pino";
import { z } from "zod";
import type { Outbox, OutboxRecord } from "../core/outbox.ts";
import { processName } from "../platform/process.ts";
import { PollingSender } from "./polling-sender.ts";
import { postToResponseUrl, type ReplyBody } from "./response-url.ts";
import { afterFailure, ambiguous, DEFAULT_RETRY_POLICY, type Failure, type RetryPolicy } from "./retry.ts";

/** The metadata event type naming an outbox row on the messages it posts. */
export const OUTBOX_EVENT = "rangekeeper_outbox";

/** What an outbox row holds: a message as chat.postMessage takes it (a reply: as its response_url takes it). */
const messageSchema = z.object({
  text: z.string().min(1),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  response_type: z.enum(["ephemeral", "in_channel"]).optional(),
  replace_original: z.boolean().optional(),
  /** a DM shown first as an ephemeral message to the person in this channel (a DM if that fails) */
  ephemeral_in: z.string().optional(),
  /** files uploaded with the message (files.uploadV2): the message is then their share's, and is never updated */
  files: z
    .array(
      z.object({
        filename: z.string().min(1),
        title: z.string().min(1),
        alt_text: z.string().optional(),
        /** the bytes, in base64 */
        data: z.base64(),
      }),
    )
    .min(1)
    .max(10)
    .optional(),
});

type StoredMessage = z.infer<typeof messageSchema>;

/**
 * The Web API client a sender needs: no retries and 429s rejected at once,
 * so that every failure comes back to the outbox, which waits for the next
 * attempt in the database rather than in memory.
 */
export function outboxClient(botToken: string | undefined, apiUrl?: string): WebClient {
  return new WebClient(botToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

export interface SenderOptions {
  client: WebClient;
  outbox: Outbox;
  logger: Logger;
  clock?: () => Date;
  policy?: RetryPolicy;
  /** how long a claimed row is this sender's (default 60 s) */
  leaseMs?: number;
  /** rows claimed at once (default 20) */
  batch?: number;
  /** the longest wait between two looks at the outbox (default 5 s): rows of other replicas, leases run out */
  pollMs?: number;
  /** called after each row settles */
  onOutcome?: (outcome: "sent" | "retry" | "failed", row: OutboxRecord, reason?: string) => void;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

/** The Slack failure behind an error thrown by @slack/web-api, or null when it is not one (a bug: rethrown). */
export function failureOf(e: unknown): Failure | null {
  if (e instanceof WebAPIRateLimitedError) return { kind: "rate-limited", retryAfterSec: e.retryAfter };
  if (e instanceof WebAPIPlatformError) return { kind: "platform", error: e.data.error };
  if (e instanceof WebAPIHTTPError) return { kind: "http", status: e.statusCode };
  if (e instanceof WebAPIRequestError) return { kind: "network", message: e.original?.message ?? e.message };
  return null;
}

/** The bytes of a file refused by its upload URL (files.uploadV2 throws a plain error then): retried as a network failure. */
function uploadFailureOf(e: unknown): Failure | null {
  return e instanceof Error && /^(Failed to upload file|No upload url found)/.test(e.message)
    ? { kind: "network", message: e.message }
    : null;
}

export class OutboxSender extends PollingSender<DrainResult> {
  readonly owner = processName(Math.random().toString(36).slice(2, 8));
  private readonly o: Required<Omit<SenderOptions, "onOutcome">> & Pick<SenderOptions, "onOutcome">;
  /** no Slack call before this instant (a 429's Retry-After) */
  private pausedUntil = 0;

  constructor(options: SenderOptions) {
    const o = {
      clock: () => new Date(),
      policy: DEFAULT_RETRY_POLICY,
      leaseMs: 60_000,
      batch: 20,
      pollMs: 5_000,
      ...options,
    };
    super({
      sender: "slack",
      name: "the outbox sender",
      outbox: o.outbox,
      logger: o.logger,
      clock: o.clock,
      pollMs: o.pollMs,
    });
    this.o = o;
  }

  protected nothing(): DrainResult {
    return { sent: 0, retried: 0, failed: 0 };
  }

  /** While Slack's Retry-After runs, nothing is looked at. */
  protected override nextDelay(delayMs: number): number {
    return Math.max(delayMs, this.pausedUntil - Date.now());
  }

  protected async pass(total: DrainResult): Promise<void> {
    for (;;) {
      if (Date.now() < this.pausedUntil) break;
      const rows = await this.o.outbox.claimDue(this.owner, this.o.leaseMs, this.o.batch);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (await this.heldByRateLimit(row)) continue;
        const outcome = await this.deliver(row);
        total[outcome === "sent" ? "sent" : outcome === "retry" ? "retried" : "failed"]++;
      }
    }
  }

  /**
   * Delivers the row of `key` now, in the caller's own time (an answer to
   * someone's request is not queued behind other messages); when it fails,
   * or another sender holds it, it stays in the outbox for the next attempt.
   */
  async deliverNow(teamId: string, key: string): Promise<"sent" | "retry" | "failed" | "queued"> {
    if (!this.isRunning) return "queued";
    const row = await this.o.outbox.claimKey(teamId, key, this.owner, this.o.leaseMs);
    if (!row) return "queued";
    if (await this.heldByRateLimit(row)) return "queued";
    return this.deliver(row);
  }

  /**
   * While Slack's Retry-After runs, a claimed row goes back to wait for its
   * end; true when it did. A Web API rate limit holds Web API calls only: a
   * reply to a response_url goes all the same.
   */
  private async heldByRateLimit(row: OutboxRecord): Promise<boolean> {
    if (row.responseUrl || Date.now() >= this.pausedUntil) return false;
    await this.o.outbox.retryAt(
      row,
      new Date(this.pausedUntil),
      row.lastError ?? "waiting out a rate limit",
      row.inDoubt,
    );
    return true;
  }

  private async deliver(row: OutboxRecord): Promise<"sent" | "retry" | "failed"> {
    const parsed = messageSchema.safeParse(row.message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join(".") : "the message";
      await this.o.outbox.fail(row, `the stored message is malformed: ${where}: ${issue?.message ?? "unreadable"}`);
      this.o.onOutcome?.("failed", row, "malformed");
      return "failed";
    }
    if (row.responseUrl) return this.deliverReply(row, row.responseUrl, parsed.data);
    if (parsed.data.files) return this.deliverUpload(row, parsed.data, parsed.data.files);
    const {
      response_type: _type,
      replace_original: _replace,
      ephemeral_in: ephemeralIn,
      files: _files,
      ...rest
    } = parsed.data;
    const message = rest as { text: string; blocks?: never[] };
    if (ephemeralIn && row.toUser && !row.inDoubt && !row.messageTs) {
      try {
        await this.o.client.chat.postEphemeral({ channel: ephemeralIn, user: row.recipient, ...message });
        await this.o.outbox.markSent(row, null);
        this.o.onOutcome?.("sent", row);
        return "sent";
      } catch (e) {
        const failure = failureOf(e);
        if (!failure) throw e;
        // Not shown in that channel (the bot is not in it, it is gone): the DM below instead.
        this.o.logger.debug({ key: row.key, failure }, "ephemeral message not shown; sending a DM instead");
      }
    }
    try {
      let where: { channelId: string; messageTs: string } | null = null;
      if (row.channelId && row.messageTs) {
        await this.o.client.chat.update({ channel: row.channelId, ts: row.messageTs, ...message });
        where = { channelId: row.channelId, messageTs: row.messageTs };
      } else {
        // A send of it was cut off: if it reached Slack, keep that message instead of posting it twice.
        if (row.inDoubt) where = await this.alreadyPosted(row);
        if (!where) {
          // A user id as the channel posts in the app's DM with that person (one call, no conversations.open).
          // The metadata names the row, so a send that is cut off can be found again.
          const r = await this.o.client.chat.postMessage({
            channel: row.recipient,
            ...message,
            metadata: { event_type: OUTBOX_EVENT, event_payload: { key: row.key } },
          });
          where = { channelId: r.channel ?? row.recipient, messageTs: r.ts ?? "" };
        }
      }
      await this.o.outbox.markSent(row, where);
      this.o.onOutcome?.("sent", row);
      return "sent";
    } catch (e) {
      const failure = failureOf(e);
      if (!failure) throw e;
      return this.afterSendFailure(row, failure);
    }
  }

  /** A failed send: retried with backoff (a post that may have landed looked for first), or given up. */
  private async afterSendFailure(row: OutboxRecord, failure: Failure): Promise<"retry" | "failed"> {
    const now = this.o.clock();
    if (failure.kind === "rate-limited") this.pausedUntil = Date.now() + failure.retryAfterSec * 1000;
    const verdict = afterFailure(
      failure,
      { attempts: row.attempts, firstDueAt: row.notBefore, now, random: Math.random() },
      this.o.policy,
    );
    if (verdict.retry) {
      // A post that may have landed is looked for before the next one (an update is the same either way).
      const inDoubt = row.inDoubt || (!row.messageTs && ambiguous(failure));
      await this.o.outbox.retryAt(row, verdict.at, verdict.reason, inDoubt);
      this.o.logger.warn({ key: row.key, reason: verdict.reason, at: verdict.at }, "message not delivered yet");
      this.o.onOutcome?.("retry", row, verdict.reason);
      return "retry";
    }
    await this.o.outbox.fail(row, verdict.reason);
    this.o.logger.error({ key: row.key, reason: verdict.reason }, "message given up");
    this.o.onOutcome?.("failed", row, verdict.reason);
    return "failed";
  }

  /**
   * A message with files: one files.uploadV2 call shares them in the
   * conversation with the message's blocks. Slack gives such a share no
   * metadata, so a send that was cut off is looked for by its first file's
   * name before it is uploaded again. A share is not updated in place: a row
   * whose content changed after it landed stays as it landed.
   */
  private async deliverUpload(
    row: OutboxRecord,
    message: StoredMessage,
    files: NonNullable<StoredMessage["files"]>,
  ): Promise<"sent" | "retry" | "failed"> {
    if (row.messageTs) {
      await this.o.outbox.markSent(row, { channelId: row.channelId ?? row.recipient, messageTs: row.messageTs });
      this.o.onOutcome?.("sent", row);
      return "sent";
    }
    try {
      const channel = row.toUser
        ? ((await this.o.client.conversations.open({ users: row.recipient })).channel?.id ?? row.recipient)
        : row.recipient;
      let where = row.inDoubt ? await this.alreadyPosted(row, channel, files[0]!.filename) : null;
      if (!where) {
        await this.o.client.filesUploadV2({
          channel_id: channel,
          ...(message.blocks ? { blocks: message.blocks as never[] } : { initial_comment: message.text }),
          file_uploads: files.map((f) => ({
            file: Buffer.from(f.data, "base64"),
            filename: f.filename,
            title: f.title,
            ...(f.alt_text ? { alt_text: f.alt_text } : {}),
          })),
        });
        // files.uploadV2 does not say which message it made; found later, if ever needed, by the file's name.
        where = { channelId: channel, messageTs: "" };
      }
      await this.o.outbox.markSent(row, where.messageTs ? where : null);
      this.o.onOutcome?.("sent", row);
      return "sent";
    } catch (e) {
      const failure = failureOf(e) ?? uploadFailureOf(e);
      if (!failure) throw e;
      return this.afterSendFailure(row, failure);
    }
  }

  /**
   * A reply to someone's request, through its response_url while that takes
   * posts; once it is spent (expired, used up, or failing past the policy)
   * the row becomes a DM to the person. A post that may have landed is sent
   * again as a replacement of the command's reply, so it never shows twice.
   * A 429 here waits for its own Retry-After, in full, without pausing the
   * Web API sends.
   */
  private async deliverReply(
    row: OutboxRecord,
    url: string,
    message: StoredMessage,
  ): Promise<"sent" | "retry" | "failed"> {
    const now = this.o.clock();
    const toDm = async (why: string) => {
      await this.o.outbox.asDirectMessage(row, why);
      this.o.logger.info({ key: row.key, why }, "reply goes as a DM");
      this.lookAgain();
      return "retry" as const;
    };
    if (row.responseUntil && now >= row.responseUntil) return toDm("the response_url has expired");
    const body: ReplyBody =
      row.inDoubt && message.replace_original === undefined ? { ...message, replace_original: true } : message;
    const outcome = await postToResponseUrl(url, body);
    if (outcome.ok) {
      await this.o.outbox.markSent(row, null);
      this.o.onOutcome?.("sent", row);
      return "sent";
    }
    if (outcome.spent) return toDm(`the response_url answered HTTP ${outcome.status} ${outcome.body}`.trim());
    const verdict = afterFailure(
      outcome.failure,
      { attempts: row.attempts, firstDueAt: row.notBefore, now, random: Math.random() },
      this.o.policy,
    );
    if (!verdict.retry) {
      if (outcome.failure.kind === "http" && outcome.failure.status < 500) {
        await this.o.outbox.fail(row, `the response_url refused the reply: ${verdict.reason}`);
        this.o.logger.error({ key: row.key, reason: verdict.reason }, "reply given up");
        this.o.onOutcome?.("failed", row, verdict.reason);
        return "failed";
      }
      return toDm(verdict.reason);
    }
    // Retries that would outlive the response_url go as a DM instead when it expires.
    await this.o.outbox.retryAt(row, verdict.at, verdict.reason, row.inDoubt || ambiguous(outcome.failure));
    this.o.logger.warn({ key: row.key, reason: verdict.reason, at: verdict.at }, "reply not delivered yet");
    this.o.onOutcome?.("retry", row, verdict.reason);
    return "retry";
  }

  /**
   * The message of an in-doubt row if Slack has it (found among the
   * conversation's messages since the row was written by the key in its
   * metadata, or, for a share of files, by its first file's name), or null.
   * A lookup that fails is logged and taken as "not there": a message may
   * then show twice, but none is lost.
   */
  private async alreadyPosted(
    row: OutboxRecord,
    conversation?: string,
    fileName?: string,
  ): Promise<{ channelId: string; messageTs: string } | null> {
    try {
      const channel =
        conversation ??
        (row.toUser ? (await this.o.client.conversations.open({ users: row.recipient })).channel?.id : row.recipient);
      if (!channel) return null;
      const history = await this.o.client.conversations.history({
        channel,
        oldest: String(Math.floor(row.createdAt.getTime() / 1000) - 60),
        limit: 200,
        include_all_metadata: true,
      });
      const found = history.messages?.find((m) =>
        fileName !== undefined
          ? m.files?.some((f) => f.name === fileName)
          : m.metadata?.event_type === OUTBOX_EVENT &&
            (m.metadata.event_payload as { key?: unknown } | undefined)?.key === row.key,
      );
      return found?.ts ? { channelId: channel, messageTs: found.ts } : null;
    } catch (e) {
      const failure = failureOf(e);
      if (!failure) throw e;
      if (failure.kind === "rate-limited" || failure.kind === "network" || failure.kind === "http") throw e;
      this.o.logger.warn(
        { key: row.key, err: e },
        "could not check whether a cut-off message reached Slack; posting it",
      );
      return null;
    }
  }
}
