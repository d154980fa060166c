import type { ReleaseMode } from "../../../core/ledger/index.ts";
import type { Message } from "../../../ui/message.ts";
import { type Asked, keepAsIsFlow, progressFlow, releaseFlow } from "../../flows/assignments.ts";
import { openHandoffModal, openProgressModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { type ButtonContext, buttonAction, REF_VALUE } from "./common.ts";

/** Shows a flow's answer: a question in place (or in a small modal on the App Home), else the result. */
const show = async (c: ButtonContext, m: Message | Asked) => ("question" in m ? c.ask(m.question) : c.update(m));

/** Start / Pause / Submit as done on an assignment card; a submit with items left asks first. */
export const stepAction = (kind: "start" | "pause" | "done") => (s: Services) =>
  buttonAction(s, `assignment.${kind}`, REF_VALUE.assignment, async (c) => {
    await show(c, await progressFlow(s, c.actor, { kind, id: c.value, note: null }, c.key, { ask: true }));
  });

/** "Submit as N/N done" on the question a submit with items left asked. */
export const submitConfirmedAction = (s: Services) =>
  buttonAction(s, "assignment.submit_confirmed", REF_VALUE.assignment, async (c) => {
    await show(
      c,
      await progressFlow(s, c.actor, { kind: "done", id: c.value, note: null, confirmed: true }, c.key, { ask: true }),
    );
  });

/** Release on an assignment card (the button asks for confirmation first; a range with items done asks what to release). */
export const releaseAction = (s: Services) =>
  buttonAction(s, "assignment.release", REF_VALUE.assignment, async (c) => {
    await show(c, await releaseFlow(s, c.actor, c.value, { reason: null, mode: null }, c.key));
  });

/**
 * "Release the unstarted items" / "Release all" on the question a release of a
 * range with items done asked. The button carries the count its label showed:
 * if progress moved since, the question is asked again rather than acting on
 * numbers the person did not see.
 */
export const releaseModeAction = (mode: ReleaseMode) => (s: Services) =>
  buttonAction(s, `assignment.release_${mode}`, REF_VALUE.releaseChoice, async (c) => {
    const [ref = "", done = "0"] = c.value.split("@");
    await show(c, await releaseFlow(s, c.actor, ref, { reason: null, mode, expectDone: Number(done) }, c.key));
  });

/** "Cancel" / "Keep at …" on a release or submit question: nothing changes. */
export const keepAsIsAction = (s: Services) =>
  buttonAction(s, "assignment.keep", REF_VALUE.assignment, async (c) => {
    await c.update(await keepAsIsFlow(s, c.actor, c.value));
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
