/**
 * One post to a response_url (the answer to a slash command or a click),
 * with its outcome as the outbox's retry rules see it. Retries, Retry-After
 * and the fall-back to a DM are the sender's: nothing waits here.
 */
import type { Failure } from "./retry.ts";

/** What a reply row holds: the body of the post, and how to send it again after an answer that was lost. */
export interface ReplyBody {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  text: string;
  blocks?: unknown[];
}

export type ResponseOutcome =
  | { ok: true }
  /** the response_url takes no more posts (used 5 times, older than 30 minutes, unknown) */
  | { ok: false; spent: true; status: number; body: string }
  | { ok: false; spent: false; failure: Failure };

/** How long one post may take before it counts as a network failure. */
const POST_TIMEOUT_MS = 10_000;

export async function postToResponseUrl(url: string, body: ReplyBody): Promise<ResponseOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, spent: false, failure: { kind: "network", message: (e as Error).message } };
  }
  const text = (await res.text().catch(() => "")).slice(0, 200);
  if (res.ok) return { ok: true };
  if (res.status === 429) {
    const header = res.headers.get("retry-after")?.trim() ?? "";
    return {
      ok: false,
      spent: false,
      failure: { kind: "rate-limited", retryAfterSec: /^\d+$/.test(header) ? Number(header) : 1 },
    };
  }
  // Slack answers 404 with used_url / expired_url (or 410) for a response_url that takes no more posts.
  if (res.status === 404 || res.status === 410) return { ok: false, spent: true, status: res.status, body: text };
  return { ok: false, spent: false, failure: { kind: "http", status: res.status } };
}
