import { parseProgress } from "../../parse/grammar.js";
import { progressFlow } from "../../flows/assignments.js";
import { openProgressModal } from "../../modal-openers.js";
import type { Services } from "../../services.js";
import { slashCommand } from "./common.js";

/** /progress — items done, start, pause, done (submit), or the progress modal. */
export const progressCommand = (s: Services) =>
  slashCommand(s, "/progress", async ({ args, actor, key, reply }) => {
    const cmd = parseProgress(args.command.text);
    if (cmd.kind === "modal") return openProgressModal(s, args.command.trigger_id, actor, { channelId: args.command.channel_id });
    await reply(await progressFlow(s, actor, cmd, key));
  });
