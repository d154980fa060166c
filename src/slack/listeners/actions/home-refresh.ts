import { z } from "zod";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/** Refresh on the App Home. */
export const refreshHomeAction = (s: Services) =>
  buttonAction(s, "home.refresh", z.string().regex(/^refresh$/), async ({ actor }) => {
    await s.home.publish(actor.teamId, actor.userId);
  });
