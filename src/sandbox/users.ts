/**
 * The people of the sandbox workspace: a small annotation team with one
 * person per role, and the channel where they type commands. Ids follow
 * Slack's shape (U… / C…) so mentions like <@UANA> work as in Slack.
 */

import type { DirectoryChannel, DirectoryUser } from "@rangekeeper/slack-standin";
import type { Role } from "../core/types.ts";

export const SANDBOX_TEAM = "T0SANDBOX";

export const LABELS_CHANNEL: DirectoryChannel = { id: "CLABELS", name: "labels" };

export interface DemoUser extends DirectoryUser {
  /** a second handle naming the person's job, e.g. `@lead` */
  alias?: string;
  /** the role `demo` gives them (ANNOTATOR: none needed) */
  demoRole: Role;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: "UADA", name: "ada", real_name: "Ada Admin", tz: "UTC", alias: "admin", demoRole: "ADMIN" },
  { id: "ULEE", name: "lee", real_name: "Lee Lead", tz: "Europe/Lisbon", alias: "lead", demoRole: "LEAD" },
  { id: "UANA", name: "ana", real_name: "Ana Lima", tz: "Europe/Lisbon", demoRole: "ANNOTATOR" },
  { id: "UBOB", name: "bob", real_name: "Bob Okafor", tz: "America/New_York", demoRole: "ANNOTATOR" },
  { id: "UCAL", name: "cal", real_name: "Cal Reyes", tz: "Asia/Kolkata", demoRole: "ANNOTATOR" },
  { id: "URITA", name: "rita", real_name: "Rita Reviewer", tz: "UTC", alias: "reviewer", demoRole: "REVIEWER" },
];

/** The configured ledger admins of the sandbox (what LEDGER_ADMINS is in production). */
export const SANDBOX_ADMINS: readonly string[] = DEMO_USERS.filter((u) => u.demoRole === "ADMIN").map((u) => u.id);

/** The person the sandbox starts as. */
export const DEFAULT_USER = "UANA";

/** Finds a person by `@handle`, handle, alias (`@lead`), first name or user id; case-insensitive. */
export function findDemoUser(ref: string): DemoUser | undefined {
  const key = ref.trim().replace(/^@/, "").toLowerCase();
  if (!key) return undefined;
  return (
    DEMO_USERS.find((u) => u.name === key || u.id.toLowerCase() === key) ??
    DEMO_USERS.find((u) => u.alias === key) ??
    DEMO_USERS.find((u) => u.real_name?.split(" ")[0]?.toLowerCase() === key)
  );
}

export function demoUserById(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}

/**
 * Writes mentions the way Slack sends them in a slash command's text when the
 * command escapes them: `@ana` → `<@UANA|ana>`, `#labels` → `<#CLABELS|labels>`.
 * Names nobody has stay as typed, as in Slack.
 */
export function escapeMentions(text: string, channels: readonly DirectoryChannel[] = [LABELS_CHANNEL]): string {
  return text
    .replace(/(^|\s)@([A-Za-z0-9._-]+)/g, (all, pre: string, name: string) => {
      const u = findDemoUser(name);
      return u ? `${pre}<@${u.id}|${u.name}>` : all;
    })
    .replace(/(^|\s)#([a-z0-9_-]+)/g, (all, pre: string, name: string) => {
      const c = channels.find((ch) => ch.name === name);
      return c ? `${pre}<#${c.id}|${c.name}>` : all;
    });
}
