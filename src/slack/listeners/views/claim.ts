import { INPUTS } from "../../../ui/ids.ts";
import { claimFlow } from "../../flows/assignments.ts";
import { readClaim } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

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
