/** Prometheus metrics, served at GET /metrics. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  requests: Counter<"kind" | "name" | "outcome">;
  duration: Histogram<"kind" | "name">;
  slackApiErrors: Counter<"method" | "error">;
  /** messages delivered from the outbox, by kind */
  outboxSent: Counter<"kind">;
  /** messages given up, by kind and reason */
  outboxFailed: Counter<"kind" | "reason">;
  /** rows waiting in the outbox, read from the database at each scrape (set `outboxBacklog` to enable) */
  outboxPending: Gauge;
  /** scheduled job runs, by job and outcome (succeeded, failed, skipped) */
  jobRuns: Counter<"job" | "outcome">;
  /** where the outbox gauge reads from */
  outboxBacklog?: () => Promise<number>;
  /** requests received and not handled yet, read at each scrape (set `inboxBacklog` to enable) */
  inboxOpen: Gauge;
  /** requests refused before any listener: a timestamp out of window, a replay, another workspace, a forged form */
  refused: Counter<"reason">;
  /** where the inbox gauge reads from */
  inboxBacklog?: () => Promise<number>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "rangekeeper_" });
  const metrics: Metrics = {
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
    outboxSent: new Counter({
      name: "rangekeeper_outbox_sent_total",
      help: "Messages the outbox delivered to Slack (posted or updated), by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    outboxFailed: new Counter({
      name: "rangekeeper_outbox_failed_total",
      help: "Messages the outbox gave up on, by kind and reason",
      labelNames: ["kind", "reason"] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: "rangekeeper_outbox_pending",
      help: "Messages waiting in the outbox (including those held for working hours or a retry)",
      registers: [registry],
      async collect() {
        if (metrics.outboxBacklog) this.set(await metrics.outboxBacklog().catch(() => Number.NaN));
      },
    }),
    inboxOpen: new Gauge({
      name: "rangekeeper_inbox_open",
      help: "Slash commands and clicks received (and acknowledged) but not handled yet",
      registers: [registry],
      async collect() {
        if (metrics.inboxBacklog) this.set(await metrics.inboxBacklog().catch(() => Number.NaN));
      },
    }),
    refused: new Counter({
      name: "rangekeeper_requests_refused_total",
      help: "Requests refused before any listener ran, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "rangekeeper_job_runs_total",
      help: "Scheduled job runs, by job and outcome (succeeded, failed, skipped: another replica ran the slot)",
      labelNames: ["job", "outcome"] as const,
      registers: [registry],
    }),
  };
  return metrics;
}
