import { forbidden } from "./errors.ts";
import type { Role } from "./types.ts";

const RANK: Record<Role, number> = { ANNOTATOR: 0, REVIEWER: 1, LEAD: 2, ADMIN: 3 };

/** The stronger of two roles. */
export const maxRole = (a: Role, b: Role): Role => (RANK[a] >= RANK[b] ? a : b);
export const atLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];

export interface RoleSources {
  /** the member's workspace role (ANNOTATOR when unknown) */
  workspaceRole: Role;
  /** a role granted on the dataset in question, if any */
  datasetRole?: Role | null;
  /** listed in LEDGER_ADMINS */
  bootstrapAdmin: boolean;
  /** Slack workspace admin or owner */
  workspaceAdmin: boolean;
}

/** Effective role: the strongest of what the workspace, the dataset and the configuration grant. */
export function effectiveRole(s: RoleSources): Role {
  if (s.bootstrapAdmin || s.workspaceAdmin) return "ADMIN";
  return s.datasetRole ? maxRole(s.workspaceRole, s.datasetRole) : s.workspaceRole;
}

const ROLE_NAME: Record<Role, string> = { ANNOTATOR: "annotator", REVIEWER: "reviewer", LEAD: "lead", ADMIN: "admin" };
export const roleName = (r: Role): string => ROLE_NAME[r];

export function requireRole(actual: Role, min: Role, what: string): void {
  if (!atLeast(actual, min)) {
    const who =
      min === "LEAD" ? "leads and admins" : min === "ADMIN" ? "admins" : `${roleName(min)}s, leads and admins`;
    throw forbidden(`only ${who} can ${what}; you are ${articled(roleName(actual))}`);
  }
}

const articled = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);
