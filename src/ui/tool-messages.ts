/** What a dataset's link to an annotation tool is now, and how to set up the tool's webhook. */
import type { ToolSettingValue } from "../core/ledger/datasets.ts";
import { esc, mention } from "./format.ts";

/** Lines for the reply to `/ledger dataset set <slug> label-studio|cvat|tool-users …` (none for other settings). */
export function toolSettingLines(tool: ToolSettingValue | undefined): string[] {
  switch (tool?.key) {
    case undefined:
      return [];
    case "label-studio": {
      const p = tool.value;
      if (!p) return ["Not linked to Label Studio."];
      return [
        `:link: Label Studio project ${p.project}: task ${p.firstTask} is item 1, task ${p.firstTask + 1} item 2, and so on.`,
        "In Label Studio, add a webhook to the project: URL `<this bot's address>/api/v1/hooks/label-studio`, the header `Authorization: Bearer <a write token>` (`/ledger token create <name> write`), events *Annotation created* and *Annotation updated*. Link the annotators with `tool-users label-studio:<user id>=@name` to record their labels.",
      ];
    }
    case "cvat": {
      if (tool.value.length === 0) return ["Not linked to CVAT."];
      return [
        `:link: CVAT ${tool.value.map((t) => `task ${t.task}: frame 0 is item ${t.firstItem}`).join(" · ")}.`,
        "In CVAT, add a webhook to the project: target URL `<this bot's address>/api/v1/hooks/cvat/<workspace id>/<write token name>`, secret: that token's signing secret (shown when it was created), event `update:job`. A job's frames count as done when it is completed.",
      ];
    }
    case "tool-users": {
      if (tool.value.length === 0) return ["No tool users are linked."];
      return [
        `:busts_in_silhouette: ${tool.value
          .map((u) => {
            const [who, slack] = u.split("=");
            return `${esc(who!)} is ${mention(slack!)}`;
          })
          .join(" · ")}`,
      ];
    }
  }
}
