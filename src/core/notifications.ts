/**
 * The outbox: what rangekeeper sent, keyed by what it is about, so a message
 * goes out once (a retry or a second replica finds the key taken) and can be
 * found again to update it.
 */
import type { LedgerContext } from "./ledger/context.js";

export interface SentMessage {
  key: string;
  recipient: string;
  channelId: string | null;
  messageTs: string | null;
}

/** Reserves a key; false when a message with this key was already sent (or is being sent). */
export async function reserveNotification(ctx: LedgerContext, teamId: string, key: string, kind: string, recipient: string): Promise<boolean> {
  await ctx.store.ensureWorkspace(teamId);
  const r = await ctx.store.prisma.notification.createMany({
    data: [{ teamId, dedupeKey: key, kind, recipient }],
    skipDuplicates: true,
  });
  return r.count === 1;
}

/** Records where a reserved message landed. */
export async function markNotificationSent(ctx: LedgerContext, teamId: string, key: string, channelId: string, messageTs: string): Promise<void> {
  await ctx.store.prisma.notification.update({
    where: { teamId_dedupeKey: { teamId, dedupeKey: key } },
    data: { channelId, messageTs, sentAt: ctx.config.clock() },
  });
}

/** Gives a reservation back when sending failed, so a later attempt may send it. */
export async function releaseNotification(ctx: LedgerContext, teamId: string, key: string): Promise<void> {
  await ctx.store.prisma.notification.deleteMany({ where: { teamId, dedupeKey: key, sentAt: null } });
}

/** Sent messages whose key starts with `prefix`. */
export async function sentMessages(ctx: LedgerContext, teamId: string, prefix: string): Promise<SentMessage[]> {
  const rows = await ctx.store.prisma.notification.findMany({
    where: { teamId, dedupeKey: { startsWith: prefix }, sentAt: { not: null } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ key: r.dedupeKey, recipient: r.recipient, channelId: r.channelId, messageTs: r.messageTs }));
}
