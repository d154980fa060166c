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
import { showNotice } from "../../modal-openers.ts";
import { errorReply } from "../../reply.ts";
import { postResponse, ResponseUrlError } from "../../respond.ts";
import { actorOf, type Services } from "../../services.ts";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

export const REF_VALUE = {
  assignment: z.string().regex(/^A\d{1,9}$/),
  handoff: z.string().regex(/^H\d{1,9}$/),
  review: z.string().regex(/^R\d{1,9}$/),
};

export interface ButtonContext {
  args: ButtonArgs;
  actor: Actor;
  /** the button's value, checked against the expected shape */
  value: string;
  triggerId: string;
  /** one click = one change, even if the request is delivered twice */
  key: string;
  /** where a modal opened from this button should answer */
  metadata: ModalMetadata;
  /** replaces the message the button was in (or refreshes the App Home) */
  update(m: Message): Promise<void>;
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
    const responseUrl = body.container?.type !== "view" ? body.response_url : undefined;
    const tell = async (m: Message) => {
      if (responseUrl)
        await postResponse(responseUrl, {
          response_type: "ephemeral",
          replace_original: false,
          text: m.text,
          blocks: m.blocks,
        });
      else await showNotice(s, body.trigger_id, "rangekeeper", m);
    };
    try {
      const teamId = body.team?.id ?? body.user.team_id;
      if (!teamId) throw invalid("this request names no workspace");
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
        key: `act:${body.trigger_id}`,
        metadata: { channelId: body.channel?.id ?? null },
        update: async (m) => {
          if (responseUrl) await postResponse(responseUrl, { replace_original: true, text: m.text, blocks: m.blocks });
          else await s.home.publish(actor.teamId, actor.userId);
        },
      });
    } catch (e) {
      if (e instanceof ResponseUrlError) {
        s.logger.error({ err: e, name }, "could not answer a click");
        return;
      }
      await tell(errorReply(e, s.logger, name)).catch((err: unknown) =>
        s.logger.error({ err, name }, "could not report an error"),
      );
    }
  };
}
