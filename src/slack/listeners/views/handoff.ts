import { INPUTS } from "../../../ui/ids.ts";
import { decideFlow, fromLeadCopy, handoffFlow } from "../../flows/handoffs.ts";
import { readDecision, readHandoff } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

export const handoffSubmission = (s: Services) =>
  modalSubmission(
    s,
    "handoff modal",
    INPUTS.handoff.range,
    async ({ actor, values, key }) => {
      const p = readHandoff(values);
      if (!p.ok) return { errors: p.errors };
      const { ref, to, range, reason, doneMoved } = p.value;
      return { message: await handoffFlow(s, actor, ref, { to, range, reason, doneMoved }, key) };
    },
    { to: INPUTS.handoff.to, reason: INPUTS.handoff.reason, doneMoved: INPUTS.handoff.done },
  );

export const decisionSubmission = (s: Services) =>
  modalSubmission(
    s,
    "decision modal",
    INPUTS.decision.decision,
    async ({ actor, values, metadata, key }) => {
      const p = readDecision(values);
      if (!p.ok) return { errors: p.errors };
      if (!metadata.ref)
        return {
          errors: { [INPUTS.decision.decision]: "this form lost track of its request; open it again from the message" },
        };
      const { approve, to, comment } = p.value;
      const message = await decideFlow(
        s,
        actor,
        metadata.ref,
        { approve, toUserId: approve ? to : undefined, comment },
        key,
      );
      // Opened from the lead's own copy of the request, which now shows the decision.
      const shownInPlace = await fromLeadCopy(s, actor.teamId, metadata.ref, actor.userId, metadata.channelId ?? null);
      return { message, shownInPlace };
    },
    { to: INPUTS.decision.to },
  );
