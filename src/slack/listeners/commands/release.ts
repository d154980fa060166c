import { releaseFlow } from "../../flows/assignments.ts";
import { parseRelease } from "../../parse/grammar.ts";
import type { Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** /release <ref> [reason] — give back an unfinished range. */
export const releaseCommand = (s: Services) =>
  slashCommand(s, "/release", async ({ args, actor, key, reply }) => {
    const cmd = parseRelease(args.command.text);
    await reply(await releaseFlow(s, actor, cmd.id, cmd.reason, key));
  });
