import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Actor } from "../../../core/types.ts";
import type { Message } from "../../../ui/message.ts";
import { errorReply } from "../../reply.ts";
import { postResponse, ResponseUrlError } from "../../respond.ts";
import { actorOf, type Services } from "../../services.ts";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export interface CommandContext {
  args: CommandArgs;
  actor: Actor;
  /** idempotency key: Slack sends a retried command with the same trigger id */
  key: string;
  reply(m: Message, visibility?: "ephemeral" | "in_channel"): Promise<void>;
}

/**
 * A slash command listener: acks at once (Slack's 3 s), then runs `handle`,
 * which replies through response_url; any failure becomes a one-line
 * ephemeral error that changes nothing.
 */
export function slashCommand(s: Services, name: string, handle: (c: CommandContext) => Promise<void>) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    const { command } = args;
    const reply = async (m: Message, visibility: "ephemeral" | "in_channel" = "ephemeral") => {
      await postResponse(command.response_url, { response_type: visibility, text: m.text, blocks: m.blocks });
    };
    try {
      await s.work.run(async () => {
        const actor = await actorOf(s, command.team_id, command.user_id);
        await handle({ args, actor, key: `cmd:${command.trigger_id}`, reply });
      });
    } catch (e) {
      // When the answer itself could not be delivered, there is nowhere to say so (and the change may be done).
      if (e instanceof ResponseUrlError) {
        s.logger.error({ err: e, name }, "could not answer a slash command");
        return;
      }
      await reply(errorReply(e, s.logger, name));
    }
  };
}
