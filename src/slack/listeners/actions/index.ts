import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import { ACTIONS } from "../../../ui/ids.ts";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { ignoreUnknown, noneOf } from "../unknown.ts";
import {
  handoffAction,
  keepAsIsAction,
  progressAction,
  releaseAction,
  releaseModeAction,
  stepAction,
  submitConfirmedAction,
} from "./assignment.ts";
import { claimDatasetAction } from "./claim-dataset.ts";
import { claimInsteadAction } from "./claim-instead.ts";
import { openClaimAction } from "./claim-open.ts";
import { decideDueAction, proposeDueAction } from "./due-date.ts";
import { decideAction, decisionAction } from "./handoff.ts";
import { refreshHomeAction } from "./home-refresh.ts";
import { acknowledgeInstructionsAction } from "./instructions.ts";
import { openReviewAction } from "./review-open.ts";
import { sampleFileAction } from "./review-sample.ts";
import { suggestedMoveAction } from "./suggested-move.ts";

/** Every interactive element's action id and its listener. */
export const ACTION_LISTENERS = {
  [ACTIONS.start]: stepAction("start"),
  [ACTIONS.pause]: stepAction("pause"),
  [ACTIONS.submit]: stepAction("done"),
  [ACTIONS.release]: releaseAction,
  [ACTIONS.releaseUnstarted]: releaseModeAction("unstarted"),
  [ACTIONS.releaseAll]: releaseModeAction("all"),
  [ACTIONS.submitConfirmed]: submitConfirmedAction,
  [ACTIONS.keepAsIs]: keepAsIsAction,
  [ACTIONS.progress]: progressAction,
  [ACTIONS.handoff]: handoffAction,
  [ACTIONS.approve]: decisionAction(true),
  [ACTIONS.reject]: decisionAction(false),
  [ACTIONS.decide]: decideAction,
  [ACTIONS.openReview]: openReviewAction,
  [ACTIONS.sampleFile]: sampleFileAction,
  [ACTIONS.openClaim]: openClaimAction,
  [ACTIONS.refreshHome]: refreshHomeAction,
  [ACTIONS.suggestedMove]: suggestedMoveAction,
  [ACTIONS.proposeDue]: proposeDueAction,
  [ACTIONS.acceptDue]: decideDueAction(true),
  [ACTIONS.keepDue]: decideDueAction(false),
  [ACTIONS.ackInstructions]: acknowledgeInstructionsAction,
  [ACTIONS.claimInstead]: claimInsteadAction,
} as const;

export function registerActions(app: App, s: Services): void {
  for (const [id, listener] of Object.entries(ACTION_LISTENERS)) {
    app.action<BlockAction<ButtonAction>>(id, instrument(s, "action", id, listener(s)));
  }
  app.action<BlockAction<StaticSelectAction>>(
    ACTIONS.claimDataset,
    instrument(s, "action", ACTIONS.claimDataset, claimDatasetAction(s)),
  );
  // Last: any other action id, and option requests (no select of ours loads its options), are acked and ignored.
  app.action(noneOf([...Object.keys(ACTION_LISTENERS), ACTIONS.claimDataset]), ignoreUnknown(s, "action"));
  app.options({ type: "block_suggestion", action_id: noneOf([]) }, ignoreUnknown(s, "action", { options: [] }));
}
