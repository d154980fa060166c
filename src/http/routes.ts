/**
 * GET /healthz and GET /metrics (Prometheus text format). /healthz answers
 * 200 while the process and its database work (liveness); `ready` says
 * whether it can also serve Slack (auth.test answered), `slack` why not.
 */
import type { ServerResponse } from "node:http";
import type { CustomRoute } from "@slack/bolt";
import type { Metrics } from "./metrics.ts";

/** Whether Slack answered rangekeeper's auth.test: "checking" at start-up, "unreachable" while it cannot be reached. */
export type SlackState = "checking" | "ok" | "unreachable";

export function healthRoutes(
  metrics: Metrics,
  databaseHealthy: () => Promise<boolean>,
  slackState: () => SlackState,
): CustomRoute[] {
  return [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        void answerHealth(res, databaseHealthy, slackState);
      },
    },
    {
      path: "/metrics",
      method: ["GET"],
      handler: (_req, res) => {
        metrics.registry
          .metrics()
          .then((body) => {
            res.writeHead(200, { "content-type": metrics.registry.contentType });
            res.end(body);
          })
          .catch(() => {
            res.writeHead(500);
            res.end();
          });
      },
    },
  ];
}

/** Answers /healthz; a failure to write the answer (the client went away) is not the process's problem. */
async function answerHealth(
  res: ServerResponse,
  databaseHealthy: () => Promise<boolean>,
  slackState: () => SlackState,
): Promise<void> {
  const ok = await databaseHealthy().catch(() => false);
  const slack = slackState();
  try {
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        status: ok ? "ok" : "degraded",
        ready: ok && slack === "ok",
        database: ok ? "ok" : "unreachable",
        slack,
      }),
    );
  } catch {
    res.destroy();
  }
}
