/** Prometheus metrics, served at GET /metrics. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  requests: Counter<"kind" | "name" | "outcome">;
  duration: Histogram<"kind" | "name">;
  slackApiErrors: Counter<"method" | "error">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "rangekeeper_" });
  return {
    registry,
    requests: new Counter({
      name: "rangekeeper_requests_total",
      help: "Slack requests handled, by kind (command, action, view, event, shortcut), name and outcome",
      labelNames: ["kind", "name", "outcome"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "rangekeeper_request_duration_seconds",
      help: "Time from receiving a Slack request to finishing its listener",
      labelNames: ["kind", "name"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    slackApiErrors: new Counter({
      name: "rangekeeper_slack_api_errors_total",
      help: "Slack Web API calls that failed, by method and error",
      labelNames: ["method", "error"] as const,
      registers: [registry],
    }),
  };
}
