import { notFound } from "../../../core/errors.ts";
import { assignmentRef } from "../../../core/refs.ts";
import { atLeast } from "../../../core/roles.ts";
import { reviewQueueMessage } from "../../../ui/review-messages.ts";
import { openReviewModal } from "../../modal-openers.ts";
import { parseReview } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /review — my review queue; /review <ref> opens the review modal for that range. */
export const reviewCommand = (s: Services) =>
  slashCommand(s, "/review", async ({ args, actor, reply }) => {
    const cmd = parseReview(args.command.text);
    const role = await s.ledger.effectiveRole(actor);
    if (cmd.kind === "queue") {
      return reply(reviewQueueMessage(await s.ledger.reviewQueue(actor.teamId, actor.userId, atLeast(role, "LEAD"))));
    }
    const ref = assignmentRef(cmd.assignmentId);
    const a = await s.ledger.getAssignment(actor.teamId, ref);
    const queue = await s.ledger.reviewQueue(actor.teamId, actor.userId, true);
    const pending = queue.find((r) => r.assignmentId === a.id);
    if (!pending)
      throw notFound(
        `${ref} has no review waiting${a.status === "IN_REVIEW" ? " for you" : ` (it is ${a.status.toLowerCase().replace("_", " ")})`}`,
      );
    await openReviewModal(s, args.command.trigger_id, actor, pending.ref, { channelId: args.command.channel_id });
  });
