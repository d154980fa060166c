/**
 * Delivers the ledger's events to webhooks. Each look first runs the
 * dispatcher (new audit events become outbox rows of this sender), then
 * claims due webhook rows (never the Slack sender's: each sender takes its
 * own) and POSTs each one, signed, to its receiver:
 *
 * - the receiver's host name is resolved before every delivery, and a name
 *   that resolves to a refused address (link-local, metadata, and loopback or
 *   private unless allowed) fails the row without contacting anything; the
 *   connection goes to the very address checked, so a second answer of the
 *   DNS cannot redirect it;
 * - `Rangekeeper-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 *   with the webhook's secret;
 * - 2xx delivers; 410 Gone disables the webhook and tells the admin who added
 *   it (a DM through the outbox); 5xx, 408, 429, timeouts and network errors
 *   are retried with the outbox's backoff until its policy gives up; any
 *   other answer gives up at once. Rows of one range to one webhook go one
 *   at a time (the outbox's order key), so they arrive in order.
 */
import { createHmac } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Logger } from "pino";
import { z } from "zod";
import type { Outbox, OutboxRecord } from "../core/outbox.ts";
import { isWebhookEvent } from "../core/webhooks/events.ts";
import type { Webhooks, WebhookView } from "../core/webhooks/service.ts";
import { addressProblem, checkTargetUrl } from "../core/webhooks/targets.ts";
import { processName } from "../platform/process.ts";
import { PollingSender } from "./polling-sender.ts";
import { afterFailure, DEFAULT_RETRY_POLICY, type Failure, type RetryPolicy } from "./retry.ts";

/** The header carrying the signature. */
export const SIGNATURE_HEADER = "Rangekeeper-Signature";

/** What a webhook row of the outbox holds: the event as the receiver gets it. */
const payloadSchema = z.object({
  id: z.string().min(1),
  type: z.string().refine(isWebhookEvent, "not a webhook event"),
  created: z.number().int(),
  data: z.record(z.string(), z.unknown()),
});

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address of a host name, as the system resolves it. */
export const systemResolve = (host: string): Promise<ResolvedAddress[]> =>
  dnsLookup(host, { all: true, verbatim: true });

export interface WebhookSenderOptions {
  webhooks: Webhooks;
  outbox: Outbox;
  logger: Logger;
  /** loopback and private addresses may be contacted (WEBHOOK_ALLOW_PRIVATE) */
  allowPrivate: boolean;
  /** the DM to the admin who added a webhook that was disabled */
  disabledNotice: (w: WebhookView) => unknown;
  clock?: () => Date;
  policy?: RetryPolicy;
  /** how a host name is resolved (default: the system's resolver) */
  resolve?: (host: string) => Promise<ResolvedAddress[]>;
  /** how long one POST may take, connection to answer (default 10 s) */
  timeoutMs?: number;
  /** how long a claimed row is this sender's (default 60 s) */
  leaseMs?: number;
  /** rows claimed (and sent side by side) at once (default 20) */
  batch?: number;
  /** the longest wait between two looks (default 2 s) */
  pollMs?: number;
  /** called after each row settles */
  onOutcome?: (outcome: "sent" | "retry" | "failed", row: OutboxRecord, reason?: string) => void;
}

export interface WebhookDrainResult {
  dispatched: number;
  sent: number;
  retried: number;
  failed: number;
}

type PostOutcome = { status: number; retryAfter: string | undefined } | { error: string };

/** One POST to `url`, connecting to `to` (an address already checked) whatever the name resolves to now. */
function post(url: URL, to: ResolvedAddress, headers: Record<string, string>, body: string, timeoutMs: number) {
  return new Promise<PostOutcome>((resolve) => {
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all)
        (callback as never as (e: null, a: ResolvedAddress[]) => void)(null, [to]);
      else callback(null, to.address, to.family);
    };
    const request = (url.protocol === "https:" ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
      },
      (res) => {
        const retryAfter = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
        // The answer's body is not needed: read and dropped, and cut off with the request at the deadline.
        res.resume();
        res.on("end", () => clearTimeout(timer));
      },
    );
    // One deadline for the whole exchange: connecting, the answer, and its body.
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("error", (e) => {
      clearTimeout(timer);
      resolve({ error: e.message });
    });
    request.end(body);
  });
}

export class WebhookSender extends PollingSender<WebhookDrainResult> {
  readonly owner = processName(`webhooks-${Math.random().toString(36).slice(2, 8)}`);
  private readonly o: Required<Omit<WebhookSenderOptions, "onOutcome">> & Pick<WebhookSenderOptions, "onOutcome">;

  constructor(options: WebhookSenderOptions) {
    const o = {
      clock: () => new Date(),
      policy: DEFAULT_RETRY_POLICY,
      resolve: systemResolve,
      timeoutMs: 10_000,
      leaseMs: 60_000,
      batch: 20,
      pollMs: 2_000,
      ...options,
    };
    super({
      sender: "webhook",
      name: "the webhook sender",
      outbox: o.outbox,
      logger: o.logger,
      clock: o.clock,
      pollMs: o.pollMs,
    });
    this.o = o;
  }

  protected nothing(): WebhookDrainResult {
    return { dispatched: 0, sent: 0, retried: 0, failed: 0 };
  }

  /** Dispatches every new audit event, then delivers every webhook row due now. */
  protected async pass(total: WebhookDrainResult): Promise<void> {
    for (;;) {
      const d = await this.o.webhooks.dispatch();
      total.dispatched += d.deliveries;
      if (d.busy || !d.more) break;
    }
    for (;;) {
      const rows = await this.o.outbox.claimDue(this.owner, this.o.leaseMs, this.o.batch, "webhook");
      if (rows.length === 0) break;
      // Each row claimed is the first of its range to its webhook: they go side by side.
      const outcomes = await Promise.all(rows.map((row) => this.deliver(row)));
      for (const o of outcomes) total[o === "sent" ? "sent" : o === "retry" ? "retried" : "failed"]++;
    }
  }

  /** Gives a row up; `expected`: the webhook was removed or disabled, nothing went wrong. */
  private async failRow(row: OutboxRecord, reason: string, expected = false): Promise<"failed"> {
    await this.o.outbox.fail(row, reason);
    if (expected) this.o.logger.info({ key: row.key, reason }, "webhook delivery dropped");
    else this.o.logger.error({ key: row.key, reason }, "webhook delivery given up");
    this.o.onOutcome?.("failed", row, reason);
    return "failed";
  }

  private async deliver(row: OutboxRecord): Promise<"sent" | "retry" | "failed"> {
    const parsed = payloadSchema.safeParse(row.message);
    if (!parsed.success) return this.failRow(row, "the stored event is malformed");
    const hook = await this.o.webhooks.forDelivery(Number(row.recipient));
    if (!hook || hook.removedAt) return this.failRow(row, "the webhook was removed", true);
    if (hook.disabledAt)
      return this.failRow(row, `the webhook is disabled: ${hook.disabledReason ?? "by an admin"}`, true);
    const target = checkTargetUrl(hook.url, this.o.allowPrivate);
    if (!target.ok) return this.failRow(row, target.problem);
    let addresses: ResolvedAddress[];
    const family = isIP(target.host);
    try {
      addresses = family ? [{ address: target.host, family }] : await this.o.resolve(target.host);
    } catch (e) {
      return this.afterFailure(row, {
        kind: "network",
        message: `${target.host} did not resolve: ${(e as Error).message}`,
      });
    }
    if (addresses.length === 0)
      return this.afterFailure(row, { kind: "network", message: `${target.host} has no address` });
    for (const a of addresses) {
      const problem = addressProblem(a.address, this.o.allowPrivate);
      if (problem) return this.failRow(row, `refused: ${target.host} resolves to ${problem}`);
    }
    const { id, type, created, data } = parsed.data;
    const body = JSON.stringify({ id, type, created, data });
    const t = Math.floor(this.o.clock().getTime() / 1000);
    const outcome = await post(
      target.url,
      addresses[0]!,
      {
        "Content-Type": "application/json",
        "User-Agent": "rangekeeper-webhooks",
        [SIGNATURE_HEADER]: signatureHeader(hook.secret, body, t),
      },
      body,
      this.o.timeoutMs,
    );
    if ("error" in outcome) return this.afterFailure(row, { kind: "network", message: outcome.error });
    if (outcome.status >= 200 && outcome.status < 300) {
      await this.o.outbox.markSent(row, null);
      this.o.onOutcome?.("sent", row);
      return "sent";
    }
    if (outcome.status === 410) {
      const reason = `${hook.url} answered 410 Gone`;
      const disabled = await this.o.webhooks.disable(hook.id, reason, this.o.disabledNotice);
      if (disabled) this.o.logger.warn({ webhook: hook.id, url: hook.url }, "webhook disabled: its receiver is gone");
      return this.failRow(row, `HTTP 410 Gone: the webhook is disabled`);
    }
    const retryAfter = Number(outcome.retryAfter);
    return this.afterFailure(
      row,
      outcome.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0
        ? { kind: "rate-limited", retryAfterSec: retryAfter }
        : outcome.status === 429
          ? { kind: "http", status: 503 }
          : { kind: "http", status: outcome.status },
    );
  }

  /** A failed attempt: retried with the outbox's backoff, or given up once the policy says so. */
  private async afterFailure(row: OutboxRecord, failure: Failure): Promise<"retry" | "failed"> {
    const verdict = afterFailure(
      failure,
      { attempts: row.attempts, firstDueAt: row.notBefore, now: this.o.clock(), random: Math.random() },
      this.o.policy,
    );
    if (!verdict.retry) return this.failRow(row, verdict.reason);
    await this.o.outbox.retryAt(row, verdict.at, verdict.reason);
    this.o.logger.warn({ key: row.key, reason: verdict.reason, at: verdict.at }, "webhook not delivered yet");
    this.o.onOutcome?.("retry", row, verdict.reason);
    return "retry";
  }
}
