import type { ContextBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { excerpt, person, text } from "../../src/core/text.ts";
import { clip, context, header, plain, section } from "../../src/ui/format.ts";
import { errorMessage, MAX_MESSAGE_TEXT, msg } from "../../src/ui/message.ts";

/** Every text of a message within Slack's limits: the fallback and sections 3,000, context elements 2,000 here. */
function expectWithinLimits(m: { text: string; blocks: unknown[] }) {
  expect(m.text.length).toBeLessThanOrEqual(3000);
  for (const b of m.blocks as (SectionBlock | ContextBlock)[]) {
    if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    if (b.type === "context")
      for (const e of b.elements) expect((e as { text: string }).text.length).toBeLessThanOrEqual(3000);
  }
}

describe("clip", () => {
  it("leaves text within the limit alone and cuts longer text with an ellipsis", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("x".repeat(10), 10)).toBe("x".repeat(10));
    expect(clip("x".repeat(11), 10)).toBe(`${"x".repeat(9)}…`);
  });
  it("never splits a surrogate pair, an escape or a mention", () => {
    const cats = clip("🐈".repeat(10), 6);
    expect(cats).toBe("🐈🐈…");
    expect(cats.length).toBeLessThanOrEqual(6);
    expect(clip(`${"a".repeat(5)}&amp;b`, 8)).toBe("aaaaa…");
    expect(clip(`hi <@UANA> and <@UBOB>`, 20)).toBe("hi <@UANA> and …");
    expect(clip("a < b, and more words than fit", 12)).toBe("a …");
  });
});

describe("builders keep Slack's limits", () => {
  it("section, context, header and plain text", () => {
    expect(section("s".repeat(5000)).text!.text.length).toBe(3000);
    expect((context("c".repeat(5000)).elements[0] as { text: string }).text.length).toBe(2000);
    expect((header("h".repeat(500)) as { text: { text: string } }).text.text.length).toBe(150);
    expect(plain("p".repeat(5000)).text.length).toBe(2000);
  });

  it("a message's text", () => {
    const m = msg("t".repeat(10_000), []);
    expect(m.text.length).toBe(MAX_MESSAGE_TEXT);
    expect(m.text.endsWith("…")).toBe(true);
  });

  it("a refusal with a huge reason and usage", () => {
    const huge = "<&>".repeat(2000);
    const m = errorMessage(text`${huge} belongs to ${person("UANA")}`, `/claim ${huge}`);
    expectWithinLimits(m);
    expect(m.blocks).toHaveLength(2);
    expect((m.blocks[0] as SectionBlock).text!.text).toMatch(/^:raised_hand: (&lt;|&amp;|&gt;)+…$/);
  });

  it("a refusal ending in a full stop is not followed by a second one", () => {
    expect(errorMessage("remove it and try again.", "/claim").text).toBe("remove it and try again. Usage: /claim");
    expect(errorMessage("not a range", "/claim").text).toBe("not a range. Usage: /claim");
  });
});

describe("excerpt", () => {
  it("keeps short text and cuts long text to whole characters with an ellipsis", () => {
    expect(excerpt("abc")).toBe("abc");
    expect(excerpt("a".repeat(50))).toBe("a".repeat(50));
    expect(excerpt("a".repeat(51))).toBe(`${"a".repeat(49)}…`);
    expect(excerpt("🐈".repeat(50))).toBe("🐈".repeat(50));
    expect(excerpt("🐈".repeat(51))).toBe(`${"🐈".repeat(49)}…`);
    expect(excerpt(`a${"🐈".repeat(60)}`, 4)).toBe("a🐈🐈…");
  });
});
