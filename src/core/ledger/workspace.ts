/**
 * The settings of a workspace (team): the zone its schedules run in, the
 * working hours in which DMs from jobs are delivered, and the days after
 * which late work is escalated or stalled work nudged. Admins change them;
 * each change is audited.
 */
import type { WorkspaceRecord } from "../../db/records.ts";
import { isValidTimezone } from "../dates.ts";
import { invalid } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { excerpt } from "../text.ts";
import type { Actor, ChangeOptions } from "../types.ts";
import { change, type LedgerContext, roleOf } from "./context.ts";

/** Every workspace setting, with what it means. */
export const WORKSPACE_SETTINGS = {
  timezone: "the zone the jobs' schedules and the daily summaries follow (an IANA zone, or default)",
  hours: "working hours, e.g. 09:00-18:00: DMs from jobs arrive within them, in each person's zone",
  days: "working days, e.g. mon-fri or mon,tue,thu",
  "escalate-after": "days a range may be overdue before its dataset's leads are told",
  "stalled-after": "days without progress after which an in-progress range counts as stalled",
} as const;

export type WorkspaceSettingKey = keyof typeof WORKSPACE_SETTINGS;
export const isWorkspaceSettingKey = (k: string): k is WorkspaceSettingKey => Object.hasOwn(WORKSPACE_SETTINGS, k);

export type WorkspaceSetting =
  /** an IANA zone, or null for the configured default */
  | { key: "timezone"; value: string | null }
  /** minutes after local midnight */
  | { key: "hours"; value: { start: number; end: number } }
  /** ISO weekdays, 1 = Monday */
  | { key: "days"; value: number[] }
  | { key: "escalate-after"; value: number }
  | { key: "stalled-after"; value: number };

export interface WorkspaceView {
  teamId: string;
  /** the zone in force, and whether it is the configured default */
  timezone: string;
  timezoneIsDefault: boolean;
  hours: { start: number; end: number; days: number[] };
  escalateAfterDays: number;
  stalledAfterDays: number;
}

export function workspaceView(ctx: LedgerContext, w: WorkspaceRecord): WorkspaceView {
  return {
    teamId: w.id,
    timezone: w.timezone ?? ctx.config.defaultTimezone,
    timezoneIsDefault: w.timezone === null,
    hours: { start: w.workdayStart, end: w.workdayEnd, days: [...w.workdays] },
    escalateAfterDays: w.escalateAfterDays,
    stalledAfterDays: w.stalledAfterDays,
  };
}

function patchFor(s: WorkspaceSetting): Partial<Omit<WorkspaceRecord, "id">> {
  switch (s.key) {
    case "timezone":
      if (s.value !== null && !isValidTimezone(s.value))
        throw invalid(`"${excerpt(s.value)}" is not a time zone; use an IANA name such as Europe/Berlin`);
      return { timezone: s.value };
    case "hours":
      if (!(s.value.start >= 0 && s.value.start < s.value.end && s.value.end <= 1440))
        throw invalid("working hours must start before they end, within one day (e.g. 09:00-18:00)");
      return { workdayStart: s.value.start, workdayEnd: s.value.end };
    case "days": {
      const days = [...new Set(s.value)].sort();
      if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
        throw invalid("working days must be at least one day of the week");
      return { workdays: days };
    }
    case "escalate-after":
      if (!Number.isInteger(s.value) || s.value < 0 || s.value > 60)
        throw invalid("escalate-after must be a whole number of days from 0 to 60");
      return { escalateAfterDays: s.value };
    case "stalled-after":
      if (!Number.isInteger(s.value) || s.value < 1 || s.value > 60)
        throw invalid("stalled-after must be a whole number of days from 1 to 60");
      return { stalledAfterDays: s.value };
  }
}

/** The workspace's settings (registering it when first seen). */
export async function getWorkspace(ctx: LedgerContext, teamId: string): Promise<WorkspaceView> {
  await ctx.store.ensureWorkspace(teamId);
  return workspaceView(ctx, (await ctx.store.read.workspaces.get(teamId))!);
}

/** Changes one setting (admins), with its audit event. */
export async function configureWorkspace(
  ctx: LedgerContext,
  actor: Actor,
  setting: WorkspaceSetting,
  opts: ChangeOptions = {},
) {
  return change(ctx, actor.teamId, "workspace.set", opts.idempotencyKey, async (r) => {
    requireRole(await roleOf(ctx, r, actor), "ADMIN", "change the workspace's settings");
    const patch = patchFor(setting);
    const before = workspaceView(ctx, (await r.workspaces.get(actor.teamId))!);
    const after = workspaceView(ctx, await r.workspaces.update(actor.teamId, patch));
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "workspace.set",
      before: { [setting.key]: settingOf(before, setting.key) },
      after: { [setting.key]: settingOf(after, setting.key) },
      at: ctx.config.clock(),
      reason: opts.reason ?? null,
    });
    return { workspace: after, key: setting.key };
  });
}

function settingOf(w: WorkspaceView, key: WorkspaceSettingKey): unknown {
  switch (key) {
    case "timezone":
      return w.timezoneIsDefault ? null : w.timezone;
    case "hours":
      return { start: w.hours.start, end: w.hours.end };
    case "days":
      return w.hours.days;
    case "escalate-after":
      return w.escalateAfterDays;
    case "stalled-after":
      return w.stalledAfterDays;
  }
}
