import { INPUTS } from "../../../ui/ids.ts";
import { recordReviewFlow } from "../../flows/reviews.ts";
import { readReview } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

export const reviewSubmission = (s: Services) =>
  modalSubmission(
    s,
    "review modal",
    INPUTS.review.checked,
    async ({ actor, values, metadata, key }) => {
      if (!metadata.ref)
        return { errors: { [INPUTS.review.checked]: "this form lost track of its review; open it again" } };
      const r = await s.ledger.getReview(actor.teamId, metadata.ref);
      const a = await s.ledger.getAssignment(actor.teamId, r.assignmentId);
      const d = await s.ledger.getDataset(actor.teamId, a.dataset);
      const gold = r.sampleItems.filter((i) => d.goldItems.includes(i)).length;
      const p = readReview(values, d.errorTaxonomy, r.sampleItems.length, gold);
      if (!p.ok) return { errors: p.errors };
      return { message: await recordReviewFlow(s, actor, r.ref, p.value, key) };
    },
    { comment: INPUTS.review.comment },
  );
