/**
 * The sandbox terminal on its own terms: one-line answers to bad input,
 * filling and submitting modals (Slack's own checks and the app's inline
 * errors), confirmation dialogs, and leaving at the end of the input.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dateFrom } from "../../src/sandbox/repl.ts";
import { escapeMentions, findDemoUser } from "../../src/sandbox/users.ts";
import type { SandboxWorld } from "../../src/sandbox/world.ts";
import { controlNumber, openSession, type Session, startWorld } from "./session.ts";

/** What the sandbox printed for a line, which must be exactly one line. */
async function oneLine(s: Session, line: string): Promise<string> {
  const out = await s.say(line);
  expect(out.endsWith("\n")).toBe(true);
  expect(out.trimEnd().split("\n"), `output of "${line}":\n${out}`).toHaveLength(1);
  return out.trimEnd();
}

describe("sandbox terminal", () => {
  let world: SandboxWorld;
  let s: Session;
  const appErrors: string[] = [];

  beforeAll(async () => {
    world = await startWorld(appErrors);
    s = openSession(world);
    await s.say("demo");
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await world?.close();
  }, 30_000);

  it("answers bad input with one clear line and changes nothing", async () => {
    expect(await oneLine(s, "frobnicate")).toBe(
      '✗ Unknown command "frobnicate". Type "help" for the sandbox commands, or a slash command like /claim cats next 10.',
    );
    expect(await oneLine(s, "as @nobody")).toBe(
      '✗ There is nobody called @nobody here; people: @ada, @lee, @ana, @bob, @cal, @rita (see "users").',
    );
    expect(await oneLine(s, "as @ana @bob")).toMatch(/^✗ "as" takes one person/);
    expect(await oneLine(s, "press 7")).toBe("✗ There is no [7] on screen; nothing on screen has controls.");
    expect(await oneLine(s, "press x")).toBe('✗ press takes the number shown in brackets, e.g. "press 2", not "x".');
    expect(await oneLine(s, "/deploy now")).toMatch(
      /^✗ Unknown command \/deploy; rangekeeper's commands are \/claim, /,
    );
    expect(await oneLine(s, "fill 2 10")).toBe(
      "✗ No modal is open. Commands without arguments open one, e.g. /claim or /progress.",
    );
    expect(await oneLine(s, "submit")).toMatch(/^✗ No modal is open/);
    expect(await oneLine(s, "inbox zero")).toBe('✗ inbox takes how many DMs to show, e.g. "inbox 3".');
    expect(await oneLine(s, "inbox")).toBe("No DMs from rangekeeper to @ana yet.");
    // rangekeeper's own one-line errors come through as the app's reply
    const bad = await s.say("/claim dogs 1-5");
    expect(bad).toContain('there is no dataset "dogs"');
    // a number that is not on screen after a reply with buttons
    const claim = await s.say("/claim cats next 5");
    expect(claim).toContain("[4 Release]");
    expect(await oneLine(s, "9")).toBe("✗ There is no [9] on screen; the controls on screen are [1]–[4].");
    // input lines that are blank or comments do nothing
    expect(await s.say("")).toBe("");
    expect(await s.say("# a comment")).toBe("");
    expect(appErrors).toEqual([]);
  });

  it("fills the claim modal by number and by label, shows Slack's checks and the app's inline errors", async () => {
    const modal = await s.say("/claim");
    expect(modal).toContain("=== Claim a range ===");
    expect(modal).toContain("[1] Dataset: ‹Choose a dataset›  (cats · Cats and dogs | street · Street scenes)");
    expect(modal).toContain("(close: Cancel)  (submit: Claim)");

    const missing = await s.say("submit");
    expect(missing).toBe("✗ Slack won't send this form yet:\n  Dataset: Please complete this required field.\n");

    // the dataset menu tells the app at once: the modal comes back with a suggestion
    const picked = await s.say("fill 1 cats");
    expect(picked).toContain("[1] Dataset: cats · Cats and dogs");
    expect(picked).toMatch(/Next free: 6–55 \(50 images\)/);

    expect(await s.say("fill items 1-3")).toBe("  Items: 1-3\n");
    expect(await s.say("fill due date 2030-01-31")).toBe("  Due date: 2030-01-31\n");
    expect(await oneLine(s, "fill colour blue")).toMatch(
      /^✗ No field "colour" in this modal; fields: Dataset, Items, Size, Due date, Note\.$/,
    );
    expect(await oneLine(s, "fill 1 dogs")).toMatch(
      /^✗ "dogs" is not an option of Dataset: 1\. cats · Cats and dogs \| 2\. street · Street scenes$/,
    );
    expect(await oneLine(s, "fill due someday")).toMatch(/^✗ "someday" is not a date/);

    // items 1–3 are ana's already (A1 is 1–5): the app refuses on the Items field
    const refused = await s.say("submit");
    expect(refused).toContain("=== Claim a range ===");
    const lines = refused.split("\n");
    const items = lines.findIndex((l) => /^\[\d+\] Items \(optional\): 1-3/.test(l));
    expect(items).toBeGreaterThan(-1);
    expect(lines[items + 1]).toMatch(/^ {4}⚠ .*A1/);

    const n = /\[(\d+)\] Items/.exec(refused)![1];
    expect(await s.say(`fill ${n} 200-209`)).toBe("  Items: 200-209\n");
    const claimed = await s.say("submit");
    expect(claimed).toContain("You hold A2");
    expect(claimed).toContain("cats 200–209");
    expect(claimed).toContain("(the modal closed)");
    expect(appErrors).toEqual([]);
  });

  it("asks before pressing a button that wants confirmation", async () => {
    const mine = await s.say("/progress A2 2");
    const release = controlNumber(mine, "Release");
    const asked = await s.say(String(release));
    expect(asked).toBe(
      '⚠ Release A2? 2 of its 10 items are done. Next you choose: keep them with their owner and release only the 8 unstarted items, or release all 10 and discard the 2 done. — type "y" to Choose what to release, anything else to Keep it.\n',
    );
    expect(await s.say("no")).toBe("Kept as it was.\n");
    expect(await s.say(String(release))).toContain("Release A2?");
    // with items done, the release asks what to release
    const question = await s.say("y");
    expect(question).toContain("A2 (cats) has 2 of 10 items done. Nothing was released yet.");
    const released = await s.say(String(controlNumber(question, "Release all 10 (discard 2 done)")));
    expect(released).toContain("Released A2");
  });

  it("opens the App Home and presses its buttons; closes modals", async () => {
    const home = await s.say("home");
    expect(home).toMatch(/^=== Home ===\n# rangekeeper\n\[1 Claim a range\] {2}\[2 Refresh\]/);
    expect(home).toContain("A1");
    const modal = await s.say("1");
    expect(modal).toContain("=== Claim a range ===");
    expect(await s.say("close")).toContain("(the modal closed)");
    expect(await oneLine(s, "close")).toMatch(/^✗ No modal is open/);
  });

  it("takes mentions as Slack escapes them, and dates in words", () => {
    expect(escapeMentions("A1 @bob 1-3 going to #labels, @nobody too")).toBe(
      "A1 <@UBOB|bob> 1-3 going to <#CLABELS|labels>, @nobody too",
    );
    expect(escapeMentions("@lead")).toBe("<@ULEE|lee>");
    expect(findDemoUser("@Reviewer")?.name).toBe("rita");
    const now = new Date("2026-03-31T23:30:00Z");
    expect(dateFrom("today", "UTC", now)).toBe("2026-03-31");
    expect(dateFrom("today", "Europe/Lisbon", now)).toBe("2026-04-01");
    expect(dateFrom("+7", "UTC", now)).toBe("2026-04-07");
    expect(dateFrom("tomorrow", "UTC", now)).toBe("2026-04-01");
    expect(() => dateFrom("soon", "UTC", now)).toThrow(/not a date/);
  });

  it("shows my DMs as they arrive between commands, and notes DMs to others in one line", async () => {
    const before = s.transcript.length;
    const notifier = world.rk.services.notifier;
    await notifier.dm(world.teamId, "UANA", {
      text: "A1 is due tomorrow",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: ":warning: *A1* is due tomorrow" } }],
    });
    await vi.waitFor(
      () => expect(s.transcript.slice(before)).toBe("── DM from rangekeeper ──\n⚠️ A1 is due tomorrow\n"),
      { timeout: 5000 },
    );
    const mid = s.transcript.length;
    await notifier.dm(world.teamId, "UBOB", {
      text: "hello",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "hello" } }],
    });
    await vi.waitFor(
      () => expect(s.transcript.slice(mid)).toBe('✉ new DM for @bob — type "as @bob" then "inbox" to read it\n'),
      { timeout: 5000 },
    );
  });

  it("leaves on quit and ignores what comes after", async () => {
    const out = await s.send("quit");
    expect(out).toBe("@ana › quit\n");
    s.input.write("/claim cats next 5\n");
    await s.close();
    expect(s.transcript.trimEnd().endsWith("@ana › quit")).toBe(true);
  });
});
