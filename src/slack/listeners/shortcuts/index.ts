import type { App, GlobalShortcut } from "@slack/bolt";
import { SHORTCUTS } from "../../../ui/ids.ts";
import type { Services } from "../../services.ts";
import { instrument } from "../instrument.ts";
import { ignoreUnknown, noneOf } from "../unknown.ts";
import { claimShortcut } from "./claim.ts";

export const SHORTCUT_LISTENERS = { [SHORTCUTS.claim]: claimShortcut } as const;

export function registerShortcuts(app: App, s: Services): void {
  app.shortcut<GlobalShortcut>(
    { callback_id: SHORTCUTS.claim, type: "shortcut" },
    instrument(s, "shortcut", SHORTCUTS.claim, claimShortcut(s)),
  );
  // Last: any other global shortcut, and every message shortcut (we have none), are acked and ignored.
  app.shortcut(
    { callback_id: noneOf(Object.keys(SHORTCUT_LISTENERS)), type: "shortcut" },
    ignoreUnknown(s, "shortcut"),
  );
  app.shortcut({ callback_id: noneOf([]), type: "message_action" }, ignoreUnknown(s, "shortcut"));
}
