import { isValidTimezone } from "../dates.ts";
import { forbidden, invalid } from "../errors.ts";
import { atLeast, requireRole, roleName } from "../roles.ts";
import { person, text } from "../text.ts";
import type { Actor, ChangeOptions, MemberView, Role } from "../types.ts";
import { memberView } from "../views.ts";
import { change, type LedgerContext, roleOf } from "./context.ts";
import { requireDataset } from "./datasets.ts";

export const MAX_CAPACITY = 10_000_000;

/**
 * Grant a role, workspace-wide or on one dataset. Admins grant any role;
 * leads may make people annotators or reviewers.
 */
export async function setRole(
  ctx: LedgerContext,
  actor: Actor,
  userId: string,
  role: Role,
  opts: ChangeOptions & { dataset?: string } = {},
) {
  return change(ctx, actor.teamId, "member.role", opts.idempotencyKey, async (r) => {
    const dataset = opts.dataset ? await requireDataset(r, actor.teamId, opts.dataset) : null;
    const mine = await roleOf(ctx, r, actor, dataset?.id);
    requireRole(mine, atLeast(role, "LEAD") ? "ADMIN" : "LEAD", `make someone ${roleName(role)}`);
    const target = await r.members.ensure(actor.teamId, userId);
    if (!dataset && atLeast(target.role, "LEAD") && !atLeast(mine, "ADMIN")) {
      throw forbidden(text`only admins can change the role of ${person(userId)}, who is ${roleName(target.role)}`);
    }
    const at = ctx.config.clock();
    if (dataset) {
      const before = await r.members.setDatasetRole(actor.teamId, dataset.id, userId, role);
      await r.audit.append({
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "member.dataset_role",
        datasetId: dataset.id,
        before: { userId, role: before },
        after: { userId, role },
        at,
      });
      return { member: memberView(target), dataset: dataset.slug, role };
    }
    const updated = await r.members.setRole(actor.teamId, userId, role);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "member.role",
      before: { userId, role: target.role },
      after: { userId, role },
      at,
    });
    return { member: memberView(updated), dataset: null, role };
  });
}

/** Set someone's capacity in items per week (leads and admins). */
export async function setCapacity(
  ctx: LedgerContext,
  actor: Actor,
  userId: string,
  itemsPerWeek: number,
  opts: ChangeOptions = {},
) {
  if (!Number.isSafeInteger(itemsPerWeek) || itemsPerWeek < 1 || itemsPerWeek > MAX_CAPACITY) {
    throw invalid(
      `capacity must be a whole number of items per week from 1 to ${MAX_CAPACITY.toLocaleString("en-US")}`,
    );
  }
  return change(ctx, actor.teamId, "member.capacity", opts.idempotencyKey, async (r) => {
    requireRole(await roleOf(ctx, r, actor), "LEAD", "set capacities");
    const target = await r.members.ensure(actor.teamId, userId);
    const updated = await r.members.setCapacity(actor.teamId, userId, itemsPerWeek);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "member.capacity",
      before: { userId, capacityPerWeek: target.capacityPerWeek },
      after: { userId, capacityPerWeek: itemsPerWeek },
      at: ctx.config.clock(),
    });
    return { member: memberView(updated) };
  });
}

/** Keeps a member's display name and time zone as Slack reports them (a cache, not a ledger change). */
export async function updateProfile(
  ctx: LedgerContext,
  teamId: string,
  userId: string,
  profile: { displayName?: string | null; timezone?: string | null },
): Promise<MemberView> {
  await ctx.store.ensureWorkspace(teamId);
  const timezone = profile.timezone && isValidTimezone(profile.timezone) ? profile.timezone : null;
  return memberView(
    await ctx.store.read.members.saveProfile(teamId, userId, { displayName: profile.displayName ?? null, timezone }),
  );
}

export async function getMember(ctx: LedgerContext, actor: Actor): Promise<MemberView & { effectiveRole: Role }> {
  await ctx.store.ensureWorkspace(actor.teamId);
  return ctx.store.transaction(async (r) => {
    const m = await r.members.ensure(actor.teamId, actor.userId);
    return { ...memberView(m), effectiveRole: await roleOf(ctx, r, actor) };
  });
}

/** The actor's effective role, on a dataset when named. */
export async function effectiveRoleOf(ctx: LedgerContext, actor: Actor, datasetId?: number): Promise<Role> {
  return roleOf(ctx, ctx.store.read, actor, datasetId, { register: false });
}

export async function listMembers(ctx: LedgerContext, teamId: string): Promise<MemberView[]> {
  return (await ctx.store.read.members.list(teamId)).map(memberView);
}

/** Leads see the scheduled jobs and the outbox; admins may run a job now. */
export async function authorizeJobs(ctx: LedgerContext, actor: Actor, action: "view" | "run"): Promise<void> {
  const role = await roleOf(ctx, ctx.store.read, actor, undefined, { register: false });
  requireRole(role, action === "run" ? "ADMIN" : "LEAD", action === "run" ? "run a job now" : "see the scheduled jobs");
}
