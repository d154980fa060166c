import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Services } from "../../services.ts";

/** app_home_opened: publish the user's Home tab (idempotent, so Slack's retries are harmless). */
export const appHomeOpened =
  (s: Services) =>
  async ({ event, body }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== "home") return;
    await s.home.publish(body.team_id, event.user);
  };
