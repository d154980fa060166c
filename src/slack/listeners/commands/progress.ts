import { progressFlow } from "../../flows/assignments.ts";
import { openProgressModal } from "../../modal-openers.ts";
import { parseProgress } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /progress — items done, start, pause, done (submit), or the progress modal. */
export const progressCommand = (s: Services) =>
  slashCommand(s, "/progress", async ({ args, actor, key, reply }) => {
    const cmd = parseProgress(args.command.text);
    if (cmd.kind === "modal")
      return openProgressModal(s, args.command.trigger_id, actor, { channelId: args.command.channel_id });
    const m = await progressFlow(s, actor, cmd, key, { ask: true });
    await reply("question" in m ? m.question : m);
  });
