import { ACTIONS } from "../../../ui/ids.ts";
import { claimOrOfferFlow } from "../../flows/assignments.ts";
import { claimOfferShape, readClaimOfferButton } from "../../parse/views.ts";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/**
 * "Claim 201–250 instead" under the refusal of a held range: claims that range through the same
 * core claim, under this click's own idempotency key. The answer replaces the refusal: the claimed
 * range, or (taken meanwhile) the new refusal with the next free range offered.
 */
export const claimInsteadAction = (s: Services) =>
  buttonAction(s, ACTIONS.claimInstead, claimOfferShape, async ({ actor, value, key, update }) => {
    const offer = readClaimOfferButton(value);
    await update(await claimOrOfferFlow(s, actor, { kind: "range", ...offer }, key));
  });
