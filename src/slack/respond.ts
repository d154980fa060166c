/**
 * Posting to a response_url (the answer to a slash command or a click). Bolt's
 * respond() gives up on the first non-2xx answer; a rate-limited or briefly
 * failing response_url would then lose the answer to a change that was made.
 * This poster retries what Slack asks to retry: 429 after its Retry-After,
 * 5xx and network failures with a short backoff.
 */

export interface ResponseBody {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  delete_original?: boolean;
  text: string;
  blocks?: unknown[];
}

export interface RespondRetry {
  /** attempts in all, the first included */
  attempts: number;
  /** longest wait between two attempts, whatever Retry-After says */
  maxDelayMs: number;
}

const DEFAULT_RETRY: RespondRetry = { attempts: 4, maxDelayMs: 3000 };

/** The response_url refused the answer for good (or kept failing). */
export class ResponseUrlError extends Error {
  override readonly name = "ResponseUrlError";
  readonly status: number;
  readonly attempts: number;

  constructor(status: number, attempts: number) {
    super(
      `the response_url answered ${status === 0 ? "nothing (network error)" : `HTTP ${status}`} after ${attempts} attempt(s)`,
    );
    this.status = status;
    this.attempts = attempts;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function postResponse(
  url: string,
  body: ResponseBody,
  retry: RespondRetry = DEFAULT_RETRY,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let retryAfterSec: number | null = null;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      status = res.status;
      const header = res.headers.get("retry-after");
      retryAfterSec = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
    } catch {
      status = 0; // the network failed; worth another try
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || attempt >= retry.attempts) throw new ResponseUrlError(status, attempt);
    const delay = status === 429 && retryAfterSec !== null ? retryAfterSec * 1000 : 100 * 2 ** (attempt - 1);
    await sleep(Math.min(delay, retry.maxDelayMs));
  }
}
