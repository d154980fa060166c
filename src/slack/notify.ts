/**
 * Direct messages and channel posts, through the outbox: a message is written
 * there (once per key) and a sender delivers it, retrying what Slack asks to
 * retry, so none is lost when Slack or the process is briefly down. Updating
 * a message gives its outbox row new content, which the sender shows in place.
 */
import { randomUUID } from "node:crypto";
import type { Ledger } from "../core/ledger/index.ts";
import type { Message } from "../ui/message.ts";

/** What the notifier needs of a sender: a nudge that something was written. */
export interface Kickable {
  kick(): void;
}

export interface MessageKey {
  key: string;
  kind: string;
}

export class Notifier {
  private readonly ledger: Ledger;
  private readonly sender: Kickable;

  constructor(ledger: Ledger, sender: Kickable) {
    this.ledger = ledger;
    this.sender = sender;
  }

  /** Sends a DM; with a key, only if no message with that key was decided before. Returns whether it was new. */
  dm(teamId: string, userId: string, message: Message, key?: MessageKey): Promise<boolean> {
    return this.enqueue(teamId, { user: userId }, message, key ?? { key: `dm:${randomUUID()}`, kind: "dm" });
  }

  /** Posts in a channel; with a key, only once. */
  post(teamId: string, channel: string, message: Message, key?: MessageKey): Promise<boolean> {
    return this.enqueue(teamId, { channel }, message, key ?? { key: `post:${randomUUID()}`, kind: "post" });
  }

  private async enqueue(
    teamId: string,
    to: { user: string } | { channel: string },
    message: Message,
    key: MessageKey,
  ): Promise<boolean> {
    const written = await this.ledger.outbox.enqueue(teamId, [{ ...key, to, content: message }]);
    if (written.length) this.sender.kick();
    return written.length > 0;
  }

  /** Shows new content in every message whose key starts with `prefix` (e.g. all leads' copies of one request). */
  async updateAll(teamId: string, prefix: string, message: Message): Promise<number> {
    const changed = await this.ledger.outbox.replaceWithPrefix(teamId, prefix, message);
    if (changed) this.sender.kick();
    return changed;
  }

  /** Who received (or will receive) the messages whose key starts with `prefix`. */
  recipients(teamId: string, prefix: string): Promise<string[]> {
    return this.ledger.outbox.recipientsWithPrefix(teamId, prefix);
  }
}
