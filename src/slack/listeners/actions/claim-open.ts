import { z } from "zod";
import { openClaimModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/** Claim a range (App Home, /mywork): opens the claim modal. */
export const openClaimAction = (s: Services) =>
  buttonAction(s, "claim.open", z.string().regex(/^claim$/), async ({ actor, triggerId, metadata }) => {
    await openClaimModal(s, triggerId, actor, metadata);
  });
