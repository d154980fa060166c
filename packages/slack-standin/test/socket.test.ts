import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Standin } from "../src/index.ts";
import { socketApp, standin } from "./helpers.ts";

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

describe("Socket Mode", () => {
  it("connects through apps.connections.open with the app token, then round-trips commands, interactions and events", async () => {
    const events: string[] = [];
    const { stop } = await socketApp(slack, (app) => {
      app.command("/ledger", async ({ ack, respond, command }) => {
        await ack({ text: `Usage for ${command.user_name}` });
        await respond({ text: "More help on its way" });
      });
      app.view("claim", async ({ ack }) => {
        await ack({ response_action: "errors", errors: { range: "Bad range" } });
      });
      app.command("/claim", async ({ ack, body, client }) => {
        await ack();
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: "modal",
            callback_id: "claim",
            title: { type: "plain_text", text: "Claim" },
            submit: { type: "plain_text", text: "Claim" },
            blocks: [
              {
                type: "input",
                block_id: "range",
                label: { type: "plain_text", text: "Range" },
                element: { type: "plain_text_input", action_id: "v" },
              },
            ],
          },
        });
      });
      app.event("app_mention", async ({ event, context }) => {
        events.push(`${event.text}|${context.retryNum ?? "-"}`);
      });
    });
    stopApp = stop;
    expect(slack.socketConnections).toBe(1);
    const open = slack.calls("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(slack.appToken);
    expect(String(open[0]?.response.url)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\//);

    const ana = slack.as("U_ANA");
    const cmd = await ana.command("/ledger", "help");
    expect(cmd.transport).toBe("socket");
    expect(cmd.status).toBe(200);
    expect(cmd.json).toEqual({ text: "Usage for ana" });
    expect((await cmd.reply()).text).toBe("Usage for ana");
    expect((await cmd.reply({ index: 1 })).text).toBe("More help on its way");

    await ana.command("/claim");
    await ana.waitForModal();
    const sub = await ana.submit(undefined, { Range: "x" });
    expect(sub.transport).toBe("socket");
    expect(sub.responseAction).toBe("errors");
    expect(sub.errors).toEqual({ range: "Bad range" });

    await ana.mention("hello", { retryNum: 1, retryReason: "timeout" });
    await slack.waitUntil(() => (events.length ? true : undefined));
    expect(events).toEqual([`<@${slack.botUserId}> hello|1`]);
    const envelopes = slack.server.socket.received.filter((m) => typeof m.envelope_id === "string");
    expect(envelopes.length).toBeGreaterThanOrEqual(4);
  });

  it("reports a missing ack as a timeout", async () => {
    const { stop } = await socketApp(slack, () => undefined);
    stopApp = stop;
    const res = await slack.as("U_BEN").command("/nobody-listens", "", { timeoutMs: 300 });
    expect(res.timedOut).toBe(true);
    expect(res.status).toBe(0);
  });

  it("refuses apps.connections.open with a bot token", async () => {
    const r = await fetch(`${slack.apiUrl}apps.connections.open`, {
      method: "POST",
      headers: { authorization: `Bearer ${slack.botToken}` },
    });
    expect(await r.json()).toEqual({ ok: false, error: "not_allowed_token_type" });
  });
});
