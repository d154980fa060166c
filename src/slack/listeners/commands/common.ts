import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { invalid } from "../../../core/errors.ts";
import type { Actor } from "../../../core/types.ts";
import type { Message } from "../../../ui/message.ts";
import { replyRoute, requestFacts } from "../../inbox.ts";
import { errorReply } from "../../reply.ts";
import { actorOf, type Services } from "../../services.ts";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export interface CommandContext {
  args: CommandArgs;
  actor: Actor;
  /** idempotency key: this person's command, by its trigger id (the same request handled again reuses it) */
  key: string;
  reply(m: Message, visibility?: "ephemeral" | "in_channel"): Promise<void>;
}

/**
 * A slash command listener: acks at once (Slack's 3 s; the request is in the
 * inbox already), then runs `handle`, whose answers go through the outbox to
 * the command's response_url (a DM once that has expired); any failure
 * becomes a one-line ephemeral error that changes nothing.
 */
export function slashCommand(s: Services, name: string, handle: (c: CommandContext) => Promise<void>) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    const { command } = args;
    const facts = requestFacts(args.context);
    const key = `cmd:${command.user_id}:${command.trigger_id}`;
    // Answers are keyed by the request it answers (a redelivery is answered once), or by its inbox row without a trigger id.
    const replyKey = command.trigger_id ? key : facts.requestId;
    let replies = 0;
    const reply = async (m: Message, visibility: "ephemeral" | "in_channel" = "ephemeral") => {
      replies += 1;
      await s.notifier.reply(
        command.team_id,
        command.user_id,
        replyRoute(command.response_url, facts),
        { response_type: visibility, text: m.text, blocks: m.blocks },
        `reply:${replyKey}:${replies}`,
      );
    };
    try {
      await s.work.run(async () => {
        // Without a trigger id, a command has no key of its own: it could be taken for another one.
        if (!command.trigger_id)
          throw invalid(
            "this command came without a trigger id, so rangekeeper cannot tell it from another one; nothing was changed",
          );
        const actor = await actorOf(s, command.team_id, command.user_id);
        await handle({ args, actor, key, reply });
      });
    } catch (e) {
      await reply(errorReply(e, s.logger, name)).catch((err: unknown) =>
        s.logger.error({ err, name }, "could not answer a slash command"),
      );
    }
  };
}
