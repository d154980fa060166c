/**
 * The weekly digest through the real app: work done through Slack last week,
 * `/ledger jobs run digest`, and what Slack then shows: one post in the
 * dataset channel with its numbers and two chart images shared with it, and
 * each annotator's own numbers in a DM, once.
 */
import { describe, expect, it } from "vitest";
import { type AppHarness, ask, blockText, CHANNEL, IDS, idOf, refIn, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decides the pending review of `ref` as its reviewer. */
async function review(ref: string, itemsChecked: number, errors: Record<string, number>) {
  const v = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref), status: "PENDING" } });
  await h.ledger.recordReview(h.actor(v.reviewerId!), `R${v.id}`, { verdict: "accept", itemsChecked, errors });
}

describe("the weekly digest", () => {
  it("posts last week's numbers with two charts in the dataset channel, and each annotator's own by DM", async () => {
    await ask(h.admin, "/ledger", "workspace set hours 00:00-24:00");
    await ask(h.admin, "/ledger", "workspace set days every day");
    const slug = await h.dataset(uniqueSlug("dig"), 400, { "first-k": "5" });
    await ask(h.admin, "/ledger", `dataset set ${slug} channel <#${CHANNEL}|labels>`);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${a} done confirm`);
    const b = refIn((await ask(h.bob, "/claim", `${slug} 21-50`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${b} done confirm`);
    await review(a, 20, {});
    await review(b, 30, { "wrong class": 3 });
    // All of it a week ago: the digest sums up the week that has ended.
    const d = await h.ledger.getDataset(h.actor(IDS.admin).teamId, slug);
    await h.prisma
      .$executeRaw`UPDATE "Assignment" SET "createdAt" = "createdAt" - interval '7 days', "completedAt" = "completedAt" - interval '7 days', "submittedAt" = "submittedAt" - interval '7 days' WHERE "datasetId" = ${d.id}`;
    await h.prisma
      .$executeRaw`UPDATE "Review" SET "createdAt" = "createdAt" - interval '7 days', "decidedAt" = "decidedAt" - interval '7 days' WHERE "assignmentId" IN (${idOf(a)}, ${idOf(b)})`;

    expect((await ask(h.lead, "/ledger", "jobs run digest")).text).toContain("only admins can run a job now");
    const ran = await ask(h.admin, "/ledger", "jobs run digest");
    expect(ran.text).toMatch(/Ran \*digest\*: 3 messages decided/);
    await h.settle();

    await expect
      .poll(() => h.slack.messages(CHANNEL).filter((m) => m.files?.length), { timeout: 15_000 })
      .toHaveLength(1);
    const post = h.slack.messages(CHANNEL).find((m) => m.files?.length)!;
    const text = blockText(post.blocks);
    expect(text).toContain(`Test ${slug}: the week of`);
    expect(text).toContain("50 items completed");
    expect(text).toContain("*First-pass acceptance*: 2 of 2 ranges (100 %)");
    expect(text).toContain("*Accuracy*: 94.0 % (95 % CI");
    expect(text).toContain("*Errors*: wrong class 3 (100 %, 100 % cum.)");
    expect(text).not.toContain(IDS.ana);
    expect(text).not.toContain(IDS.bob);
    expect(post.files!.map((f) => f.name)).toEqual([
      expect.stringMatching(new RegExp(`^${slug}-\\d{4}-W\\d{2}-throughput\\.png$`)),
      expect.stringMatching(new RegExp(`^${slug}-\\d{4}-W\\d{2}-errors\\.png$`)),
    ]);
    for (const f of post.files!) {
      const stored = h.slack.file(String(f.id))!;
      expect([...stored.content!.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(stored.alt_text).toBeTruthy();
    }

    const ana = await h.ana.waitForDm((m) => m.text.startsWith("Your week of"), 15_000);
    expect(blockText(ana.blocks)).toContain("20 items completed (nothing the week before)");
    expect(blockText(ana.blocks)).toContain("accuracy 100.0 %");
    const bob = await h.bob.waitForDm((m) => m.text.startsWith("Your week of"), 15_000);
    expect(blockText(bob.blocks)).toContain("Most frequent error: *wrong class* (3)");
    expect(blockText(bob.blocks)).not.toContain(IDS.ana);

    // Told once: a second run finds the week told.
    expect((await ask(h.admin, "/ledger", "jobs run digest")).text).toContain("nothing new to tell");
    await h.settle();
    expect(h.slack.messages(CHANNEL).filter((m) => m.files?.length)).toHaveLength(1);
    const dms = h.slack.messages(h.slack.workspace.dmChannel(IDS.ana)).filter((m) => m.text.startsWith("Your week of"));
    expect(dms).toHaveLength(1);
  });
});
