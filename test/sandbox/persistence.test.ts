/**
 * Where the sandbox keeps its ledger: a directory of its own (kept between
 * runs unless started fresh), never the app's embedded database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_PGLITE_DIR } from "../../src/db/client.ts";
import { SANDBOX_DATA_DIR, startSandbox } from "../../src/sandbox/world.ts";
import { openSession } from "./session.ts";

const dir = mkdtempSync(join(tmpdir(), "rk-sandbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function session(fresh: boolean) {
  const world = await startSandbox({ dataDir: join(dir, "db"), fresh });
  return { world, s: openSession(world) };
}

describe("sandbox storage", () => {
  it("keeps its database apart from the app's", () => {
    expect(resolve(SANDBOX_DATA_DIR)).not.toBe(resolve(DEFAULT_PGLITE_DIR));
    expect(resolve(SANDBOX_DATA_DIR).startsWith(resolve(DEFAULT_PGLITE_DIR))).toBe(false);
  });

  it("keeps the ledger between runs, and --fresh starts over", async () => {
    let { world, s } = await session(false);
    await s.say("demo");
    expect(await s.say("/claim cats next 10")).toContain("You hold A1");
    await s.close();
    await world.close();

    ({ world, s } = await session(false));
    expect(await s.say("demo")).toContain("already there");
    expect(await s.say("/mywork")).toContain("A1 · cats 1–10");
    // messages are Slack's, not the ledger's: a new run starts with an empty inbox
    expect(await s.say("inbox")).toBe("No DMs from rangekeeper to @ana yet.\n");
    await s.close();
    await world.close();

    ({ world, s } = await session(true));
    expect(await s.say("/mywork")).not.toContain("A1");
    expect(await s.say("/claim cats next 10")).toContain('there is no dataset "cats"');
    await s.close();
    await world.close();
  }, 180_000);
});
