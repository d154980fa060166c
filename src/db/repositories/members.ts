/** Members of a workspace and the roles they hold, workspace-wide or on one dataset. */
import type { MemberRecord, Role } from "../records.ts";
import type { Client } from "./client.ts";

export interface MemberCapacity {
  userId: string;
  capacityPerWeek: number | null;
}

export class MemberRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  find(teamId: string, userId: string): Promise<MemberRecord | null> {
    return this.db.member.findUnique({ where: { teamId_userId: { teamId, userId } } });
  }

  /** The member, registered with the default role when first seen. */
  async ensure(teamId: string, userId: string): Promise<MemberRecord> {
    return (
      (await this.find(teamId, userId)) ??
      this.db.member.upsert({ where: { teamId_userId: { teamId, userId } }, create: { teamId, userId }, update: {} })
    );
  }

  setRole(teamId: string, userId: string, role: Role): Promise<MemberRecord> {
    return this.db.member.update({ where: { teamId_userId: { teamId, userId } }, data: { role } });
  }

  setCapacity(teamId: string, userId: string, capacityPerWeek: number): Promise<MemberRecord> {
    return this.db.member.update({ where: { teamId_userId: { teamId, userId } }, data: { capacityPerWeek } });
  }

  /** Keeps the name and time zone Slack reports (registering the member if new). */
  saveProfile(
    teamId: string,
    userId: string,
    profile: { displayName: string | null; timezone: string | null },
  ): Promise<MemberRecord> {
    return this.db.member.upsert({
      where: { teamId_userId: { teamId, userId } },
      create: { teamId, userId, ...profile },
      update: profile,
    });
  }

  list(teamId: string): Promise<MemberRecord[]> {
    return this.db.member.findMany({ where: { teamId }, orderBy: { userId: "asc" } });
  }

  capacities(teamId: string): Promise<MemberCapacity[]> {
    return this.db.member.findMany({ where: { teamId }, select: { userId: true, capacityPerWeek: true } });
  }

  /** The time zones the members among `userIds` have (absent: none known). */
  async timezones(teamId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.member.findMany({
      where: { teamId, userId: { in: [...new Set(userIds)] }, timezone: { not: null } },
      select: { userId: true, timezone: true },
    });
    return new Map(rows.map((r) => [r.userId, r.timezone!]));
  }

  /** Members whose workspace role is one of `roles`. */
  holdingRoles(teamId: string, roles: readonly Role[]): Promise<{ userId: string; role: Role }[]> {
    return this.db.member.findMany({
      where: { teamId, role: { in: [...roles] } },
      select: { userId: true, role: true },
    });
  }

  /** The role a user holds on one dataset, if any. */
  async datasetRole(datasetId: number, userId: string): Promise<Role | null> {
    const r = await this.db.datasetRole.findUnique({ where: { datasetId_userId: { datasetId, userId } } });
    return r?.role ?? null;
  }

  /** Grants a role on one dataset; returns the role held before (or null). */
  async setDatasetRole(teamId: string, datasetId: number, userId: string, role: Role): Promise<Role | null> {
    const before = await this.datasetRole(datasetId, userId);
    await this.db.datasetRole.upsert({
      where: { datasetId_userId: { datasetId, userId } },
      create: { teamId, datasetId, userId, role },
      update: { role },
    });
    return before;
  }

  /** Users holding one of `roles` on a dataset. */
  holdingDatasetRoles(datasetId: number, roles: readonly Role[]): Promise<{ userId: string; role: Role }[]> {
    return this.db.datasetRole.findMany({
      where: { datasetId, role: { in: [...roles] } },
      select: { userId: true, role: true },
    });
  }
}
