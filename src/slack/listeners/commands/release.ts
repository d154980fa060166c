import { parseRelease } from "../../parse/grammar.js";
import { releaseFlow } from "../../flows/assignments.js";
import type { Services } from "../../services.js";
import { slashCommand } from "./common.js";

/** /release <ref> [reason] — give back an unfinished range. */
export const releaseCommand = (s: Services) =>
  slashCommand(s, "/release", async ({ args, actor, key, reply }) => {
    const cmd = parseRelease(args.command.text);
    await reply(await releaseFlow(s, actor, cmd.id, cmd.reason, key));
  });
