/**
 * Acknowledged work survives the process. Each slash command, click and
 * shortcut is written to the inbox before any listener acks it, and closed
 * once handled. A request left open by a process that died (or stopped
 * before it got to it) is handled again by the next start or by another
 * replica: its listener runs as it would have, its reply goes through the
 * outbox (to the response_url while it takes posts, as a DM after), and its
 * idempotency key makes sure the ledger changes once. An exact replay of a
 * signed request finds its signature written and is acked and dropped.
 *
 * Modal submissions are not written here: their ack is their answer, given
 * after the change and its confirmation are stored, so one cut off before the
 * ack was never acknowledged (Slack tells the person it failed).
 */
import { randomUUID } from "node:crypto";
import type { AnyMiddlewareArgs, App, Middleware } from "@slack/bolt";
import type { Logger } from "pino";
import type { Ledger } from "../core/ledger/index.ts";
import { deadOnThisMachine, processName } from "../platform/process.ts";
import type { ReplyRoute } from "./notify.ts";
import { incoming } from "./requests.ts";

/** What the inbox puts in a request's context for its listener. */
export interface InboxContext {
  /** the inbox row of the request */
  inboxId?: number;
  /** when it arrived (a reply's response_url is good for 30 minutes from then) */
  receivedAt?: number;
  /** handled again after its first process was gone: no trigger_id works any more */
  replayed?: boolean;
  /** the HTTP request's signature */
  signature?: string;
}

const WRITTEN_KINDS = new Set(["command", "block_actions", "shortcut", "message_action"]);

/** Attempts at a request before it is given up (one that kills the process every time must not loop). */
const MAX_ATTEMPTS = 3;

export class RequestInbox {
  private readonly ledger: Ledger;
  private readonly logger: Logger;
  readonly holder = processName("inbox");
  private timer: NodeJS.Timeout | null = null;
  private app: App | null = null;
  private looking: Promise<number> | null = null;
  private readonly onGiveUp: (teamId: string, userId: string, payload: unknown) => Promise<void>;
  private readonly onReplay: () => void;

  constructor(
    ledger: Ledger,
    logger: Logger,
    onGiveUp: (teamId: string, userId: string, payload: unknown) => Promise<void>,
    onReplay: () => void = () => undefined,
  ) {
    this.ledger = ledger;
    this.logger = logger.child({ component: "inbox" });
    this.onGiveUp = onGiveUp;
    this.onReplay = onReplay;
  }

  /** The middleware that writes each request down before its listener runs, and closes it after. */
  middleware(): Middleware<AnyMiddlewareArgs> {
    return async (args) => {
      const context = args.context as InboxContext;
      const req = incoming(args.body);
      if (context.inboxId !== undefined || !WRITTEN_KINDS.has(req.kind) || !req.teamId || !req.userId) {
        await args.next();
        return;
      }
      const written = await this.ledger.inbox.record(
        {
          teamId: req.teamId,
          userId: req.userId,
          kind: req.kind,
          signature: context.signature ?? null,
          payload: args.body,
        },
        this.holder,
      );
      if (written === null) {
        this.logger.warn({ team: req.teamId, kind: req.kind }, "refused a replay of a request already received");
        this.onReplay();
        await (args as { ack?: () => Promise<void> }).ack?.();
        return;
      }
      context.inboxId = written.id;
      context.receivedAt = written.receivedAt.getTime();
      try {
        await args.next();
      } finally {
        await this.ledger.inbox
          .finish(written.id)
          .catch((e: unknown) => this.logger.warn({ err: e, id: written.id }, "could not close a handled request"));
      }
    };
  }

  /** Starts looking for abandoned requests: now, then every `everyMs`. */
  start(app: App, everyMs: number): void {
    this.app = app;
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.handleAbandoned().finally(() => {
          if (this.timer) loop();
        });
      }, everyMs);
      this.timer.unref();
    };
    void this.handleAbandoned().finally(loop);
  }

  /**
   * Handles every open request whose process is gone (on this machine), or
   * whose lease ran out, or that a stopping process left; returns how many.
   * A call while one runs joins it.
   */
  handleAbandoned(): Promise<number> {
    this.looking ??= this.takeAll().finally(() => {
      this.looking = null;
    });
    return this.looking;
  }

  private async takeAll(): Promise<number> {
    const app = this.app;
    if (!app) return 0;
    let handled = 0;
    try {
      const dead = (await this.ledger.inbox.holders()).filter(deadOnThisMachine);
      for (;;) {
        const rows = await this.ledger.inbox.takeOver(this.holder, dead);
        if (rows.length === 0) break;
        // A batch at once: the listeners' work queue decides how many run together.
        await Promise.all(
          rows.map(async (row) => {
            if (row.attempts > MAX_ATTEMPTS) {
              this.logger.error({ id: row.id, kind: row.kind, attempts: row.attempts - 1 }, "request given up");
              await this.onGiveUp(row.teamId, row.userId, row.payload).catch((e: unknown) =>
                this.logger.error({ err: e, id: row.id }, "could not tell the user a request was given up"),
              );
              await this.ledger.inbox.finish(row.id, `given up after ${row.attempts - 1} interrupted attempts`);
              return;
            }
            this.logger.info(
              { id: row.id, kind: row.kind, receivedAt: row.receivedAt },
              "handling a request left unfinished",
            );
            await app.processEvent({
              body: row.payload as Record<string, unknown>,
              ack: async () => undefined,
              customProperties: { inboxId: row.id, receivedAt: row.receivedAt.getTime(), replayed: true },
            });
            await this.ledger.inbox.finish(row.id);
            handled++;
          }),
        );
      }
      if (handled) await this.ledger.inbox.purge();
    } catch (e) {
      this.logger.warn({ err: e }, "could not look for unfinished requests; trying again later");
    }
    return handled;
  }

  /** Stops looking, and leaves the requests this process still holds to the next one. Returns how many. */
  async stop(): Promise<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.looking?.catch(() => undefined);
    return this.ledger.inbox.release(this.holder).catch(() => 0);
  }
}

/** What a listener knows of its request from the inbox. */
export interface RequestFacts {
  receivedAt: Date;
  /** handled again after the process that acked it was gone */
  replayed: boolean;
  /** names this request alone (its inbox row), the same when it is handled again */
  requestId: string;
}

export function requestFacts(context: unknown): RequestFacts {
  const c = context as InboxContext;
  return {
    receivedAt: c.receivedAt !== undefined ? new Date(c.receivedAt) : new Date(),
    replayed: c.replayed === true,
    requestId: c.inboxId !== undefined ? `in${c.inboxId}` : randomUUID(),
  };
}

/** Slack takes posts to a response_url for 30 minutes after the request. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/** Where the answers to a request go: its response_url for 30 minutes from its arrival, then a DM. */
export function replyRoute(responseUrl: string, facts: { receivedAt: Date }): ReplyRoute {
  return { responseUrl, until: new Date(facts.receivedAt.getTime() + RESPONSE_URL_LIFETIME_MS) };
}
