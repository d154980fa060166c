/**
 * What Slack does with a message posted to a response_url (or returned in the ack of a slash
 * command): post it in the channel or ephemerally, replace or delete the original message.
 */

import type { Json, ResponseRecord } from "./types.ts";
import { isObject, str } from "./util.ts";
import { checkMessageBlocks, problemMessages } from "./validate.ts";
import type { ResponseTarget, Workspace } from "./workspace.ts";

export interface ApplyOutcome {
  status: number;
  body: string;
  record: ResponseRecord;
}

function truthy(v: unknown): boolean {
  return v === true || v === "true";
}

/** Applies one response to the workspace, records it on the target and returns the HTTP answer. */
export function applyResponse(
  ws: Workspace,
  target: ResponseTarget,
  body: Json,
  via: "response_url" | "ack",
): ApplyOutcome {
  const record: ResponseRecord = {
    id: target.id,
    at: Date.now(),
    via,
    response_type: body.response_type === "in_channel" ? "in_channel" : "ephemeral",
    replace_original: truthy(body.replace_original),
    delete_original: truthy(body.delete_original),
    text: str(body.text),
    blocks: Array.isArray(body.blocks) ? (body.blocks as Json[]) : undefined,
    attachments: Array.isArray(body.attachments) ? (body.attachments as Json[]) : undefined,
    thread_ts: str(body.thread_ts),
    body,
  };
  const refuse = (status: number, error: string, problems?: string[]): ApplyOutcome => {
    record.error = error;
    if (problems) record.problems = problems;
    ws.addResponseRecord(target, record);
    return { status, body: error, record };
  };

  if (via === "response_url") {
    target.uses += 1;
    if (target.uses > ws.opts.responseUrlUses) return refuse(404, "used_url");
    if (Date.now() - target.createdAt > 30 * 60 * 1000) return refuse(404, "expired_url");
  }
  if (ws.opts.validateBlocks) {
    const problems = checkMessageBlocks(body.blocks);
    if (problems.length > 0) return refuse(400, "invalid_blocks", problemMessages(problems));
  }

  // The original of an interaction on a message is that message; of a slash command, the
  // last message posted through its own response URL (replace_original updates a command's reply).
  const lastReply = [...target.records].reverse().find((r) => r.message && !r.error)?.message;
  const original =
    target.messageTs && target.channel
      ? ws.findMessage(target.channel, target.messageTs)
      : target.kind === "command"
        ? lastReply
        : undefined;
  if (record.delete_original) {
    if (!original || original.deleted) return refuse(404, "message_not_found");
    ws.deleteMessage(original);
    record.message = original;
  } else if (record.replace_original && original && !original.deleted) {
    ws.editMessage(original, {
      text: record.text ?? "",
      blocks: record.blocks ?? [],
      attachments: record.attachments ?? [],
    });
    record.message = original;
  } else if (record.text !== undefined || record.blocks !== undefined || record.attachments !== undefined) {
    if (target.channel) {
      record.message = ws.addMessage({
        channel: target.channel,
        ...ws.botAuthor(),
        text: record.text ?? "",
        blocks: record.blocks,
        attachments: record.attachments,
        thread_ts: record.thread_ts,
        ephemeralTo: record.response_type === "ephemeral" ? target.user : undefined,
        via,
      });
    }
  } else if (via === "response_url") {
    return refuse(400, "no_text");
  }
  ws.addResponseRecord(target, record);
  return { status: 200, body: "ok", record };
}

/** True when an ack body of a slash command carries a message Slack would show. */
export function ackCarriesMessage(body: unknown): body is Json {
  return (
    isObject(body) && (typeof body.text === "string" || Array.isArray(body.blocks) || Array.isArray(body.attachments))
  );
}
