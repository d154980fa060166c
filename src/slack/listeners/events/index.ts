import type { App } from "@slack/bolt";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { appHomeOpened } from "./app-home-opened.ts";
import { userChange } from "./user-change.ts";

/** Bot events the app subscribes to; the manifest declares exactly these. */
export const EVENTS = ["app_home_opened", "user_change"] as const;

export function registerEvents(app: App, s: Services): void {
  app.event("app_home_opened", instrument(s, "event", "app_home_opened", appHomeOpened(s)));
  app.event("user_change", instrument(s, "event", "user_change", userChange(s)));
}
