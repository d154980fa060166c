import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { todayIn } from "../core/dates.ts";
import type { Ledger } from "../core/ledger/index.ts";
import type { Actor } from "../core/types.ts";
import type { Metrics } from "../http/metrics.ts";
import type { JobsControl } from "../jobs/control.ts";
import { HomePublisher } from "./home-publisher.ts";
import { type Kickable, Notifier } from "./notify.ts";
import type { ViewSeal } from "./seal.ts";
import { UserDirectory } from "./users.ts";
import { WorkQueue } from "./work-queue.ts";

/** Everything a listener needs, built once per app. */
export interface Services {
  ledger: Ledger;
  client: WebClient;
  users: UserDirectory;
  notifier: Notifier;
  home: HomePublisher;
  logger: Logger;
  metrics: Metrics;
  /** acknowledged commands worked on at once (the rest wait their turn) */
  work: WorkQueue;
  /** the scheduled jobs: their status, and running one now */
  jobs: JobsControl;
  /** background work started by listeners after their reply (tests await it) */
  background: BackgroundTasks;
  /** seals what a modal remembers, so that only views this bot opened are taken back */
  seal: ViewSeal;
}

/**
 * Slash commands worked on at once. Measured with `BENCH_ONLY=http npm run bench` (a burst of 300
 * `/claim` at 50 in flight, embedded database): unlimited, the ack p99 was 928 ms (5.6× a bare Bolt
 * app); at 8, 83 ms (0.66×) with the same throughput; 16 gave 118 ms.
 */
const COMMANDS_AT_ONCE = 8;

export function createServices(
  ledger: Ledger,
  client: WebClient,
  logger: Logger,
  metrics: Metrics,
  sender: Kickable,
  jobs: JobsControl,
  seal: ViewSeal,
): Services {
  const users = new UserDirectory(client, ledger, logger);
  const notifier = new Notifier(ledger, sender);
  const background = new BackgroundTasks(logger);
  const home = new HomePublisher(client, ledger, users, logger);
  return {
    ledger,
    client,
    users,
    notifier,
    home,
    logger,
    metrics,
    background,
    jobs,
    seal,
    work: new WorkQueue(COMMANDS_AT_ONCE),
  };
}

/** The acting user, with the workspace-admin flag Slack reports for them. */
export async function actorOf(s: Services, teamId: string, userId: string): Promise<Actor> {
  const u = await s.users.get(teamId, userId);
  return { teamId, userId, workspaceAdmin: u.isAdmin };
}

/** Today's date for a user, in their Slack time zone (the default zone when Slack does not know them). */
export async function todayOf(s: Services, teamId: string, userId: string): Promise<string> {
  const u = await s.users.find(teamId, userId);
  return todayIn(u?.timezone ?? null, s.ledger.config.defaultTimezone, s.ledger.config.clock());
}

/** Refuses a change naming someone Slack does not know (a forged mention) before anything is written. */
export async function mustBeKnown(s: Services, teamId: string, userId: string | null): Promise<void> {
  if (userId !== null) await s.users.get(teamId, userId);
}

/** Fire-and-forget work (DMs, App Home refreshes) that must not delay a reply but must not be lost either. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  run(label: string, fn: () => Promise<unknown>): void {
    const p = fn()
      .catch((e: unknown) => this.logger.error({ err: e, task: label }, "background task failed"))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Tasks still running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves when every task started so far (and any they start) has finished. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
