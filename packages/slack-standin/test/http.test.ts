import type { App, BlockAction, ButtonAction, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { ErrorCode, type WebAPIPlatformError } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientValidationError, renderMessage, renderView, type Standin } from "../src/index.ts";
import { httpApp, standin } from "./helpers.ts";

let slack: Standin;
let stopApp: (() => Promise<void>) | undefined;

beforeEach(async () => {
  slack = await standin();
});

afterEach(async () => {
  await stopApp?.();
  stopApp = undefined;
  await slack.close();
});

async function start(register: (app: App) => void, extra = {}): Promise<App> {
  const { app, stop } = await httpApp(slack, register, extra);
  stopApp = stop;
  return app;
}

const claimModal = (metadata = "") => ({
  type: "modal" as const,
  callback_id: "claim",
  private_metadata: metadata,
  title: { type: "plain_text" as const, text: "Claim a range" },
  submit: { type: "plain_text" as const, text: "Claim" },
  blocks: [
    {
      type: "input",
      block_id: "dataset",
      label: { type: "plain_text", text: "Dataset" },
      element: {
        type: "static_select",
        action_id: "pick",
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
      element: { type: "plain_text_input", action_id: "text", initial_value: "1-100" },
    },
    {
      type: "input",
      block_id: "size",
      optional: true,
      label: { type: "plain_text", text: "Size" },
      element: { type: "number_input", action_id: "n", is_decimal_allowed: false, min_value: "1" },
    },
    {
      type: "input",
      block_id: "who",
      optional: true,
      label: { type: "plain_text", text: "Owner" },
      element: { type: "users_select", action_id: "u" },
    },
    {
      type: "input",
      block_id: "where",
      optional: true,
      label: { type: "plain_text", text: "Channel" },
      element: { type: "conversations_select", action_id: "c" },
    },
    {
      type: "input",
      block_id: "due",
      optional: true,
      label: { type: "plain_text", text: "Due" },
      element: { type: "datepicker", action_id: "d" },
    },
    {
      type: "input",
      block_id: "flags",
      optional: true,
      label: { type: "plain_text", text: "Flags" },
      element: {
        type: "checkboxes",
        action_id: "f",
        options: [
          { text: { type: "mrkdwn", text: "*Urgent*" }, value: "urgent" },
          { text: { type: "plain_text", text: "Gold" }, value: "gold" },
        ],
      },
    },
    {
      type: "input",
      block_id: "mode",
      optional: true,
      label: { type: "plain_text", text: "Mode" },
      element: {
        type: "radio_buttons",
        action_id: "r",
        options: [
          { text: { type: "plain_text", text: "Fast" }, value: "fast" },
          { text: { type: "plain_text", text: "Careful" }, value: "careful" },
        ],
      },
    },
    {
      type: "input",
      block_id: "tags",
      optional: true,
      label: { type: "plain_text", text: "Tags" },
      element: {
        type: "multi_static_select",
        action_id: "m",
        options: [
          { text: { type: "plain_text", text: "Blurry" }, value: "blurry" },
          { text: { type: "plain_text", text: "Night" }, value: "night" },
        ],
      },
    },
  ],
});

describe("slash commands over HTTP", () => {
  it("delivers a signed command; the ack and a respond() reply reach the response_url", async () => {
    let seen: SlackCommandMiddlewareArgs["command"] | undefined;
    await start((app) => {
      app.command("/claim", async ({ command, ack, respond }) => {
        seen = command;
        await ack();
        await respond({ response_type: "ephemeral", text: `Claimed ${command.text} as A17` });
      });
    });
    const res = await slack.as("U_ANA").command("/claim", "cats 1-100");
    expect(res.status).toBe(200);
    expect(res.transport).toBe("http");
    const reply = await res.reply();
    expect(reply.text).toBe("Claimed cats 1-100 as A17");
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.via).toBe("response_url");
    expect(seen).toMatchObject({
      command: "/claim",
      text: "cats 1-100",
      user_id: "U_ANA",
      user_name: "ana",
      team_id: slack.teamId,
      channel_id: "C_LABELS",
      channel_name: "labels",
      api_app_id: "A0STANDIN",
    });
    expect(seen?.response_url).toBe(res.responseUrl);
    expect(seen?.trigger_id).toBe(res.triggerId);
    // The ephemeral reply is stored for Ana only.
    expect(slack.ephemerals("U_ANA", "C_LABELS").map((m) => m.text)).toEqual(["Claimed cats 1-100 as A17"]);
    expect(slack.messages("C_LABELS")).toHaveLength(0);
  });

  it("records a message carried by the ack itself, and in_channel replies land in the channel", async () => {
    await start((app) => {
      app.command("/ledger", async ({ ack, respond }) => {
        await ack({ text: "Working on it…" });
        await respond({ response_type: "in_channel", text: "Coverage: 40%" });
      });
    });
    const res = await slack.as("U_BEN").command("/ledger", "status public");
    const first = await res.reply();
    expect(first.via).toBe("ack");
    expect(first.text).toBe("Working on it…");
    const second = await res.reply({ index: 1 });
    expect(second.response_type).toBe("in_channel");
    expect(slack.messages("C_LABELS").map((m) => m.text)).toEqual(["Coverage: 40%"]);
  });

  it("answers 401 to a bad signature and to a stale timestamp, 400 to a charset content-type", async () => {
    let calls = 0;
    await start((app) => {
      app.command("/claim", async ({ ack }) => {
        calls += 1;
        await ack();
      });
    });
    const ana = slack.as("U_ANA");
    expect((await ana.command("/claim", "", { badSignature: true })).status).toBe(401);
    expect((await ana.command("/claim", "", { timestampSkewSec: -6 * 60 })).status).toBe(401);
    expect((await ana.command("/claim", "", { omitSignature: true })).status).toBe(401);
    expect(
      (await ana.command("/claim", "", { contentType: "application/x-www-form-urlencoded; charset=utf-8" })).status,
    ).toBe(400);
    expect(calls).toBe(0);
    expect((await ana.command("/claim", "")).status).toBe(200);
    expect(calls).toBe(1);
  });

  it("passes x-slack-retry-num / reason to listeners as context.retryNum / retryReason", async () => {
    const seen: { num?: number; reason?: string }[] = [];
    await start((app) => {
      app.event("app_mention", async ({ context }) => {
        seen.push({ num: context.retryNum, reason: context.retryReason });
      });
    });
    const cho = slack.as("U_CHO");
    await cho.mention("status please");
    await cho.mention("status please", { retryNum: 2, retryReason: "http_timeout" });
    await slack.waitUntil(() => (seen.length === 2 ? true : undefined));
    expect(seen).toEqual([
      { num: undefined, reason: undefined },
      { num: 2, reason: "http_timeout" },
    ]);
  });

  it("answers url_verification with the challenge", async () => {
    await start(() => undefined);
    const res = await slack.driver.urlVerification("abc123");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: "abc123" });
  });
});

describe("Web API behaviour seen through Bolt", () => {
  it("a queued 429 is retried by WebClient after Retry-After and then succeeds", async () => {
    const app = await start(() => undefined);
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 0 });
    const res = await app.client.chat.postMessage({ channel: "C_LABELS", text: "Overdue: A17" });
    expect(res.ok).toBe(true);
    // One refusal, then one retry that went through: nothing lost, nothing posted twice.
    const calls = slack.calls("chat.postMessage");
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[0]?.response).toEqual({ ok: false, error: "ratelimited" });
    expect(calls[1]?.token).toBe(slack.botToken);
    expect(slack.messages("C_LABELS").map((m) => m.text)).toEqual(["Overdue: A17"]);
  });

  it("a queued 5xx is retried under retryConfig", async () => {
    const app = await start(() => undefined);
    slack.failNext("users.info", { status: 503 });
    const res = await app.client.users.info({ user: "U_BEN" });
    expect(res.user?.tz).toBe("America/New_York");
    expect(slack.calls("users.info").map((c) => c.status)).toEqual([503, 200]);
  });

  it("ok:false surfaces as a WebAPIPlatformError and is not retried", async () => {
    const app = await start(() => undefined);
    slack.failNext("chat.postMessage", { error: "channel_not_found" });
    const err = await app.client.chat
      .postMessage({ channel: "C_LABELS", text: "x" })
      .catch((e: unknown) => e as WebAPIPlatformError);
    expect(err).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: "channel_not_found" } });
    expect(slack.calls("chat.postMessage")).toHaveLength(1);
  });

  it("views.open accepts a trigger_id once; a second use fails with expired_trigger_id", async () => {
    const outcomes: string[] = [];
    await start((app) => {
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        for (let i = 0; i < 2; i++) {
          try {
            const r = await client.views.open({ trigger_id: body.trigger_id, view: claimModal() });
            outcomes.push(`ok ${r.view?.id}`);
          } catch (e) {
            outcomes.push((e as WebAPIPlatformError).data.error);
          }
        }
      });
    });
    await slack.as("U_ANA").command("/claim");
    await slack.waitUntil(() => (outcomes.length === 2 ? true : undefined));
    expect(outcomes[0]).toMatch(/^ok V\d+/);
    expect(outcomes[1]).toBe("expired_trigger_id");
    expect(slack.modal("U_ANA")?.callback_id).toBe("claim");
  });

  it("views.open after the trigger lifetime fails with expired_trigger_id", async () => {
    await slack.close();
    slack = await standin({ triggerTtlMs: 50 });
    const errors: string[] = [];
    await start((app) => {
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        await new Promise((r) => setTimeout(r, 120));
        await client.views
          .open({ trigger_id: body.trigger_id, view: claimModal() })
          .catch((e: WebAPIPlatformError) => errors.push(e.data.error));
      });
    });
    await slack.as("U_ANA").command("/claim");
    await slack.waitUntil(() => (errors.length ? true : undefined));
    expect(errors).toEqual(["expired_trigger_id"]);
  });
});

describe("interactions over HTTP", () => {
  it("a click on a stored message button reaches the listener with Slack’s payload; respond replaces the message", async () => {
    let body: BlockAction<ButtonAction> | undefined;
    const app = await start((app) => {
      app.action<BlockAction<ButtonAction>>("approve_handoff", async ({ ack, body: b, respond }) => {
        await ack();
        body = b;
        await respond({ replace_original: true, text: `Approved ${b.actions[0]?.value}` });
      });
    });
    const posted = await app.client.chat.postMessage({
      channel: "U_ANA",
      text: "Ben asks to hand A17 to Cho",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "<@U_BEN> asks to hand *A17* to <@U_CHO>" } },
        {
          type: "actions",
          block_id: "handoff_H3",
          elements: [
            {
              type: "button",
              action_id: "approve_handoff",
              text: { type: "plain_text", text: "Approve" },
              style: "primary",
              value: "H3",
            },
            {
              type: "button",
              action_id: "reject_handoff",
              text: { type: "plain_text", text: "Reject" },
              style: "danger",
              value: "H3",
            },
          ],
        },
      ],
    });
    expect(posted.channel).toBe(slack.dmChannel("U_ANA"));
    const res = await slack.as("U_ANA").click("approve_handoff");
    expect(res.status).toBe(200);
    await res.reply();
    expect(body).toMatchObject({
      type: "block_actions",
      user: { id: "U_ANA", username: "ana", team_id: slack.teamId },
      team: { id: slack.teamId },
      container: { type: "message", message_ts: posted.ts, channel_id: posted.channel, is_ephemeral: false },
      channel: { id: posted.channel, name: "directmessage" },
      message: { ts: posted.ts, user: slack.botUserId, text: "Ben asks to hand A17 to Cho" },
      actions: [
        {
          type: "button",
          action_id: "approve_handoff",
          block_id: "handoff_H3",
          value: "H3",
          style: "primary",
          text: { type: "plain_text", text: "Approve" },
        },
      ],
      state: { values: {} },
    });
    expect(body?.trigger_id).toBe(res.triggerId);
    expect(body?.response_url).toBe(res.responseUrl);
    const msg = slack.message(posted.channel!, posted.ts!);
    expect(msg?.text).toBe("Approved H3");
    expect(msg?.blocks).toBeUndefined();
  });

  it("response_url failures reach respond() as errors; a URL serves at most five posts", async () => {
    const outcomes: string[] = [];
    await start((app) => {
      app.command("/progress", async ({ ack, respond }) => {
        await ack();
        for (let i = 0; i < 7; i++) {
          try {
            await respond({ text: `update ${i}` });
            outcomes.push("ok");
          } catch (e) {
            outcomes.push(`failed ${(e as { statusCode?: number }).statusCode}`);
          }
        }
      });
    });
    slack.failNext("response_url", { status: 500 });
    const res = await slack.as("U_BEN").command("/progress", "A17 40");
    await slack.waitUntil(() => (outcomes.length === 7 ? true : undefined));
    expect(outcomes).toEqual(["failed 500", "ok", "ok", "ok", "ok", "ok", "failed 404"]);
    expect(res.replies().map((r) => r.error ?? r.text)).toEqual([
      "update 1",
      "update 2",
      "update 3",
      "update 4",
      "update 5",
      "used_url",
    ]);
  });

  it("a select in a message sends its choice and the message state", async () => {
    let body: BlockAction | undefined;
    const app = await start((app) => {
      app.action("reviewer", async ({ ack, body: b }) => {
        await ack();
        body = b as BlockAction;
      });
    });
    const posted = await app.client.chat.postMessage({
      channel: "C_LABELS",
      text: "Pick a reviewer",
      blocks: [
        {
          type: "actions",
          block_id: "rv",
          elements: [
            { type: "users_select", action_id: "reviewer", placeholder: { type: "plain_text", text: "Reviewer" } },
            { type: "datepicker", action_id: "by", initial_date: "2030-01-01" },
          ],
        },
      ],
    });
    const res = await slack.as("U_CHO").select("reviewer", "ana", { channel: "labels", messageTs: posted.ts! });
    expect(res?.status).toBe(200);
    await slack.waitUntil(() => body);
    expect(body).toMatchObject({
      container: { type: "message", message_ts: posted.ts, channel_id: "C_LABELS" },
      actions: [{ type: "users_select", action_id: "reviewer", block_id: "rv", selected_user: "U_ANA" }],
      state: {
        values: {
          rv: {
            reviewer: { type: "users_select", selected_user: "U_ANA" },
            by: { type: "datepicker", selected_date: "2030-01-01" },
          },
        },
      },
    });
  });

  it("stored messages and views render with names from the directory and numbered controls that click", async () => {
    const clicked: string[] = [];
    const app = await start((app) => {
      app.action("approve_handoff", async ({ ack, body }) => {
        await ack();
        clicked.push((body as BlockAction<ButtonAction>).actions[0]?.value ?? "");
      });
    });
    const posted = await app.client.chat.postMessage({
      channel: "C_LABELS",
      text: "handoff",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "<@U_BEN> asks to hand *A17* to <@U_ANA> in <#C_LABELS>" } },
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "approve_handoff",
              text: { type: "plain_text", text: "Approve" },
              value: "H9",
            },
          ],
        },
      ],
    });
    const stored = slack.message("C_LABELS", posted.ts!)!;
    const r = renderMessage(stored, slack.renderOptions());
    expect(r.lines).toEqual(["@Ben Okafor asks to hand *A17* to @Ana in #labels", "[1 Approve]"]);
    const control = r.controls[0]!;
    expect(control.blockId).toBe(stored.blocks?.[1]?.block_id);
    await slack.as("U_ANA").click(control.actionId, {
      messageTs: stored.ts,
      channel: stored.channel,
      blockId: control.blockId,
      value: control.value,
    });
    await slack.waitUntil(() => (clicked.length ? true : undefined));
    expect(clicked).toEqual(["H9"]);

    const trigger = slack.workspace.issueTrigger("U_ANA");
    await app.client.views.open({ trigger_id: trigger, view: claimModal() });
    slack.as("U_ANA").fill(undefined, { who: "U_CHO", Dataset: "dogs" });
    const v = renderView(slack.modal("U_ANA")!, slack.renderOptions());
    expect(v.lines[0]).toBe("=== Claim a range ===");
    expect(v.lines).toContain("[1] Dataset: Dogs  (Cats | Dogs)");
    expect(v.lines).toContain("[4] Owner (optional): @cho");
  });

  it("refuses to click a button that is not on screen", async () => {
    await start(() => undefined);
    await expect(slack.as("U_ANA").click("nope")).rejects.toThrow(/No button with action_id "nope"/);
  });

  it("view_submission: client-side checks, response_action errors comes back, then an empty ack closes the view", async () => {
    const submissions: Record<string, unknown>[] = [];
    await start((app) => {
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        await client.views.open({ trigger_id: body.trigger_id, view: claimModal('{"ds":"cats"}') });
      });
      app.view("claim", async ({ ack, view, body }) => {
        submissions.push({ values: view.state.values, meta: view.private_metadata, user: body.user.id });
        const range = view.state.values.range?.text?.value ?? "";
        if (!/^\d+-\d+$/.test(range)) {
          await ack({ response_action: "errors", errors: { range: "Use <first>-<last>, e.g. 1-100" } });
          return;
        }
        await ack();
      });
    });
    const ana = slack.as("U_ANA");
    await ana.command("/claim");
    const modal = await ana.waitForModal((v) => v.callback_id === "claim");

    // Slack itself refuses to send a view with a required field left empty.
    await expect(ana.submit(modal.id, { range: "" })).rejects.toBeInstanceOf(ClientValidationError);
    await expect(ana.submit(modal.id, { Dataset: "cats", size: "2.5" })).rejects.toThrow(/whole number/);
    expect(submissions).toHaveLength(0);

    const bad = await ana.submit(modal.id, {
      Dataset: "Cats",
      range: "one to ten",
      size: 10,
      who: "@ben",
      where: "#labels",
      due: "2030-01-31",
      flags: ["urgent", "gold"],
      mode: "careful",
      tags: ["night"],
    });
    expect(bad.status).toBe(200);
    expect(bad.responseAction).toBe("errors");
    expect(bad.errors).toEqual({ range: "Use <first>-<last>, e.g. 1-100" });
    expect(bad.problems).toEqual([]);
    expect(bad.closed).toBe(false);
    expect(ana.modal()?.id).toBe(modal.id);
    expect(submissions[0]).toEqual({
      user: "U_ANA",
      meta: '{"ds":"cats"}',
      values: {
        dataset: {
          pick: {
            type: "static_select",
            selected_option: { text: { type: "plain_text", text: "Cats" }, value: "cats" },
          },
        },
        range: { text: { type: "plain_text_input", value: "one to ten" } },
        size: { n: { type: "number_input", value: "10" } },
        who: { u: { type: "users_select", selected_user: "U_BEN" } },
        where: { c: { type: "conversations_select", selected_conversation: "C_LABELS" } },
        due: { d: { type: "datepicker", selected_date: "2030-01-31" } },
        flags: {
          f: {
            type: "checkboxes",
            selected_options: [
              { text: { type: "mrkdwn", text: "*Urgent*" }, value: "urgent" },
              { text: { type: "plain_text", text: "Gold" }, value: "gold" },
            ],
          },
        },
        mode: {
          r: {
            type: "radio_buttons",
            selected_option: { text: { type: "plain_text", text: "Careful" }, value: "careful" },
          },
        },
        tags: {
          m: {
            type: "multi_static_select",
            selected_options: [{ text: { type: "plain_text", text: "Night" }, value: "night" }],
          },
        },
      },
    });

    // Values entered earlier stay in the view; fixing the range is enough.
    const good = await ana.submit(modal.id, { range: "1-50" });
    expect(good.responseAction).toBeUndefined();
    expect(good.closed).toBe(true);
    expect(ana.modal()).toBeUndefined();
    const values = submissions[1]?.values as Record<string, Record<string, { value?: string }>> | undefined;
    expect(values?.range?.text?.value).toBe("1-50");
  });

  it("response_action update and push change the modal stack; views.update checks the hash", async () => {
    const app = await start((app) => {
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        await client.views.open({ trigger_id: body.trigger_id, view: claimModal() });
      });
      app.view("claim", async ({ ack }) => {
        await ack({
          response_action: "push",
          view: {
            type: "modal",
            callback_id: "confirm",
            title: { type: "plain_text", text: "Confirm" },
            blocks: [{ type: "section", text: { type: "mrkdwn", text: "Sure?" } }],
          },
        });
      });
    });
    const ana = slack.as("U_ANA");
    await ana.command("/claim");
    const first = await ana.waitForModal();
    const pushed = await ana.submit(undefined, { Dataset: "dogs" });
    expect(pushed.responseAction).toBe("push");
    expect(pushed.view?.callback_id).toBe("confirm");
    expect(pushed.view?.previous_view_id).toBe(first.id);
    expect(pushed.view?.root_view_id).toBe(first.id);

    const stale = await app.client.views
      .update({
        view_id: pushed.view!.id,
        hash: "stale",
        view: { type: "modal", title: { type: "plain_text", text: "X" }, blocks: [] },
      })
      .catch((e: WebAPIPlatformError) => e.data.error);
    expect(stale).toBe("hash_conflict");
    const updated = await app.client.views.update({
      view_id: pushed.view!.id,
      hash: pushed.view!.hash,
      view: { type: "modal", callback_id: "confirm", title: { type: "plain_text", text: "Confirmed" }, blocks: [] },
    });
    expect(updated.view?.id).toBe(pushed.view!.id);
    expect(ana.modal()?.title).toMatchObject({ text: "Confirmed" });
    // The covered modal cannot be used until the top one closes.
    await expect(ana.submit(first.id)).rejects.toThrow(/covered/);
    expect(await ana.closeView()).toBeNull();
    expect(ana.modal()?.id).toBe(first.id);
  });

  it("block_actions in a modal carry the view with its current state; dispatching selects are delivered", async () => {
    const seen: Record<string, unknown>[] = [];
    await start((app) => {
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        const view = claimModal();
        view.blocks.unshift({
          type: "actions",
          block_id: "tools",
          elements: [
            {
              type: "button",
              action_id: "suggest",
              text: { type: "plain_text", text: "Suggest next range" },
              value: "next",
            },
            {
              type: "overflow",
              action_id: "more",
              options: [
                { text: { type: "plain_text", text: "Help" }, value: "help" },
                { text: { type: "plain_text", text: "Reset" }, value: "reset" },
              ],
            },
          ],
        } as never);
        await client.views.open({ trigger_id: body.trigger_id, view });
      });
      app.action(/suggest|more/, async ({ ack, body }) => {
        await ack();
        seen.push(body as unknown as Record<string, unknown>);
      });
    });
    const ana = slack.as("U_ANA");
    await ana.command("/claim");
    const modal = await ana.waitForModal();
    ana.fill(modal.id, { Dataset: "dogs" });
    await ana.click("suggest");
    await ana.select("more", "reset");
    await slack.waitUntil(() => (seen.length === 2 ? true : undefined));
    expect(seen[0]).toMatchObject({
      type: "block_actions",
      container: { type: "view", view_id: modal.id },
      view: {
        id: modal.id,
        callback_id: "claim",
        state: {
          values: { dataset: { pick: { selected_option: { value: "dogs" } } }, range: { text: { value: "1-100" } } },
        },
      },
      actions: [{ type: "button", action_id: "suggest", block_id: "tools", value: "next" }],
    });
    expect(seen[0]).not.toHaveProperty("response_url");
    expect(seen[1]).toMatchObject({
      actions: [{ type: "overflow", action_id: "more", selected_option: { value: "reset" } }],
    });
  });

  it("notify_on_close sends view_closed; shortcuts and message shortcuts are delivered", async () => {
    const kinds: string[] = [];
    const app = await start((app) => {
      app.shortcut("new_claim", async ({ ack, body, client }) => {
        await ack();
        kinds.push(body.type);
        await client.views.open({ trigger_id: body.trigger_id, view: { ...claimModal(), notify_on_close: true } });
      });
      app.shortcut("report_range", async ({ ack, shortcut }) => {
        await ack();
        kinds.push(`${shortcut.type}:${"message_ts" in shortcut ? shortcut.message_ts : ""}`);
      });
      app.view({ callback_id: "claim", type: "view_closed" }, async ({ ack, body }) => {
        await ack();
        kinds.push(`${body.type}:${body.view.id}`);
      });
    });
    const ben = slack.as("U_BEN");
    await ben.shortcut("new_claim");
    const modal = await ben.waitForModal();
    const closed = await ben.closeView();
    expect(closed?.status).toBe(200);
    const posted = await app.client.chat.postMessage({ channel: "C_LABELS", text: "A17 is done" });
    await ben.messageShortcut("report_range", { channel: "C_LABELS", messageTs: posted.ts! });
    await slack.waitUntil(() => (kinds.length === 3 ? true : undefined));
    expect(kinds).toEqual(["shortcut", `view_closed:${modal.id}`, `message_action:${posted.ts}`]);
  });

  it("app_home_opened leads to views.publish; buttons in the home tab are clickable", async () => {
    const clicks: string[] = [];
    await start((app) => {
      app.event("app_home_opened", async ({ event, client }) => {
        await client.views.publish({
          user_id: event.user,
          view: {
            type: "home",
            blocks: [
              { type: "header", text: { type: "plain_text", text: "My ranges" } },
              {
                type: "section",
                text: { type: "mrkdwn", text: "*A17* cats 1-100" },
                accessory: {
                  type: "button",
                  action_id: "open_progress",
                  text: { type: "plain_text", text: "Progress" },
                  value: "A17",
                },
              },
            ],
          },
        });
      });
      app.action("open_progress", async ({ ack, body }) => {
        await ack();
        clicks.push(`${(body as BlockAction).container.type}:${(body as BlockAction<ButtonAction>).actions[0]?.value}`);
      });
    });
    const cho = slack.as("U_CHO");
    const res = await cho.openHome();
    expect(res.status).toBe(200);
    const home = await cho.waitForHome();
    expect(home.type).toBe("home");
    await cho.click("open_progress", { home: true });
    await slack.waitUntil(() => (clicks.length ? true : undefined));
    expect(clicks).toEqual(["view:A17"]);
    // A second publish keeps the same view id.
    await cho.openHome();
    await slack.waitFor("views.publish", () => true, { since: slack.calls("views.publish")[0]!.seq });
    expect(cho.home()?.id).toBe(home.id);
  });

  it("a DM to the app arrives as message.im and the reply is readable from the DM", async () => {
    await start((app) => {
      app.message(async ({ message, say }) => {
        if (message.channel_type === "im" && "text" in message) await say(`You said: ${message.text}`);
      });
    });
    const ben = slack.as("U_BEN");
    await ben.dm("help");
    const reply = await ben.waitForDm((m) => m.user === slack.botUserId);
    expect(reply.text).toBe("You said: help");
    expect(reply.channel).toBe(ben.dmChannel);
  });
});
