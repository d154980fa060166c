/**
 * Stopping the bot (what SIGTERM and SIGINT run): requests stop coming in,
 * the work already started finishes within the grace period, and a message
 * that could not be sent in time gives its outbox key back instead of
 * blocking it for good.
 */
import { afterEach, describe, expect, it } from "vitest";
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
    expect(await h.rk.stop({ graceMs: 10_000 })).toEqual({ requests: 0, background: 0 });
    const row = await h.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } });
    expect(row?.sentAt).toBeInstanceOf(Date);
    expect(h.slack.messages(h.slack.workspace.dmChannel(IDS.ana)).some((m) => m.text?.includes(ref))).toBe(true);
  });

  it("gives back the outbox key of a message still being sent when the grace period ends", async () => {
    h = await startApp();
    const app = h;
    const slug = await app.dataset(uniqueSlug("stop-late"));
    app.slack.failNext("chat.postMessage", { delayMs: 5_000 });
    const { text } = await ask(app.lead, "/ledger", `assign ${slug} 1-10 <@${IDS.ana}>`);
    const ref = refIn(text);
    const reservation = () => app.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } });
    // The DM is under way, its key reserved, when the stop comes.
    await app.slack.waitUntil(async () => (await reservation()) ?? undefined, 5_000, "the DM's reservation");
    const left = await app.rk.stop({ graceMs: 200 });
    expect(left.background).toBeGreaterThan(0);
    expect(await app.rk.services.notifier.releaseUnsent()).toBe(1);
    // The key is free again: a later start (or another replica) sends the message instead of skipping it.
    expect(await reservation()).toBeNull();
  });

  it("does that as part of a stop, and says so", async () => {
    h = await startApp();
    const app = h;
    const slug = await app.dataset(uniqueSlug("stop-said"));
    app.slack.failNext("chat.postMessage", { delayMs: 5_000 });
    const { text } = await ask(app.lead, "/ledger", `assign ${slug} 1-10 <@${IDS.ana}>`);
    const ref = refIn(text);
    await app.slack.waitUntil(
      async () =>
        (await app.prisma.notification.findUnique({ where: { teamId_dedupeKey: assignedKey(ref) } })) ?? undefined,
      5_000,
      "the DM's reservation",
    );
    await app.running.stop({ graceMs: 200 });
    expect(app.logs.find((l) => l.msg === "stopped with work unfinished after the grace period")).toMatchObject({
      releasedMessages: 1,
    });
  });
});
