/**
 * The tool repository's list of a dataset's projects and tasks: by tool,
 * then by number, whatever order they were linked in.
 */
import { describe, expect, it } from "vitest";
import { LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

describe("a dataset's projects and tasks", () => {
  it("are listed by tool, then by number", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    const cats = (await f.ledger.getDataset(TEAM, "cats")).id;
    await f.repos.tools.replaceProjects(TEAM, cats, "label-studio", [{ externalId: 3, offset: 0 }]);
    await f.repos.tools.replaceProjects(TEAM, cats, "cvat", [
      { externalId: 9, offset: 100 },
      { externalId: 7, offset: 0 },
    ]);
    expect((await f.repos.tools.projectsOf(cats)).map((p) => [p.tool, p.externalId, p.offset])).toEqual([
      ["cvat", 7, 0],
      ["cvat", 9, 100],
      ["label-studio", 3, 0],
    ]);
  });
});
