/**
 * The inbox, in process: requests a dead process left open are handled by
 * the app as they would have been, answered once; a request interrupted
 * three times is given up and its sender told; handled requests are closed.
 */
import { hostname } from "node:os";
import { expect, it, vi } from "vitest";
import { type AppHarness, blockText, IDS, TEAM, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true, expectedErrors: ["request given up"] });

/** A process of this machine that is gone (no process has pid 2^22 + 1). */
const DEAD = `${hostname()}:4194305:inbox`;

/** Writes a /claim as a dead process would have left it: received and acked, never handled. */
async function leftOpen(text: string, attempts = 1) {
  const prepared = h.ana.preparedCommand("/claim", text);
  const payload = Object.fromEntries(new URLSearchParams(prepared.body));
  const row = await h.prisma.inboxRequest.create({
    data: {
      teamId: TEAM,
      userId: IDS.ana,
      kind: "command",
      payload: JSON.stringify(payload),
      heldBy: DEAD,
      leaseUntil: new Date(Date.now() + 600_000),
      attempts,
    },
  });
  return { row, replies: prepared.replies };
}

it("handles a request a dead process acked, once, and closes it", async () => {
  const slug = await h.dataset(uniqueSlug("inbox-replay"), 100);
  const { row, replies } = await leftOpen(`${slug} 1-10`);
  expect(await h.rk.inbox.handleAbandoned()).toBe(1);
  await h.settle();
  expect(replies()).toHaveLength(1);
  expect(replies()[0]!.text).toMatch(/A\d+/);
  const d = await h.ledger.getDataset(TEAM, slug);
  expect(await h.prisma.assignment.count({ where: { datasetId: d.id } })).toBe(1);
  expect(await h.prisma.inboxRequest.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
    outcome: "done",
    heldBy: null,
  });
  // Nothing is left: a second look handles nothing, and the claim is not made again.
  expect(await h.rk.inbox.handleAbandoned()).toBe(0);
});

it("gives up a request interrupted three times, and tells its sender by DM", async () => {
  const slug = await h.dataset(uniqueSlug("inbox-giveup"), 100);
  const { row, replies } = await leftOpen(`${slug} 1-10`, 3);
  await h.rk.inbox.handleAbandoned();
  await h.settle();
  const dm = await h.ana.waitForDm((m) => m.text.includes("could not finish"));
  expect(blockText(dm.blocks)).toContain(`/claim ${slug} 1-10`);
  expect(replies()).toEqual([]);
  expect((await h.prisma.inboxRequest.findUniqueOrThrow({ where: { id: row.id } })).outcome).toBe(
    "given up after 3 interrupted attempts",
  );
  const d = await h.ledger.getDataset(TEAM, slug);
  expect(await h.prisma.assignment.count({ where: { datasetId: d.id } })).toBe(0);
});

it("closes every request it handled (none stays open after a command)", async () => {
  const slug = await h.dataset(uniqueSlug("inbox-closed"), 100);
  const res = await h.ana.command("/claim", `${slug} 1-5`);
  await res.reply();
  await vi.waitFor(async () => expect(await h.prisma.inboxRequest.count({ where: { doneAt: null } })).toBe(0), {
    timeout: 15_000,
  });
  expect(await h.prisma.inboxRequest.count({ where: { kind: "command", outcome: "done" } })).toBeGreaterThan(0);
});
