import { describe, expect, it } from "vitest";
import { readClaim, readHandoff, readMetadata, readReview } from "../../src/slack/parse/views.ts";

const text = (value: string) => ({ value: { type: "plain_text_input", value } });
const select = (value: string) => ({ type: "static_select", selected_option: { value } });
const radio = (value: string) => ({ value: { type: "radio_buttons", selected_option: { value } } });
const NUL = "Your text contains a control character (U+0000), which rangekeeper cannot store; remove it and try again.";

describe("modal state with control characters", () => {
  it("refuses a free-text field holding one, on that field, naming the character", () => {
    const values = { dataset: { "claim.dataset": select("cats") }, range: text("1-10"), note: text("a\u0000b") };
    expect(readClaim(values)).toEqual({ ok: false, errors: { note: NUL } });
    expect(readClaim({ ...values, note: text("bell\u0007") })).toEqual({
      ok: false,
      errors: { note: expect.stringContaining("(U+0007)") },
    });
    expect(
      readHandoff({
        assignment: { value: select("A1") },
        pool: { value: { type: "checkboxes", selected_options: [{ value: "pool" }] } },
        reason: text("esc\u001b"),
      }),
    ).toEqual({ ok: false, errors: { reason: expect.stringContaining("(U+001B)") } });
    expect(
      readReview(
        {
          checked: { value: { type: "number_input", value: "1" } },
          verdict: radio("changes"),
          comment: text("\u0000"),
        },
        [],
        5,
        0,
      ),
    ).toMatchObject({ ok: false, errors: { comment: NUL } });
  });

  it("refuses one in a forged select value too", () => {
    expect(readClaim({ dataset: { "claim.dataset": select("ca\u0000ts") } })).toEqual({
      ok: false,
      errors: { dataset: NUL },
    });
  });

  it("keeps tab, line feed and carriage return, and reads metadata with a control character as empty", () => {
    const r = readClaim({ dataset: { "claim.dataset": select("cats") }, note: text("one\ttwo\r\nthree") });
    expect(r).toMatchObject({ ok: true, value: { note: "one\ttwo\r\nthree" } });
    expect(readMetadata(JSON.stringify({ channelId: "C1", ref: "A1\u0000" }))).toEqual({});
  });

  it("quotes a bad range back as a short excerpt", () => {
    const r = readClaim({ dataset: { "claim.dataset": select("cats") }, range: text("z".repeat(3000)) });
    expect(r).toEqual({
      ok: false,
      errors: { range: `"${"z".repeat(49)}…" is not a range; write it as <first>-<last>, e.g. 101-200` },
    });
  });
});

describe("the handoff form's done items", () => {
  const base = {
    assignment: { value: select("A1") },
    pool: { value: { type: "checkboxes", selected_options: [{ value: "pool" }] } },
    range: text("51-100"),
    reason: text("split"),
  };
  const done = (value: string) => ({ value: { type: "number_input", value } });

  it("reads the done items of the handed-off part, or none when left empty", () => {
    expect(readHandoff({ ...base, done_moved: done("10") })).toEqual({
      ok: true,
      value: { ref: "A1", to: null, range: { first: 51, last: 100 }, reason: "split", doneMoved: 10 },
    });
    expect(readHandoff(base)).toMatchObject({ ok: true, value: { doneMoved: null } });
  });

  it("refuses anything but a whole number, on that field", () => {
    expect(readHandoff({ ...base, done_moved: done("-3") })).toEqual({
      ok: false,
      errors: { done_moved: "done items must be a whole number" },
    });
  });
});

describe("numbers in a form beyond what the ledger holds", () => {
  const num = (value: string) => ({ value: { type: "number_input", value } });
  const claim = { dataset: { "claim.dataset": select("cats") } };

  it("refuses them on the field, naming the bound", () => {
    expect(readClaim({ ...claim, size: num("2000000000") })).toEqual({
      ok: false,
      errors: { size: "the size must be at most 100,000,000 (the most items a dataset can have)" },
    });
    expect(readClaim({ ...claim, range: text("1-99999999999") })).toEqual({
      ok: false,
      errors: {
        range: 'an item number must be at most 100,000,000 (the most items a dataset can have), not "99999999999"',
      },
    });
    expect(readClaim({ ...claim, size: num("0") })).toEqual({
      ok: false,
      errors: { size: "the size must be at least 1" },
    });
    expect(readClaim({ ...claim, size: num("100000000") })).toMatchObject({ ok: true, value: { size: 100_000_000 } });
  });
});
