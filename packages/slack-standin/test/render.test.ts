import type { AnyBlock, ModalView } from "@slack/types";
import { describe, expect, it } from "vitest";
import { type RenderOptions, renderBlocks, renderMessage, renderMrkdwn, renderView } from "../src/render.ts";

const names: Record<string, string> = { U_ANA: "Ana", U_BEN: "ben" };
const channels: Record<string, string> = { C_LABELS: "labels" };
const opts: RenderOptions = { userName: (id) => names[id], channelName: (id) => channels[id], width: 40 };

describe("renderMrkdwn", () => {
  it("resolves mentions, channels, specials and links, and unescapes entities", () => {
    expect(renderMrkdwn("<@U_ANA> hands *A17* to <@U_BEN|benny> in <#C_LABELS> and <#C9|ops>", opts)).toBe(
      "@Ana hands *A17* to @ben in #labels and #ops",
    );
    expect(renderMrkdwn("<!here> see <https://x.test/a|the guide> or <https://x.test/b>", opts)).toBe(
      "@here see the guide (https://x.test/a) or https://x.test/b",
    );
    expect(renderMrkdwn("due <!date^1700000000^{date_short}|Nov 14> &lt;3 &amp; more", opts)).toBe(
      "due Nov 14 <3 & more",
    );
    expect(renderMrkdwn("<@U_ZED> <mailto:a@b.c|a@b.c> <!subteam^S1|@leads>", opts)).toBe("@U_ZED a@b.c @leads");
  });
});

describe("renderBlocks", () => {
  const blocks: AnyBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Handoff request" } },
    { type: "section", text: { type: "mrkdwn", text: "<@U_BEN> asks to hand *A17* (cats 1-100) to <@U_ANA>" } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: "*Status*" },
        { type: "mrkdwn", text: "IN_PROGRESS" },
        { type: "mrkdwn", text: "*Reason*\nout sick this week" },
      ],
    },
    { type: "divider" },
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: "Requested by <@U_BEN>" },
        { type: "image", image_url: "https://x.test/i.png", alt_text: "avatar" },
      ],
    },
    {
      type: "actions",
      block_id: "h3",
      elements: [
        {
          type: "button",
          action_id: "approve",
          text: { type: "plain_text", text: "Approve" },
          style: "primary",
          value: "H3",
        },
        {
          type: "button",
          action_id: "reject",
          text: { type: "plain_text", text: "Reject" },
          style: "danger",
          value: "H3",
        },
        {
          type: "static_select",
          action_id: "to",
          placeholder: { type: "plain_text", text: "Someone else" },
          options: [
            { text: { type: "plain_text", text: "Ana" }, value: "U_ANA" },
            { text: { type: "plain_text", text: "Ben" }, value: "U_BEN" },
          ],
        },
      ],
    },
    { type: "image", image_url: "https://x.test/chart.png", alt_text: "weekly throughput chart" },
    {
      type: "section",
      text: { type: "mrkdwn", text: "*A18* dogs 1-50" },
      accessory: { type: "button", action_id: "open", text: { type: "plain_text", text: "Progress" }, value: "A18" },
    },
  ];

  it("renders headers, sections, fields, dividers, context, numbered actions and images", () => {
    const r = renderBlocks(blocks, opts);
    expect(r.lines).toEqual([
      "# Handoff request",
      "@ben asks to hand *A17* (cats 1-100) to @Ana",
      "*Status*            IN_PROGRESS",
      "*Reason*",
      "out sick this week",
      "─".repeat(40),
      "  Requested by @ben · [image: avatar]",
      "[1 Approve]  [2 Reject]  [3 ▾ Someone else]",
      "[image: weekly throughput chart]",
      "*A18* dogs 1-50  [4 Progress]",
    ]);
    expect(r.controls.map((c) => [c.index, c.elementType, c.actionId, c.blockId, c.label, c.value ?? null])).toEqual([
      [1, "button", "approve", "h3", "Approve", "H3"],
      [2, "button", "reject", "h3", "Reject", "H3"],
      [3, "static_select", "to", "h3", "Someone else", null],
      [4, "button", "open", "", "Progress", "A18"],
    ]);
    expect(r.controls[0]?.style).toBe("primary");
    expect(r.controls[2]?.options).toEqual([
      { value: "U_ANA", text: "Ana" },
      { value: "U_BEN", text: "Ben" },
    ]);
  });

  it("continues numbering from firstIndex and renders rich text", () => {
    const r = renderBlocks(
      [
        {
          type: "rich_text",
          elements: [
            {
              type: "rich_text_section",
              elements: [
                { type: "text", text: "Hi " },
                { type: "user", user_id: "U_ANA" },
                { type: "text", text: "!" },
              ],
            },
            {
              type: "rich_text_list",
              style: "ordered",
              elements: [
                { type: "rich_text_section", elements: [{ type: "text", text: "claim" }] },
                { type: "rich_text_section", elements: [{ type: "link", url: "https://x.test", text: "docs" }] },
              ],
            },
            { type: "rich_text_quote", elements: [{ type: "text", text: "quoted" }] },
          ],
        },
        { type: "actions", elements: [{ type: "button", action_id: "go", text: { type: "plain_text", text: "Go" } }] },
      ],
      { ...opts, firstIndex: 7 },
    );
    expect(r.text).toBe("Hi @Ana!\n1. claim\n2. docs (https://x.test)\n> quoted\n[7 Go]");
    expect(r.controls[0]?.index).toBe(7);
  });
});

describe("renderMessage", () => {
  it("falls back to text without blocks and renders attachments with a bar", () => {
    const r = renderMessage(
      {
        text: "Overdue: <@U_ANA> has *A17*",
        attachments: [
          { color: "#ff0000", title: "A17", text: "due 2030-01-01", fields: [{ title: "Owner", value: "<@U_ANA>" }] },
        ],
      },
      opts,
    );
    expect(r.lines).toEqual(["Overdue: @Ana has *A17*", "▌ *A17*", "▌ due 2030-01-01", "▌ Owner: @Ana"]);
  });
});

describe("renderView", () => {
  const modal: ModalView = {
    type: "modal",
    title: { type: "plain_text", text: "Claim a range" },
    submit: { type: "plain_text", text: "Claim" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "dataset",
        label: { type: "plain_text", text: "Dataset" },
        element: {
          type: "static_select",
          action_id: "pick",
          placeholder: { type: "plain_text", text: "Pick a dataset" },
          options: [
            { text: { type: "plain_text", text: "Cats" }, value: "cats" },
            { text: { type: "plain_text", text: "Dogs" }, value: "dogs" },
          ],
        },
      },
      {
        type: "input",
        block_id: "range",
        label: { type: "plain_text", text: "Range" },
        hint: { type: "plain_text", text: "e.g. 1-100" },
        element: { type: "plain_text_input", action_id: "text", initial_value: "101-200" },
      },
      {
        type: "input",
        block_id: "owner",
        optional: true,
        label: { type: "plain_text", text: "Owner" },
        element: { type: "users_select", action_id: "u" },
      },
      {
        type: "input",
        block_id: "due",
        optional: true,
        label: { type: "plain_text", text: "Due" },
        element: { type: "datepicker", action_id: "d" },
      },
    ],
  };

  it("shows the title, inputs with labels, placeholders, initial values, hints, and the modal buttons", () => {
    const r = renderView(modal, opts);
    expect(r.lines).toEqual([
      "=== Claim a range ===",
      "[1] Dataset: ‹Pick a dataset›  (Cats | Dogs)",
      "[2] Range: 101-200",
      "    e.g. 1-100",
      "[3] Owner (optional): ____",
      "[4] Due (optional): ____",
      "(close: Cancel)  (submit: Claim)",
    ]);
    expect(
      r.controls.map((c) => [c.index, c.elementType, c.blockId, c.actionId, c.inInput, c.optional, c.dispatches]),
    ).toEqual([
      [1, "static_select", "dataset", "pick", true, false, false],
      [2, "plain_text_input", "range", "text", true, false, false],
      [3, "users_select", "owner", "u", true, true, false],
      [4, "datepicker", "due", "d", true, true, false],
    ]);
  });

  it("shows the current state values of a view returned by Slack", () => {
    const withState = {
      ...modal,
      state: {
        values: {
          dataset: {
            pick: {
              type: "static_select",
              selected_option: { text: { type: "plain_text", text: "Dogs" }, value: "dogs" },
            },
          },
          owner: { u: { type: "users_select", selected_user: "U_BEN" } },
          due: { d: { type: "datepicker", selected_date: "2030-02-01" } },
        },
      },
    };
    const r = renderView(withState, opts);
    expect(r.lines[1]).toBe("[1] Dataset: Dogs  (Cats | Dogs)");
    expect(r.lines[4]).toBe("[3] Owner (optional): @ben");
    expect(r.lines[5]).toBe("[4] Due (optional): 2030-02-01");
  });

  it("renders a home tab without modal buttons", () => {
    const r = renderView(
      { type: "home", blocks: [{ type: "section", text: { type: "mrkdwn", text: "No ranges yet" } }] },
      opts,
    );
    expect(r.text).toBe("=== Home ===\nNo ranges yet");
  });
});
