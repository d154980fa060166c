/** Publishes a user's App Home tab from the ledger. */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { todayIn } from "../core/dates.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { atLeast } from "../core/roles.ts";
import { homeView } from "../ui/home.ts";
import type { UserDirectory } from "./users.ts";

/**
 * The least time between two publishes of one person's App Home. The first change
 * after a quiet spell is shown at once; the changes that follow it closely (a burst
 * of claims, an annotation tool reporting progress item by item, a lead assigning
 * ranges one after another) are shown together by one publish when the time is up,
 * instead of one publish (a dozen reads and a view of up to 100 blocks) each.
 */
export const HOME_MIN_GAP_MS = 1_000;

export class HomePublisher {
  private readonly client: WebClient;
  private readonly ledger: Ledger;
  private readonly users: UserDirectory;
  private readonly logger: Logger;

  /** the least time between two publishes of one person's tab, ms */
  readonly minGapMs: number;

  constructor(client: WebClient, ledger: Ledger, users: UserDirectory, logger: Logger, minGapMs = HOME_MIN_GAP_MS) {
    this.client = client;
    this.ledger = ledger;
    this.users = users;
    this.logger = logger;
    this.minGapMs = minGapMs;
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
    // The Web API client builds a debug line of every call's arguments (a deep copy, then its JSON) at
    // any log level. The view handed over as the JSON text it is sent as anyway (the body is the same)
    // is copied as one string, not block by block, after every change of the person's ranges.
    await this.client.apiCall("views.publish", { user_id: userId, view: JSON.stringify(view) });
  }

  /**
   * Refreshes several users' tabs after a change; a failure for one is logged
   * and does not stop the others. Refreshes of one user coalesce: while one
   * runs or waits, further requests make it run once more afterwards, not once
   * each; and a publish comes `minGapMs` after the one before at the earliest.
   */
  async refresh(teamId: string, userIds: Iterable<string | null | undefined>): Promise<void> {
    const unique = [...new Set([...userIds].filter((u): u is string => Boolean(u)))];
    await Promise.all(unique.map((id) => this.coalesced(teamId, id)));
  }

  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  /** when each person's last publish began (performance.now()), kept while it matters */
  private readonly lastAt = new Map<string, number>();

  private coalesced(teamId: string, userId: string): Promise<void> {
    const key = `${teamId}:${userId}`;
    const current = this.running.get(key);
    if (current !== undefined) {
      this.dirty.add(key);
      return current;
    }
    this.forgetQuiet();
    const run = async () => {
      do {
        const wait = (this.lastAt.get(key) ?? Number.NEGATIVE_INFINITY) + this.minGapMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.dirty.delete(key);
        this.lastAt.set(key, performance.now());
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

  /** Drops the publish times that no longer hold anyone back. */
  private forgetQuiet(): void {
    const now = performance.now();
    for (const [key, at] of this.lastAt) if (now - at >= this.minGapMs) this.lastAt.delete(key);
  }
}
