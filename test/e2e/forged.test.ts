/**
 * Nothing forged gets in, and nothing acknowledged is answered twice: signed
 * requests with a timestamp outside Slack's five minutes (either way), exact
 * replays, requests of workspaces the bot is not installed in, commands
 * without a trigger id, oversized bodies; and Slack answering 500 after it
 * did the work (a DM, a response_url reply), which a retry must not double.
 */
import { describe, expect, it, vi } from "vitest";
import { type AppHarness, ask, blockText, IDS, TEAM, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

async function assignmentsOf(slug: string): Promise<number> {
  const d = await h.ledger.getDataset(TEAM, slug);
  return h.prisma.assignment.count({ where: { datasetId: d.id } });
}

/** A /claim as Slack would send it, with its fields to change before it is signed and sent. */
function claimFields(text: string): { fields: URLSearchParams; replies: () => { text?: string; error?: string }[] } {
  const prepared = h.ana.preparedCommand("/claim", text);
  return { fields: new URLSearchParams(prepared.body), replies: prepared.replies };
}

const post = (fields: URLSearchParams, opts: Parameters<AppHarness["slack"]["driver"]["postRaw"]>[2] = {}) =>
  h.slack.driver.postRaw(fields.toString(), "application/x-www-form-urlencoded", opts);

describe("request timestamps", () => {
  it("a signed request from 6 minutes or a year in the future is refused with 401 and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("future"), 100);
    for (const skew of [6 * 60, 365 * 24 * 3600, -6 * 60]) {
      const { fields, replies } = claimFields(`${slug} 1-10`);
      const res = await post(fields, { timestampSkewSec: skew });
      expect(res.status, `skew ${skew} s`).toBe(401);
      expect(replies()).toEqual([]);
    }
    // Within the window (4 minutes either way) it is taken.
    const { fields, replies } = claimFields(`${slug} 1-10`);
    expect((await post(fields, { timestampSkewSec: 4 * 60 })).status).toBe(200);
    await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 15_000 });
    await h.settle();
    expect(await assignmentsOf(slug)).toBe(1);
  });

  it("an exact replay of a signed request is acked and dropped: one change, one answer", async () => {
    const slug = await h.dataset(uniqueSlug("replay"), 100);
    const { fields, replies } = claimFields(`${slug} next 5`);
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await post(fields, { timestamp })).status).toBe(200);
    await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 15_000 });
    const logged = h.logs.length;
    expect((await post(fields, { timestamp })).status).toBe(200);
    await h.settle();
    expect(replies()).toHaveLength(1);
    expect(await assignmentsOf(slug)).toBe(1);
    expect(h.logs.slice(logged).map((l) => l.msg)).toContain("refused a replay of a request already received");
  });
});

describe("who may send requests", () => {
  it("a workspace the bot is not installed in is refused before anything is written", async () => {
    const workspaces = await h.prisma.workspace.count();
    const members = await h.prisma.member.count();
    for (let i = 0; i < 5; i++) {
      const { fields } = claimFields("cats 1-10");
      fields.set("team_id", `TFORGED${i}`);
      const res = await post(fields);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("not installed") });
    }
    await h.settle();
    expect(await h.prisma.workspace.count()).toBe(workspaces);
    expect(await h.prisma.member.count()).toBe(members);
    expect(await h.prisma.inboxRequest.count({ where: { teamId: { startsWith: "TFORGED" } } })).toBe(0);
  });

  it("a user Slack does not know is refused before a member row is written", async () => {
    const slug = await h.dataset(uniqueSlug("nobody"), 100);
    const { fields, replies } = claimFields(`${slug} 1-10`);
    fields.set("user_id", "U0NOBODY");
    expect((await post(fields)).status).toBe(200);
    await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 15_000 });
    expect(replies()[0]!.text).toContain("Slack does not know the user U0NOBODY");
    await h.settle();
    expect(await h.prisma.member.count({ where: { userId: "U0NOBODY" } })).toBe(0);
    expect(await assignmentsOf(slug)).toBe(0);
  });

  it("a change naming someone Slack does not know (a forged mention) is refused, and no member row is written", async () => {
    const slug = await h.dataset(uniqueSlug("nobody-named"), 100);
    const assign = await ask(h.lead, "/ledger", `assign ${slug} 1-20 <@U0NOBODY>`);
    expect(assign.text).toContain("Slack does not know the user U0NOBODY");
    const role = await ask(h.admin, "/ledger", "role <@U0NOBODY> lead");
    expect(role.text).toContain("Slack does not know the user U0NOBODY");
    await h.settle();
    expect(await h.prisma.member.count({ where: { userId: "U0NOBODY" } })).toBe(0);
    expect(await assignmentsOf(slug)).toBe(0);
  });

  it("a command without a trigger id is refused, and another one's answer is never reused", async () => {
    const slug = await h.dataset(uniqueSlug("notrigger"), 100);
    const first = claimFields(`${slug} 1-10`);
    first.fields.delete("trigger_id");
    expect((await post(first.fields)).status).toBe(200);
    await vi.waitFor(() => expect(first.replies()).toHaveLength(1), { timeout: 15_000 });
    expect(first.replies()[0]!.text).toContain("without a trigger id");
    const second = claimFields(`${slug} 20-30`);
    second.fields.delete("trigger_id");
    await post(second.fields);
    await vi.waitFor(() => expect(second.replies()).toHaveLength(1), { timeout: 15_000 });
    expect(second.replies()[0]!.text).toContain("without a trigger id");
    await h.settle();
    expect(await assignmentsOf(slug)).toBe(0);
  });

  it("a body larger than anything Slack sends is refused with 413 without being read", async () => {
    const { fields, replies } = claimFields(`cats 1-10 ${"x".repeat(3_900_000)}`);
    const res = await post(fields).catch((e: unknown) => ({ status: 0, error: e }));
    // The app answers 413 (or ends the connection while the client still sends the rest).
    expect([413, 0]).toContain(res.status);
    expect(replies()).toEqual([]);
  });
});

describe("Slack did the work but answered 500", () => {
  it("a DM whose chat.postMessage answered 500 after posting is not posted twice", async () => {
    const slug = await h.dataset(uniqueSlug("ambiguous-dm"), 100);
    const before = h.slack.messages(h.bob.dmChannel).length;
    h.slack.failNext("chat.postMessage", { status: 500, afterApply: true });
    const { text } = await ask(h.lead, "/ledger", `assign ${slug} 1-20 <@${IDS.bob}>`);
    const ref = /A\d+/.exec(text)?.[0];
    await vi.waitFor(
      async () => {
        const row = await h.prisma.notification.findFirstOrThrow({ where: { dedupeKey: `assigned:${ref}` } });
        expect(row.status).toBe("SENT");
      },
      { timeout: 10_000 },
    );
    const dms = h.slack.messages(h.bob.dmChannel).slice(before);
    expect(dms.filter((m) => blockText(m.blocks).includes(`*${ref}*`))).toHaveLength(1);
    // The retry looked before posting again.
    expect(h.slack.calls("conversations.history").length).toBeGreaterThan(0);
  });

  it("a reply whose response_url answered 500 after showing it is replaced, not shown twice", async () => {
    const slug = await h.dataset(uniqueSlug("ambiguous-reply"), 100);
    h.slack.failNext("response_url", { status: 500, afterApply: true });
    const res = await h.ana.command("/claim", `${slug} 1-10`);
    await vi.waitFor(() => expect(res.replies().filter((r) => !r.error).length).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
    });
    await h.settle();
    // Two posts reached the stand-in; the second replaced the first: the claim shows once.
    const claimed = h.slack
      .ephemerals(IDS.ana)
      .filter((m) => m.text.includes(slug) || blockText(m.blocks).includes(slug));
    expect(claimed).toHaveLength(1);
    expect(
      res
        .replies()
        .filter((r) => !r.error)
        .at(-1)!.replace_original,
    ).toBe(true);
    expect(await assignmentsOf(slug)).toBe(1);
  });

  it("a reply whose response_url is rate limited waits Slack's Retry-After in full (10 s is not cut to 3)", async () => {
    const slug = await h.dataset(uniqueSlug("retry-after"), 100);
    h.slack.failNext("response_url", { status: 429, retryAfter: 10 });
    const res = await h.ana.command("/claim", `${slug} 1-10`);
    await vi.waitFor(
      async () => {
        const row = await h.prisma.notification.findFirstOrThrow({
          where: { teamId: TEAM, kind: "reply", lastError: { contains: "Retry-After 10" } },
        });
        expect(row.nextAttemptAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(9_000);
      },
      { timeout: 5_000 },
    );
    expect(res.replies().filter((r) => !r.error)).toEqual([]);
  });
});

describe("forms this bot did not open", () => {
  it("a submission whose metadata was changed (a view the bot never opened) is refused and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("forged-view"), 100);
    await h.bob.command("/claim");
    const form = await h.bob.waitForModal((v) => v.callback_id === "claim_modal");
    await h.bob.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.bob.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    // What a forger would send: metadata of their choosing (another channel), no seal of ours.
    const entry = h.slack.workspace.views.get(chosen.id)!;
    entry.view.private_metadata = JSON.stringify({ channelId: "C0ELSEWHERE", ref: slug });
    const sub = await h.bob.submit(chosen.id, { range: "1-40" });
    expect(sub.responseAction).toBe("errors");
    expect(JSON.stringify(sub.json)).toContain("not opened by rangekeeper for you");
    await h.settle();
    expect(await assignmentsOf(slug)).toBe(0);
    expect(h.slack.calls("chat.postEphemeral").filter((c) => c.args.channel === "C0ELSEWHERE")).toEqual([]);
  });
});
