/** Reviews: the queue, the request DM to the reviewer, the verdict DM to the annotator. */
import type { KnownBlock, SectionBlock } from "@slack/types";
import type { InstructionsView } from "../core/ledger/index.ts";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, ReviewView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { assignmentTitle, button, context, esc, mention, plural, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { instructionsLine } from "./instruction-messages.ts";
import { compactItemList, itemListTexts, splitItemList } from "./item-list.ts";
import { type Message, msg } from "./message.ts";

export function reviewQueueMessage(list: ReviewView[]): Message {
  if (list.length === 0)
    return msg("No reviews waiting for you", [section(":sparkles: No reviews are waiting for you.")]);
  const blocks: KnownBlock[] = [section(`*Reviews waiting for you* (${list.length})`)];
  for (const r of list.slice(0, 20)) {
    blocks.push(
      section(
        `*${r.assignmentRef}* · ${esc(r.dataset)} · by ${mention(r.annotatorId)} · round ${r.round} · ${plural(r.sampleSize, "item")} to check${r.reviewerId ? "" : " · _unassigned_"}`,
        button("Review", ACTIONS.openReview, r.ref, "primary"),
      ),
    );
  }
  return msg(`${plural(list.length, "review")} waiting`, blocks);
}

/** DM to the reviewer when a range is submitted. */
/** The annotator's note on submitting, as the reviewer sees it: a quote under the request. */
export function submitNoteBlocks(r: Pick<ReviewView, "annotatorId" | "submitNote">): KnownBlock[] {
  return r.submitNote ? [context(`:memo: Note from ${mention(r.annotatorId)}: ${esc(r.submitNote)}`)] : [];
}

export function reviewRequestMessage(
  r: ReviewView,
  a: AssignmentView,
  instructions: InstructionsView | null = null,
): Message {
  const head = `:mag: ${mention(a.assigneeId)} submitted ${assignmentTitle(a)} for review (round ${r.round}).\n`;
  const sentence = sampleSentence(r, a, SECTION_CHARS - head.length);
  // A list cut short can also come as a file, one item a line.
  const cut = sentence.endsWith(LIST_POINTER);
  return msg(`Review ${a.ref} from ${a.assigneeId}`, [
    section(`${head}${sentence}`),
    ...(instructions ? [context(instructionsLine(instructions))] : []),
    ...submitNoteBlocks(r),
    {
      type: "actions",
      block_id: `review:${r.ref}`,
      elements: [
        button("Review", ACTIONS.openReview, r.ref, "primary"),
        ...(cut ? [button("Send the list as a file", ACTIONS.sampleFile, r.ref)] : []),
      ],
    },
  ]);
}

/** The reviewer's request DM once the review is decided (by them or a lead): the outcome, without its Review button. */
export function reviewRequestDecidedMessage(r: ReviewView, a: AssignmentView): Message {
  const by = mention(r.reviewerId ?? "");
  const outcome =
    r.status === "ACCEPTED"
      ? `:white_check_mark: ${by} accepted *${a.ref}* (review round ${r.round}).`
      : `:leftwards_arrow_with_hook: ${by} asked for changes on *${a.ref}* (review round ${r.round}).`;
  return msg(`${a.ref} reviewed`, [
    section(outcome),
    context(
      `${assignmentTitle(a)} · submitted by ${mention(a.assigneeId)} · checked ${r.itemsChecked ?? 0} of ${r.sampleSize}`,
    ),
  ]);
}

/** How a sample sentence ends when its list is cut short. */
const LIST_POINTER = " (the *Review* form lists them all).";

/** What a section block's text may hold. */
export const SECTION_CHARS = 3000;

/**
 * "Check 13 items: 109–118, 138, 2001–2002." in at most `maxChars`: a full
 * review names the range; a long sample shows its first runs, counts the
 * rest and points to the review form, which lists every item.
 */
export function sampleSentence(r: ReviewView, a: AssignmentView, maxChars: number): string {
  if (r.sampleFull) return `Check every item (full review): ${plural(r.sampleSize, a.itemNoun)}, ${formatRange(a)}.`;
  const lead = `Check ${plural(r.sampleSize, a.itemNoun)}: `;
  const pointer = LIST_POINTER.slice(0, -1);
  const { parts, more } = splitItemList(r.sampleItems, maxChars - lead.length - pointer.length - 1, 1);
  if (!more) return `${lead}${parts[0]?.text ?? ""}.`;
  return `${lead}${compactItemList(r.sampleItems, maxChars - lead.length - pointer.length - 1)}${pointer}.`;
}

export function reviewDecidedDm(r: ReviewView, a: AssignmentView, today: string): Message {
  const accepted = r.status === "ACCEPTED";
  const errors = Object.entries(r.errors)
    .map(([c, n]) => `${c}: ${n}`)
    .join(", ");
  return msg(`${a.ref} ${accepted ? "accepted" : "needs changes"}`, [
    section(
      accepted
        ? `:white_check_mark: ${mention(r.reviewerId ?? "")} accepted *${a.ref}*.`
        : `:leftwards_arrow_with_hook: ${mention(r.reviewerId ?? "")} asks for changes on *${a.ref}*.`,
    ),
    context(
      `Checked ${r.itemsChecked ?? 0} of ${r.sampleSize}`,
      ...(errors ? [`Errors: ${esc(errors)}`] : []),
      ...(r.comment ? [`Comment: ${esc(r.comment)}`] : []),
    ),
    ...(accepted ? [] : assignmentCard(a, { today })),
  ]);
}

/** Sections of the review form that list a sample: at most this many (a modal holds 100 blocks). */
export const SAMPLE_LIST_BLOCKS = 40;

/**
 * The sample as the review form shows it: `head`, then every item to check
 * in runs, over as many sections as it takes (up to SAMPLE_LIST_BLOCKS, past
 * which the rest is counted: some 10,000 scattered items fit before that).
 */
export function reviewSampleBlocks(r: ReviewView, a: AssignmentView, head: string): SectionBlock[] {
  if (r.sampleFull) return [section(`${head}${sampleSentence(r, a, SECTION_CHARS - head.length)}`)];
  const lead = `${head}Check ${plural(r.sampleSize, a.itemNoun)}:`;
  const texts = itemListTexts(r.sampleItems, SECTION_CHARS - 100, SAMPLE_LIST_BLOCKS);
  if (lead.length + 1 + (texts[0]?.length ?? 0) <= SECTION_CHARS - 1)
    return [section(`${lead} ${texts[0] ?? ""}`), ...texts.slice(1).map((t) => section(t))];
  return [section(lead), ...texts.map((t) => section(t))];
}
