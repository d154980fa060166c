/** Publishes a user's App Home tab from the ledger. */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { todayIn } from "../core/dates.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { atLeast } from "../core/roles.ts";
import { homeView } from "../ui/home.ts";
import type { UserDirectory } from "./users.ts";

export class HomePublisher {
  private readonly client: WebClient;
  private readonly ledger: Ledger;
  private readonly users: UserDirectory;
  private readonly logger: Logger;

  constructor(client: WebClient, ledger: Ledger, users: UserDirectory, logger: Logger) {
    this.client = client;
    this.ledger = ledger;
    this.users = users;
    this.logger = logger;
  }

  async publish(teamId: string, userId: string): Promise<void> {
    // Nobody to show a Home to: a bot, or an id Slack does not know (named in a forged command).
    const u = await this.users.find(teamId, userId);
    if (!u || u.isBot) return;
    const actor = { teamId, userId, workspaceAdmin: u.isAdmin };
    const role = await this.ledger.effectiveRole(actor);
    const lead = atLeast(role, "LEAD");
    const [assignments, reviews, pendingHandoffs, load, qa] = await Promise.all([
      this.ledger.listAssignments(teamId, { assigneeId: userId, limit: 100 }),
      atLeast(role, "REVIEWER") ? this.ledger.reviewQueue(teamId, userId, lead) : Promise.resolve([]),
      lead ? this.ledger.pendingHandoffs(teamId) : Promise.resolve(undefined),
      lead ? this.ledger.workload(teamId) : Promise.resolve(undefined),
      this.ledger.homeQa(actor, { lead }),
    ]);
    const instructions = await this.ledger.instructionsByDataset(
      assignments.filter((a) => a.status !== "COMPLETED").map((a) => a.datasetId),
    );
    const view = homeView({
      instructions,
      userId,
      role,
      today: todayIn(u.timezone, this.ledger.config.defaultTimezone, this.ledger.config.clock()),
      assignments,
      reviews,
      pendingHandoffs,
      load,
      qa,
    });
    await this.client.views.publish({ user_id: userId, view });
  }

  /**
   * Refreshes several users' tabs after a change; a failure for one is logged
   * and does not stop the others. Refreshes of one user coalesce: while one
   * runs, further requests make it run once more afterwards, not once each.
   */
  async refresh(teamId: string, userIds: Iterable<string | null | undefined>): Promise<void> {
    const unique = [...new Set([...userIds].filter((u): u is string => Boolean(u)))];
    await Promise.all(unique.map((id) => this.coalesced(teamId, id)));
  }

  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();

  private coalesced(teamId: string, userId: string): Promise<void> {
    const key = `${teamId}:${userId}`;
    const current = this.running.get(key);
    if (current !== undefined) {
      this.dirty.add(key);
      return current;
    }
    const run = async () => {
      do {
        this.dirty.delete(key);
        await this.publish(teamId, userId).catch((e: unknown) =>
          this.logger.warn({ err: e, userId }, "App Home refresh failed"),
        );
      } while (this.dirty.has(key));
      this.running.delete(key);
    };
    const p = run();
    this.running.set(key, p);
    return p;
  }
}
