import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { DomainError } from "../../../core/errors.ts";
import { peopleIn } from "../../../core/text.ts";
import type { Actor } from "../../../core/types.ts";
import type { Message } from "../../../ui/message.ts";
import type { ModalMetadata } from "../../../ui/modals.ts";
import { plainWithNames } from "../../../ui/text.ts";
import { type FieldErrors, readMetadata } from "../../parse/views.ts";
import { errorReply, refusalText } from "../../reply.ts";
import { actorOf, type Services } from "../../services.ts";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface SubmissionContext {
  args: ViewArgs;
  actor: Actor;
  metadata: ModalMetadata;
  values: unknown;
  /** a submission delivered twice is applied once */
  key: string;
}

/** What a submission handler decides: show errors on fields, or close the modal and tell the user. */
export type SubmissionResult = { errors: FieldErrors } | { message: Message };

/**
 * A modal submission listener. Invalid input and ledger refusals come back
 * inline on the field (`response_action: errors`) and change nothing; success
 * closes the modal and answers where the modal was opened (or by DM).
 *
 * A ledger refusal is shown on the block of the field it names (its
 * `details.field`, looked up in `fieldBlocks`), else on `errorBlock`.
 */
export function modalSubmission(
  s: Services,
  name: string,
  errorBlock: string,
  handle: (c: SubmissionContext) => Promise<SubmissionResult>,
  fieldBlocks: Record<string, string> = {},
) {
  return async (args: ViewArgs): Promise<void> => {
    const { body, view, ack } = args;
    const metadata = readMetadata(view.private_metadata);
    const teamId = body.team?.id ?? body.user.team_id;
    let acked = false;
    try {
      if (!teamId) throw new Error("view submission without a team");
      const actor = await actorOf(s, teamId, body.user.id);
      const result = await handle({
        args,
        actor,
        metadata,
        values: view.state.values,
        key: `view:${view.id}:${body.trigger_id}`,
      });
      acked = true;
      if ("errors" in result) {
        await ack({ response_action: "errors", errors: result.errors });
        return;
      }
      await ack();
      await tell(s, actor, metadata, result.message);
    } catch (e) {
      if (acked) {
        // The change is done and the modal closed; only the answer could not be delivered.
        s.logger.error({ err: e, name }, "could not answer a modal submission");
        return;
      }
      const field =
        e instanceof DomainError && typeof e.details.field === "string" ? fieldBlocks[e.details.field] : undefined;
      // A field's error is plain text: people are named, not mentioned.
      const refusal = refusalText(e);
      const text = refusal
        ? plainWithNames(refusal, teamId ? await s.users.names(teamId, peopleIn(refusal)) : new Map())
        : errorReply(e, s.logger, name).text;
      await ack({ response_action: "errors", errors: { [field ?? errorBlock]: text.slice(0, 2000) } });
    }
  };
}

/** Answers the user where the modal came from: ephemeral in that channel, else a DM. */
async function tell(s: Services, actor: Actor, m: ModalMetadata, msg: Message): Promise<void> {
  if (m.channelId) {
    try {
      await s.client.chat.postEphemeral({
        channel: m.channelId,
        user: actor.userId,
        text: msg.text,
        blocks: msg.blocks,
      });
      return;
    } catch (e) {
      s.logger.debug({ err: e }, "ephemeral reply failed; sending a DM instead");
    }
  }
  await s.notifier.dm(actor.teamId, actor.userId, msg);
}
