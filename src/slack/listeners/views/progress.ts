import { INPUTS } from "../../../ui/ids.js";
import { progressFlow } from "../../flows/assignments.js";
import { readProgress } from "../../parse/views.js";
import type { Services } from "../../services.js";
import { modalSubmission } from "./common.js";

export const progressSubmission = (s: Services) =>
  modalSubmission(s, "progress modal", INPUTS.progress.done, async ({ actor, values, key }) => {
    const p = readProgress(values);
    if (!p.ok) return { errors: p.errors };
    const { ref, done, action, note } = p.value;
    // A count given together with start/pause/done is recorded first.
    if (done !== null && action !== "progress" && action !== "done") {
      await progressFlow(s, actor, { kind: "count", id: ref, count: done }, `${key}:count`);
    }
    const message =
      action === "progress"
        ? await progressFlow(s, actor, { kind: "count", id: ref, count: done! }, key)
        : await progressFlow(s, actor, { kind: action, id: ref, note }, key);
    return { message };
  });
