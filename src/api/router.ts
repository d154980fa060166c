/**
 * Serves `/api/v1` beside `/slack/events`: finds the endpoint, checks the
 * bearer token and its scope, the token's rate, the body's size and shape,
 * then runs the endpoint and answers JSON. Every refusal is a JSON error
 * naming what was wrong (and the field at fault), and changes nothing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { z } from "zod";
import { integrationActor } from "../core/api-tokens.ts";
import { DomainError } from "../core/errors.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { openApiDocument } from "./openapi.ts";
import { RateLimiter } from "./rate-limit.ts";
import { API_ROUTES, type ApiFollowUps, type ApiRoute } from "./routes.ts";

export const API_PREFIX = "/api/v1";
/** The largest request body taken (a batch of labels fits well within it). */
export const MAX_API_BODY_BYTES = 1024 * 1024;

export interface ApiOptions {
  ledger: Ledger;
  logger: Logger;
  /** what Slack shows after a change (resolved per request: the Slack layer is built after the routes) */
  followUps: () => ApiFollowUps;
  /** requests per second each token may make on average, and in a burst (default 20 and 100) */
  rate?: { perSecond: number; burst: number };
  /** counts what is refused, by reason */
  onRefused?: (reason: string) => void;
}

type Code = z.infer<typeof import("./schemas.ts").errorBody>["error"]["code"];

class ApiError extends Error {
  readonly status: number;
  readonly code: Code;
  readonly field: string | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: Code, message: string, field?: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }
}

const DOMAIN_STATUS: Record<DomainError["code"], [number, Code]> = {
  invalid: [422, "refused"],
  not_found: [404, "not_found"],
  forbidden: [403, "forbidden"],
  conflict: [409, "conflict"],
  illegal_transition: [409, "conflict"],
};

/** The first problem zod found, as a refusal naming its field. */
function invalidRequest(where: "body" | "query" | "path", e: z.ZodError): ApiError {
  const issue = e.issues[0]!;
  const field = issue.path.map(String).join(".");
  const what = field ? `${where === "body" ? "" : `${where} `}${field}` : where;
  return new ApiError(400, "invalid_request", `${what}: ${issue.message}`, field || undefined);
}

interface Matched {
  route: ApiRoute;
  params: Record<string, string>;
}

/** The endpoint of `method` and `path`, or why none: 404 for no path, 405 for another method. */
function match(method: string, path: string): Matched {
  const parts = path.split("/").filter(Boolean);
  let pathKnown = false;
  for (const route of API_ROUTES) {
    const template = route.path.split("/").filter(Boolean);
    if (template.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = template.every((t, i) => {
      const m = /^\{(\w+)\}$/.exec(t);
      if (m) {
        try {
          params[m[1]!] = decodeURIComponent(parts[i]!);
        } catch {
          return false;
        }
        return true;
      }
      return t === parts[i];
    });
    if (!ok) continue;
    pathKnown = true;
    if (route.method === method) return { route, params };
  }
  if (pathKnown) throw new ApiError(405, "method_not_allowed", `${method} is not served at ${API_PREFIX}${path}`);
  throw new ApiError(
    404,
    "not_found",
    `there is no endpoint ${method} ${API_PREFIX}${path}; see ${API_PREFIX}/openapi.json`,
  );
}

/** The body's bytes, refused once larger than the API takes. */
async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_API_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_API_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as JSON (undefined when empty). */
function parseBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(400, "invalid_request", "the body must be JSON, sent with Content-Type: application/json");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(400, "invalid_request", "the body is not valid JSON");
  }
}

const tooLarge = () =>
  new ApiError(413, "too_large", `the body is larger than ${MAX_API_BODY_BYTES / 1024} KiB; send smaller batches`);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/** The request handler of everything under /api/v1. */
export function apiHandler(o: ApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = new RateLimiter(o.rate?.perSecond ?? 20, o.rate?.burst ?? 100);
  let document: unknown;
  return (req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", "http://localhost");
        const path = url.pathname.slice(API_PREFIX.length) || "/";
        const method = (req.method ?? "GET").toUpperCase();
        if (path === "/openapi.json" && method === "GET") {
          document ??= openApiDocument();
          return send(res, 200, document);
        }
        const { route, params } = match(method, path);

        // Who: a bearer token of this workspace, or (a signed webhook) the token the path names, whose signing secret signed the body.
        // Read once, when first needed: a signed request's path names its token, before anything else.
        let pathParsed: { data: unknown } | undefined;
        const parsePath = () => {
          if (!pathParsed) {
            const p = route.params ? route.params.safeParse(params) : { success: true as const, data: undefined };
            if (!p.success) throw invalidRequest("path", p.error);
            pathParsed = { data: p.data };
          }
          return pathParsed.data;
        };
        let raw: Buffer | undefined;
        let found: Awaited<ReturnType<Ledger["authenticateToken"]>>;
        if (route.auth) {
          const { team, token: name } = parsePath() as { team: string; token: string };
          const signature = req.headers[route.auth.signatureHeader];
          if (typeof signature !== "string" || !signature.trim())
            throw new ApiError(
              401,
              "unauthorized",
              `sign the body with the token's signing secret, in the ${route.auth.signatureHeader} header`,
            );
          raw = await readRaw(req);
          const signed = await o.ledger.authenticateSigned(team, name, raw, signature);
          if (!signed.ok) {
            o.logger.warn({ reason: signed.reason, path }, "signed API request refused");
            throw new ApiError(
              401,
              "unauthorized",
              signed.reason === "bad-signature"
                ? `the ${route.auth.signatureHeader} signature does not match the body (is the secret the token's signing secret?)`
                : "that token is not valid (unknown or revoked)",
            );
          }
          found = signed;
        } else {
          const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
          if (!auth)
            throw new ApiError(
              401,
              "unauthorized",
              "send a token as Authorization: Bearer <token> (/ledger token create)",
              undefined,
              {
                "www-authenticate": 'Bearer realm="rangekeeper"',
              },
            );
          found = await o.ledger.authenticateToken(auth[1]!);
          if (!found.ok) {
            o.logger.warn({ reason: found.reason, path }, "API request with a token refused");
            throw new ApiError(401, "unauthorized", "that token is not valid (unknown or revoked)", undefined, {
              "www-authenticate": 'Bearer realm="rangekeeper", error="invalid_token"',
            });
          }
        }
        const token = found.token;
        const wait = limiter.take(`${token.teamId}:${token.name}`);
        if (wait > 0) {
          const seconds = Math.max(1, Math.ceil(wait / 1000));
          throw new ApiError(
            429,
            "rate_limited",
            `too many requests with token ${token.name}; try again in ${seconds} s`,
            undefined,
            {
              "retry-after": String(seconds),
            },
          );
        }
        if (route.scope === "write" && token.scope !== "write")
          throw new ApiError(403, "forbidden", `the token ${token.name} may only read; this needs a write token`);

        // What: path, query and body as the endpoint's schemas say.
        const pathParams = parsePath();
        const q = route.query
          ? route.query.safeParse(Object.fromEntries(url.searchParams))
          : { success: true as const, data: undefined };
        if (!q.success) throw invalidRequest("query", q.error);
        const json = parseBody(req, raw ?? (await readRaw(req)));
        let body: unknown;
        if (route.body) {
          const b = route.body.safeParse(json ?? {});
          if (!b.success) throw invalidRequest("body", b.error);
          body = b.data;
        } else if (json !== undefined)
          throw new ApiError(400, "invalid_request", `${method} ${route.path} takes no body`);
        const key = req.headers["idempotency-key"];
        if (key !== undefined && (typeof key !== "string" || !/^[\x21-\x7e]{1,200}$/.test(key)))
          throw new ApiError(
            400,
            "invalid_request",
            "Idempotency-Key must be 1–200 visible ASCII characters",
            "Idempotency-Key",
          );
        const actor = integrationActor(token);
        // What Slack shows after the change waits until the answer is out: the tool is not kept waiting for it.
        const real = o.followUps();
        const later: (() => void)[] = [];
        const followUps: ApiFollowUps = {
          progressed: (...a) => later.push(() => real.progressed(...a)),
          submitted: (...a) => later.push(() => real.submitted(...a)),
        };
        res.once("finish", () => setImmediate(() => later.forEach((f) => f())));
        const answer = await route.handle({
          ledger: o.ledger,
          followUps,
          actor,
          params: pathParams,
          query: q.data,
          body,
          idempotencyKey: route.idempotent && typeof key === "string" ? `api:${token.name}:${key}` : undefined,
        });
        send(res, 200, answer);
      } catch (e) {
        if (e instanceof ApiError) {
          o.onRefused?.(e.code);
          return send(
            res,
            e.status,
            { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } },
            e.headers,
          );
        }
        if (e instanceof DomainError) {
          const [status, code] = DOMAIN_STATUS[e.code];
          o.onRefused?.(code);
          const field = typeof e.details.field === "string" ? e.details.field : undefined;
          return send(res, status, { error: { code, message: e.message, ...(field ? { field } : {}) } });
        }
        o.logger.error({ err: e, url: req.url }, "an API request failed");
        send(res, 500, {
          error: { code: "internal", message: "something went wrong on our side; nothing was changed" },
        });
      }
    })();
  };
}
