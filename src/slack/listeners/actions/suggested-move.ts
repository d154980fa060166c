import { z } from "zod";
import { openHandoffModal } from "../../modal-openers.ts";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/** The value of a suggested move's button: `A17:UFROM:UTO:151-200`. */
const MOVE = z.string().regex(/^A\d{1,9}:[UW][A-Z0-9]{2,}:[UW][A-Z0-9]{2,}:\d{1,9}-\d{1,9}$/);

/** "Hand off…" on an imbalance suggestion: checks that it still stands, then opens the handoff form prefilled (a lead's handoff applies at once). */
export const suggestedMoveAction = (s: Services) =>
  buttonAction(s, "imbalance.move", MOVE, async ({ actor, value, triggerId, metadata }) => {
    const [ref, from, to, items] = value.split(":") as [string, string, string, string];
    const [first, last] = items.split("-").map(Number) as [number, number];
    await s.ledger.checkSuggestedMove(actor, { ref, from, range: { first, last } });
    await openHandoffModal(s, triggerId, actor, metadata, {
      ref,
      to,
      range: { first, last },
      reason: "Balancing the load (suggested move)",
    });
  });
