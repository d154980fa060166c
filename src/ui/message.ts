/** What rangekeeper posts (a reply, a DM, a message update), and the refusal every surface shows the same way. */
import type { KnownBlock } from "@slack/types";
import { plainText, type Text } from "../core/text.ts";
import { context, esc, section } from "./format.ts";
import { mrkdwn } from "./text.ts";

export interface Message {
  /** notification and accessibility text */
  text: string;
  blocks: KnownBlock[];
}

/** A message of at most Slack's 50 blocks. */
export const msg = (text: string, blocks: KnownBlock[]): Message => ({ text, blocks: blocks.slice(0, 50) });

/** A refusal: what was wrong, and the correct usage when it was the command's shape. */
export function errorMessage(message: Text | string, usage?: string): Message {
  const t = typeof message === "string" ? [message] : message;
  const blocks: KnownBlock[] = [section(`:raised_hand: ${mrkdwn(t)}`)];
  if (usage) blocks.push(context(`Usage: \`${esc(usage)}\``));
  const plainMessage = plainText(t);
  return msg(usage ? `${plainMessage}. Usage: ${usage}` : plainMessage, blocks);
}
