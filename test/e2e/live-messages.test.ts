/**
 * A range's messages follow the range: the DMs that show its card (a lead's
 * assignment, a received handoff, a moved due date) show its current range,
 * progress, status and buttons after every change, edited in place rather
 * than sent again.
 */

import type { StoredMessage } from "@rangekeeper/slack-standin";
import { describe, expect, it, vi } from "vitest";
import { type AppHarness, ask, blockText, buttons, IDS, refIn, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

/** The message `m` as the person now sees it, once it satisfies `ok`. */
async function nowShows(m: StoredMessage, ok: (text: string, current: StoredMessage) => boolean) {
  return vi.waitFor(
    () => {
      const current = h.slack.messages(m.channel).find((x) => x.ts === m.ts);
      expect(current, "the message is still there").toBeDefined();
      expect(ok(blockText(current!.blocks), current!), blockText(current!.blocks)).toBe(true);
      return current!;
    },
    { timeout: 15_000 },
  );
}

describe("live range messages", () => {
  it("an assignment DM follows its range through progress, a lead's handoff and a due date", async () => {
    const slug = await h.dataset(uniqueSlug("live"), 1000);
    const ref = refIn(
      (await ask(h.lead, "/ledger", `assign ${slug} 300-399 <@${IDS.ana}> boxes only`)).reply.text ?? "",
    );
    await h.settle();
    const dm = await h.ana.waitForDm((m) => m.text.includes(ref));
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> assigned you *${ref}* of`);
    expect(blockText(dm.blocks)).toContain("300–399");
    expect(buttons(dm.blocks).map((b) => b.text)).toContain("Start");
    const dmsBefore = h.slack.messages(h.ana.dmChannel).length;

    await ask(h.ana, "/progress", `${ref} 20`);
    await h.settle();
    const progressed = await nowShows(dm, (t) => t.includes("(20/100)"));
    expect(buttons(progressed.blocks).map((b) => b.text)).toEqual([
      "Update progress",
      "Submit as done",
      "Pause",
      "Hand off",
      "Release",
    ]);

    // a lead moves the tail to bob: ana's DM shows what she holds now, bob's shows what he received
    const moved = await ask(h.lead, "/handoff", `${ref} <@${IDS.bob}> 351-399 ana is on another project`);
    const movedRef = refIn(blockText(moved.reply.blocks ?? []).replace(`*${ref}*`, ""));
    await h.settle();
    const split = await nowShows(dm, (t) => t.includes("300–350") && !t.includes("399"));
    expect(blockText(split.blocks)).toContain(`*${ref}* · ${slug} 300–350`);
    const bobDm = await h.bob.waitForDm((m) => m.text === `You received ${movedRef}`);
    expect(blockText(bobDm.blocks)).toContain(`*${movedRef}* · ${slug} 351–399`);

    await ask(h.bob, "/progress", `${movedRef} 5`);
    await h.settle();
    await nowShows(bobDm, (t) => t.includes("(5/49)"));

    // a due date moved: the new DM and the assignment DM both show it
    await ask(h.lead, "/ledger", `due ${ref} 2030-01-15 client asked`);
    await h.settle();
    await nowShows(dm, (t) => t.includes("2030-01-15"));

    // nothing above sent ana the assignment again: two new DMs, what the lead moved and the due date
    const added = h.slack.messages(h.ana.dmChannel).slice(dmsBefore);
    expect(added).toHaveLength(2);
    expect(added[1]?.text).toBe(`${ref}: due 2030-01-15`);
    expect(added.some((m) => m.text.startsWith("Assigned"))).toBe(false);
  });

  it("a released range's DM keeps its facts and loses its buttons", async () => {
    const slug = await h.dataset(uniqueSlug("live-release"), 500);
    const ref = refIn((await ask(h.lead, "/ledger", `assign ${slug} 1-40 <@${IDS.bob}>`)).reply.text ?? "");
    await h.settle();
    const dm = await h.bob.waitForDm((m) => m.text.includes(ref));
    expect(buttons(dm.blocks).length).toBeGreaterThan(0);
    await ask(h.bob, "/release", `${ref} wrong language`);
    await h.settle();
    const released = await nowShows(dm, (t) => /released/i.test(t));
    expect(buttons(released.blocks)).toEqual([]);
    expect(blockText(released.blocks)).toContain(`*${ref}* · ${slug} 1–40`);
  });
});
