/**
 * Requests for ids no listener of ours handles (a button of a message an
 * older version posted, a forged payload): acknowledged at once and ignored.
 * Unanswered, Bolt would hold such a request for 3 s, then answer 404 and log
 * an error. Bolt runs every listener whose constraint matches, so each
 * catch-all matches only ids that are NOT registered: a second ack of a known
 * request would fail.
 */
import type { Services } from "../services.ts";
import { instrument, type ListenerKind } from "./instrument.ts";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Matches every id except those given (every id when none is given). */
export function noneOf(ids: readonly string[]): RegExp {
  return ids.length === 0 ? /^/ : new RegExp(`^(?!(?:${ids.map(escapeRegExp).join("|")})$)`);
}

/** The catch-all listener of a kind: acks with `answer` (nothing by default), logs at debug level, does nothing else. */
export function ignoreUnknown(s: Services, kind: ListenerKind, answer?: unknown) {
  return instrument(
    s,
    kind,
    "unknown",
    async ({ ack, body }: { ack: (response?: never) => Promise<void>; body: unknown }): Promise<void> => {
      await (answer === undefined ? ack() : ack(answer as never));
      s.logger.debug({ kind, id: idOf(body) }, "ignored a request no listener handles");
    },
  );
}

/** The id a request was routed by, for the log line. */
function idOf(body: unknown): string | undefined {
  const b = body as {
    type?: string;
    actions?: { action_id?: string }[];
    view?: { callback_id?: string };
    callback_id?: string;
    action_id?: string;
  };
  const id = b.actions?.[0]?.action_id ?? b.view?.callback_id ?? b.callback_id ?? b.action_id;
  return typeof id === "string" ? id.slice(0, 100) : undefined;
}
