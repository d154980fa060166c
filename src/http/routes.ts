/** GET /healthz (liveness and database reachability) and GET /metrics (Prometheus text format). */
import type { ServerResponse } from "node:http";
import type { CustomRoute } from "@slack/bolt";
import type { Metrics } from "./metrics.ts";

export function healthRoutes(metrics: Metrics, databaseHealthy: () => Promise<boolean>): CustomRoute[] {
  return [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        void answerHealth(res, databaseHealthy);
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
async function answerHealth(res: ServerResponse, databaseHealthy: () => Promise<boolean>): Promise<void> {
  const ok = await databaseHealthy().catch(() => false);
  try {
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ok ? "ok" : "degraded", database: ok ? "ok" : "unreachable" }));
  } catch {
    res.destroy();
  }
}
