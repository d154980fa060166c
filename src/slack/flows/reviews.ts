/** Review decisions: the reply to the reviewer and the DM to the annotator. */

import type { ReviewVerdict } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import { section } from "../../ui/format.ts";
import type { Message } from "../../ui/message.ts";
import { reviewDecidedDm } from "../../ui/review-messages.ts";
import { type Services, todayOf } from "../services.ts";

export async function recordReviewFlow(
  s: Services,
  actor: Actor,
  ref: string,
  v: ReviewVerdict,
  key: string,
): Promise<Message> {
  const r = await s.ledger.recordReview(actor, ref, v, { idempotencyKey: key });
  const { review, assignment: a } = r;
  if (!r.replayed) {
    s.background.run("after review", async () => {
      const today = await todayOf(s, actor.teamId, a.assigneeId);
      await s.notifier.dm(actor.teamId, a.assigneeId, reviewDecidedDm(review, a, today), {
        key: `review:${review.ref}:decided`,
        kind: "review_decided",
      });
      await s.home.refresh(actor.teamId, [actor.userId, a.assigneeId]);
    });
  }
  const verdict = review.status === "ACCEPTED" ? "accepted" : "sent back for changes";
  return { text: `${a.ref} ${verdict}`, blocks: [section(`:white_check_mark: Recorded: *${a.ref}* ${verdict}.`)] };
}
