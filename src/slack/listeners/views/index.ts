import type { App } from "@slack/bolt";
import { VIEWS } from "../../../ui/ids.ts";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { claimSubmission } from "./claim.ts";
import { dueProposalSubmission } from "./due-date.ts";
import { decisionSubmission, handoffSubmission } from "./handoff.ts";
import { progressSubmission } from "./progress.ts";
import { reviewSubmission } from "./review.ts";

export const VIEW_LISTENERS = {
  [VIEWS.claim]: claimSubmission,
  [VIEWS.progress]: progressSubmission,
  [VIEWS.handoff]: handoffSubmission,
  [VIEWS.decision]: decisionSubmission,
  [VIEWS.review]: reviewSubmission,
  [VIEWS.due]: dueProposalSubmission,
} as const;

export function registerViews(app: App, s: Services): void {
  for (const [id, listener] of Object.entries(VIEW_LISTENERS)) {
    app.view({ callback_id: id, type: "view_submission" }, instrument(s, "view", id, listener(s)));
  }
}
