/**
 * The outbox, as the core sees it: messages are decided (written with a key
 * that names what they are about, in the transaction of the decision) and
 * delivered later by a sender. A key is written once, so a message is decided
 * once whatever runs concurrently; a DM decided for a person's working hours
 * waits until they open. The content is opaque here: the layer that renders
 * it (Block Kit) is the layer that delivers it.
 */
import type { NewOutboxRecord, OutboxBacklog, OutboxCard, OutboxRecord, OutboxSender } from "../db/records.ts";
import type { Repositories } from "../db/store.ts";
import { isValidTimezone } from "./dates.ts";
import type { LedgerContext } from "./ledger/context.ts";
import { DEFAULT_WORKING_HOURS, nextWorkingInstant, type WorkingHours } from "./time.ts";

export type { OutboxBacklog, OutboxCard, OutboxRecord, OutboxSender };

/**
 * How long a reply is its request's to deliver before any sender takes it (a
 * request cut off between writing and sending its reply): a sender's batch
 * must not hold a reply behind slower messages.
 */
export const REPLY_LEFT_TO_SENDERS_AFTER_MS = 15_000;

/** Where a message goes: a person (a DM) or a channel. */
export type Recipient = { user: string } | { channel: string };

export interface OutgoingMessage {
  /** what the message is about, e.g. "overdue:A17:2026-11-20:U0ANA"; one message per key, ever */
  key: string;
  /** a family of messages, for counting ("overdue_dm", "handoff_request") */
  kind: string;
  to: Recipient;
  /** the rendered message, stored as JSON */
  content: unknown;
  /**
   * Hold it until working hours (what a job decides; answers to someone's
   * action go at once): a DM in the person's zone, a channel post in the team's.
   */
  workingHours?: boolean;
  /**
   * An answer to a person's request (`to` is that person): posted to the
   * request's response_url while it takes posts (until `until`), as a DM after.
   */
  reply?: { url: string; until: Date };
  /**
   * The range (assignment id) whose card the message shows: when the range
   * changes, the card is redrawn in place (never for a reply, which Slack
   * does not let anyone edit later).
   */
  about?: number;
}

/** The working hours and zone of a workspace, with the configured defaults filled in. */
export async function workspaceSchedule(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
): Promise<{ timezone: string; hours: WorkingHours; escalateAfterDays: number; stalledAfterDays: number }> {
  const w = await r.workspaces.get(teamId);
  return {
    timezone: w?.timezone ?? ctx.config.defaultTimezone,
    hours: w ? { start: w.workdayStart, end: w.workdayEnd, days: w.workdays } : DEFAULT_WORKING_HOURS,
    escalateAfterDays: w?.escalateAfterDays ?? 2,
    stalledAfterDays: w?.stalledAfterDays ?? 3,
  };
}

/**
 * Turns messages into outbox rows: the earliest delivery of a message held
 * for working hours is when the next working hours open, a DM's in the
 * person's zone (the workspace's when theirs is unknown), a channel post's in
 * the workspace's zone; a message not held goes at once.
 */
export async function outboxRows(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  messages: readonly OutgoingMessage[],
  now: Date,
): Promise<NewOutboxRecord[]> {
  const held = messages.filter((m) => m.workingHours);
  const schedule = held.length > 0 ? await workspaceSchedule(ctx, r, teamId) : null;
  const zones = schedule
    ? await r.members.timezones(
        teamId,
        held.flatMap((m) => ("user" in m.to ? [m.to.user] : [])),
      )
    : new Map<string, string>();
  return messages.map((m) => {
    const user = "user" in m.to ? m.to.user : null;
    let notBefore = now;
    if (schedule && m.workingHours) {
      const zone = user ? zones.get(user) : undefined;
      notBefore = nextWorkingInstant(now, zone && isValidTimezone(zone) ? zone : schedule.timezone, schedule.hours);
    }
    return {
      teamId,
      key: m.key,
      kind: m.kind,
      recipient: user ?? (m.to as { channel: string }).channel,
      toUser: user !== null,
      message: m.content,
      notBefore,
      ...(m.about !== undefined && !m.reply ? { subject: m.about } : {}),
      // A reply is delivered by its request at once; a sender takes it only if that did not happen.
      ...(m.reply && user !== null
        ? {
            responseUrl: m.reply.url,
            responseUntil: m.reply.until,
            firstAttemptAt: new Date(now.getTime() + REPLY_LEFT_TO_SENDERS_AFTER_MS),
          }
        : {}),
    };
  });
}

/** Writes messages in the transaction `r`; returns the keys that were new. */
export async function enqueueIn(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  messages: readonly OutgoingMessage[],
  now: Date,
): Promise<string[]> {
  return r.outbox.enqueue(await outboxRows(ctx, r, teamId, messages, now), now);
}

/**
 * The outbox's operations outside a ledger change: what the Slack layer
 * sends in answer to someone's action, and what a sender needs to deliver.
 */
export class Outbox {
  private readonly ctx: LedgerContext;

  constructor(ctx: LedgerContext) {
    this.ctx = ctx;
  }

  private get now(): Date {
    return this.ctx.config.clock();
  }

  /** Writes messages (each key once); returns the keys that were new. */
  async enqueue(teamId: string, messages: readonly OutgoingMessage[]): Promise<string[]> {
    await this.ctx.store.ensureWorkspace(teamId);
    return this.ctx.store.transaction((r) => enqueueIn(this.ctx, r, teamId, messages, this.now));
  }

  /** Shows new content in every message whose key starts with `prefix` (updated in place once delivered). */
  replaceWithPrefix(teamId: string, prefix: string, content: unknown): Promise<number> {
    return this.ctx.store.transaction((r) => r.outbox.replaceContentWithPrefix(teamId, prefix, content, this.now));
  }

  /** Shows new content in the message of `key` (updated in place once delivered); false when it had that content already. */
  async replace(teamId: string, key: string, content: unknown): Promise<boolean> {
    const r = await this.ctx.store.transaction((r) => r.outbox.replaceContent(teamId, key, content, this.now));
    return r === "updated";
  }

  /** The conversation the message of `key` landed in, with its recipient (null: no such message). */
  placeOf(teamId: string, key: string): Promise<{ recipient: string; channelId: string | null } | null> {
    return this.ctx.store.read.outbox.placeOf(teamId, key);
  }

  /** The messages that show the card of one of the ranges `assignmentIds`. */
  cardsOf(teamId: string, assignmentIds: readonly number[]): Promise<OutboxCard[]> {
    return this.ctx.store.read.outbox.cardsOf(teamId, assignmentIds);
  }

  /** The recipients of the messages whose key starts with `prefix`. */
  recipientsWithPrefix(teamId: string, prefix: string): Promise<string[]> {
    return this.ctx.store.read.outbox.recipientsWithPrefix(teamId, prefix);
  }

  // ---- for senders

  /** Claims `sender`'s rows due now for `owner`, for `leaseMs`. */
  claimDue(owner: string, leaseMs: number, limit: number, sender: OutboxSender = "slack"): Promise<OutboxRecord[]> {
    return this.ctx.store.transaction((r) => r.outbox.claimDue(this.now, owner, leaseMs, limit, sender));
  }

  /** Claims the row of `key` for `owner` if it is due and free. */
  claimKey(teamId: string, key: string, owner: string, leaseMs: number): Promise<OutboxRecord | null> {
    return this.ctx.store.read.outbox.claimKey(teamId, key, this.now, owner, leaseMs);
  }

  /** Records the send; `where` is the message it made (null for a reply through a response_url, which tells nothing). */
  markSent(row: OutboxRecord, where: { channelId: string; messageTs: string } | null): Promise<void> {
    return this.ctx.store.read.outbox.markSent(row.id, row.revision, where, this.now);
  }

  /** Tries again at `at`; `inDoubt` when the failed attempt may have reached Slack (look before posting again). */
  retryAt(row: OutboxRecord, at: Date, error: string, inDoubt = false): Promise<void> {
    return this.ctx.store.read.outbox.retryAt(row.id, at, error, inDoubt);
  }

  /** A reply whose response_url no longer takes posts: it goes as a DM from now on. */
  asDirectMessage(row: OutboxRecord, why: string): Promise<void> {
    return this.ctx.store.read.outbox.dropResponseUrl(row.id, why, this.now);
  }

  fail(row: OutboxRecord, error: string): Promise<void> {
    return this.ctx.store.read.outbox.fail(row.id, error, this.now);
  }

  releaseLeases(owner: string | readonly string[]): Promise<number> {
    return this.ctx.store.read.outbox.releaseLeases(owner);
  }

  leaseHolders(sender: OutboxSender = "slack"): Promise<string[]> {
    return this.ctx.store.read.outbox.leaseHolders(sender);
  }

  nextDueAt(sender: OutboxSender = "slack"): Promise<Date | null> {
    return this.ctx.store.read.outbox.nextDueAt(sender);
  }

  /** Counts by status, of one workspace or of all, of one sender's rows or of all. */
  backlog(teamId?: string, sender?: OutboxSender): Promise<OutboxBacklog> {
    return this.ctx.store.read.outbox.backlog(this.now, teamId, sender);
  }

  failed(teamId: string, limit = 5, sender?: OutboxSender): Promise<OutboxRecord[]> {
    return this.ctx.store.read.outbox.failed(teamId, limit, sender);
  }
}
