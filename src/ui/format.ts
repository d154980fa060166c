/** Small text builders shared by every Block Kit view: pure, no I/O. */
import type { Button, ContextBlock, KnownBlock, PlainTextElement, SectionBlock } from "@slack/types";
import { daysBetween, weekdayOf } from "../core/dates.ts";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentStatus, AssignmentView } from "../core/types.ts";

/** Escapes text for mrkdwn (Slack's three control characters). */
export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Text cut to Slack's limit of `max` characters (counted in UTF-16 units, which
 * never undercount Slack's characters), ending in an ellipsis when cut. The cut
 * never splits a surrogate pair, nor leaves half an escape (`&amp;`) or half a
 * `<…>` mention, channel or link at the end.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  let head = text.slice(0, end);
  const open = Math.max(head.lastIndexOf("<"), head.lastIndexOf("&"));
  if (open >= 0 && open >= end - 200 && !/[>;]/.test(head.slice(open))) head = head.slice(0, open);
  return `${head}…`;
}

export const mention = (userId: string): string => `<@${userId}>`;
export const channelMention = (channelId: string): string => `<#${channelId}>`;

export const plain = (text: string, emoji = true): PlainTextElement => ({
  type: "plain_text",
  text: clip(text, 2000),
  emoji,
});

export const section = (text: string, accessory?: SectionBlock["accessory"]): SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, 3000) },
  ...(accessory ? { accessory } : {}),
});

export const context = (...texts: string[]): ContextBlock => ({
  type: "context",
  elements: texts.slice(0, 10).map((t) => ({ type: "mrkdwn" as const, text: clip(t, 2000) })),
});

export const divider = (): KnownBlock => ({ type: "divider" });

export const header = (text: string): KnownBlock => ({ type: "header", text: plain(clip(text, 150)) });

export function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  return { type: "button", text: plain(clip(text, 75)), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** "▓▓▓▓░░░░░░ 40%" */
export function progressBar(done: number, size: number, width = 10): string {
  const share = size > 0 ? done / size : 0;
  const filled = Math.round(share * width);
  return `${"▓".repeat(filled)}${"░".repeat(width - filled)} ${Math.floor(share * 100)}%`;
}

const STATUS: Record<AssignmentStatus, string> = {
  PENDING: ":hourglass_flowing_sand: pending",
  IN_PROGRESS: ":hammer_and_wrench: in progress",
  IN_REVIEW: ":mag: in review",
  CHANGES_REQUESTED: ":leftwards_arrow_with_hook: changes requested",
  COMPLETED: ":white_check_mark: completed",
  RELEASED: ":arrow_heading_up: released",
};
export const statusLabel = (s: AssignmentStatus): string => STATUS[s];

/** "due 2026-12-01 (Tue, in 9 days)", "*overdue* since 2026-11-20 (2 days)", or "" without a due date. */
export function dueLabel(due: string | null, today: string): string {
  if (!due) return "";
  const days = daysBetween(today, due);
  if (days < 0) return `*overdue* since ${due} (${-days} day${days === -1 ? "" : "s"})`;
  if (days === 0) return `due *today* (${weekdayOf(due)} ${due})`;
  if (days === 1) return `due tomorrow (${weekdayOf(due)} ${due})`;
  return `due ${due} (${weekdayOf(due)}, in ${days} days)`;
}

export const plural = (n: number, noun: string): string => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

/** "*A17* · cats 101–200 (100 images)" */
export function assignmentTitle(a: AssignmentView): string {
  return `*${a.ref}* · ${esc(a.dataset)} ${formatRange(a)} (${plural(a.size, a.itemNoun)})`;
}
