import type { ActionsBlock, KnownBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import type { AssignmentView } from "../../src/core/types.ts";
import { assignmentCard, redrawCard } from "../../src/ui/assignment.ts";
import { context, section } from "../../src/ui/format.ts";

const TODAY = "2026-11-30";
const range = (over: Partial<AssignmentView> = {}): AssignmentView => ({
  id: 17,
  ref: "A17",
  teamId: "T1",
  datasetId: 1,
  dataset: "cats",
  itemNoun: "image",
  first: 300,
  last: 399,
  size: 100,
  assigneeId: "UANA",
  status: "PENDING",
  itemsDone: 0,
  dueDate: null,
  note: "boxes only",
  reviewRound: 0,
  parentId: null,
  createdAt: "2026-11-30T09:00:00.000Z",
  updatedAt: "2026-11-30T09:00:00.000Z",
  lastProgressAt: null,
  ...over,
});
const textOf = (blocks: readonly KnownBlock[]) =>
  blocks.map((b) => (b.type === "section" ? (b as SectionBlock).text?.text : b.type === "context" ? "ctx" : b.type));
const buttonsOf = (blocks: readonly KnownBlock[]) =>
  blocks.flatMap((b) => (b.type === "actions" ? (b as ActionsBlock).elements.map((e) => e.action_id) : []));

describe("a range's card, drawn again as the range changes", () => {
  it("replaces the card where it was, with the range's current facts and buttons, and keeps the rest", () => {
    const before = [section("headline"), ...assignmentCard(range(), { today: TODAY }), context("footer")];
    expect(buttonsOf(before)).toContain("assignment.start");
    const split = range({ last: 350, size: 51, status: "IN_PROGRESS", itemsDone: 20, note: null });
    const after = redrawCard(before, split, TODAY);
    expect(after[0]).toEqual(before[0]);
    expect(after.at(-1)).toEqual(before.at(-1));
    expect(after).toEqual([section("headline"), ...assignmentCard(split, { today: TODAY }), context("footer")]);
    expect(textOf(after).join("\n")).toContain("300–350");
    expect(textOf(after).join("\n")).not.toContain("399");
    // the note left with the range, and the buttons are those of a range in progress
    expect(after.some((b) => b.block_id === "card-note:A17")).toBe(false);
    expect(buttonsOf(after)).toEqual([
      "assignment.progress",
      "assignment.submit",
      "assignment.pause",
      "assignment.handoff",
      "assignment.release",
    ]);
  });

  it("keeps the options it was drawn with (owner shown, no buttons) and drops buttons a released range no longer has", () => {
    const lead = assignmentCard(range(), { today: TODAY, showOwner: true, actions: false });
    const released = range({ status: "RELEASED" });
    expect(redrawCard(lead, released, TODAY)).toEqual(
      assignmentCard(released, { today: TODAY, showOwner: true, actions: false }),
    );
    const owner = assignmentCard(range(), { today: TODAY });
    const redrawn = redrawCard(owner, released, TODAY);
    expect(buttonsOf(redrawn)).toEqual([]);
    expect(redrawn.map((b) => b.block_id)).toEqual(["card:A17", "card-note:A17"]);
  });

  it("leaves a message without that range's card as it is (A1 is not A17)", () => {
    const other = [section("x"), ...assignmentCard(range({ id: 1, ref: "A1" }), { today: TODAY })];
    expect(redrawCard(other, range(), TODAY)).toEqual(other);
    expect(redrawCard(other, range({ id: 1, ref: "A1", itemsDone: 5 }), TODAY)).not.toEqual(other);
  });
});
