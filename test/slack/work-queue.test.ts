/** The queue that keeps a burst of acknowledged commands from flooding the event loop. */
import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../src/slack/work-queue.ts";

const tick = () => new Promise((r) => setImmediate(r));

describe("WorkQueue", () => {
  it("works on at most `limit` at once, the rest in arrival order", async () => {
    const q = new WorkQueue(2);
    const release: (() => void)[] = [];
    const started: number[] = [];
    const done = Array.from({ length: 5 }, (_, i) =>
      q.run(async () => {
        started.push(i);
        await new Promise<void>((r) => release.push(r));
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(q.queued).toBe(3);
    release.shift()!();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (release.length) {
      release.shift()!();
      await tick();
      await tick();
    }
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("frees the turn of work that fails", async () => {
    const q = new WorkQueue(1);
    await expect(q.run(() => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(await q.run(async () => "next")).toBe("next");
  });
});
