import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { DomainError, invalid } from "../../../core/errors.ts";
import { peopleIn } from "../../../core/text.ts";
import type { Actor } from "../../../core/types.ts";
import { instructionsRefusalMessage } from "../../../ui/instruction-messages.ts";
import type { Message } from "../../../ui/message.ts";
import type { ModalMetadata } from "../../../ui/modals.ts";
import { plainWithNames } from "../../../ui/text.ts";
import { type FieldErrors, readMetadata } from "../../parse/views.ts";
import { errorReply, instructionsOf, refusalText } from "../../reply.ts";
import { actorOf, type Services } from "../../services.ts";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface SubmissionContext {
  args: ViewArgs;
  actor: Actor;
  metadata: ModalMetadata;
  values: unknown;
  /** a submission delivered twice (or sent again after an error) is applied once */
  key: string;
  /**
   * This submission's map of ledger fields to blocks (see `modalSubmission`),
   * for the handler to extend with blocks only this form has (one per error
   * category of a dataset, say).
   */
  fieldBlocks: Record<string, string>;
}

/**
 * What a submission handler decides: show errors on fields, or close the
 * modal and tell the user (unless the message the form came from already
 * shows the outcome, updated in place: then a second message would repeat it).
 */
export type SubmissionResult = { errors: FieldErrors } | { message: Message; shownInPlace?: boolean };

/**
 * A modal submission listener. Invalid input and ledger refusals come back
 * inline on the field (`response_action: errors`) and change nothing; success
 * closes the modal and answers where the modal was opened (or by DM).
 *
 * A ledger refusal is shown on the block of the field it names (its
 * `details.field`, looked up in `fieldBlocks` and what the handler added to
 * it), else on `errorBlock`.
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
    const teamId = body.team?.id ?? body.user.team_id;
    const sealed = teamId ? s.seal.open(view.private_metadata, teamId, body.user.id, view.callback_id) : null;
    const metadata = readMetadata(sealed ?? undefined);
    let acked = false;
    const blocks: Record<string, string> = { ...fieldBlocks };
    try {
      if (!teamId) throw new Error("view submission without a team");
      if (sealed === null) {
        // Not a view this bot opened for this person (or its metadata was changed): nothing of it is taken.
        s.logger.warn(
          { team: teamId, callbackId: view.callback_id },
          "refused a submission of a form rangekeeper did not open",
        );
        s.metrics.refused.inc({ reason: "form" });
        throw invalid(
          "This form was not opened by rangekeeper for you, so it can't be submitted; open it again from Slack.",
        );
      }
      const actor = await actorOf(s, teamId, body.user.id);
      const result = await handle({
        args,
        actor,
        metadata,
        values: view.state.values,
        key: `view:${body.user.id}:${view.id}`,
        fieldBlocks: blocks,
      });
      if ("errors" in result) {
        acked = true;
        await ack({ response_action: "errors", errors: result.errors });
        return;
      }
      if (result.shownInPlace) {
        acked = true;
        await ack();
        return;
      }
      // The confirmation is in the outbox before the modal closes: once Slack is told, nothing is lost.
      const key = `confirm:${body.user.id}:${view.id}`;
      await s.notifier.dm(
        actor.teamId,
        actor.userId,
        result.message,
        { key, kind: "confirmation" },
        metadata.channelId,
      );
      acked = true;
      await ack();
      await s.notifier.deliverNow(actor.teamId, key);
    } catch (e) {
      if (acked) {
        // The change is done and the modal closed; the answer waits in the outbox.
        s.logger.warn({ err: e, name }, "could not deliver the answer to a modal submission yet");
        return;
      }
      const field =
        e instanceof DomainError && typeof e.details.field === "string" ? blocks[e.details.field] : undefined;
      // A field's error is plain text: people are named, not mentioned.
      const refusal = refusalText(e);
      const text = refusal
        ? plainWithNames(refusal, teamId ? await s.users.names(teamId, peopleIn(refusal)) : new Map())
        : errorReply(e, s.logger, name).text;
      // A form has no room for a button: the instructions to acknowledge first come by DM, with it.
      const instructions = instructionsOf(e);
      if (instructions && teamId)
        await s.notifier.dm(teamId, body.user.id, instructionsRefusalMessage(refusal ?? [], instructions), {
          key: `instructions:${instructions.dataset}:v${instructions.version}:refused:${body.user.id}:${view.id}`,
          kind: "instructions",
        });
      const more = instructions ? " (rangekeeper sent them to you by DM, with the button to acknowledge them)" : "";
      await ack({ response_action: "errors", errors: { [field ?? errorBlock]: `${text}${more}`.slice(0, 2000) } });
    }
  };
}
