import { progressFlow, releaseFlow } from "../../flows/assignments.ts";
import { openHandoffModal, openProgressModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { buttonAction, REF_VALUE } from "./common.ts";

/** Start / Pause / Submit as done on an assignment card. */
export const stepAction = (kind: "start" | "pause" | "done") => (s: Services) =>
  buttonAction(s, `assignment.${kind}`, REF_VALUE.assignment, async ({ actor, value, key, update }) => {
    await update(await progressFlow(s, actor, { kind, id: value, note: null }, key));
  });

/** Release on an assignment card (the button asks for confirmation first). */
export const releaseAction = (s: Services) =>
  buttonAction(s, "assignment.release", REF_VALUE.assignment, async ({ actor, value, key, update }) => {
    await update(await releaseFlow(s, actor, value, null, key));
  });

/** Update progress: opens the progress modal on that range. */
export const progressAction = (s: Services) =>
  buttonAction(s, "assignment.progress", REF_VALUE.assignment, async ({ actor, value, triggerId, metadata }) => {
    await openProgressModal(s, triggerId, actor, metadata, value);
  });

/** Hand off: opens the handoff modal on that range. */
export const handoffAction = (s: Services) =>
  buttonAction(s, "assignment.handoff", REF_VALUE.assignment, async ({ actor, value, triggerId, metadata }) => {
    await openHandoffModal(s, triggerId, actor, metadata, { ref: value });
  });
