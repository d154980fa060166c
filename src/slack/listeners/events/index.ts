import type { App } from "@slack/bolt";
import type { Services } from "../../services.js";
import { instrument } from "../instrument.js";
import { appHomeOpened } from "./app-home-opened.js";
import { userChange } from "./user-change.js";

/** Bot events the app subscribes to; the manifest declares exactly these. */
export const EVENTS = ["app_home_opened", "user_change"] as const;

export function registerEvents(app: App, s: Services): void {
  app.event("app_home_opened", instrument(s, "event", "app_home_opened", appHomeOpened(s)));
  app.event("user_change", instrument(s, "event", "user_change", userChange(s)));
}
