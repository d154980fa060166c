/** Review decisions: the reply to the reviewer and the DM to the annotator. */

import type { ReviewVerdict } from "../../core/ledger/index.ts";
import type { Actor } from "../../core/types.ts";
import { section } from "../../ui/format.ts";
import type { Message } from "../../ui/message.ts";
import { reviewDecidedDm, reviewRequestDecidedMessage } from "../../ui/review-messages.ts";
import { type Services, todayOf } from "../services.ts";
import { showChange } from "./live.ts";

/** Key of the DM asking a reviewer to review `reviewRef`. */
export const reviewRequestKey = (reviewRef: string) => `review:${reviewRef}:request`;

/** Whether a form was opened from `userId`'s request DM of review `reviewRef` in `channelId` (which shows the decision once made). */
export const fromReviewRequest = (
  s: Services,
  teamId: string,
  reviewRef: string,
  userId: string,
  channelId: string | null,
) => s.notifier.shownTo(teamId, reviewRequestKey(reviewRef), userId, channelId);

export async function recordReviewFlow(
  s: Services,
  actor: Actor,
  ref: string,
  v: ReviewVerdict,
  key: string,
): Promise<Message> {
  const r = await s.ledger.recordReview(actor, ref, v, { idempotencyKey: key });
  const { review, assignment: a } = r;
  // The reviewer's request DM shows the decision instead of a Review button that could only be refused now.
  await s.notifier.updateAll(actor.teamId, reviewRequestKey(review.ref), reviewRequestDecidedMessage(review, a));
  if (!r.replayed) {
    s.background.run("after review", async () => {
      const today = await todayOf(s, actor.teamId, a.assigneeId);
      await s.notifier.dm(actor.teamId, a.assigneeId, reviewDecidedDm(review, a, today), {
        key: `review:${review.ref}:decided`,
        kind: "review_decided",
        about: a.id,
      });
    });
  }
  s.background.run("show review", () => showChange(s, actor.teamId, [actor.userId, a.assigneeId], [a.id]));
  const verdict = review.status === "ACCEPTED" ? "accepted" : "sent back for changes";
  return { text: `${a.ref} ${verdict}`, blocks: [section(`:white_check_mark: Recorded: *${a.ref}* ${verdict}.`)] };
}
