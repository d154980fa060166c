import { parseClaim } from "../../parse/grammar.js";
import { claimFlow } from "../../flows/assignments.js";
import { openClaimModal } from "../../modal-openers.js";
import type { Services } from "../../services.js";
import { slashCommand } from "./common.js";

/** /claim — a range, the next free range, or the claim modal. */
export const claimCommand = (s: Services) =>
  slashCommand(s, "/claim", async ({ args, actor, key, reply }) => {
    const cmd = parseClaim(args.command.text);
    if (cmd.kind === "modal") return openClaimModal(s, args.command.trigger_id, actor, { channelId: args.command.channel_id });
    await reply(await claimFlow(s, actor, cmd, key));
  });
