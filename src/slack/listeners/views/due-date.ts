import { INPUTS } from "../../../ui/ids.ts";
import { dueProposalFlow } from "../../flows/due-dates.ts";
import { readDueProposal } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

/** The due-date proposal form: the date and why; the leads decide. */
export const dueProposalSubmission = (s: Services) =>
  modalSubmission(
    s,
    "due date proposal",
    INPUTS.due.due,
    async ({ actor, values, metadata }) => {
      const p = readDueProposal(values);
      if (!p.ok) return { errors: p.errors };
      if (!metadata.ref)
        return { errors: { [INPUTS.due.due]: "this form lost track of its range; open it again from the message" } };
      return { message: await dueProposalFlow(s, actor, metadata.ref, p.value.due, p.value.reason) };
    },
    { dueDate: INPUTS.due.due },
  );
