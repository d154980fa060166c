import type { Services } from "../services.ts";

export type ListenerKind = "command" | "action" | "view" | "event" | "shortcut";

/** Wraps a listener with request metrics and a last-resort log of anything it let escape. */
export function instrument<A extends unknown[]>(
  s: Services,
  kind: ListenerKind,
  name: string,
  fn: (...args: A) => Promise<void>,
) {
  return async (...args: A): Promise<void> => {
    const end = s.metrics.duration.startTimer({ kind, name });
    try {
      await fn(...args);
      s.metrics.requests.inc({ kind, name, outcome: "ok" });
    } catch (e) {
      s.metrics.requests.inc({ kind, name, outcome: "error" });
      s.logger.error({ err: e, kind, name }, "listener failed");
    } finally {
      end();
    }
  };
}
