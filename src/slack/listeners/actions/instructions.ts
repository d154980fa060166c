import { z } from "zod";
import { acknowledgedMessage } from "../../../ui/instruction-messages.ts";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/** "<dataset>:<version>", as the button carries it. */
const ACK_VALUE = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}:\d{1,9}$/);

/** "I have read version N": records the acknowledgement and answers in place of the message it was in. */
export const acknowledgeInstructionsAction = (s: Services) =>
  buttonAction(s, "instructions.acknowledge", ACK_VALUE, async ({ actor, value, key, update }) => {
    const [slug, version] = value.split(":") as [string, string];
    const r = await s.ledger.acknowledgeInstructions(actor, slug, Number(version), { idempotencyKey: key });
    await update(acknowledgedMessage(r));
  });
