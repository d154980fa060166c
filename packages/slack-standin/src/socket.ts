/**
 * Socket Mode side of the stand-in: apps.connections.open hands out a ws:// URL on the stand-in's
 * port; connected clients get `{type:"hello"}`, then envelopes, which they acknowledge with
 * `{envelope_id, payload}`.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { Json } from "./types.ts";
import { hex, isObject } from "./util.ts";

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface SocketAck {
  /** The payload the client acknowledged with ({} when it acked without one). */
  payload: Json;
  ms: number;
}

interface Pending {
  resolve: (ack: SocketAck | undefined) => void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

export class SocketHub {
  private wss = new WebSocketServer({ noServer: true });
  private tickets = new Set<string>();
  private sockets: WebSocket[] = [];
  private pending = new Map<string, Pending>();
  private next = 0;
  private listeners = new Set<() => void>();
  /** Every message a client sent, for inspection. */
  readonly received: Json[] = [];

  private readonly appId: string;

  constructor(appId: string) {
    this.appId = appId;
  }

  /** A fresh connection URL (what apps.connections.open returns). */
  issueUrl(baseWsUrl: string): string {
    const ticket = hex(16);
    this.tickets.add(ticket);
    return `${baseWsUrl}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Number of open connections. */
  get connections(): number {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** Subscribe to connection changes (used by waitForConnection). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  /** Handles an HTTP upgrade on the stand-in server; returns false when it is not for us. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/link")) return false;
    const ticket = url.searchParams.get("ticket") ?? "";
    if (!this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on("message", (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!isObject(msg)) return;
      this.received.push(msg);
      const id = typeof msg.envelope_id === "string" ? msg.envelope_id : undefined;
      const p = id ? this.pending.get(id) : undefined;
      if (id && p) {
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.resolve({ payload: isObject(msg.payload) ? msg.payload : {}, ms: Date.now() - p.sentAt });
      }
    });
    ws.on("close", () => {
      this.sockets = this.sockets.filter((s) => s !== ws);
      this.changed();
    });
    ws.on("error", () => undefined);
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.connections,
        debug_info: { host: "standin-local", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.changed();
  }

  /**
   * Sends one envelope to a connected client (round-robin) and waits for its ack.
   * Resolves undefined when no ack arrives within `timeoutMs`.
   */
  send(
    type: EnvelopeType,
    payload: Json,
    opts: { timeoutMs: number; retryAttempt?: number; retryReason?: string },
  ): Promise<SocketAck | undefined> {
    const open = this.sockets.filter((s) => s.readyState === WebSocket.OPEN);
    if (open.length === 0) return Promise.reject(new Error("No Socket Mode connection is open"));
    const ws = open[this.next++ % open.length]!;
    const envelopeId = `${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}`;
    const envelope: Json = { envelope_id: envelopeId, payload, type, accepts_response_payload: type !== "events_api" };
    if (type === "events_api") {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? "";
    }
    return new Promise((resolve) => {
      const sentAt = Date.now();
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve(undefined);
      }, opts.timeoutMs);
      this.pending.set(envelopeId, { resolve, timer, sentAt });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Asks every client to reconnect, as Slack does when it recycles a connection. */
  disconnectAll(reason = "refresh_requested"): void {
    for (const ws of this.sockets) {
      if (ws.readyState === WebSocket.OPEN)
        ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "standin-local" } }));
    }
  }

  /**
   * Fails pending envelopes and closes every connection with a close handshake (clients that
   * are shutting down finish theirs cleanly); connections still open after `graceMs` are cut.
   */
  async close(graceMs = 500): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve(undefined);
      this.pending.delete(id);
    }
    const closing = this.sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          if (ws.readyState === WebSocket.OPEN) ws.close(1001, "going away");
        }),
    );
    await Promise.all(closing);
    this.sockets = [];
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.changed();
  }
}
