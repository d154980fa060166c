import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from "@slack/bolt";
import { z } from "zod";
import { invalid } from "../../../core/errors.ts";
import type { Actor } from "../../../core/types.ts";
import type { Message } from "../../../ui/message.ts";
import type { ModalMetadata } from "../../../ui/modals.ts";
import { replyRoute, requestFacts } from "../../inbox.ts";
import { showNotice } from "../../modal-openers.ts";
import type { ReplyContent } from "../../notify.ts";
import { errorReply } from "../../reply.ts";
import { actorOf, type Services } from "../../services.ts";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

export const REF_VALUE = {
  assignment: z.string().regex(/^A\d{1,9}$/),
  handoff: z.string().regex(/^H\d{1,9}$/),
  review: z.string().regex(/^R\d{1,9}$/),
  /** a release question's choice: the range and the items done it was asked with ("A8@30") */
  releaseChoice: z.string().regex(/^A\d{1,9}@\d{1,9}$/),
};

export interface ButtonContext {
  args: ButtonArgs;
  actor: Actor;
  /** the button's value, checked against the expected shape */
  value: string;
  triggerId: string;
  /** one click = one change, even if the request is handled twice */
  key: string;
  /** where a modal opened from this button should answer */
  metadata: ModalMetadata;
  /** replaces the message the button was in (or refreshes the App Home) */
  update(m: Message): Promise<void>;
  /** shows a question with buttons: in place of the message the button was in, or (App Home) in a small modal */
  ask(m: Message): Promise<void>;
}

/**
 * A button listener: acks at once, checks the button's value, then runs
 * `handle`. Failures answer the clicker alone (ephemeral in a message, a
 * small modal in the App Home) and change nothing.
 */
export function buttonAction(
  s: Services,
  name: string,
  shape: z.ZodString,
  handle: (c: ButtonContext) => Promise<void>,
) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { body, action } = args;
    const facts = requestFacts(args.context);
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const key = `act:${body.user.id}:${body.trigger_id}`;
    // Answers are keyed by the request it answers (a redelivery is answered once), or by its inbox row without a trigger id.
    const replyKey = body.trigger_id ? key : facts.requestId;
    const responseUrl = body.container?.type !== "view" ? body.response_url : undefined;
    let replies = 0;
    // Answers go through the outbox to the click's response_url (a DM once it has expired).
    const respond = async (content: ReplyContent) => {
      replies += 1;
      await s.notifier.reply(
        teamId,
        body.user.id,
        replyRoute(responseUrl ?? "", facts),
        content,
        `reply:${replyKey}:${replies}`,
      );
    };
    const tell = async (m: Message) => {
      if (responseUrl)
        await respond({ response_type: "ephemeral", replace_original: false, text: m.text, blocks: m.blocks });
      // A click handled again after a restart has no trigger left to open a notice with.
      else if (facts.replayed) await s.notifier.dm(teamId, body.user.id, m);
      else await showNotice(s, body.trigger_id, "rangekeeper", m);
    };
    try {
      if (!teamId) throw invalid("this request names no workspace");
      if (!body.trigger_id)
        throw invalid(
          "this click came without a trigger id, so rangekeeper cannot tell it from another one; nothing was changed",
        );
      const parsed = shape.safeParse(action.value);
      if (!parsed.success)
        throw invalid(
          `this button carries "${String(action.value).slice(0, 40)}", which is not a reference rangekeeper made`,
        );
      const actor = await actorOf(s, teamId, body.user.id);
      await handle({
        args,
        actor,
        value: parsed.data,
        triggerId: body.trigger_id,
        key,
        metadata: { channelId: body.channel?.id ?? null },
        update: async (m) => {
          if (responseUrl) await respond({ replace_original: true, text: m.text, blocks: m.blocks });
          else await s.home.publish(actor.teamId, actor.userId);
        },
        ask: async (m) => {
          if (responseUrl) await respond({ replace_original: true, text: m.text, blocks: m.blocks });
          else await tell(m);
        },
      });
    } catch (e) {
      await tell(errorReply(e, s.logger, name)).catch((err: unknown) =>
        s.logger.error({ err, name }, "could not report an error"),
      );
    }
  };
}
