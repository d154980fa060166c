import { INPUTS } from "../../../ui/ids.js";
import { claimFlow } from "../../flows/assignments.js";
import { readClaim } from "../../parse/views.js";
import type { Services } from "../../services.js";
import { modalSubmission } from "./common.js";

export const claimSubmission = (s: Services) =>
  modalSubmission(
    s,
    "claim modal",
    INPUTS.claim.range,
    async ({ actor, values, key }) => {
      const p = readClaim(values);
      if (!p.ok) return { errors: p.errors };
      return { message: await claimFlow(s, actor, p.value, key) };
    },
    { dueDate: INPUTS.claim.due, note: INPUTS.claim.note, size: INPUTS.claim.size },
  );
