import { openReviewModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { buttonAction, REF_VALUE } from "./common.ts";

/** Review (in a reviewer's DM, the queue or the App Home): opens the review modal. */
export const openReviewAction = (s: Services) =>
  buttonAction(s, "review.open", REF_VALUE.review, async ({ actor, value, triggerId, metadata }) => {
    await openReviewModal(s, triggerId, actor, value, metadata);
  });
