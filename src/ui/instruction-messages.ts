/** A dataset's instructions: where work starts, a new version's DM, the refusal until acknowledged, the acknowledgement. */
import type { KnownBlock } from "@slack/types";
import type { InstructionsView } from "../core/ledger/index.ts";
import type { Text } from "../core/text.ts";
import { button, clip, context, esc, mention, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";
import { mrkdwn } from "./text.ts";

/** The acknowledge button's value: "<dataset>:<version>". */
export const ackValue = (i: Pick<InstructionsView, "dataset" | "version">) => `${i.dataset}:${i.version}`;

/** The instructions themselves: their link, or their text (clipped to what a block holds). */
export function instructionsBody(i: InstructionsView, max = 2500): string {
  return i.url ? `<${i.url}|${esc(i.url)}>` : clip(esc(i.text), max);
}

/** One line naming the current version, for a context block beside a range, a claim or a review. */
export function instructionsLine(i: InstructionsView): string {
  return `:scroll: Instructions v${i.version}: ${instructionsBody(i, 300)}`;
}

/** The instructions in full, with the button that acknowledges them. */
export function instructionsBlocks(i: InstructionsView): KnownBlock[] {
  return [
    section(`:scroll: *Instructions of ${esc(i.dataset)}, version ${i.version}*\n${instructionsBody(i)}`),
    {
      type: "actions",
      block_id: `instructions:${ackValue(i)}`,
      elements: [button(`I have read version ${i.version}`, ACTIONS.ackInstructions, ackValue(i), "primary")],
    },
  ];
}

/** A claim or progress refused until the current version is acknowledged. */
export function instructionsRefusalMessage(reason: Text, i: InstructionsView): Message {
  return msg(`Read version ${i.version} of the instructions of ${i.dataset} first`, [
    section(`:no_entry: ${mrkdwn(reason)}`),
    ...instructionsBlocks(i),
  ]);
}

/** DM to someone working on a dataset when a lead publishes a new version of its instructions. */
export function instructionsPublishedMessage(i: InstructionsView, by: string): Message {
  return msg(`New instructions for ${i.dataset} (version ${i.version})`, [
    section(
      `:scroll: ${mention(by)} published version ${i.version} of the instructions of *${esc(i.dataset)}*, where you hold ranges. Read them and confirm before your next claim or progress on it.`,
    ),
    ...instructionsBlocks(i),
  ]);
}

/** The answer to the acknowledge button. */
export function acknowledgedMessage(r: {
  dataset: string;
  version: number;
  current: InstructionsView;
  upToDate: boolean;
}): Message {
  if (!r.upToDate)
    return msg(`Version ${r.current.version} of the instructions of ${r.dataset} is newer`, [
      section(
        `:white_check_mark: Noted that you read version ${r.version} of the instructions of *${esc(r.dataset)}*; version ${r.current.version} is newer. Read it too:`,
      ),
      ...instructionsBlocks(r.current),
    ]);
  return msg(`You have read version ${r.version} of the instructions of ${r.dataset}`, [
    section(
      `:white_check_mark: Thanks: you have read version ${r.version} of the instructions of *${esc(r.dataset)}*. Repeat your command to go on.`,
    ),
    context(instructionsLine(r.current)),
  ]);
}
