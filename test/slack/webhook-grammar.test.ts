/** `/ledger webhook add|list|remove`: what the grammar takes and how it refuses. */
import { describe, expect, it } from "vitest";
import { LEDGER_USAGES, parseLedger, UsageError } from "../../src/slack/parse/grammar.ts";
import { thrown } from "../support/thrown.ts";

describe("/ledger webhook", () => {
  it("adds a URL as Slack escapes it, with or without a label, for all events or a list", () => {
    expect(parseLedger("webhook add <https://hooks.example.com/rk>")).toEqual({
      kind: "webhook-add",
      url: "https://hooks.example.com/rk",
      events: [],
    });
    expect(
      parseLedger("webhook add <https://hooks.example.com/rk?a=1&amp;b=2|hooks.example.com/rk> assignment.claimed"),
    ).toEqual({ kind: "webhook-add", url: "https://hooks.example.com/rk?a=1&b=2", events: ["assignment.claimed"] });
    expect(
      parseLedger(
        "WEBHOOK ADD https://h.example.com/x review.decided,Assignment.Completed, review.decided  handoff.requested",
      ),
    ).toEqual({
      kind: "webhook-add",
      url: "https://h.example.com/x",
      events: ["review.decided", "assignment.completed", "handoff.requested"],
    });
  });

  it("lists and removes by id", () => {
    expect(parseLedger("webhook list")).toEqual({ kind: "webhook-list" });
    expect(parseLedger("webhook remove 12")).toEqual({ kind: "webhook-remove", id: 12 });
  });

  it("refuses what is not a webhook command, naming the mistake and the usage", () => {
    const cases: [string, RegExp][] = [
      ["webhook", /say add, list or remove/],
      ["webhook delete 3", /"webhook delete" is not a command; use add, list or remove/],
      ["webhook add", /give the receiver's URL/],
      ["webhook add ftp://files.example.com/", /is not an http\(s\) URL/],
      ["webhook add <mailto:a@example.com|a@example.com>", /is not an http\(s\) URL/],
      [
        "webhook add https://h.example.com/ assignment.deleted",
        /"assignment.deleted" is not an event; events: assignment.claimed, /,
      ],
      ["webhook add https://h.example.com/ claimed", /"claimed" is not an event/],
      ["webhook remove", /name the webhook to remove/],
      ["webhook remove wh3", /"wh3" is not a webhook id/],
      ["webhook remove 0", /the webhook id/],
      ["webhook remove 3 now", /unexpected "now"/],
      ["webhook list all", /unexpected "all"/],
    ];
    for (const [text, message] of cases) {
      const e = thrown(UsageError, () => parseLedger(text));
      expect(e.message, text).toMatch(message);
      expect(e.usage, text).toBe(LEDGER_USAGES.webhook);
    }
  });
});
