import type { App } from "@slack/bolt";
import { VIEWS } from "../../../ui/ids.js";
import type { Services } from "../../services.js";
import { instrument } from "../instrument.js";
import { claimSubmission } from "./claim.js";
import { decisionSubmission, handoffSubmission } from "./handoff.js";
import { progressSubmission } from "./progress.js";
import { reviewSubmission } from "./review.js";

export const VIEW_LISTENERS = {
  [VIEWS.claim]: claimSubmission,
  [VIEWS.progress]: progressSubmission,
  [VIEWS.handoff]: handoffSubmission,
  [VIEWS.decision]: decisionSubmission,
  [VIEWS.review]: reviewSubmission,
} as const;

export function registerViews(app: App, s: Services): void {
  for (const [id, listener] of Object.entries(VIEW_LISTENERS)) {
    app.view({ callback_id: id, type: "view_submission" }, instrument(s, "view", id, listener(s)));
  }
}
