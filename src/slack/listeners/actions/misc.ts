import { z } from "zod";
import type { ModalView } from "@slack/types";
import { actorOf, type Services } from "../../services.js";
import { claimModalFor, openClaimModal, openReviewModal } from "../../modals.js";
import { readMetadata } from "../../parse/views.js";
import { buttonAction, REF_VALUE, type SelectArgs } from "./common.js";

/** Review (in a reviewer's DM, the queue or the App Home): opens the review modal. */
export const openReviewAction = (s: Services) =>
  buttonAction(s, "review.open", REF_VALUE.review, async ({ actor, value, triggerId, metadata }) => {
    await openReviewModal(s, triggerId, actor, value, metadata);
  });

/** Claim a range (App Home, /mywork): opens the claim modal. */
export const openClaimAction = (s: Services) =>
  buttonAction(s, "claim.open", z.string().regex(/^claim$/), async ({ actor, triggerId, metadata }) => {
    await openClaimModal(s, triggerId, actor, metadata);
  });

/** Refresh on the App Home. */
export const refreshHomeAction = (s: Services) =>
  buttonAction(s, "home.refresh", z.string().regex(/^refresh$/), async ({ actor }) => {
    await s.home.publish(actor.teamId, actor.userId);
  });

/** Choosing a dataset in the claim modal: show its next free range. */
export const claimDatasetAction = (s: Services) => async ({ ack, body, action }: SelectArgs): Promise<void> => {
  await ack();
  const view = body.view;
  const teamId = body.team?.id ?? body.user.team_id;
  if (!view || !teamId) return;
  const slug = action.selected_option?.value ?? null;
  const actor = await actorOf(s, teamId, body.user.id);
  const next: ModalView = await claimModalFor(s, actor, slug, readMetadata(view.private_metadata));
  await s.client.views.update({ view_id: view.id, hash: view.hash, view: next });
};
