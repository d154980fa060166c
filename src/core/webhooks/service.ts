/**
 * Outgoing webhooks: admins register receivers of the ledger's events; the
 * dispatcher turns each new audit event into one outbox row per receiver
 * that takes its type (delivered by the webhook sender), in order per range
 * and receiver. Every change of a webhook is audited.
 */
import { randomBytes } from "node:crypto";
import type { NewOutboxRecord, WebhookRecord } from "../../db/records.ts";
import type { Repositories } from "../../db/store.ts";
import { advance } from "../audit-stream.ts";
import { invalid, notFound } from "../errors.ts";
import { change, type LedgerContext, roleOf } from "../ledger/context.ts";
import { enqueueIn } from "../outbox.ts";
import { requireRole } from "../roles.ts";
import type { Actor, ChangeOptions } from "../types.ts";
import { eventTypesOf, isWebhookEvent, subscribes, WEBHOOK_EVENTS, webhookEventId, webhookPayload } from "./events.ts";
import { checkTargetUrl } from "./targets.ts";

/** A webhook as admins see it (never its secret). */
export interface WebhookView {
  id: number;
  url: string;
  /** event types it receives; empty: all */
  events: string[];
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
}

export type { WebhookRecord };

export const webhookView = (w: WebhookRecord): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  createdBy: w.createdBy,
  createdAt: w.createdAt,
  disabledAt: w.disabledAt,
  disabledReason: w.disabledReason,
});

/** The most webhooks one workspace keeps (each event is delivered once per webhook). */
export const MAX_WEBHOOKS = 20;

/** The outbox kind of a webhook delivery (the Slack sender never takes these rows). */
export const WEBHOOK_KIND = "webhook";

/** The actor of what the webhooks do on their own (a receiver gone, a webhook disabled). */
const SYSTEM_ACTOR = "system:webhooks";

/** Events dispatched per pass (one transaction). */
const DISPATCH_BATCH = 200;

export interface DispatchResult {
  /** another dispatcher holds the cursor */
  busy: boolean;
  events: number;
  /** deliveries written */
  deliveries: number;
  /** the pass was cut short: more events wait */
  more: boolean;
}

/** A generated signing secret: 32 random bytes, base64url. */
const newSecret = (): string => randomBytes(32).toString("base64url");

export class Webhooks {
  private readonly ctx: LedgerContext;

  constructor(ctx: LedgerContext) {
    this.ctx = ctx;
  }

  private get now(): Date {
    return this.ctx.config.clock();
  }

  private async requireAdmin(r: Repositories, actor: Actor): Promise<void> {
    requireRole(await roleOf(this.ctx, r, actor), "ADMIN", "manage webhooks");
  }

  /**
   * Registers a receiver of `events` (none: all) at `url`. Returns the webhook
   * and its signing secret, shown to the admin this once.
   */
  async add(
    actor: Actor,
    input: { url: string; events: readonly string[] },
    opts: ChangeOptions = {},
  ): Promise<{ webhook: WebhookView; secret: string | null; replayed: boolean }> {
    // Made outside the change: a repeated request gets the webhook, not its secret (no record keeps it but the webhook's).
    const secret = newSecret();
    const r = await change(this.ctx, actor.teamId, "webhook.add", opts.idempotencyKey, async (r) => {
      await this.requireAdmin(r, actor);
      const target = checkTargetUrl(input.url, this.ctx.config.allowPrivateWebhooks);
      if (!target.ok) throw invalid(target.problem, { field: "url" });
      const unknown = input.events.filter((e) => !isWebhookEvent(e));
      if (unknown.length)
        throw invalid(
          `${unknown.join(", ")} ${unknown.length === 1 ? "is not an event" : "are not events"}; events: ${WEBHOOK_EVENTS.join(", ")}`,
          {
            field: "events",
          },
        );
      if ((await r.webhooks.listed(actor.teamId)).length >= MAX_WEBHOOKS)
        throw invalid(`a workspace keeps at most ${MAX_WEBHOOKS} webhooks; remove one first`);
      const now = this.now;
      const events = [...new Set(input.events)];
      const w = await r.webhooks.create({
        teamId: actor.teamId,
        url: target.url.href,
        events,
        secret,
        createdBy: actor.userId,
        createdAt: now,
      });
      await r.audit.append({
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "webhook.add",
        after: { webhook: w.id, url: w.url, events },
        at: now,
      });
      return { webhook: webhookView(w) };
    });
    return { webhook: r.webhook, secret: r.replayed ? null : secret, replayed: r.replayed };
  }

  /** The workspace's webhooks (admins). */
  async list(actor: Actor): Promise<WebhookView[]> {
    return this.ctx.store.transaction(async (r) => {
      await this.requireAdmin(r, actor);
      return (await r.webhooks.listed(actor.teamId)).map(webhookView);
    });
  }

  /** Removes a webhook (admins): nothing more is delivered to it. */
  remove(actor: Actor, id: number, opts: ChangeOptions = {}): Promise<{ webhook: WebhookView; replayed: boolean }> {
    return change(this.ctx, actor.teamId, "webhook.remove", opts.idempotencyKey, async (r) => {
      await this.requireAdmin(r, actor);
      const w = await r.webhooks.find(actor.teamId, id);
      if (!w || w.removedAt) throw notFound(`there is no webhook ${id}; /ledger webhook list shows them`);
      const now = this.now;
      await r.webhooks.remove(w.id, now);
      await r.audit.append({
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "webhook.remove",
        before: { webhook: w.id, url: w.url, events: w.events },
        at: now,
      });
      return { webhook: webhookView(w) };
    });
  }

  // ---- for the sender

  /** The webhook a delivery is for (its secret and URL), or null when it is gone. */
  forDelivery(id: number): Promise<WebhookRecord | null> {
    return this.ctx.store.read.webhooks.byId(id);
  }

  /**
   * Disables a webhook whose receiver is gone, and tells the admin who added
   * it: `notice` renders the DM. Null when it was disabled or removed already.
   */
  async disable(id: number, reason: string, notice: (w: WebhookView) => unknown): Promise<WebhookView | null> {
    return this.ctx.store.transaction(async (r) => {
      const w = await r.webhooks.byId(id);
      const now = this.now;
      if (!w || !(await r.webhooks.disable(id, reason, now))) return null;
      const view = { ...webhookView(w), disabledAt: now, disabledReason: reason };
      await r.audit.append({
        teamId: w.teamId,
        actorId: SYSTEM_ACTOR,
        action: "webhook.disable",
        before: { webhook: w.id, url: w.url },
        after: { disabled: true },
        reason,
        at: now,
      });
      await enqueueIn(
        this.ctx,
        r,
        w.teamId,
        [
          {
            key: `webhook-disabled:${w.id}`,
            kind: "webhook_disabled",
            to: { user: w.createdBy },
            content: notice(view),
          },
        ],
        now,
      );
      return view;
    });
  }

  /**
   * One pass of the dispatcher: the audit events after the cursor, each
   * made into a delivery per active webhook of its workspace that takes its
   * type and existed when it happened, written to the outbox with the
   * cursor's advance in one transaction. A delivery's key names the webhook
   * and the event, so an event read twice is delivered once; deliveries of
   * one range to one webhook share an order key, so they go in order.
   */
  dispatch(limit = DISPATCH_BATCH): Promise<DispatchResult> {
    return this.ctx.store.transaction(async (r) => {
      const cursor = await r.webhooks.lockCursor();
      if (!cursor) return { busy: true, events: 0, deliveries: 0, more: false };
      const batch = await r.audit.streamAfter(cursor, limit);
      const now = this.now;
      const hooks = batch.events.length ? await r.webhooks.active() : [];
      const rows: NewOutboxRecord[] = [];
      for (const e of batch.events) {
        for (const type of eventTypesOf(e)) {
          for (const h of hooks) {
            if (h.teamId !== e.teamId || !subscribes(h.events, type) || e.at < h.createdAt) continue;
            rows.push({
              teamId: e.teamId,
              key: `webhook:${h.id}:${webhookEventId(e.id, type)}`,
              kind: WEBHOOK_KIND,
              recipient: String(h.id),
              toUser: false,
              message: webhookPayload(e, type),
              notBefore: now,
              sender: "webhook",
              ...(e.assignmentId !== null ? { orderKey: `webhook:${h.id}:A${e.assignmentId}` } : {}),
            });
          }
        }
      }
      const written = await r.outbox.enqueue(rows, now);
      await r.webhooks.saveCursor(advance(cursor, batch, limit), now);
      const more = batch.events.length === limit;
      return { busy: false, events: batch.events.length, deliveries: written.length, more };
    });
  }
}
