import type { App } from "@slack/bolt";
import { VIEWS } from "../../../ui/ids.ts";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { ignoreUnknown, noneOf } from "../unknown.ts";
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
  // Last: submissions of any other view, and closings (no modal of ours asks to hear of them), are acked and ignored.
  app.view({ callback_id: noneOf(Object.keys(VIEW_LISTENERS)), type: "view_submission" }, ignoreUnknown(s, "view"));
  app.view({ callback_id: noneOf([]), type: "view_closed" }, ignoreUnknown(s, "view"));
}
