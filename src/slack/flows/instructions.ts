/** What follows a new version of a dataset's instructions: a DM to everyone working on the dataset. */
import type { Actor, DatasetView } from "../../core/types.ts";
import { instructionsPublishedMessage } from "../../ui/instruction-messages.ts";
import type { Services } from "../services.ts";

/**
 * In the background, DMs each person of `to` the new version with the button
 * that acknowledges it: once per person and version (the outbox's key), also
 * when the change is handled again after a crash.
 */
export function instructionsPublishedFlow(s: Services, actor: Actor, d: DatasetView, to: readonly string[]): void {
  const i = d.instructions;
  if (!i || to.length === 0) return;
  const view = { dataset: d.slug, version: i.version, text: i.text, url: i.url };
  s.background.run("dm after new instructions", async () => {
    for (const userId of to)
      await s.notifier.dm(actor.teamId, userId, instructionsPublishedMessage(view, actor.userId), {
        key: `instructions:${d.slug}:v${i.version}:${userId}`,
        kind: "instructions",
      });
  });
}
