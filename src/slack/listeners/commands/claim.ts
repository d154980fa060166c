import { claimOrOfferFlow } from "../../flows/assignments.ts";
import { openClaimModal } from "../../modal-openers.ts";
import { parseClaim } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /claim — a range, the next free range, or the claim modal. */
export const claimCommand = (s: Services) =>
  slashCommand(s, "/claim", async ({ args, actor, key, reply }) => {
    const cmd = parseClaim(args.command.text);
    if (cmd.kind === "modal")
      return openClaimModal(s, args.command.trigger_id, actor, { channelId: args.command.channel_id });
    await reply(await claimOrOfferFlow(s, actor, cmd, key));
  });
