import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Store, Tx } from "../../db/store.js";
import { datasetRole, ensureMember, findMember } from "../../db/store.js";
import { effectiveRole, requireRole } from "../roles.js";
import { isValidTimezone, dateIn } from "../dates.js";
import type { Actor, Role } from "../types.js";

export interface LedgerConfig {
  /** Slack user ids that are admins whatever the database says (LEDGER_ADMINS) */
  bootstrapAdmins: readonly string[];
  /** items per week of an annotator with no capacity of their own */
  defaultCapacity: number;
  /** IANA zone of members with no zone of their own */
  defaultTimezone: string;
  /** the current time; jobs run "as if at" another time */
  clock: () => Date;
}

export interface LedgerContext {
  store: Store;
  config: LedgerConfig;
}

/**
 * The actor's effective role, optionally on one dataset. Inside a change the
 * actor is registered as a member; a plain read (`register: false`) only looks.
 */
export async function roleOf(
  ctx: LedgerContext,
  tx: Tx | PrismaClient,
  actor: Actor,
  datasetId?: number,
  { register = true } = {},
): Promise<Role> {
  const member = register ? await ensureMember(tx, actor.teamId, actor.userId) : await findMember(tx, actor.teamId, actor.userId);
  const base = effectiveRole({
    workspaceRole: member?.role ?? "ANNOTATOR",
    bootstrapAdmin: ctx.config.bootstrapAdmins.includes(actor.userId),
    workspaceAdmin: actor.workspaceAdmin === true,
  });
  if (base === "ADMIN" || datasetId === undefined) return base;
  const onDataset = await datasetRole(tx, datasetId, actor.userId);
  return onDataset ? effectiveRole({ workspaceRole: base, datasetRole: onDataset, bootstrapAdmin: false, workspaceAdmin: false }) : base;
}

export async function requireLead(ctx: LedgerContext, tx: Tx, actor: Actor, what: string, datasetId?: number): Promise<Role> {
  const role = await roleOf(ctx, tx, actor, datasetId);
  requireRole(role, "LEAD", what);
  return role;
}

/** Today's date (YYYY-MM-DD) for a member, in their time zone. */
export async function todayFor(ctx: LedgerContext, tx: Tx, teamId: string, userId: string): Promise<string> {
  const member = await ensureMember(tx, teamId, userId);
  const tz = member.timezone && isValidTimezone(member.timezone) ? member.timezone : ctx.config.defaultTimezone;
  return dateIn(tz, ctx.config.clock());
}
