import type { ModalView } from "@slack/types";
import { claimModalFor } from "../../modal-openers.ts";
import { readMetadata } from "../../parse/views.ts";
import { isPlatformError } from "../../reply.ts";
import { actorOf, type Services } from "../../services.ts";
import type { SelectArgs } from "./common.ts";

/** Choosing a dataset in the claim modal: show its next free range. */
export const claimDatasetAction =
  (s: Services) =>
  async ({ ack, body, action }: SelectArgs): Promise<void> => {
    await ack();
    const view = body.view;
    const teamId = body.team?.id ?? body.user.team_id;
    if (!view || !teamId) return;
    const slug = action.selected_option?.value ?? null;
    const actor = await actorOf(s, teamId, body.user.id);
    const metadata = s.seal.open(view.private_metadata, teamId, body.user.id, view.callback_id);
    if (metadata === null) {
      s.logger.warn({ team: teamId }, "ignored a choice in a form rangekeeper did not open for this person");
      return;
    }
    const next: ModalView = await claimModalFor(s, actor, slug, readMetadata(metadata));
    try {
      await s.client.views.update({ view_id: view.id, hash: view.hash, view: s.seal.seal(next, teamId, body.user.id) });
    } catch (e) {
      // The person closed the form, or changed it again, while this answer was on its way: nothing to show.
      if (isPlatformError(e) && (e.data.error === "not_found" || e.data.error === "hash_conflict")) {
        s.logger.debug({ err: e }, "claim form gone or changed before its update");
        return;
      }
      throw e;
    }
  };
