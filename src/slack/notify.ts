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

  /** Sends a DM; with a key, only if no message with that key was sent before. Returns null when skipped. */
  async dm(
    teamId: string,
    userId: string,
    message: Message,
    key?: { key: string; kind: string },
  ): Promise<Posted | null> {
    if (key && !(await this.ledger.reserveNotification(teamId, key.key, key.kind, userId))) return null;
    try {
      const open = await this.client.conversations.open({ users: userId });
      const channel = open.channel?.id;
      if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`);
      const r = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      const posted = { channel, ts: r.ts ?? "" };
      if (key) await this.ledger.markNotificationSent(teamId, key.key, posted.channel, posted.ts);
      return posted;
    } catch (e) {
      if (key) await this.ledger.releaseNotification(teamId, key.key);
      throw e;
    }
  }

  /** Posts in a channel; with a key, only once. */
  async post(
    teamId: string,
    channel: string,
    message: Message,
    key?: { key: string; kind: string },
  ): Promise<Posted | null> {
    if (key && !(await this.ledger.reserveNotification(teamId, key.key, key.kind, channel))) return null;
    try {
      const r = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      const posted = { channel: r.channel ?? channel, ts: r.ts ?? "" };
      if (key) await this.ledger.markNotificationSent(teamId, key.key, posted.channel, posted.ts);
      return posted;
    } catch (e) {
      if (key) await this.ledger.releaseNotification(teamId, key.key);
      throw e;
    }
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
