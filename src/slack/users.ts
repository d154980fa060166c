/**
 * Who a Slack user is: display name, time zone, workspace admin flag. Read
 * from users.info, cached per user, and kept on the member row so scheduled
 * jobs know each person's time zone.
 */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { DomainError, invalid } from "../core/errors.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { isPlatformError } from "./reply.ts";

export interface SlackUser {
  id: string;
  displayName: string;
  timezone: string | null;
  /** workspace admin or owner */
  isAdmin: boolean;
  isBot: boolean;
}

interface Entry {
  user: SlackUser;
  expires: number;
}

export class UserDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<SlackUser>>();

  private readonly client: WebClient;
  private readonly ledger: Ledger;
  private readonly logger: Logger;
  private readonly ttlMs: number;

  constructor(client: WebClient, ledger: Ledger, logger: Logger, ttlMs = 60 * 60 * 1000) {
    this.client = client;
    this.ledger = ledger;
    this.logger = logger;
    this.ttlMs = ttlMs;
  }

  async get(teamId: string, userId: string): Promise<SlackUser> {
    const key = `${teamId}:${userId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.user;
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    const p = this.fetch(teamId, userId).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** The user, or null when Slack does not know them (a forged or deleted id). */
  async find(teamId: string, userId: string): Promise<SlackUser | null> {
    try {
      return await this.get(teamId, userId);
    } catch (e) {
      if (e instanceof DomainError) return null;
      throw e;
    }
  }

  /** Display names of users (their id when Slack does not say), for text where mentions do not render. */
  async names(teamId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    return new Map(
      await Promise.all(
        userIds.map(
          async (id) =>
            [
              id,
              await this.get(teamId, id).then(
                (u) => u.displayName,
                () => id,
              ),
            ] as const,
        ),
      ),
    );
  }

  /** Forgets a user (e.g. after a user_change event). */
  forget(teamId: string, userId: string): void {
    this.cache.delete(`${teamId}:${userId}`);
  }

  private async fetch(teamId: string, userId: string): Promise<SlackUser> {
    try {
      const r = await this.client.users.info({ user: userId });
      const u = r.user;
      const user: SlackUser = {
        id: userId,
        displayName: u?.profile?.display_name || u?.real_name || u?.name || userId,
        timezone: u?.tz ?? null,
        isAdmin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner),
        isBot: Boolean(u?.is_bot),
      };
      this.cache.set(`${teamId}:${userId}`, { user, expires: Date.now() + this.ttlMs });
      await this.ledger
        .updateProfile(teamId, userId, { displayName: user.displayName, timezone: user.timezone })
        .catch((e: unknown) => {
          this.logger.warn({ err: e, userId }, "could not store the user's profile");
        });
      return user;
    } catch (e) {
      // A user Slack does not know is not a member of anything here: refused before anything is written.
      if (isPlatformError(e) && (e.data.error === "user_not_found" || e.data.error === "user_not_visible"))
        throw invalid(
          `Slack does not know the user ${userId.slice(0, 20)} in this workspace, so rangekeeper cannot act for them`,
        );
      // Without users.info the user is treated as an ordinary member; not cached, so the next call retries.
      this.logger.warn({ err: e, userId }, "users.info failed");
      return { id: userId, displayName: userId, timezone: null, isAdmin: false, isBot: false };
    }
  }
}
