/**
 * A person tries rangekeeper in the sandbox: seeds the demo, claims and starts
 * a range, reports progress, asks for a handoff that the lead approves from
 * the App Home, submits, and the reviewer accepts from the review DM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxWorld } from "../../src/sandbox/world.ts";
import { controlNumber, openSession, type Session, startWorld } from "./session.ts";

describe("sandbox: a realistic session", () => {
  let world: SandboxWorld;
  let s: Session;
  const appErrors: string[] = [];

  beforeAll(async () => {
    world = await startWorld(appErrors);
    s = openSession(world);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await world?.close();
  }, 30_000);

  it("seeds the demo and switches people", async () => {
    const demo = await s.say("demo");
    expect(demo).toContain("cats");
    expect(demo).toContain("1,000 images");
    expect(await s.say("demo")).toContain("already there");

    const users = await s.say("users");
    expect(users).toMatch(/@lee\s+Lee Lead\s+lead/);
    expect(users).toMatch(/@rita\s+Rita Reviewer\s+reviewer/);
    expect(users).toMatch(/@ada\s+Ada Admin\s+admin/);

    expect(await s.send("as @ana")).toBe("@ana › as @ana\nYou are now @ana (Ana Lima), annotator.\n");
    expect(await s.say("as")).toBe("You are @ana (Ana Lima), annotator.\n");
  });

  it("claims the next 10 images, starts them with a numbered button and reports progress", async () => {
    const claim = await s.say("/claim cats next 10");
    expect(claim).toContain("only visible to you · #labels");
    expect(claim).toContain("A1");
    expect(claim).toContain("cats 1–10");
    expect(claim).toContain("░░░░░░░░░░ 0% (0/10)");
    const start = controlNumber(claim, "Start");

    const started = await s.say(`press ${start}`);
    expect(started).toContain("(updated)");
    expect(started).toContain("A1 is in progress");
    expect(started).toContain("[1 Update progress]");

    const progress = await s.say("/progress A1 5");
    expect(progress).toContain("5 of 10 done");
    expect(progress).toContain("▓▓▓▓▓░░░░░ 50% (5/10)");
    // a bare number presses too: "Update progress" opens the progress modal on A1
    const modal = await s.say(String(controlNumber(progress, "Update progress")));
    expect(modal).toContain("=== Update progress ===");
    expect(modal).toMatch(/\[1\] Range: A1 · cats 1–10/);
    expect(await s.say("close")).toContain("(the modal closed)");
  });

  it("asks for a handoff; the lead sees it on the App Home and approves it by number", async () => {
    const asked = await s.say("/handoff A1 @bob 1-3 going on holiday");
    expect(asked).toContain("H1");
    expect(asked).toMatch(/new DM for .*@lee/);

    expect(await s.say("as @lead")).toMatch(/^You are now @lee \(Lee Lead\), lead\. 1 DM from rangekeeper/);
    const dm = await s.say("inbox");
    expect(dm).toContain("asks to hand A1 (cats) items 1–3 to @bob");
    expect(dm).toContain("Approve");

    const home = await s.say("home");
    expect(home).toContain("=== Home ===");
    expect(home).toContain("Handoffs to decide (1)");
    expect(home).toContain("H1: @ana → @bob");
    expect(home).toContain("Team load");
    expect(home).toContain("[1 Claim a range]");
    const approve = controlNumber(home, "Approve");
    expect(home).toContain(`[${approve + 1} Reject]`);

    const approved = await s.say(String(approve));
    expect(approved).toContain("Approved by @lee");
    expect(approved).toContain("Nothing waits for a decision.");
    expect(approved).toMatch(/new DM for .*@ana/);
  });

  it("submits the rest; the reviewer accepts it from the review DM", async () => {
    await s.say("as @ana");
    const inbox = await s.say("inbox");
    expect(inbox).toMatch(/Approved|approved/);
    // A1 kept 4–10 with 2 of its 7 items done: submitting asks before counting all 7 as done
    const asked = await s.say("/progress A1 done");
    expect(asked).toContain("Submitting counts all 7 as done; nothing was submitted yet");
    expect(asked).toContain("Submit as 7/7 done");
    const done = await s.say("/progress A1 done confirm");
    expect(done).toContain("in review with @rita");
    expect(done).toContain("new DM for @rita");

    await s.say("as @reviewer");
    const dms = await s.say("inbox 1");
    expect(dms).toContain("submitted A1");
    const review = await s.say(`press ${controlNumber(dms, "Review")}`);
    expect(review).toContain("=== Review A1 ===");
    expect(review).toMatch(/\[\d+\] Verdict: ____ {2}\(Accept \| Request changes\)/);

    expect(await s.say("fill verdict accept")).toBe("  Verdict: Accept\n");
    const recorded = await s.say("submit");
    // the review DM the form came from now shows the verdict: no second message repeats it
    expect(recorded).toContain("DM from rangekeeper (updated)");
    expect(recorded).toMatch(/accepted A1 \(review round 1\)/);
    expect(recorded).not.toContain("Recorded");
    expect(recorded).toContain("(the modal closed)");
    expect(recorded).toContain("new DM for @ana");

    await s.say("as @ana");
    const accepted = await s.say("inbox 1");
    expect(accepted).toMatch(/accept/i);
    const home = await s.say("home");
    expect(home).toMatch(/Completed: A1 \(cats 4–10\)/);
    expect(appErrors).toEqual([]);
  });

  it("leaves cleanly at the end of the input", async () => {
    await s.end();
    expect(s.transcript).not.toContain("✗");
    expect(s.transcript.trimEnd()).toMatch(/Completed: A1 \(cats 4–10\)$/);
  });
});
