import type { App, GlobalShortcut } from "@slack/bolt";
import { SHORTCUTS } from "../../../ui/ids.ts";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { claimShortcut } from "./claim.ts";

export const SHORTCUT_LISTENERS = { [SHORTCUTS.claim]: claimShortcut } as const;

export function registerShortcuts(app: App, s: Services): void {
  app.shortcut<GlobalShortcut>(
    { callback_id: SHORTCUTS.claim, type: "shortcut" },
    instrument(s, "shortcut", SHORTCUTS.claim, claimShortcut(s)),
  );
}
