import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Services } from "../../services.ts";

/** user_change: a name, time zone or admin flag changed; forget the cached profile. */
export const userChange =
  (s: Services) =>
  async ({ event, body }: SlackEventMiddlewareArgs<"user_change"> & AllMiddlewareArgs): Promise<void> => {
    s.users.forget(body.team_id, event.user.id);
  };
