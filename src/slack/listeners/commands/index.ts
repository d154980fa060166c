import type { App } from "@slack/bolt";
import type { Services } from "../../services.js";
import { instrument } from "../instrument.js";
import { claimCommand } from "./claim.js";
import { handoffCommand } from "./handoff.js";
import { ledgerCommand } from "./ledger.js";
import { myworkCommand } from "./mywork.js";
import { progressCommand } from "./progress.js";
import { releaseCommand } from "./release.js";
import { reviewCommand } from "./review.js";

/** Every slash command, by name: the manifest declares exactly these. */
export const COMMANDS = {
  "/claim": claimCommand,
  "/progress": progressCommand,
  "/handoff": handoffCommand,
  "/release": releaseCommand,
  "/mywork": myworkCommand,
  "/review": reviewCommand,
  "/ledger": ledgerCommand,
} as const;

export function registerCommands(app: App, s: Services): void {
  for (const [name, listener] of Object.entries(COMMANDS)) {
    app.command(name, instrument(s, "command", name, listener(s)));
  }
}
