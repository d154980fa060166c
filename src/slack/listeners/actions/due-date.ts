import { dueDecisionFlow } from "../../flows/due-dates.ts";
import { openDueProposalModal } from "../../modal-openers.ts";
import { dueProposalButton, readDueProposalButton } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { buttonAction, REF_VALUE } from "./common.ts";

/** "Propose a new date" on a reminder: opens the proposal form for that range. */
export const proposeDueAction = (s: Services) =>
  buttonAction(s, "due.propose", REF_VALUE.assignment, async ({ actor, value, triggerId, metadata }) => {
    await openDueProposalModal(s, triggerId, actor, metadata, value);
  });

/** "Accept the new date" / "Keep the date" on a lead's copy of a proposal. */
export const decideDueAction = (accept: boolean) => (s: Services) =>
  buttonAction(s, accept ? "due.accept" : "due.keep", dueProposalButton, async ({ actor, value, key, update }) => {
    await update(await dueDecisionFlow(s, actor, readDueProposalButton(value), accept, key));
  });
