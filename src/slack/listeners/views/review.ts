import { goldOfSample } from "../../../core/review/policy.ts";
import { INPUTS } from "../../../ui/ids.ts";
import { fromReviewRequest, recordReviewFlow } from "../../flows/reviews.ts";
import { readReview } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

export const reviewSubmission = (s: Services) =>
  modalSubmission(
    s,
    "review modal",
    INPUTS.review.checked,
    async ({ actor, values, metadata, key, fieldBlocks }) => {
      if (!metadata.ref)
        return { errors: { [INPUTS.review.checked]: "this form lost track of its review; open it again" } };
      const r = await s.ledger.getReview(actor.teamId, metadata.ref);
      const a = await s.ledger.getAssignment(actor.teamId, r.assignmentId);
      const d = await s.ledger.getDataset(actor.teamId, a.dataset);
      const gold = goldOfSample(r, a, d.goldItems).length;
      const p = readReview(values, d.errorTaxonomy, r.sampleSize, gold);
      // A category's refusal lands on its own input; the form shows the first 20 categories.
      d.errorTaxonomy.slice(0, 20).forEach((cat, n) => {
        fieldBlocks[`errors.${cat}`] = `${INPUTS.review.errorPrefix}${n}`;
      });
      if (!p.ok) return { errors: p.errors };
      const message = await recordReviewFlow(s, actor, r.ref, p.value, key);
      // Opened from the reviewer's request DM, which now shows the decision.
      const shownInPlace = await fromReviewRequest(s, actor.teamId, r.ref, actor.userId, metadata.channelId ?? null);
      return { message, shownInPlace };
    },
    {
      comment: INPUTS.review.comment,
      itemsChecked: INPUTS.review.checked,
      // More errors in all than items checked: shown where the count of items checked is.
      errors: INPUTS.review.checked,
      goldCorrect: INPUTS.review.gold,
    },
  );
