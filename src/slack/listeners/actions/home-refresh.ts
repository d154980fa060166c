import { z } from "zod";
import type { Services } from "../../services.js";
import { buttonAction } from "./common.js";

/** Refresh on the App Home. */
export const refreshHomeAction = (s: Services) =>
  buttonAction(s, "home.refresh", z.string().regex(/^refresh$/), async ({ actor }) => {
    await s.home.publish(actor.teamId, actor.userId);
  });
