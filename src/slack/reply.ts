/** Turns any failure of a request into the one-line message the user sees. */

import type { WebAPIPlatformError } from "@slack/web-api";
import type { Logger } from "pino";
import { DomainError } from "../core/errors.ts";
import type { InstructionsView } from "../core/ledger/index.ts";
import type { Text } from "../core/text.ts";
import { instructionsRefusalMessage } from "../ui/instruction-messages.ts";
import { errorMessage, type Message } from "../ui/message.ts";
import { UsageError } from "./parse/grammar.ts";

export function errorReply(e: unknown, logger: Logger, where: string): Message {
  if (e instanceof UsageError) return errorMessage(e.message, e.usage);
  if (e instanceof DomainError) {
    // Refused until the current instructions are acknowledged: they come with the button that does it.
    const instructions = instructionsOf(e);
    return instructions ? instructionsRefusalMessage(e.text, instructions) : errorMessage(e.text);
  }
  if (isPlatformError(e)) {
    logger.warn({ err: e, where }, "Slack API call failed");
    return errorMessage(
      `Slack refused a call rangekeeper made (${e.data.error}); nothing was changed. Please try again.`,
    );
  }
  logger.error({ err: e, where }, "request failed");
  return errorMessage("Something went wrong on rangekeeper's side; nothing was changed. Please try again in a moment.");
}

/** The instructions a refusal asks to acknowledge first, if it is such a refusal. */
export function instructionsOf(e: unknown): InstructionsView | null {
  if (!(e instanceof DomainError)) return null;
  const i = e.details.instructions as InstructionsView | undefined;
  return i && typeof i.dataset === "string" && typeof i.version === "number" ? i : null;
}

export function isPlatformError(e: unknown): e is WebAPIPlatformError {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "slack_webapi_platform_error";
}

/** The sentence of a refusal a person should see (a usage problem or a ledger refusal), or null for anything else. */
export function refusalText(e: unknown): Text | null {
  if (e instanceof DomainError) return e.text;
  if (e instanceof UsageError) return [e.message];
  return null;
}
