import { INPUTS } from "../../../ui/ids.ts";
import { progressFlow, stepFlow } from "../../flows/assignments.ts";
import { readProgress } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { modalSubmission } from "./common.ts";

export const progressSubmission = (s: Services) =>
  modalSubmission(
    s,
    "progress modal",
    INPUTS.progress.action,
    async ({ actor, values, key }) => {
      const p = readProgress(values);
      if (!p.ok) return { errors: p.errors };
      const { ref, done, action, note } = p.value;
      if (action === "progress")
        return { message: await progressFlow(s, actor, { kind: "count", id: ref, count: done! }, key) };
      // "done" submits the whole range: every item counts as done, so a count given with it changes nothing.
      if (action === "done" || done === null)
        return { message: await progressFlow(s, actor, { kind: action, id: ref, note }, key) };
      return { message: await stepFlow(s, actor, ref, { count: done, step: action }, note, key) };
    },
    { count: INPUTS.progress.done },
  );
