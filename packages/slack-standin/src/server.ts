/**
 * The stand-in's HTTP server on a loopback port: the Web API under /api/, response URLs under
 * /response/, file upload and download URLs, and the Socket Mode WebSocket endpoint under /link/.
 * It records every Web API call and can inject failures per method.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";
import { applyResponse } from "./responses.ts";
import { SocketHub } from "./socket.ts";
import type { ApiCall, InjectedFailure, Json } from "./types.ts";
import { isObject, sleep, waitUntil } from "./util.ts";
import { callMethod, decodeArgs } from "./webapi.ts";
import type { Workspace } from "./workspace.ts";

/** Pseudo-method name under which failures of response_url posts are queued. */
export const RESPONSE_URL = "response_url";

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function firstValues(q: Record<string, string | string[] | undefined>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

/** Parses a Web API request body the way Slack does: url-encoded form, JSON, or multipart. */
async function parseArgs(req: IncomingMessage, raw: Buffer, url: URL): Promise<Json> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const args: Json = firstValues(Object.fromEntries(url.searchParams.entries()));
  if (raw.length === 0) return args;
  if (type === "application/json") {
    const parsed = JSON.parse(raw.toString("utf8")) as unknown;
    if (isObject(parsed)) Object.assign(args, parsed);
  } else if (type === "multipart/form-data") {
    const form = await new Request("http://local/", {
      method: "POST",
      headers: { "content-type": String(req.headers["content-type"]) },
      body: raw,
    }).formData();
    for (const [k, v] of form.entries()) args[k] = typeof v === "string" ? v : Buffer.from(await v.arrayBuffer());
  } else {
    Object.assign(args, firstValues(parseQuery(raw.toString("utf8"))));
  }
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1]!.trim() : undefined;
}

export class StandinServer {
  readonly server: Server;
  readonly socket: SocketHub;
  private readonly log: ApiCall[] = [];
  private readonly failures = new Map<string, InjectedFailure[]>();
  private seq = 0;
  private port = 0;
  private inFlight = 0;

  private readonly ws: Workspace;

  constructor(ws: Workspace) {
    this.ws = ws;
    this.socket = new SocketHub(ws.opts.appId);
    this.server = createServer((req, res) => {
      this.inFlight += 1;
      res.on("close", () => {
        this.inFlight -= 1;
      });
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err instanceof Error ? err.message : err));
      });
    });
    this.server.on("upgrade", (req, socket, head) => {
      if (!this.socket.handleUpgrade(req, socket, head)) socket.destroy();
    });
  }

  async listen(host = "127.0.0.1", port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops accepting connections, lets requests in progress finish (up to `graceMs`), then closes. */
  async close(graceMs = 1000): Promise<void> {
    await this.socket.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(5);
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------- call log

  /** Recorded Web API calls, optionally of one method, oldest first. */
  calls(method?: string): ApiCall[] {
    return method ? this.log.filter((c) => c.method === method) : [...this.log];
  }

  /** Sequence number of the latest call (0 before any); pass it as `since` to wait for newer calls. */
  mark(): number {
    return this.seq;
  }

  /** Waits for a call of `method` (with seq > since) that satisfies the predicate. */
  waitFor(
    method: string,
    predicate: (c: ApiCall) => boolean = () => true,
    opts: { timeoutMs?: number; since?: number } = {},
  ): Promise<ApiCall> {
    const since = opts.since ?? 0;
    return waitUntil(
      () => this.log.find((c) => c.seq > since && c.method === method && predicate(c)),
      (fn) => {
        this.ws.on("call", fn);
        return () => this.ws.off("call", fn);
      },
      opts.timeoutMs ?? 3000,
      () =>
        `a ${method} call (seen: ${
          this.log
            .filter((c) => c.seq > since)
            .map((c) => c.method)
            .join(", ") || "none"
        })`,
    );
  }

  /** Forgets recorded calls (sequence numbers keep increasing). */
  clearCalls(): void {
    this.log.length = 0;
  }

  /** Queues failures for the next calls of a method (or of response URLs, as "response_url"). */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const q = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) q.push(failure);
    this.failures.set(method, q);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    const q = this.failures.get(method);
    const f = q?.shift();
    if (q && q.length === 0) this.failures.delete(method);
    return f;
  }

  // ---------------------------------------------------------------- routing

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const path = url.pathname;
    if (path.startsWith("/api/")) return this.api(req, res, url, decodeURIComponent(path.slice(5)));
    if (path.startsWith("/response/") && req.method === "POST") return this.responseUrl(req, res, path.slice(10));
    if (path.startsWith("/upload/") && req.method === "POST") return this.upload(req, res, path.slice(8));
    if (path.startsWith("/files/") && req.method === "GET")
      return this.download(req, res, path.slice(7).split("/")[0] ?? "");
    if (path === "/" || path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("slack stand-in\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    const started = Date.now();
    const raw = await readBody(req);
    let args: Json;
    try {
      args = decodeArgs(await parseArgs(req, raw, url));
    } catch {
      args = {};
    }
    const token = bearer(req) ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;

    let status = 200;
    let body: Json;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    let rawBody: string | undefined;
    let failure = this.takeFailure(method);
    if (failure && "delayMs" in failure) {
      await sleep(failure.delayMs);
      failure = undefined;
    }
    if (failure && "afterApply" in failure) {
      callMethod(this.ws, method, args, {
        token,
        baseUrl: this.baseUrl,
        socketUrl: () => this.socket.issueUrl(`ws://127.0.0.1:${this.port}`),
      });
      status = failure.status;
      headers["content-type"] = "text/plain";
      rawBody = `stand-in injected HTTP ${failure.status} after doing the call`;
      body = { ok: false, error: `http_${failure.status}` };
    } else if (failure && "error" in failure) {
      body = { ok: false, error: failure.error, ...(failure.extra ?? {}) };
    } else if (failure && failure.status === 429 && "retryAfter" in failure) {
      status = 429;
      headers["retry-after"] = String(failure.retryAfter);
      body = { ok: false, error: "ratelimited" };
    } else if (failure && "status" in failure) {
      status = failure.status;
      headers["content-type"] = "text/plain";
      rawBody =
        "body" in failure && failure.body !== undefined ? failure.body : `stand-in injected HTTP ${failure.status}`;
      body = { ok: false, error: `http_${failure.status}` };
    } else {
      body = callMethod(this.ws, method, args, {
        token,
        baseUrl: this.baseUrl,
        socketUrl: () => this.socket.issueUrl(`ws://127.0.0.1:${this.port}`),
      });
    }
    const call: ApiCall = {
      seq: ++this.seq,
      method,
      token,
      args,
      at: started,
      status,
      response: body,
      ms: Date.now() - started,
    };
    this.log.push(call);
    res.writeHead(status, headers);
    res.end(rawBody ?? JSON.stringify(body));
    this.ws.emit("call", call);
    this.ws.changed();
  }

  private async responseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const failure = this.takeFailure(RESPONSE_URL);
    if (failure && "delayMs" in failure) await sleep(failure.delayMs);
    else if (failure && !("afterApply" in failure)) {
      const status = "status" in failure ? failure.status : 404;
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if ("retryAfter" in failure) headers["retry-after"] = String(failure.retryAfter);
      res.writeHead(status, headers);
      res.end(
        "error" in failure
          ? failure.error
          : "body" in failure && failure.body !== undefined
            ? failure.body
            : `HTTP ${status}`,
      );
      return;
    }
    const target = this.ws.responseTargets.get(id);
    if (!target) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("expired_url");
      return;
    }
    let body: Json = {};
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    try {
      if (type === "application/x-www-form-urlencoded") {
        const form = firstValues(parseQuery(raw.toString("utf8")));
        const payload = typeof form.payload === "string" ? (JSON.parse(form.payload) as unknown) : form;
        body = isObject(payload) ? payload : {};
      } else {
        const parsed = JSON.parse(raw.toString("utf8")) as unknown;
        body = isObject(parsed) ? parsed : {};
      }
    } catch {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("invalid_payload");
      return;
    }
    const outcome = applyResponse(this.ws, target, body, "response_url");
    if (failure && "afterApply" in failure) {
      res.writeHead(failure.status, { "content-type": "text/plain" });
      res.end(`HTTP ${failure.status}`);
      return;
    }
    res.writeHead(outcome.status, { "content-type": "text/plain" });
    res.end(outcome.body);
  }

  private async upload(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const file = this.ws.files.get(id);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("file_not_found");
      return;
    }
    let content = raw;
    if ((req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/form-data")) {
      const form = await new Request("http://local/", {
        method: "POST",
        headers: { "content-type": String(req.headers["content-type"]) },
        body: raw,
      }).formData();
      const first = [...form.values()][0];
      content =
        first === undefined
          ? Buffer.alloc(0)
          : typeof first === "string"
            ? Buffer.from(first)
            : Buffer.from(await first.arrayBuffer());
    }
    file.content = content;
    this.ws.changed();
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`OK - ${content.length}`);
  }

  private async download(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const token = bearer(req);
    const file = this.ws.files.get(id);
    if (!token || (token !== this.ws.opts.botToken && !this.ws.opts.extraTokens.includes(token))) {
      res.writeHead(302, { location: `https://${this.ws.opts.teamDomain}.slack.com/?redir=files` });
      res.end();
      return;
    }
    if (!file?.content) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("file_not_found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(file.content.length) });
    res.end(file.content);
  }
}
