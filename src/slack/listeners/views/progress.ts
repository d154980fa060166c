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
      // "done" submits the whole range as done: a count given with it must be the range's size, and a
      // range with items left is submitted only with that count (the refusal shows on the count).
      if (action === "done")
        return {
          message: await progressFlow(
            s,
            actor,
            { kind: "done", id: ref, note, ...(done !== null ? { count: done } : {}) },
            key,
          ),
        };
      if (done === null) return { message: await progressFlow(s, actor, { kind: action, id: ref, note }, key) };
      return { message: await stepFlow(s, actor, ref, { count: done, step: action }, note, key) };
    },
    { count: INPUTS.progress.done },
  );
