import type { App, GlobalShortcut } from "@slack/bolt";
import { SHORTCUTS } from "../../../ui/ids.js";
import type { Services } from "../../services.js";
import { instrument } from "../instrument.js";
import { claimShortcut } from "./claim.js";

export const SHORTCUT_LISTENERS = { [SHORTCUTS.claim]: claimShortcut } as const;

export function registerShortcuts(app: App, s: Services): void {
  app.shortcut<GlobalShortcut>({ callback_id: SHORTCUTS.claim, type: "shortcut" }, instrument(s, "shortcut", SHORTCUTS.claim, claimShortcut(s)));
}
