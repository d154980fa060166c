/**
 * What arrives from Slack, before any listener sees it: the HTTP guard
 * (a request timestamp more than five minutes from now, in either direction,
 * is refused), the workspace guard (requests of a workspace this bot is not
 * installed in are refused before anything touches the database), and the
 * facts a listener needs about the request itself (who sent it, which
 * workspace, when it was written down).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "pino";
import type { SlackIdentity } from "./identity.ts";

/** Slack's window for a request's timestamp: older or newer than this is refused. */
export const REQUEST_WINDOW_SEC = 5 * 60;

/** The largest body Slack sends us: slash commands and interactions are a few kilobytes; a view with its state, tens. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What an incoming request says of itself. */
export interface Incoming {
  kind:
    | "command"
    | "block_actions"
    | "shortcut"
    | "message_action"
    | "view_submission"
    | "view_closed"
    | "event"
    | "other";
  teamId: string | undefined;
  enterpriseId: string | undefined;
  userId: string | undefined;
}

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const obj = (v: unknown): Body => (typeof v === "object" && v !== null ? (v as Body) : {});

export function incoming(body: unknown): Incoming {
  const b = obj(body);
  if (typeof b.command === "string")
    return {
      kind: "command",
      teamId: str(b.team_id),
      enterpriseId: str(b.enterprise_id),
      userId: str(b.user_id),
    };
  if (b.type === "event_callback")
    return { kind: "event", teamId: str(b.team_id), enterpriseId: str(b.enterprise_id), userId: undefined };
  const user = obj(b.user);
  const kind = (
    ["block_actions", "shortcut", "message_action", "view_submission", "view_closed"].includes(String(b.type))
      ? b.type
      : "other"
  ) as Incoming["kind"];
  return {
    kind,
    teamId: str(obj(b.team).id) ?? str(user.team_id),
    enterpriseId: str(obj(b.enterprise).id),
    userId: str(user.id),
  };
}

/**
 * Wraps the HTTP receiver's listener: a POST to the events endpoint whose
 * timestamp is missing or more than five minutes off (past or future) is
 * answered 401 before its body is read.
 */
export function timestampGuard(
  inner: RequestListener,
  endpoint: string,
  logger: Logger,
  onRefused: (reason: string) => void = () => undefined,
  now: () => number = Date.now,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && (req.url ?? "").split("?")[0] === endpoint) {
      const header = req.headers["x-slack-request-timestamp"];
      const ts = typeof header === "string" && /^\d{1,12}$/.test(header) ? Number(header) : Number.NaN;
      const skew = Math.abs(now() / 1000 - ts);
      if (!(skew <= REQUEST_WINDOW_SEC)) {
        logger.warn({ timestamp: header ?? null }, "refused a request whose timestamp is outside the 5-minute window");
        onRefused("timestamp");
        req.resume();
        res.writeHead(401, { "content-type": "text/plain" });
        res.end("request timestamp outside the 5-minute window");
        return;
      }
    }
    inner(req, res);
  };
}

/** The first middleware: requests of other workspaces are acked with a refusal and go no further. */
export function workspaceGuard(
  identity: SlackIdentity,
  logger: Logger,
  onRefused: (reason: string) => void = () => undefined,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const req = incoming(args.body);
    if (identity.serves(req.teamId, req.enterpriseId)) {
      await args.next();
      return;
    }
    logger.warn(
      { team: req.teamId ?? null, kind: req.kind },
      "refused a request from a workspace rangekeeper is not installed in",
    );
    onRefused("workspace");
    const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
    if (!ack) return;
    if (req.kind === "command")
      await ack({
        response_type: "ephemeral",
        text: "rangekeeper is not installed in this workspace, so it cannot act here.",
      });
    else await ack();
  };
}
