/** GET /healthz (liveness and database reachability) and GET /metrics (Prometheus text format). */
import type { CustomRoute } from "@slack/bolt";
import type { Metrics } from "./metrics.ts";

export function healthRoutes(metrics: Metrics, databaseHealthy: () => Promise<boolean>): CustomRoute[] {
  return [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        databaseHealthy()
          .catch(() => false)
          .then((ok) => {
            res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
            res.end(JSON.stringify({ status: ok ? "ok" : "degraded", database: ok ? "ok" : "unreachable" }));
          });
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
