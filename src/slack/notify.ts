/**
 * Direct messages and channel posts, through the outbox: a message is written
 * there (once per key) and a sender delivers it, retrying what Slack asks to
 * retry, so none is lost when Slack or the process is briefly down. Updating
 * a message gives its outbox row new content, which the sender shows in place.
 */
import { randomUUID } from "node:crypto";
import type { Ledger } from "../core/ledger/index.ts";
import type { ReplyBody } from "../delivery/response-url.ts";
import type { Message } from "../ui/message.ts";

/** What the notifier needs of a sender: a nudge that something was written, or a row to deliver at once. */
export interface Kickable {
  kick(): void;
  deliverNow(teamId: string, key: string): Promise<unknown>;
}

/** Where a reply goes: the request's response_url while it takes posts, then a DM. */
export interface ReplyRoute {
  responseUrl: string;
  /** when the response_url stops taking posts */
  until: Date;
}

/** A reply as a response_url takes it (what the sender posts). */
export type ReplyContent = ReplyBody;

export interface MessageKey {
  key: string;
  kind: string;
  /** the range (assignment id) whose card the message shows: redrawn whenever it changes */
  about?: number;
}

export class Notifier {
  private readonly ledger: Ledger;
  private readonly sender: Kickable;

  constructor(ledger: Ledger, sender: Kickable) {
    this.ledger = ledger;
    this.sender = sender;
  }

  /**
   * Sends a DM; with a key, only if no message with that key was decided
   * before. With `ephemeralIn`, it is shown as an ephemeral message in that
   * channel instead, when Slack lets it. Returns whether it was new.
   */
  dm(
    teamId: string,
    userId: string,
    message: Message,
    key?: MessageKey,
    ephemeralIn?: string | null,
  ): Promise<boolean> {
    const content = ephemeralIn ? { ...message, ephemeral_in: ephemeralIn } : message;
    return this.enqueue(teamId, { user: userId }, content, key ?? { key: `dm:${randomUUID()}`, kind: "dm" });
  }

  /** Tells the sender that rows changed (e.g. messages given new content). */
  kick(): void {
    this.sender.kick();
  }

  /** Delivers the message of `key` now, rather than when the sender next looks. */
  async deliverNow(teamId: string, key: string): Promise<void> {
    await this.sender.deliverNow(teamId, key);
  }

  /**
   * Answers someone's request (a slash command, a click) through the outbox,
   * delivered at once: once per key, so a request handled again after a
   * restart does not answer twice.
   */
  async reply(teamId: string, userId: string, route: ReplyRoute, content: ReplyContent, key: string): Promise<void> {
    await this.ledger.outbox.enqueue(teamId, [
      { key, kind: "reply", to: { user: userId }, content, reply: { url: route.responseUrl, until: route.until } },
    ]);
    // Also when it was written before (the request handled again after a crash): sent now if it never was.
    await this.sender.deliverNow(teamId, key);
  }

  /** Posts in a channel; with a key, only once. */
  post(teamId: string, channel: string, message: Message, key?: MessageKey): Promise<boolean> {
    return this.enqueue(teamId, { channel }, message, key ?? { key: `post:${randomUUID()}`, kind: "post" });
  }

  private async enqueue(
    teamId: string,
    to: { user: string } | { channel: string },
    message: Message | (Message & { ephemeral_in: string }),
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

  /** Whether the message of `key` went to `userId` and landed in `channelId` (e.g. the message a form was opened from). */
  async shownTo(teamId: string, key: string, userId: string, channelId: string | null): Promise<boolean> {
    if (channelId === null) return false;
    const place = await this.ledger.outbox.placeOf(teamId, key);
    return place !== null && place.recipient === userId && place.channelId === channelId;
  }

  /** Who received (or will receive) the messages whose key starts with `prefix`. */
  recipients(teamId: string, prefix: string): Promise<string[]> {
    return this.ledger.outbox.recipientsWithPrefix(teamId, prefix);
  }
}
