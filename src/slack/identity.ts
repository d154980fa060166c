/**
 * Who rangekeeper is in Slack: `auth.test` with the bot token, before the bot
 * says it runs. A token Slack refuses stops start-up (SlackTokenRefused); a
 * Slack that cannot be reached is logged with the URL and method and tried
 * again in the background, while /healthz reports it. The workspace the
 * token belongs to is the only one whose requests are taken.
 */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { transient } from "../delivery/retry.ts";
import { failureOf } from "../delivery/slack-sender.ts";

export interface Installation {
  teamId: string;
  enterpriseId: string | null;
  botId: string;
  botUserId: string;
}

export type SlackReachability = "checking" | "ok" | "unreachable";

/** Slack refused the bot token: nothing will work until it is replaced. */
export class SlackTokenRefused extends Error {
  override readonly name = "SlackTokenRefused";
  readonly slackError: string;

  constructor(slackError: string) {
    super(`SLACK_BOT_TOKEN was refused by Slack (auth.test answered ${slackError}); check the token and start again`);
    this.slackError = slackError;
  }
}

export class SlackIdentity {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly url: string;
  private installation: Installation | null = null;
  private waiters: ((i: Installation) => void)[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  state: SlackReachability = "checking";

  /** `client`: a Web API client that does not retry (this class does). */
  constructor(client: WebClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
    const base = client.slackApiUrl;
    this.url = `${base.replace(/\/$/, "")}/auth.test`;
  }

  /** The installation, once auth.test answered (null before). */
  get current(): Installation | null {
    return this.installation;
  }

  /** Resolves with the installation as soon as auth.test has answered. */
  ready(): Promise<Installation> {
    if (this.installation) return Promise.resolve(this.installation);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Asks Slack once. Resolves true when it answered, false when it could not
   * be reached (then it keeps trying in the background until `stop()`);
   * rejects with SlackTokenRefused when it refused the token.
   */
  async check(): Promise<boolean> {
    try {
      const r = await this.client.auth.test();
      if (!r.team_id || !r.user_id) throw new SlackTokenRefused("no team or user for this token");
      this.installation = {
        teamId: r.team_id,
        enterpriseId: r.enterprise_id ?? null,
        botId: r.bot_id ?? "",
        botUserId: r.user_id,
      };
      this.state = "ok";
      for (const w of this.waiters.splice(0)) w(this.installation);
      return true;
    } catch (e) {
      if (e instanceof SlackTokenRefused) throw e;
      const failure = failureOf(e);
      if (failure?.kind === "platform" && !transient(failure)) throw new SlackTokenRefused(failure.error);
      this.state = "unreachable";
      this.logger.warn(
        { url: this.url, method: "auth.test", err: e instanceof Error ? e.message : String(e) },
        "Slack could not be reached; trying again",
      );
      return false;
    }
  }

  /** Tries again every `everyMs` until Slack answers; a refusal then goes to `onRefused`. */
  keepTrying(everyMs: number, onRefused: (e: SlackTokenRefused) => void): void {
    if (this.installation || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.check().then(
        (ok) => {
          if (ok) this.logger.info({ team: this.installation?.teamId }, "Slack answered");
          else this.keepTrying(Math.min(everyMs * 2, 60_000), onRefused);
        },
        (e: unknown) => onRefused(e as SlackTokenRefused),
      );
    }, everyMs);
    this.retryTimer.unref();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** True when a request from `teamId` (of `enterpriseId`) is for this installation. */
  serves(teamId: string | undefined, enterpriseId: string | undefined): boolean {
    const i = this.installation;
    if (!i) return false;
    return teamId === i.teamId || (i.enterpriseId !== null && enterpriseId === i.enterpriseId);
  }
}
