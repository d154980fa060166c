/**
 * Delivers what Slack sends to the app: signed HTTP requests to the request URL
 * (`POST /slack/events`), or envelopes over a Socket Mode connection.
 */
import { createHmac } from "node:crypto";
import { stringify as formEncode } from "node:querystring";
import type { StandinServer } from "./server.ts";
import type { EnvelopeType } from "./socket.ts";
import type { DeliveryResult, Json } from "./types.ts";
import { isObject } from "./util.ts";

/** Slack's request signature: `v0=` + HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`). */
export function signRequest(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest("hex")}`;
}

/** Options for one delivery; the defaults send exactly what Slack sends. */
export interface DeliverOptions {
  /** Sign with a wrong secret. */
  badSignature?: boolean;
  /** Send no x-slack-signature header at all. */
  omitSignature?: boolean;
  /** Request timestamp in seconds (default: now). */
  timestamp?: number;
  /** Shift the timestamp by this many seconds (e.g. -600 for a stale request). */
  timestampSkewSec?: number;
  /** x-slack-retry-num / x-slack-retry-reason headers (Socket Mode: retry_attempt / retry_reason). */
  retryNum?: number;
  retryReason?: string;
  /** Override the content-type header (HTTP only). */
  contentType?: string;
  /** How long to wait for the app's response or ack (default 10 s). */
  timeoutMs?: number;
  /** Force a transport for this delivery. */
  transport?: "http" | "socket";
}

export type Transport = "auto" | "http" | "socket";

export type DeliveryKind = "command" | "interaction" | "event";

const SLACK_ACK_BUDGET_MS = 3000;

export class Driver {
  /** The app's request URL, e.g. http://127.0.0.1:3000/slack/events (HTTP mode). */
  requestUrl: string | undefined;
  /** `auto`: HTTP when a request URL is set, else Socket Mode. */
  transport: Transport;

  private readonly server: StandinServer;
  private readonly signingSecret: string;

  constructor(server: StandinServer, signingSecret: string, opts: { requestUrl?: string; transport?: Transport }) {
    this.server = server;
    this.signingSecret = signingSecret;
    this.requestUrl = opts.requestUrl;
    this.transport = opts.transport ?? "auto";
  }

  private pickTransport(opts: DeliverOptions): "http" | "socket" {
    if (opts.transport) return opts.transport;
    if (this.transport !== "auto") return this.transport;
    return this.requestUrl ? "http" : "socket";
  }

  /** Sends one command / interaction / event to the app the way Slack would. */
  async deliver(kind: DeliveryKind, body: Json, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    if (this.pickTransport(opts) === "socket") {
      const type: EnvelopeType =
        kind === "command" ? "slash_commands" : kind === "interaction" ? "interactive" : "events_api";
      return this.viaSocket(type, body, opts);
    }
    if (kind === "command") {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(body))
        if (v !== undefined && v !== null) fields[k] = typeof v === "string" ? v : String(v);
      return this.postRaw(formEncode(fields), "application/x-www-form-urlencoded", opts);
    }
    if (kind === "interaction")
      return this.postRaw(formEncode({ payload: JSON.stringify(body) }), "application/x-www-form-urlencoded", opts);
    return this.postRaw(JSON.stringify(body), "application/json", opts);
  }

  /** Sends Slack's url_verification challenge (HTTP only) and returns the app's answer. */
  urlVerification(challenge = "challenge-token", opts: DeliverOptions = {}): Promise<DeliveryResult> {
    return this.postRaw(
      JSON.stringify({ token: "verification-token", challenge, type: "url_verification" }),
      "application/json",
      opts,
    );
  }

  /** Signs and POSTs a raw body to the request URL. */
  async postRaw(rawBody: string, contentType: string, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    if (!this.requestUrl)
      throw new Error("No request URL set: give the app URL to the stand-in (setRequestUrl) or use Socket Mode");
    const ts = (opts.timestamp ?? Math.floor(Date.now() / 1000)) + (opts.timestampSkewSec ?? 0);
    const headers: Record<string, string> = {
      "content-type": opts.contentType ?? contentType,
      "x-slack-request-timestamp": String(ts),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    };
    if (!opts.omitSignature)
      headers["x-slack-signature"] = signRequest(
        opts.badSignature ? `${this.signingSecret}-wrong` : this.signingSecret,
        ts,
        rawBody,
      );
    if (opts.retryNum !== undefined) headers["x-slack-retry-num"] = String(opts.retryNum);
    if (opts.retryReason !== undefined) headers["x-slack-retry-reason"] = opts.retryReason;
    const started = Date.now();
    const res = await fetch(this.requestUrl, {
      method: "POST",
      headers,
      body: rawBody,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    const ms = Date.now() - started;
    let json: Json | undefined;
    if (text.length > 0) {
      try {
        const parsed = JSON.parse(text) as unknown;
        json = isObject(parsed) ? parsed : undefined;
      } catch {
        json = undefined;
      }
    }
    return { transport: "http", status: res.status, body: text, json, ms, late: ms > SLACK_ACK_BUDGET_MS };
  }

  private async viaSocket(type: EnvelopeType, payload: Json, opts: DeliverOptions): Promise<DeliveryResult> {
    const started = Date.now();
    const ack = await this.server.socket.send(type, payload, {
      timeoutMs: opts.timeoutMs ?? 10_000,
      retryAttempt: opts.retryNum,
      retryReason: opts.retryReason,
    });
    const ms = Date.now() - started;
    if (!ack) return { transport: "socket", status: 0, body: "", json: undefined, ms, late: true, timedOut: true };
    const hasPayload = Object.keys(ack.payload).length > 0;
    return {
      transport: "socket",
      status: 200,
      body: hasPayload ? JSON.stringify(ack.payload) : "",
      json: hasPayload ? ack.payload : undefined,
      ms,
      late: ms > SLACK_ACK_BUDGET_MS,
    };
  }
}
