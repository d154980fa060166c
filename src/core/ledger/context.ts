/**
 * What every ledger operation works with: the store (repositories and
 * transactions), the configuration, and the few steps they all share —
 * running a change once per idempotency key, and knowing the actor's role.
 */
import type { Repositories, Store } from "../../db/store.ts";
import { todayIn } from "../dates.ts";
import { invalid, toDomainError } from "../errors.ts";
import { effectiveRole, requireRole } from "../roles.ts";
import type { Actor, Role } from "../types.ts";

export interface LedgerConfig {
  /** Slack user ids that are admins whatever the database says (LEDGER_ADMINS) */
  bootstrapAdmins: readonly string[];
  /** items per week of an annotator with no capacity of their own */
  defaultCapacity: number;
  /** IANA zone of members with no zone of their own */
  defaultTimezone: string;
  /** the current time; jobs run "as if at" another time */
  clock: () => Date;
  /** webhooks may be sent to loopback and private addresses (WEBHOOK_ALLOW_PRIVATE) */
  allowPrivateWebhooks: boolean;
}

export interface LedgerContext {
  store: Store;
  config: LedgerConfig;
}

/**
 * Runs a ledger change in one transaction, once per idempotency key: the
 * first run stores its result with the change; a repeat returns that result
 * with `replayed: true` and changes nothing. Database refusals the change did
 * not anticipate come back as domain errors.
 */
export async function change<T extends object>(
  ctx: LedgerContext,
  teamId: string,
  operation: string,
  key: string | undefined,
  fn: (r: Repositories) => Promise<T>,
): Promise<T & { replayed: boolean }> {
  try {
    await ctx.store.ensureWorkspace(teamId);
    return await ctx.store.transaction(async (r) => {
      if (key && !(await r.idempotency.claim(teamId, key, operation))) {
        const prior = await r.idempotency.prior(teamId, key);
        if (prior.operation !== operation) {
          throw invalid(`request key ${key} was already used for a different request (${prior.operation})`);
        }
        return { ...(prior.result as T), replayed: true };
      }
      const value = await fn(r);
      if (key) await r.idempotency.record(teamId, key, value);
      return { ...value, replayed: false };
    });
  } catch (e) {
    throw toDomainError(e);
  }
}

/**
 * The actor's effective role, optionally on one dataset. Inside a change the
 * actor is registered as a member; a plain read (`register: false`) only looks.
 */
export async function roleOf(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  datasetId?: number,
  { register = true } = {},
): Promise<Role> {
  // An integration is no member: its token's scope is its role (write: what a lead may change).
  if (actor.integration) return actor.integration.scope === "write" ? "LEAD" : "ANNOTATOR";
  const member = register
    ? await r.members.ensure(actor.teamId, actor.userId)
    : await r.members.find(actor.teamId, actor.userId);
  const base = effectiveRole({
    workspaceRole: member?.role ?? "ANNOTATOR",
    bootstrapAdmin: ctx.config.bootstrapAdmins.includes(actor.userId),
    workspaceAdmin: actor.workspaceAdmin === true,
  });
  if (base === "ADMIN" || datasetId === undefined) return base;
  const onDataset = await r.members.datasetRole(datasetId, actor.userId);
  return onDataset
    ? effectiveRole({ workspaceRole: base, datasetRole: onDataset, bootstrapAdmin: false, workspaceAdmin: false })
    : base;
}

export async function requireLead(
  ctx: LedgerContext,
  r: Repositories,
  actor: Actor,
  what: string,
  datasetId?: number,
): Promise<Role> {
  const role = await roleOf(ctx, r, actor, datasetId);
  requireRole(role, "LEAD", what);
  return role;
}

/** Today's date (YYYY-MM-DD) for a member, in their time zone. */
export async function todayFor(ctx: LedgerContext, r: Repositories, teamId: string, userId: string): Promise<string> {
  const member = await r.members.ensure(teamId, userId);
  return todayIn(member.timezone, ctx.config.defaultTimezone, ctx.config.clock());
}

/** Users who lead a dataset: workspace leads/admins, its own leads/admins, and configured admins. */
export async function leadsOf(
  ctx: LedgerContext,
  r: Repositories,
  teamId: string,
  datasetId: number,
): Promise<string[]> {
  const strong = ["LEAD", "ADMIN"] as const;
  const [members, onDataset] = await Promise.all([
    r.members.holdingRoles(teamId, strong),
    r.members.holdingDatasetRoles(datasetId, strong),
  ]);
  return [...new Set([...members, ...onDataset].map((m) => m.userId).concat(ctx.config.bootstrapAdmins))].sort();
}
