/** What rangekeeper posts (a reply, a DM, a message update), and the refusal every surface shows the same way. */
import type { KnownBlock } from "@slack/types";
import { plainText, type Text } from "../core/text.ts";
import { clip, context, esc, section } from "./format.ts";
import { mrkdwn } from "./text.ts";

export interface Message {
  /** notification and accessibility text */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's limit on a message's text (the notification fallback), as on a section's. */
export const MAX_MESSAGE_TEXT = 3000;

/** A message of at most Slack's 50 blocks, its text within Slack's limit (the builders keep each block's). */
export const msg = (text: string, blocks: KnownBlock[]): Message => ({
  text: clip(text, MAX_MESSAGE_TEXT),
  blocks: blocks.slice(0, 50),
});

/** A refusal: what was wrong, and the correct usage when it was the command's shape. */
export function errorMessage(message: Text | string, usage?: string): Message {
  const t = typeof message === "string" ? [message] : message;
  const blocks: KnownBlock[] = [section(`:raised_hand: ${mrkdwn(t)}`)];
  if (usage) blocks.push(context(`Usage: \`${esc(usage)}\``));
  const plainMessage = plainText(t);
  return msg(usage ? `${plainMessage.replace(/\.$/, "")}. Usage: ${usage}` : plainMessage, blocks);
}

/** A file uploaded with a message (files.uploadV2), its bytes in base64 so the outbox can keep it as JSON. */
export interface UploadFile {
  filename: string;
  title: string;
  /** the image's description for screen readers */
  alt_text?: string;
  data: string;
}
