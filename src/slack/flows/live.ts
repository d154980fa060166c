/**
 * Messages that show a range keep showing it as it is: after a change, the
 * card in every message about the range (an assignment DM, a received
 * handoff, a due date moved, changes asked for) is drawn again from the
 * ledger and updated in place by the outbox's sender.
 */

import type { KnownBlock } from "@slack/types";
import { redrawCard } from "../../ui/assignment.ts";
import type { Message } from "../../ui/message.ts";
import { type Services, todayOf } from "../services.ts";

/** Redraws the cards of the ranges `assignmentIds` in the messages that show them; returns how many messages changed. */
export async function redrawRangeMessages(
  s: Services,
  teamId: string,
  assignmentIds: Iterable<number | null | undefined>,
): Promise<number> {
  const ids = [...new Set([...assignmentIds].filter((id): id is number => typeof id === "number"))];
  const cards = await s.ledger.outbox.cardsOf(teamId, ids);
  if (cards.length === 0) return 0;
  const ranges = new Map(
    await Promise.all(
      [...new Set(cards.map((c) => c.subject))].map(
        async (id) => [id, await s.ledger.getAssignment(teamId, id)] as const,
      ),
    ),
  );
  const teamToday = new Map<string, string>();
  let changed = 0;
  for (const c of cards) {
    const a = ranges.get(c.subject);
    const content = c.message as (Message & Record<string, unknown>) | null;
    if (!a || !content || !Array.isArray(content.blocks)) continue;
    const who = c.toUser ? c.recipient : "";
    const today = teamToday.get(who) ?? (await todayOf(s, teamId, who));
    teamToday.set(who, today);
    const blocks = redrawCard(content.blocks as KnownBlock[], a, today);
    if (await s.ledger.outbox.replace(teamId, c.key, { ...content, blocks })) changed++;
  }
  if (changed) s.notifier.kick();
  return changed;
}

/** After a change: the App Homes of the people it concerns, and every message showing one of the ranges it changed. */
export async function showChange(
  s: Services,
  teamId: string,
  people: Iterable<string | null | undefined>,
  ranges: Iterable<number | null | undefined>,
): Promise<void> {
  await Promise.all([s.home.refresh(teamId, people), redrawRangeMessages(s, teamId, ranges)]);
}
