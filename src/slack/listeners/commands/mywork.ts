import { myWorkMessage } from "../../../ui/assignment-messages.ts";
import { parseMywork } from "../../parse/grammar.ts";
import { type Services, todayOf } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /mywork — my ranges with their buttons. */
export const myworkCommand = (s: Services) =>
  slashCommand(s, "/mywork", async ({ args, actor, reply }) => {
    parseMywork(args.command.text);
    const list = await s.ledger.listAssignments(actor.teamId, {
      assigneeId: actor.userId,
      statuses: ["PENDING", "IN_PROGRESS", "CHANGES_REQUESTED", "IN_REVIEW"],
    });
    await reply(myWorkMessage(list, await todayOf(s, actor.teamId, actor.userId)));
  });
