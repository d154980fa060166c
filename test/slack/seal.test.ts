import type { ModalView } from "@slack/types";
import { describe, expect, it } from "vitest";
import { ViewSeal } from "../../src/slack/seal.ts";

const view: ModalView = {
  type: "modal",
  callback_id: "claim_modal",
  title: { type: "plain_text", text: "Claim" },
  blocks: [],
  private_metadata: JSON.stringify({ channelId: "C1", ref: "cats" }),
};

describe("ViewSeal", () => {
  const seal = new ViewSeal("xoxb-secret");
  const sealed = seal.seal(view, "T1", "U1").private_metadata!;

  it("gives back the metadata of a view it sealed, for the same workspace, person and form", () => {
    expect(seal.open(sealed, "T1", "U1", "claim_modal")).toBe(view.private_metadata);
    expect(
      seal.open(
        seal.seal({ ...view, private_metadata: undefined }, "T1", "U1").private_metadata,
        "T1",
        "U1",
        "claim_modal",
      ),
    ).toBe("");
  });

  it("refuses another person, workspace or form, changed metadata, a missing seal, and another key", () => {
    expect(seal.open(sealed, "T1", "U2", "claim_modal")).toBeNull();
    expect(seal.open(sealed, "T2", "U1", "claim_modal")).toBeNull();
    expect(seal.open(sealed, "T1", "U1", "review_modal")).toBeNull();
    expect(seal.open(sealed.replace("C1", "C2"), "T1", "U1", "claim_modal")).toBeNull();
    expect(seal.open(view.private_metadata, "T1", "U1", "claim_modal")).toBeNull();
    expect(seal.open(undefined, "T1", "U1", "claim_modal")).toBeNull();
    expect(seal.open(`${sealed}x`, "T1", "U1", "claim_modal")).toBeNull();
    expect(new ViewSeal("xoxb-other").open(sealed, "T1", "U1", "claim_modal")).toBeNull();
  });
});
