import { releaseFlow } from "../../flows/assignments.ts";
import { parseRelease } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /release <ref> [confirm|all] [reason] — give back an unfinished range; one with items done asks first. */
export const releaseCommand = (s: Services) =>
  slashCommand(s, "/release", async ({ args, actor, key, reply }) => {
    const cmd = parseRelease(args.command.text);
    const m = await releaseFlow(s, actor, cmd.id, { reason: cmd.reason, mode: cmd.mode }, key);
    await reply("question" in m ? m.question : m);
  });
