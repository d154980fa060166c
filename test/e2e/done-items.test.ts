/**
 * Work done is never thrown away silently: releasing a range with items done
 * and submitting one with items left ask first (a command's reply, a card's
 * button), change nothing until answered, and say what was kept or discarded.
 */

import { describe, expect, it } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  CHANNEL,
  IDS,
  idOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started));
const row = (ref: string) => h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } });

/** Rows and audit events of a dataset, to prove an answer changed nothing. */
async function snapshot(slug: string) {
  const d = await h.ledger.getDataset(TEAM, slug);
  const [assignments, audit] = await Promise.all([
    h.prisma.assignment.findMany({ where: { datasetId: d.id }, orderBy: { id: "asc" } }),
    h.auditCount(slug),
  ]);
  return { assignments, audit };
}

describe("/release of a range with items done", () => {
  const LEADS = [IDS.admin, IDS.lead, IDS.lead2];

  it("asks first and changes nothing; the unstarted items go back, the done ones stay, the leads are told", async () => {
    const slug = await h.dataset(uniqueSlug("release-done"), 200);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 30`);
    const before = await snapshot(slug);

    const asked = await ask(h.ana, "/release", ref);
    expect(asked.reply.text).toBe(`${ref} has 30 of 50 items done: release what?`);
    expect(asked.text).toContain(`*${ref}* (${slug}) has *30 of 50* items done. Nothing was released yet.`);
    expect(asked.text).toContain(
      `Releasing the unstarted items keeps 1–30 with you as *${ref}* (30/30 done, still open: submit it when ready) and returns 31–50 to the pool.`,
    );
    expect(buttons(asked.reply.blocks).map((b) => [b.text, b.actionId, b.value])).toEqual([
      ["Release the 20 unstarted items", "assignment.release_unstarted", `${ref}@30`],
      ["Release all 50 (discard 30 done)", "assignment.release_all", `${ref}@30`],
      ["Cancel", "assignment.keep", ref],
    ]);
    expect(await snapshot(slug)).toEqual(before);

    // Cancel: nothing changes
    const q = asked.reply.message!;
    const cancel = await h.ana.click("assignment.keep", { channel: CHANNEL, messageTs: q.ts, value: ref });
    expect(blockText((await cancel.reply()).blocks)).toContain(`Nothing changed: *${ref}* stays at 30/50 done.`);
    expect(await snapshot(slug)).toEqual(before);

    // asked at 30 done, answered after progress moved to 35: asked again with the new count, nothing released
    const stale = await ask(h.ana, "/release", ref);
    await ask(h.ana, "/progress", `${ref} 35`);
    const moved = await snapshot(slug);
    const late = await h.ana.click("assignment.release_unstarted", {
      channel: CHANNEL,
      messageTs: stale.reply.message!.ts,
      value: `${ref}@30`,
    });
    const reasked = await late.reply();
    expect(reasked.text).toBe(`${ref} has 35 of 50 items done: release what?`);
    expect(blockText(reasked.blocks)).toContain(
      "Progress moved since you were asked (then 30 done), so your answer was not applied",
    );
    expect(blockText(reasked.blocks)).toContain("returns 36–50 to the pool");
    expect(buttons(reasked.blocks).map((b) => b.value)).toEqual([`${ref}@35`, `${ref}@35`, ref]);
    expect(await snapshot(slug)).toEqual(moved);
    await ask(h.ana, "/progress", `${ref} 30`);

    // the same question again, answered "Release the 20 unstarted items"
    const again = await ask(h.ana, "/release", ref);
    const click = await h.ana.click("assignment.release_unstarted", {
      channel: CHANNEL,
      messageTs: again.reply.message!.ts,
      value: `${ref}@30`,
    });
    const done = await click.reply();
    expect(done.replace_original).toBe(true);
    expect(done.text).toBe(`Released ${ref} 31–50`);
    expect(blockText(done.blocks)).toContain(
      `Released the unstarted items 31–50 of *${ref}* (${slug}): they are free again. <@${IDS.ana}> keeps the 30 done items as *${ref}* (1–30, 30/30 done), still open`,
    );
    expect(await row(ref)).toMatchObject({ first: 1, last: 30, itemsDone: 30, status: "IN_PROGRESS" });
    const ev = await h.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: idOf(ref), action: "assignment.release" },
    });
    expect(ev.after).toMatchObject({ first: 1, last: 30, doneKept: 30, freed: { first: 31, last: 50 } });
    expect((await h.ledger.coverage(TEAM, slug)).freeItems).toBe(170);

    await h.settle();
    for (const lead of LEADS) {
      const dm = await h.slack.as(lead).waitForDm((m) => m.text === `${ref} released with 30 items done`);
      expect(blockText(dm.blocks)).toContain(
        `<@${IDS.ana}> released the unstarted items 31–50 of *${ref}* in ${slug}; the 30 done items (1–30) stay with <@${IDS.ana}> as *${ref}*.`,
      );
    }
  });

  it("with confirm or all from a command: a lead's release tells the owner and the leads what was kept or discarded", async () => {
    const slug = await h.dataset(uniqueSlug("release-all"), 200);
    const a = refIn((await ask(h.bob, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${a} 30`);
    const kept = await ask(h.bob, "/release", `${a} confirm out of time`);
    expect(kept.reply.text).toBe(`Released ${a} 31–50`);
    expect(await row(a)).toMatchObject({ first: 1, last: 30, itemsDone: 30, status: "IN_PROGRESS" });
    expect(
      (await h.prisma.auditEvent.findFirstOrThrow({ where: { assignmentId: idOf(a), action: "assignment.release" } }))
        .reason,
    ).toBe("out of time");

    const b = refIn((await ask(h.bob, "/claim", `${slug} 101-150`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${b} 30`);
    const all = await ask(h.lead, "/release", `${b} all wrong batch`);
    expect(all.reply.text).toBe(`Released ${b}`);
    expect(all.text).toContain(
      `Released *${b}*: ${slug} items 101–150 are free again. The 30 done items were discarded.`,
    );
    expect(await row(b)).toMatchObject({ status: "RELEASED" });
    await h.settle();
    const owner = await h.bob.waitForDm((m) => m.text === `Released ${b}`);
    expect(blockText(owner.blocks)).toContain(`<@${IDS.lead}> released *${b}*`);
    expect(blockText(owner.blocks)).toContain("The 30 done items were discarded.");
    for (const lead of [IDS.admin, IDS.lead2]) {
      const dm = await h.slack.as(lead).waitForDm((m) => m.text === `${b} released with 30 items done`);
      expect(blockText(dm.blocks)).toContain(
        `<@${IDS.lead}> released all of *${b}* (<@${IDS.bob}>'s) in ${slug} (items 101–150) and discarded its 30 done items.`,
      );
    }
    // the lead who released is not told what they did
    expect(h.slack.messages(h.lead.dmChannel).some((m) => m.text === `${b} released with 30 items done`)).toBe(false);

    // nothing done: released at once, as ever, and nobody else is told
    const c = refIn((await ask(h.bob, "/claim", `${slug} 151-160`)).reply.text ?? "");
    expect((await ask(h.bob, "/release", c)).reply.text).toBe(`Released ${c}`);
  });

  it("names the done items in the Release button's confirmation", async () => {
    const slug = await h.dataset(uniqueSlug("release-button"), 200);
    const claimed = await ask(h.bob, "/claim", `${slug} 1-50`);
    const ref = refIn(claimed.reply.text ?? "");
    type Element = { action_id?: string; value?: string; confirm?: { text: { text: string } } };
    const confirmOf = (blocks: unknown) =>
      (blocks as { elements?: Element[] }[])
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === "assignment.release" && e.value === ref)?.confirm?.text.text;
    const fresh = claimed;
    expect(confirmOf(fresh.reply.blocks)).toBe("Its 50 items go back to the pool and anyone can claim them.");
    const progressed = await ask(h.bob, "/progress", `${ref} 30`);
    expect(confirmOf(progressed.reply.blocks)).toBe(
      "30 of its 50 items are done. Next you choose: keep them with their owner and release only the 20 unstarted items, or release all 50 and discard the 30 done.",
    );
    // the button itself then asks, changing nothing
    const click = await h.bob.click("assignment.release", {
      channel: CHANNEL,
      messageTs: progressed.reply.message!.ts,
      value: ref,
    });
    expect((await click.reply()).text).toBe(`${ref} has 30 of 50 items done: release what?`);
    expect(await row(ref)).toMatchObject({ last: 50, itemsDone: 30, status: "IN_PROGRESS" });
    await ask(h.bob, "/release", `${ref} all`);
  });
});

describe("/progress done with items left", () => {
  it("asks before counting them all as done; done confirm, or the full count, submits", async () => {
    const slug = await h.dataset(uniqueSlug("done-confirm"), 300);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-50`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} 41`);
    const before = await snapshot(slug);
    const asked = await ask(h.ana, "/progress", `${ref} done`);
    expect(asked.reply.text).toBe(`Submit ${ref} at 41/50 as all 50 done?`);
    expect(asked.text).toContain(`*${ref}* (${slug}) has *41 of 50* items done. Submitting counts all 50 as done`);
    expect(buttons(asked.reply.blocks).map((b) => b.text)).toEqual(["Submit as 50/50 done", "Keep at 41/50"]);
    const keep = await h.ana.click("assignment.keep", {
      channel: CHANNEL,
      messageTs: asked.reply.message!.ts,
      value: ref,
    });
    expect(blockText((await keep.reply()).blocks)).toContain(`Nothing changed: *${ref}* stays at 41/50 done.`);
    const wrong = await ask(h.ana, "/progress", `${ref} 41 done`);
    expect(wrong.text).toMatch(/submitting A\d+ counts all 50 of its items as done, not 41/);
    expect(await snapshot(slug)).toEqual(before);

    const stated = await ask(h.ana, "/progress", `${ref} 50 done all labelled`);
    expect(stated.text).toContain(`*${ref}* is in review`);
    expect(await row(ref)).toMatchObject({ status: "IN_REVIEW", itemsDone: 50 });
    const ev = await h.prisma.auditEvent.findFirstOrThrow({
      where: { assignmentId: idOf(ref), action: "assignment.submit" },
    });
    expect(ev.after).toMatchObject({ confirmedFrom: 41 });

    // never started: 0/10, confirmed
    const other = refIn((await ask(h.ana, "/claim", `${slug} 101-110`)).reply.text ?? "");
    expect((await ask(h.ana, "/progress", `${other} done`)).reply.text).toBe(`Submit ${other} at 0/10 as all 10 done?`);
    await ask(h.ana, "/progress", `${other} done confirm`);
    expect(await row(other)).toMatchObject({ status: "IN_REVIEW", itemsDone: 10 });
  });
});
