/**
 * Commands on a dataset of 10,000,000 items with ranges of millions, through
 * the real app: each answers with what happened, a review's sample is sized
 * by ISO 2859-1 and listed in runs, and nothing is cut silently.
 */
import type { SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  forgeClick,
  IDS,
  idOf,
  refIn,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });
const row = (ref: string) => h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } });

/** The items a compact list names, expanded again ("109–118" → 109…118). */
const expand = (text: string): number[] =>
  text
    .replace(/, … and [\d,]+ more.*$/, "")
    .split(", ")
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b] = part.split("–").map(Number);
      return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
    });

describe("a dataset of 10,000,000 items", () => {
  it("claim, progress, done, review, handoff, release, status, mywork and export on ranges of millions", async () => {
    const slug = await h.dataset(uniqueSlug("huge"), 10_000_000, { gold: "10-20,5000000-5000099" });

    const c1 = await ask(h.ana, "/claim", `${slug} 1-3000000`);
    const a1 = refIn(c1.reply.text ?? "");
    expect(c1.reply.text).toBe(`Claimed ${a1}: ${slug} 1–3000000`);
    const c2 = await ask(h.ana, "/claim", `${slug} next 4000000`);
    const a2 = refIn(c2.reply.text ?? "");
    expect(c2.reply.text).toBe(`Claimed ${a2}: ${slug} 3000001–7000000`);

    const p = await ask(h.ana, "/progress", `${a1} 2500000`);
    expect(p.text).toContain(`*${a1}*: 2500000 of 3000000 done and started it.`);

    // The annotator's first range is reviewed in full: counted, never listed item by item.
    const d1 = await ask(h.ana, "/progress", `${a1} done confirm`);
    const r1 = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(a1) } });
    expect(r1).toMatchObject({ sampleFull: true, sampleSize: 3_000_000, sampleItems: [] });
    expect(d1.text).toContain(`*${a1}* is in review with <@${r1.reviewerId}> (3,000,000 items to check)`);
    await h.settle();
    const reviewer1 = h.slack.as(r1.reviewerId!);
    const dm1 = await reviewer1.waitForDm((m) => m.text.includes(a1));
    expect(blockText(dm1.blocks)).toContain("Check every item (full review): 3,000,000 items, 1–3000000.");

    // The second is sampled: 1,250 items (ISO 2859-1 code letter Q) and the 100 gold items inside it.
    await ask(h.ana, "/progress", `${a2} done confirm`);
    const r2 = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(a2) } });
    expect(r2.sampleFull).toBe(false);
    expect(r2.sampleSize).toBe(r2.sampleItems.length);
    expect(r2.sampleSize).toBeGreaterThanOrEqual(1250);
    expect(r2.sampleSize).toBeLessThanOrEqual(1350);
    for (const g of [5_000_000, 5_000_099]) expect(r2.sampleItems).toContain(g);
    await h.settle();
    const reviewer2 = h.slack.as(r2.reviewerId!);
    const dm2 = await reviewer2.waitForDm((m) => m.text.includes(a2));
    const dmText = (dm2.blocks as unknown as SectionBlock[])[0]!.text!.text;
    expect(dmText.length).toBeLessThanOrEqual(3000);
    const more = /… and ([\d,]+) more \(the \*Review\* form lists them all\)\.$/.exec(dmText);
    expect(more, dmText.slice(-200)).toBeTruthy();
    const shown = expand(dmText.slice(dmText.indexOf(" items: ") + 8));
    expect(shown).toEqual(r2.sampleItems.slice(0, shown.length));
    expect(shown.length + Number(more![1]!.replace(/,/g, ""))).toBe(r2.sampleSize);

    // The list also comes as a file, one item a line, gold items marked.
    expect(buttons(dm2.blocks).map((b) => [b.text, b.actionId, b.value])).toEqual([
      ["Review", "review.open", `R${r2.id}`],
      ["Send the list as a file", "review.sample_file", `R${r2.id}`],
    ]);
    await reviewer2.click("review.sample_file", { channel: reviewer2.dmChannel, messageTs: dm2.ts });
    const sampleFile = await h.slack.waitUntil(
      () => h.slack.files().find((f) => f.name === `R${r2.id}-${a2}-sample.csv` && f.channels.length > 0),
      5000,
      "the sample as a file",
    );
    expect(sampleFile.channels).toEqual([reviewer2.dmChannel]);
    expect(sampleFile.initial_comment).toBe(
      `The ${r2.sampleSize.toLocaleString("en-US")} items to check in R${r2.id} of ${a2}.`,
    );
    const rows = sampleFile.content!.toString("utf8").trimEnd().split("\r\n");
    expect(rows[0]).toBe("item,gold");
    expect(rows.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(r2.sampleItems);
    expect(rows).toContain("5000000,yes");
    expect(rows.filter((l) => l.endsWith(",yes"))).toHaveLength(100);
    // the annotator does not get the sample of their own range; a full review has no list
    const own = await forgeClick(h, IDS.ana, { actionId: "review.sample_file", value: `R${r2.id}` });
    expect(blockText((await own.reply()).blocks)).toContain(`the sample of R${r2.id} of ${a2} is for its reviewer`);
    const whole = await forgeClick(h, reviewer1.id, { actionId: "review.sample_file", value: `R${r1.id}` });
    expect(blockText((await whole.reply()).blocks)).toContain(
      `R${r1.id} of ${a1} is a full review: every item of 1–3000000, with no list to send`,
    );
    expect(buttons(dm1.blocks).map((b) => b.text)).toEqual(["Review"]);

    // /review lists both; the form lists every item of the sample.
    const queue = await ask(reviewer2, "/review");
    expect(queue.text).toContain(`${r2.sampleSize.toLocaleString("en-US")} items to check`);
    await reviewer2.click("review.open", { channel: reviewer2.dmChannel, messageTs: dm2.ts });
    const form = await reviewer2.waitForModal((v) => v.callback_id === "review_modal");
    const sections = (form.blocks as unknown as SectionBlock[])
      .filter((b) => b.type === "section")
      .map((b) => b.text!.text);
    expect(sections.join(" ")).not.toContain("more");
    const head = sections[0]!;
    const listed = [head.slice(head.indexOf(" items: ") + 8), ...sections.slice(1)].flatMap(expand);
    expect(listed).toEqual(r2.sampleItems);
    const tooMany = await reviewer2.submit(
      form.id,
      { checked: r2.sampleSize + 1, verdict: "accept" },
      { skipClientValidation: true },
    );
    expect(tooMany.errors).toEqual({ checked: `items checked must be between 1 and ${r2.sampleSize}` });
    const accepted = await reviewer2.submit(form.id, { checked: r2.sampleSize, verdict: "accept" });
    expect(accepted.closed).toBe(true);
    expect(await row(a2)).toMatchObject({ status: "COMPLETED" });
    expect(await h.prisma.review.findUniqueOrThrow({ where: { id: r2.id } })).toMatchObject({
      status: "ACCEPTED",
      itemsChecked: r2.sampleSize,
      goldChecked: 100,
    });

    // A lead splits a range of millions; the part handed off is released back to the pool.
    const c3 = await ask(h.bob, "/claim", `${slug} next 3000000`);
    const a3 = refIn(c3.reply.text ?? "");
    const ho = await ask(h.lead, "/handoff", `${a3} <@${IDS.ana}|ana> 8000001-9000000 share the load`);
    const moved = refIn(ho.text.replace(a3, ""));
    expect(ho.text).toContain(`*${a3}* items 8000001–9000000 went to <@${IDS.ana}> as *${moved}*`);
    const rel = await ask(h.ana, "/release", `${moved} not my language`);
    expect(rel.text).toContain(moved);
    expect(await row(moved)).toMatchObject({ status: "RELEASED", first: 8_000_001, last: 9_000_000 });

    const status = await ask(h.lead, "/ledger", `status ${slug}`);
    expect(status.text).toContain("free 1,000,000 (10%)");
    expect(status.text).toContain("Free: 8000001–9000000");

    const mine = await ask(h.bob, "/mywork");
    expect(mine.text).toContain(`*${a3}* · ${slug} 7000001–8000000`);

    const exported = await ask(h.lead, "/ledger", `export ${slug}`);
    expect(exported.reply.text).toBe(`Exported ${slug}`);
    const file = h.slack.files().find((f) => f.name === `${slug}-ledger.csv`);
    const lines = file!.content!.toString("utf8").trimEnd().split("\r\n");
    expect(lines).toHaveLength(6); // header, A1, A2, A3 (kept parts), the released part
    expect(lines.some((l) => l.startsWith(`${moved},8000001,9000000,1000000,${IDS.ana},RELEASED,`))).toBe(true);
  });
});
