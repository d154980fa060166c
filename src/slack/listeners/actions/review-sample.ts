import { sendFileByDm } from "../../files.ts";
import type { Services } from "../../services.ts";
import { buttonAction, REF_VALUE } from "./common.ts";

/** Send the list as a file (in a review request whose list was cut short): the sample's items, by DM. */
export const sampleFileAction = (s: Services) =>
  buttonAction(s, "review.sample_file", REF_VALUE.review, async ({ actor, value }) => {
    const f = await s.ledger.reviewSampleCsv(actor, value);
    await sendFileByDm(s, actor.userId, {
      filename: `${f.ref}-${f.assignmentRef}-sample.csv`,
      title: `The sample of ${f.ref} (${f.assignmentRef})`,
      content: f.csv,
      comment: `The ${f.items.toLocaleString("en-US")} items to check in ${f.ref} of ${f.assignmentRef}.`,
    });
  });
