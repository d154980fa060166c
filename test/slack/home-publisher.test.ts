/** How App Home refreshes after changes are spread out: at once after a quiet spell, together in a burst. */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Ledger } from "../../src/core/ledger/index.ts";
import { HomePublisher } from "../../src/slack/home-publisher.ts";
import type { UserDirectory } from "../../src/slack/users.ts";

const GAP = 1_000;
const T = "T1";

function publisher() {
  const warn = vi.fn();
  const logger = { warn } as unknown as Logger;
  const home = new HomePublisher({} as WebClient, {} as Ledger, {} as UserDirectory, logger, GAP);
  const published: string[] = [];
  let block: Promise<void> | null = null;
  const failFor = new Set<string>();
  vi.spyOn(home, "publish").mockImplementation(async (_team, user) => {
    published.push(user);
    if (block !== null) await block;
    if (failFor.has(user)) throw new Error("views.publish failed: invalid_blocks");
  });
  return {
    home,
    published,
    warn,
    failFor,
    hold(): () => void {
      let release: () => void = () => undefined;
      block = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        block = null;
        release();
      };
    },
  };
}

/** Lets every promise that can settle settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("HomePublisher.refresh", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("publishes the first change after a quiet spell at once", async () => {
    const p = publisher();
    await p.home.refresh(T, ["UANA"]);
    expect(p.published).toEqual(["UANA"]);
    await vi.advanceTimersByTimeAsync(GAP);
    await p.home.refresh(T, ["UANA"]);
    expect(p.published).toEqual(["UANA", "UANA"]);
  });

  it("shows the changes that follow closely with one publish, the gap after the one before", async () => {
    const p = publisher();
    await p.home.refresh(T, ["UANA"]);
    await vi.advanceTimersByTimeAsync(100);
    let done = 0;
    for (let i = 0; i < 3; i++) void p.home.refresh(T, ["UANA"]).then(() => (done += 1));
    await vi.advanceTimersByTimeAsync(GAP - 101);
    expect(p.published).toEqual(["UANA"]);
    expect(done).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.published).toEqual(["UANA", "UANA"]);
    expect(done).toBe(3);
  });

  it("never holds one person back for another's publish", async () => {
    const p = publisher();
    await p.home.refresh(T, ["UANA"]);
    const both = p.home.refresh(T, ["UBOB", "UANA", "UBOB", null, undefined]);
    await settle();
    // Bob at once; Ana's second waits for her gap.
    expect(p.published).toEqual(["UANA", "UBOB"]);
    await vi.advanceTimersByTimeAsync(GAP);
    await both;
    expect(p.published).toEqual(["UANA", "UBOB", "UANA"]);
  });

  it("runs once more after a publish that a change overtook, not once per change", async () => {
    const p = publisher();
    const release = p.hold();
    const first = p.home.refresh(T, ["UANA"]);
    await settle();
    expect(p.published).toEqual(["UANA"]);
    void p.home.refresh(T, ["UANA"]);
    void p.home.refresh(T, ["UANA"]);
    release();
    await vi.advanceTimersByTimeAsync(GAP);
    await first;
    expect(p.published).toEqual(["UANA", "UANA"]);
    await vi.advanceTimersByTimeAsync(5 * GAP);
    expect(p.published).toEqual(["UANA", "UANA"]);
  });

  it("logs a failed publish and goes on with the others", async () => {
    const p = publisher();
    p.failFor.add("UANA");
    await p.home.refresh(T, ["UANA", "UBOB"]);
    expect(p.published).toEqual(["UANA", "UBOB"]);
    expect(p.warn).toHaveBeenCalledTimes(1);
    expect(p.warn.mock.calls[0]?.[0]).toMatchObject({ userId: "UANA" });
    expect(p.warn.mock.calls[0]?.[1]).toBe("App Home refresh failed");
  });
});
