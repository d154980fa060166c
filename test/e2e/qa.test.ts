/**
 * `/ledger qa`: a dataset's QA numbers for its reviewers and leads, and a
 * person's own with `qa me`, from reviews made through Slack.
 */

import { describe, expect, it } from "vitest";
import { type AppHarness, ask, blockText, IDS, idOf, refIn, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started));

describe("/ledger qa", () => {
  it("shows a lead the dataset's numbers with their interval, and each person their own", async () => {
    const slug = await h.dataset(uniqueSlug("qa"), 500);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-40`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} done confirm`);
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    await h.ledger.recordReview(h.actor(review.reviewerId!), `R${review.id}`, {
      verdict: "accept",
      itemsChecked: 40,
      errors: { "wrong class": 2 },
    });

    const lead = await ask(h.lead, "/ledger", `qa ${slug}`);
    expect(lead.reply.response_type).toBe("ephemeral");
    expect(lead.reply.text).toBe(`QA of ${slug}, the last 4 weeks`);
    expect(lead.text).toContain("40 items completed");
    // 2 errors in 40 checked: 95 %, with the interval a 40-item sample deserves
    expect(lead.text).toContain("Accuracy 95.0 % (95 % CI 83.5–98.6 %, 40 items) checked in 1 review");
    expect(lead.text).toContain("First-pass acceptance 1 of 1 range (100.0 %)");
    expect(lead.text).toContain("Errors: wrong class 2 (100.0 % cum.)");
    expect(lead.text).toContain(`<@${IDS.ana}>: Accuracy 95.0 %`);

    const mine = await ask(h.ana, "/ledger", "qa me weeks 2");
    expect(mine.reply.text).toBe("Your QA numbers, the last 2 weeks");
    expect(mine.text).toContain(`*${slug}*: Accuracy 95.0 %`);

    const refused = await ask(h.ana, "/ledger", `qa ${slug}`);
    expect(refused.reply.response_type).toBe("ephemeral");
    expect(blockText(refused.reply.blocks)).toContain(
      `only reviewers and leads see the QA numbers of ${slug}; /ledger qa me shows yours`,
    );
    // Labels two people gave the same items (as an annotation tool would report them): their agreement, by name.
    const d = await h.ledger.getDataset(h.actor(IDS.lead).teamId, slug);
    await h.prisma.itemLabel.createMany({
      data: [1, 2, 3, 4].flatMap((item) => [
        { datasetId: d.id, item, annotatorId: IDS.ana, label: "cat" },
        { datasetId: d.id, item, annotatorId: IDS.bob, label: item === 4 ? "dog" : "cat" },
      ]),
    });
    const agreement = await ask(h.lead, "/ledger", `qa ${slug}`);
    expect(agreement.text).toContain("*Agreement*: 75.0 % over 4 shared label pairs of 1 pair of raters");
    expect(agreement.text).toMatch(
      new RegExp(`<@(${IDS.ana}|${IDS.bob})> & <@(${IDS.ana}|${IDS.bob})>: 75.0 %, κ 0.00 over 4 items`),
    );

    const bad = await ask(h.lead, "/ledger", `qa ${slug} since 2999-01-01`);
    expect(blockText(bad.reply.blocks)).toContain("2999-01-01 is in the future; give a date up to today");
  });
});
