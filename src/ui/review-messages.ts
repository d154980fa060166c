/** Reviews: the queue, the request DM to the reviewer, the verdict DM to the annotator. */
import type { KnownBlock } from "@slack/types";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, ReviewView } from "../core/types.ts";
import { assignmentCard } from "./assignment.ts";
import { assignmentTitle, button, context, esc, mention, plural, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { type Message, msg } from "./message.ts";

export function reviewQueueMessage(list: ReviewView[]): Message {
  if (list.length === 0)
    return msg("No reviews waiting for you", [section(":sparkles: No reviews are waiting for you.")]);
  const blocks: KnownBlock[] = [section(`*Reviews waiting for you* (${list.length})`)];
  for (const r of list.slice(0, 20)) {
    blocks.push(
      section(
        `*${r.assignmentRef}* · ${esc(r.dataset)} · by ${mention(r.annotatorId)} · round ${r.round} · ${plural(r.sampleItems.length, "item")} to check${r.reviewerId ? "" : " · _unassigned_"}`,
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

export function reviewRequestMessage(r: ReviewView, a: AssignmentView): Message {
  const items = r.sampleItems.length === a.size ? "every item (full review)" : `items ${compactItems(r.sampleItems)}`;
  return msg(`Review ${a.ref} from ${a.assigneeId}`, [
    section(
      `:mag: ${mention(a.assigneeId)} submitted ${assignmentTitle(a)} for review (round ${r.round}).\nCheck ${items}.`,
    ),
    ...submitNoteBlocks(r),
    {
      type: "actions",
      block_id: `review:${r.ref}`,
      elements: [button("Review", ACTIONS.openReview, r.ref, "primary")],
    },
  ]);
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
      `Checked ${r.itemsChecked ?? 0} of ${r.sampleItems.length}`,
      ...(errors ? [`Errors: ${esc(errors)}`] : []),
      ...(r.comment ? [`Comment: ${esc(r.comment)}`] : []),
    ),
    ...(accepted ? [] : assignmentCard(a, { today })),
  ]);
}

/** "3, 7, 10–14, 20" */
export function compactItems(items: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < items.length) {
    let j = i;
    while (j + 1 < items.length && items[j + 1] === items[j]! + 1) j++;
    out.push(formatRange({ first: items[i]!, last: items[j]! }));
    i = j + 1;
  }
  const s = out.join(", ");
  return s.length > 1500 ? `${s.slice(0, 1500)}…` : s;
}
