import { handoffFlow } from "../../flows/handoffs.ts";
import { openHandoffModal } from "../../modal-openers.ts";
import { parseHandoff } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /handoff — hand a range or a sub-range to someone or the pool; a lead's happens at once. */
export const handoffCommand = (s: Services) =>
  slashCommand(s, "/handoff", async ({ args, actor, key, reply }) => {
    const cmd = parseHandoff(args.command.text);
    if (cmd.kind === "modal")
      return openHandoffModal(s, args.command.trigger_id, actor, { channelId: args.command.channel_id });
    await reply(
      await handoffFlow(
        s,
        actor,
        cmd.id,
        { to: cmd.to, range: cmd.range, reason: cmd.reason, doneMoved: cmd.doneMoved ?? null },
        key,
      ),
    );
  });
