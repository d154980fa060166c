/**
 * Stopping the bot (what SIGTERM and SIGINT run): requests stop coming in,
 * the work already started finishes within the grace period, and a message
 * still being sent when it ends goes back to the outbox, for the next start
 * (or another replica) to send, instead of being lost.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AppHarness, ask, IDS, refIn, startApp, TEAM, uniqueSlug } from "../support/app.ts";

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const assignedKey = (ref: string) => ({ teamId: TEAM, dedupeKey: `assigned:${ref}` });

describe("stopping", () => {
  it("lets the background work of answered requests finish within the grace period", async () => {
    h = await startApp();
    const slug = await h.dataset(uniqueSlug("stop-finish"));
    h.slack.failNext("chat.postMessage", { delayMs: 300 });
    const { text } = await ask(h.lead, "/ledger", `assign ${slug} 1-10 <@${IDS.ana}>`);
    const ref = refIn(text);
    expect(await h.rk.stop({ graceMs: 10_000 })).toEqual({ requests: 0, background: 0, leftInInbox: 0 });
    expect(await h.running.sender.stop(10_000)).toBe(0);
    const row = await h.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } });
    expect(row).toMatchObject({ status: "SENT", attempts: 0 });
    expect(row?.sentAt).toBeInstanceOf(Date);
    expect(h.slack.messages(h.slack.workspace.dmChannel(IDS.ana)).some((m) => m.text?.includes(ref))).toBe(true);
  });

  it("hands a message still being sent when the grace period ends back to the outbox, and the next sender sends it", async () => {
    h = await startApp();
    const app = h;
    const slug = await app.dataset(uniqueSlug("stop-late"));
    app.slack.failNext("chat.postMessage", { delayMs: 5_000 });
    const { text } = await ask(app.lead, "/ledger", `assign ${slug} 1-10 <@${IDS.ana}>`);
    const ref = refIn(text);
    const row = () => app.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } });
    // The DM is being sent (its row claimed by the sender) when the stop comes.
    await vi.waitFor(async () => expect((await row())?.status).toBe("SENDING"), { timeout: 5_000 });
    await app.rk.stop({ graceMs: 200 });
    expect(await app.running.sender.stop(200)).toBe(1);
    expect(await row()).toMatchObject({ status: "PENDING", leasedBy: null, sentAt: null });
    // The next start's sender finds it due and sends it.
    const next = app.running.newSender();
    expect(await next.drain()).toMatchObject({ sent: 1, failed: 0 });
    expect(await row()).toMatchObject({ status: "SENT" });
  });

  it("does that as part of a stop, and says so", async () => {
    h = await startApp();
    const app = h;
    const slug = await app.dataset(uniqueSlug("stop-said"));
    app.slack.failNext("chat.postMessage", { delayMs: 5_000 });
    const { text } = await ask(app.lead, "/ledger", `assign ${slug} 1-10 <@${IDS.ana}>`);
    const ref = refIn(text);
    await vi.waitFor(
      async () =>
        expect(
          (await app.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } }))?.status,
        ).toBe("SENDING"),
      { timeout: 5_000 },
    );
    await app.running.stop({ graceMs: 200 });
    expect(app.logs.find((l) => l.msg === "stopped with work unfinished after the grace period")).toMatchObject({
      releasedMessages: 1,
    });
  });
});
