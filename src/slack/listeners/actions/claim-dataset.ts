import type { ModalView } from "@slack/types";
import { claimModalFor } from "../../modal-openers.ts";
import { readMetadata } from "../../parse/views.ts";
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
    const next: ModalView = await claimModalFor(s, actor, slug, readMetadata(view.private_metadata));
    await s.client.views.update({ view_id: view.id, hash: view.hash, view: next });
  };
