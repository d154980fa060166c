import type { App } from "@slack/bolt";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { claimCommand } from "./claim.ts";
import { handoffCommand } from "./handoff.ts";
import { ledgerCommand } from "./ledger.ts";
import { myworkCommand } from "./mywork.ts";
import { progressCommand } from "./progress.ts";
import { releaseCommand } from "./release.ts";
import { reviewCommand } from "./review.ts";

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
