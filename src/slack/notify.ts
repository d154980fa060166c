/**
 * Direct messages and message updates. A message with a key is sent at most
 * once (the outbox in the ledger remembers it) and can be updated later.
 */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import type { Ledger } from "../core/ledger/index.ts";
import type { Message } from "../ui/message.ts";

export interface Posted {
  channel: string;
  ts: string;
}

export class Notifier {
  private readonly client: WebClient;
  private readonly ledger: Ledger;
  private readonly logger: Logger;

  constructor(client: WebClient, ledger: Ledger, logger: Logger) {
    this.client = client;
    this.ledger = ledger;
    this.logger = logger;
  }

  /** Reservations taken and not yet settled (sent or given back), by "team key". */
  private readonly reserved = new Map<string, { teamId: string; key: string }>();

  /** Sends a DM; with a key, only if no message with that key was sent before. Returns null when skipped. */
  dm(teamId: string, userId: string, message: Message, key?: { key: string; kind: string }): Promise<Posted | null> {
    return this.once(teamId, userId, key, async () => {
      const open = await this.client.conversations.open({ users: userId });
      const channel = open.channel?.id;
      if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`);
      const r = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      return { channel, ts: r.ts ?? "" };
    });
  }

  /** Posts in a channel; with a key, only once. */
  post(teamId: string, channel: string, message: Message, key?: { key: string; kind: string }): Promise<Posted | null> {
    return this.once(teamId, channel, key, async () => {
      const r = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      return { channel: r.channel ?? channel, ts: r.ts ?? "" };
    });
  }

  /**
   * Sends with the outbox's reservation around it: a key already taken skips
   * the send; a failed send gives the key back so a later attempt may send it.
   */
  private async once(
    teamId: string,
    recipient: string,
    key: { key: string; kind: string } | undefined,
    send: () => Promise<Posted>,
  ): Promise<Posted | null> {
    if (!key) return send();
    if (!(await this.ledger.reserveNotification(teamId, key.key, key.kind, recipient))) return null;
    const id = `${teamId} ${key.key}`;
    this.reserved.set(id, { teamId, key: key.key });
    try {
      const posted = await send();
      await this.ledger.markNotificationSent(teamId, key.key, posted.channel, posted.ts);
      return posted;
    } catch (e) {
      await this.ledger.releaseNotification(teamId, key.key);
      throw e;
    } finally {
      this.reserved.delete(id);
    }
  }

  /**
   * Gives back the reservations of sends still under way (at shutdown, once
   * the grace period is over), so that no key stays taken by a message that
   * was never sent. Returns how many.
   */
  async releaseUnsent(): Promise<number> {
    const unsettled = [...this.reserved.values()];
    this.reserved.clear();
    for (const r of unsettled) {
      await this.ledger.releaseNotification(r.teamId, r.key).catch((e: unknown) => {
        this.logger.warn({ err: e, key: r.key }, "could not give back an unsent message's key");
      });
    }
    return unsettled.length;
  }

  /** Rewrites every sent message whose key starts with `prefix` (e.g. all leads' copies of one request). */
  async updateAll(teamId: string, prefix: string, message: Message): Promise<number> {
    const sent = await this.ledger.sentMessages(teamId, prefix);
    let updated = 0;
    for (const m of sent) {
      if (!m.channelId || !m.messageTs) continue;
      try {
        await this.client.chat.update({
          channel: m.channelId,
          ts: m.messageTs,
          text: message.text,
          blocks: message.blocks,
        });
        updated += 1;
      } catch (e) {
        this.logger.warn({ err: e, key: m.key }, "could not update a sent message");
      }
    }
    return updated;
  }
}
