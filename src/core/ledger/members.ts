import { audit, ensureMember, memberView } from "../../db/store.js";
import { forbidden, invalid } from "../errors.js";
import { isValidTimezone } from "../dates.js";
import { atLeast, requireRole, roleName } from "../roles.js";
import type { Actor, ChangeOptions, MemberView, Role } from "../types.js";
import { roleOf, type LedgerContext } from "./context.js";
import { requireDataset } from "./datasets.js";

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
  return ctx.store.change(actor.teamId, "member.role", opts.idempotencyKey, async (tx) => {
    const dataset = opts.dataset ? await requireDataset(tx, actor.teamId, opts.dataset) : null;
    const mine = await roleOf(ctx, tx, actor, dataset?.id);
    requireRole(mine, atLeast(role, "LEAD") ? "ADMIN" : "LEAD", `make someone ${roleName(role)}`);
    const target = await ensureMember(tx, actor.teamId, userId);
    if (!dataset && atLeast(target.role, "LEAD") && !atLeast(mine, "ADMIN")) {
      throw forbidden(`only admins can change the role of <@${userId}>, who is ${roleName(target.role)}`);
    }
    if (dataset) {
      const before = await tx.datasetRole.findUnique({ where: { datasetId_userId: { datasetId: dataset.id, userId } } });
      await tx.datasetRole.upsert({
        where: { datasetId_userId: { datasetId: dataset.id, userId } },
        create: { teamId: actor.teamId, datasetId: dataset.id, userId, role },
        update: { role },
      });
      await audit(tx, {
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "member.dataset_role",
        datasetId: dataset.id,
        before: { userId, role: before?.role ?? null },
        after: { userId, role },
        at: ctx.config.clock(),
      });
      return { member: memberView(target), dataset: dataset.slug, role };
    }
    const updated = await tx.member.update({ where: { teamId_userId: { teamId: actor.teamId, userId } }, data: { role } });
    await audit(tx, {
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "member.role",
      before: { userId, role: target.role },
      after: { userId, role },
      at: ctx.config.clock(),
    });
    return { member: memberView(updated), dataset: null, role };
  });
}

/** Set someone's capacity in items per week (leads and admins). */
export async function setCapacity(ctx: LedgerContext, actor: Actor, userId: string, itemsPerWeek: number, opts: ChangeOptions = {}) {
  if (!Number.isSafeInteger(itemsPerWeek) || itemsPerWeek < 1 || itemsPerWeek > MAX_CAPACITY) {
    throw invalid(`capacity must be a whole number of items per week from 1 to ${MAX_CAPACITY.toLocaleString("en-US")}`);
  }
  return ctx.store.change(actor.teamId, "member.capacity", opts.idempotencyKey, async (tx) => {
    requireRole(await roleOf(ctx, tx, actor), "LEAD", "set capacities");
    const target = await ensureMember(tx, actor.teamId, userId);
    const updated = await tx.member.update({
      where: { teamId_userId: { teamId: actor.teamId, userId } },
      data: { capacityPerWeek: itemsPerWeek },
    });
    await audit(tx, {
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
  const m = await ctx.store.prisma.member.upsert({
    where: { teamId_userId: { teamId, userId } },
    create: { teamId, userId, displayName: profile.displayName ?? null, timezone },
    update: { displayName: profile.displayName ?? null, timezone },
  });
  return memberView(m);
}

export async function getMember(ctx: LedgerContext, actor: Actor): Promise<MemberView & { effectiveRole: Role }> {
  await ctx.store.ensureWorkspace(actor.teamId);
  return ctx.store.transaction(async (tx) => {
    const m = await ensureMember(tx, actor.teamId, actor.userId);
    return { ...memberView(m), effectiveRole: await roleOf(ctx, tx, actor) };
  });
}

/** The actor's effective role, on a dataset when named. */
export async function effectiveRoleOf(ctx: LedgerContext, actor: Actor, datasetId?: number): Promise<Role> {
  return roleOf(ctx, ctx.store.prisma, actor, datasetId, { register: false });
}

export async function listMembers(ctx: LedgerContext, teamId: string): Promise<MemberView[]> {
  const rows = await ctx.store.prisma.member.findMany({ where: { teamId }, orderBy: { userId: "asc" } });
  return rows.map(memberView);
}
