/**
 * The outbox, as the senders of messages use it: a message with a key goes
 * out once (a retry or a second replica finds the key taken) and can be found
 * again to update it.
 */
import type { SentMessageRecord } from "../db/records.ts";
import type { LedgerContext } from "./ledger/context.ts";

export type SentMessage = SentMessageRecord;

/** Reserves a key; false when a message with this key was already sent (or is being sent). */
export async function reserveNotification(
  ctx: LedgerContext,
  teamId: string,
  key: string,
  kind: string,
  recipient: string,
): Promise<boolean> {
  await ctx.store.ensureWorkspace(teamId);
  return ctx.store.read.outbox.reserve(teamId, key, kind, recipient);
}

/** Records where a reserved message landed. */
export async function markNotificationSent(
  ctx: LedgerContext,
  teamId: string,
  key: string,
  channelId: string,
  messageTs: string,
): Promise<void> {
  await ctx.store.read.outbox.markSent(teamId, key, { channelId, messageTs, at: ctx.config.clock() });
}

/** Gives a reservation back when sending failed, so a later attempt may send it. */
export async function releaseNotification(ctx: LedgerContext, teamId: string, key: string): Promise<void> {
  await ctx.store.read.outbox.release(teamId, key);
}

/** Sent messages whose key starts with `prefix`. */
export async function sentMessages(ctx: LedgerContext, teamId: string, prefix: string): Promise<SentMessage[]> {
  return ctx.store.read.outbox.sentWithPrefix(teamId, prefix);
}
