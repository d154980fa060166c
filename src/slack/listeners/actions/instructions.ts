import { z } from "zod";
import { acknowledgedMessage } from "../../../ui/instruction-messages.ts";
import { noticeModal } from "../../../ui/modals.ts";
import type { Services } from "../../services.ts";
import { buttonAction } from "./common.ts";

/** "<dataset>:<version>", as the button carries it. */
const ACK_VALUE = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}:\d{1,9}$/);

/**
 * "I have read version N": records the acknowledgement and answers in place
 * of what the button was in: the message, or the notice a refused App Home
 * button opened.
 */
export const acknowledgeInstructionsAction = (s: Services) =>
  buttonAction(s, "instructions.acknowledge", ACK_VALUE, async ({ args, actor, value, key, update }) => {
    const [slug, version] = value.split(":") as [string, string];
    const r = await s.ledger.acknowledgeInstructions(actor, slug, Number(version), { idempotencyKey: key });
    const view = args.body.view;
    if (view?.type === "modal") {
      await s.client.views.update({ view_id: view.id, view: noticeModal("rangekeeper", acknowledgedMessage(r)) });
      return;
    }
    await update(acknowledgedMessage(r));
  });
