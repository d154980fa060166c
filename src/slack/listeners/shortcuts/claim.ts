import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { openClaimModal } from "../../modal-openers.ts";
import { actorOf, type Services } from "../../services.ts";

/** The global shortcut "Claim a range": the claim modal from anywhere in Slack. */
export const claimShortcut =
  (s: Services) =>
  async ({ ack, body }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const actor = await actorOf(s, body.team?.id ?? body.user.team_id, body.user.id);
    await openClaimModal(s, body.trigger_id, actor, { channelId: null });
  };
