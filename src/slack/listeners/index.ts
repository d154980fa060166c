import type { App } from "@slack/bolt";
import type { Services } from "../services.ts";
import { registerActions } from "./actions/index.ts";
import { registerCommands } from "./commands/index.ts";
import { registerEvents } from "./events/index.ts";
import { registerShortcuts } from "./shortcuts/index.ts";
import { registerViews } from "./views/index.ts";

/** Registers every listener, by kind. */
export function registerListeners(app: App, s: Services): void {
  registerCommands(app, s);
  registerActions(app, s);
  registerViews(app, s);
  registerEvents(app, s);
  registerShortcuts(app, s);
}
