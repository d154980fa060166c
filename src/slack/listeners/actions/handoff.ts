import { DomainError } from "../../../core/errors.ts";
import { decidedState, decideFlow } from "../../flows/handoffs.ts";
import { openDecisionModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { buttonAction, REF_VALUE } from "./common.ts";

/**
 * Approve / Reject on a lead's request message. A click on a request someone
 * already decided shows the decision and who made it.
 */
export const decisionAction = (approve: boolean) => (s: Services) =>
  buttonAction(
    s,
    approve ? "handoff.approve" : "handoff.reject",
    REF_VALUE.handoff,
    async ({ actor, value, key, update }) => {
      try {
        await update(await decideFlow(s, actor, value, { approve }, key));
      } catch (e) {
        if (e instanceof DomainError && e.code === "conflict" && e.details.status)
          await update(await decidedState(s, actor.teamId, value));
        throw e;
      }
    },
  );

/** Decide with comment…: opens the decision modal. */
export const decideAction = (s: Services) =>
  buttonAction(s, "handoff.decide", REF_VALUE.handoff, async ({ actor, value, triggerId, metadata }) => {
    await openDecisionModal(s, triggerId, actor, value, metadata);
  });
