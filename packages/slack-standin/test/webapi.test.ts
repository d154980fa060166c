import { type Logger, LogLevel, type WebAPIPlatformError, WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Standin } from "../src/index.ts";
import { standin } from "./helpers.ts";

let slack: Standin;
let client: WebClient;

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

beforeEach(async () => {
  slack = await standin();
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
});

afterEach(async () => {
  await slack.close();
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: WebAPIPlatformError) => e.data?.error ?? String(e),
  );

describe("auth and dispatch", () => {
  it("answers auth.test with the configured team and bot ids", async () => {
    const r = await client.auth.test();
    expect(r).toMatchObject({
      ok: true,
      team_id: "T0STANDIN",
      user_id: "U0BOT",
      bot_id: "B0BOT",
      url: "https://rangekeeper-local.slack.com/",
    });
  });

  it("refuses missing and wrong tokens, and unknown methods", async () => {
    const post = async (method: string, headers: Record<string, string> = {}) =>
      (await fetch(`${slack.apiUrl}${method}`, { method: "POST", headers })).json();
    expect(await post("auth.test")).toEqual({ ok: false, error: "not_authed" });
    expect(await post("auth.test", { authorization: "Bearer xoxb-nope" })).toEqual({
      ok: false,
      error: "invalid_auth",
    });
    expect(await post("chat.fly", { authorization: `Bearer ${slack.botToken}` })).toMatchObject({
      ok: false,
      error: "unknown_method",
    });
    const recorded = slack.calls();
    expect(recorded.map((c) => [c.method, c.token, c.response.error])).toEqual([
      ["auth.test", undefined, "not_authed"],
      ["auth.test", "xoxb-nope", "invalid_auth"],
      ["chat.fly", slack.botToken, "unknown_method"],
    ]);
  });

  it("accepts JSON bodies and the token as an argument", async () => {
    const r = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${slack.botToken}` },
      body: JSON.stringify({
        channel: "#labels",
        text: "hi",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "hi" } }],
      }),
    });
    expect(await r.json()).toMatchObject({ ok: true, channel: "C_LABELS" });
    const form = await fetch(`${slack.apiUrl}users.info`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${slack.botToken}&user=U_ANA`,
    });
    expect(await form.json()).toMatchObject({ ok: true, user: { id: "U_ANA" } });
    expect(slack.lastCall("chat.postMessage")?.args.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "hi" } },
    ]);
  });

  it("queues ok:false failures with extra fields, once per call", async () => {
    slack.failNext("users.info", { error: "ratelimited", extra: { needed: "x" } }, 2);
    expect(await errorOf(client.users.info({ user: "U_ANA" }))).toBe("ratelimited");
    expect(slack.lastCall("users.info")?.response).toEqual({ ok: false, error: "ratelimited", needed: "x" });
    expect(await errorOf(client.users.info({ user: "U_ANA" }))).toBe("ratelimited");
    expect(await errorOf(client.users.info({ user: "U_ANA" }))).toBe("no error");
  });

  it("delays a call on request and waits for calls after a mark", async () => {
    slack.failNext("team.info", { delayMs: 500 });
    const mark = slack.mark();
    const pending = client.team.info();
    // A call made after the delayed one is answered before it.
    await client.users.info({ user: "U_ANA" });
    const call = await slack.waitFor("team.info", undefined, { since: mark });
    const overtaking = slack.calls("users.info").filter((c) => c.seq > mark);
    expect(overtaking).toHaveLength(1);
    expect(overtaking[0]!.seq).toBeLessThan(call.seq);
    expect((await pending).team).toMatchObject({ id: "T0STANDIN", domain: "rangekeeper-local" });
    await expect(slack.waitFor("team.info", undefined, { since: call.seq, timeoutMs: 50 })).rejects.toThrow(
      /Timed out after 50 ms waiting for a team.info call/,
    );
  });
});

describe("directory", () => {
  it("users.info reports names, time zone, offset and roles; unknown users are user_not_found", async () => {
    const { user } = await client.users.info({ user: "U_ANA" });
    expect(user).toMatchObject({
      id: "U_ANA",
      name: "ana",
      real_name: "Ana Lima",
      tz: "Europe/Lisbon",
      is_admin: true,
      is_owner: false,
      is_bot: false,
      profile: { display_name: "Ana", real_name: "Ana Lima" },
    });
    expect([0, 3600]).toContain(user?.tz_offset);
    const cho = await client.users.info({ user: "U_CHO" });
    expect(cho.user).toMatchObject({ tz_offset: 9 * 3600, is_owner: true });
    expect(await errorOf(client.users.info({ user: "U_NOBODY" }))).toBe("user_not_found");
  });

  it("users.list pages with cursors and includes the bot user", async () => {
    const first = await client.users.list({ limit: 2 });
    expect(first.members?.map((m) => m.id)).toEqual(["U0BOT", "U_ANA"]);
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toBeTruthy();
    const second = await client.users.list({ limit: 2, cursor });
    expect(second.members?.map((m) => m.id)).toEqual(["U_BEN", "U_CHO"]);
    expect(second.response_metadata?.next_cursor).toBe("");
    expect(first.members?.[0]).toMatchObject({ is_bot: true });
  });
});

describe("conversations and messages", () => {
  it("conversations.open gives each user one stable DM id; posting to a user id lands there", async () => {
    const a = await client.conversations.open({ users: "U_BEN" });
    const b = await client.conversations.open({ users: "U_BEN" });
    expect(a.channel?.id).toMatch(/^D/);
    expect(b.channel?.id).toBe(a.channel?.id);
    const posted = await client.chat.postMessage({ channel: "U_BEN", text: "Review request for A17" });
    expect(posted.channel).toBe(a.channel?.id);
    expect(slack.messages(a.channel!.id!).map((m) => m.text)).toEqual(["Review request for A17"]);
  });

  it("stores, updates and deletes messages with increasing ts; history reads them back newest first", async () => {
    const one = await client.chat.postMessage({ channel: "C_LABELS", text: "one" });
    const two = await client.chat.postMessage({ channel: "C_LABELS", text: "two", thread_ts: one.ts });
    expect(Number(two.ts)).toBeGreaterThan(Number(one.ts));
    expect(one.message).toMatchObject({ user: "U0BOT", bot_id: "B0BOT", text: "one" });
    const upd = await client.chat.update({ channel: "C_LABELS", ts: one.ts!, text: "one (edited)" });
    expect(upd.text).toBe("one (edited)");
    const hist = await client.conversations.history({ channel: "C_LABELS" });
    expect(hist.messages?.map((m) => m.text)).toEqual(["one (edited)"]);
    const replies = await client.conversations.replies({ channel: "C_LABELS", ts: one.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(["one (edited)", "two"]);
    await client.chat.delete({ channel: "C_LABELS", ts: one.ts! });
    expect(await errorOf(client.chat.update({ channel: "C_LABELS", ts: one.ts!, text: "x" }))).toBe(
      "message_not_found",
    );
    expect(await errorOf(client.chat.postMessage({ channel: "", text: "x" }))).toBe("channel_not_found");
    expect(await errorOf(client.chat.postMessage({ channel: "C_LABELS" } as never))).toBe("no_text");
  });

  it("chat.postEphemeral reaches only members; user messages cannot be edited by the app", async () => {
    const r = await client.chat.postEphemeral({ channel: "C_PRIVATE", user: "U_ANA", text: "only you" });
    expect(r.message_ts).toBeTruthy();
    expect(slack.ephemerals("U_ANA").map((m) => m.text)).toEqual(["only you"]);
    expect(await errorOf(client.chat.postEphemeral({ channel: "C_PRIVATE", user: "U_BEN", text: "x" }))).toBe(
      "user_not_in_channel",
    );
    const userMsg = slack.workspace.addMessage({ channel: "C_LABELS", user: "U_BEN", text: "mine", via: "user" });
    expect(await errorOf(client.chat.update({ channel: "C_LABELS", ts: userMsg.ts, text: "x" }))).toBe(
      "cant_update_message",
    );
  });

  it("refuses blocks Slack would refuse, with Slack-style messages", async () => {
    const long = "x".repeat(151);
    const err = await client.chat
      .postMessage({
        channel: "C_LABELS",
        text: "x",
        blocks: [
          { type: "header", text: { type: "plain_text", text: long } },
          {
            type: "actions",
            elements: [
              { type: "button", action_id: "dup", text: { type: "plain_text", text: "A" } },
              { type: "button", action_id: "dup", text: { type: "mrkdwn", text: "B" } } as never,
            ],
          },
        ],
      })
      .catch((e: WebAPIPlatformError) => e.data);
    expect(err).toMatchObject({ ok: false, error: "invalid_blocks" });
    const messages = (err as { response_metadata: { messages: string[] } }).response_metadata.messages;
    expect(messages).toContain("[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]");
    expect(messages).toContain("[ERROR] duplicate action_id: dup [json-pointer:/blocks/1/elements/1/action_id]");
    expect(messages).toContain("[ERROR] must be plain_text [json-pointer:/blocks/1/elements/1/text/type]");
    expect(slack.messages("C_LABELS")).toHaveLength(0);
  });

  it("refuses views Slack would refuse (long title, inputs without submit)", async () => {
    const home = await errorOf(
      client.views.publish({
        user_id: "U_ANA",
        view: {
          type: "home",
          blocks: [{ type: "input", label: { type: "plain_text", text: "x" }, element: { type: "plain_text_input" } }],
        },
      }),
    );
    expect(home).toBe("no error");
    const trigger = slack.workspace.issueTrigger("U_ANA");
    const err = await client.views
      .open({
        trigger_id: trigger,
        view: {
          type: "modal",
          title: { type: "plain_text", text: "A title that is far too long for Slack" },
          blocks: [{ type: "input", label: { type: "plain_text", text: "x" }, element: { type: "plain_text_input" } }],
        },
      })
      .catch((e: WebAPIPlatformError) => e.data);
    expect(err).toMatchObject({ error: "invalid_arguments" });
    const messages = (err as { response_metadata: { messages: string[] } }).response_metadata.messages;
    expect(messages).toEqual([
      "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
      "[ERROR] submit is required when an input block is within the blocks array [json-pointer:/view/submit]",
    ]);
    // A refused call does not use up the trigger.
    expect(slack.workspace.triggers.get(trigger)?.used).toBe(false);
  });
});

describe("files", () => {
  it("runs the files.uploadV2 flow, stores the content and shares it in the DM", async () => {
    const dm = slack.dmChannel("U_ANA");
    const csv = "ref,dataset,first,last\nA17,cats,1,100\n";
    const r = await client.files.uploadV2({
      channel_id: dm,
      filename: "ledger-cats.csv",
      content: csv,
      initial_comment: "Ledger export: cats",
    });
    expect(r.ok).toBe(true);
    const methods = slack.calls().map((c) => c.method);
    expect(methods).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal"]);
    const [file] = slack.files();
    expect(file?.name).toBe("ledger-cats.csv");
    expect(file?.content?.toString("utf8")).toBe(csv);
    const [msg] = slack.messages(dm);
    expect(msg?.text).toBe("Ledger export: cats");
    expect(msg?.files?.[0]).toMatchObject({
      id: file?.id,
      name: "ledger-cats.csv",
      mimetype: "text/csv",
      size: csv.length,
    });
    const url = String(msg?.files?.[0]?.url_private);
    const download = await fetch(url, { headers: { authorization: `Bearer ${slack.botToken}` } });
    expect(await download.text()).toBe(csv);
    expect((await fetch(url, { redirect: "manual" })).status).toBe(302);
  });

  it("completeUploadExternal fails for a file that was never uploaded", async () => {
    const { file_id } = await client.files.getUploadURLExternal({ filename: "x.csv", length: 3 });
    expect(await errorOf(client.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe("file_not_found");
  });
});
