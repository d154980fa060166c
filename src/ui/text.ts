/** The domain's structured sentences (src/core/text.ts) rendered for Slack. */
import type { Hint, Text } from "../core/text.ts";
import { esc, mention } from "./format.ts";

/** How to act on a hint in Slack: the command to type. */
function hintCommand(h: Hint): string {
  switch (h.kind) {
    case "add-dataset":
      return "/ledger dataset add <slug> <items>";
    case "reopen-dataset":
      return `/ledger dataset set ${h.dataset} archived no`;
  }
}

/** As mrkdwn: words escaped, people as mentions, hints as the command in code. */
export function mrkdwn(t: Text): string {
  return t
    .map((p) =>
      typeof p === "string"
        ? esc(p)
        : p.kind === "person"
          ? mention(p.userId)
          : ` with \`${esc(hintCommand(p.hint))}\``,
    )
    .join("");
}

/**
 * As plain text, where nothing renders markup (a modal field's error): people
 * by the names given (their user id when unknown), hints as the command.
 */
export function plainWithNames(t: Text, names: ReadonlyMap<string, string>): string {
  return t
    .map((p) =>
      typeof p === "string"
        ? p
        : p.kind === "person"
          ? `@${names.get(p.userId) ?? p.userId}`
          : ` with ${hintCommand(p.hint)}`,
    )
    .join("");
}
