/**
 * What a modal remembers (its private_metadata) is sealed by rangekeeper when
 * it opens the modal: an HMAC over the workspace, the person it was opened
 * for, the form (callback id) and the metadata. A submission whose seal does
 * not check out is of a view this bot never opened for that person (or
 * whose metadata was changed), and is refused; so a channel or reference in
 * the metadata can be trusted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { View } from "@slack/types";

const SEPARATOR = "~";

export class ViewSeal {
  private readonly key: Buffer;

  /** `secret`: something only this bot knows (its token); the seal's key is derived from it. */
  constructor(secret: string) {
    this.key = createHmac("sha256", "rangekeeper view seal").update(secret).digest();
  }

  private mac(teamId: string, userId: string, callbackId: string, payload: string): string {
    return createHmac("sha256", this.key)
      .update(`${teamId}\n${userId}\n${callbackId}\n${payload}`)
      .digest("base64url")
      .slice(0, 32);
  }

  /** The view with its private_metadata sealed for this person. */
  seal<V extends View>(view: V, teamId: string, userId: string): V {
    const payload = view.private_metadata ?? "";
    const callbackId = view.callback_id ?? "";
    return { ...view, private_metadata: `${payload}${SEPARATOR}${this.mac(teamId, userId, callbackId, payload)}` };
  }

  /** The metadata of a sealed view, or null when the seal does not check out for this person and form. */
  open(raw: string | undefined, teamId: string, userId: string, callbackId: string): string | null {
    if (!raw) return null;
    const at = raw.lastIndexOf(SEPARATOR);
    if (at < 0) return null;
    const payload = raw.slice(0, at);
    const given = Buffer.from(raw.slice(at + 1));
    const expected = Buffer.from(this.mac(teamId, userId, callbackId, payload));
    return given.length === expected.length && timingSafeEqual(given, expected) ? payload : null;
  }
}
