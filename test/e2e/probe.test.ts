/**
 * Findings of a security probe, through the real app over HTTP: control
 * characters in free text, replies that echo huge input, requests for ids no
 * listener knows, and forms shown to people who may not use them.
 */
import { describe, expect, it } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  CHANNEL,
  forgeClick,
  IDS,
  idOf,
  refIn,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

/** Rows of the ledger a request could change (a first request registers its sender, which is no change), to prove one changed nothing. */
async function everything() {
  const [assignments, audit, handoffs, reviews, datasets] = await Promise.all([
    h.prisma.assignment.findMany({ orderBy: { id: "asc" } }),
    h.prisma.auditEvent.count(),
    h.prisma.handoffRequest.findMany({ orderBy: { id: "asc" } }),
    h.prisma.review.findMany({ orderBy: { id: "asc" } }),
    h.prisma.dataset.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { assignments, audit, handoffs, reviews, datasets };
}

/** Every section and context text of a reply, and its fallback text, within Slack's limits. */
function expectWithinLimits(reply: { text?: string; blocks?: unknown[] }) {
  expect((reply.text ?? "").length).toBeLessThanOrEqual(3000);
  for (const b of (reply.blocks ?? []) as { type: string; text?: { text: string }; elements?: { text: string }[] }[]) {
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    for (const e of b.elements ?? []) expect(e.text.length).toBeLessThanOrEqual(3000);
  }
}

const warnings = () => h.logs.filter((l) => l.level >= 40);

/** Requests the catch-all listeners acked and ignored, by kind, from the app's request counters. */
async function ignored(): Promise<Record<"action" | "view" | "shortcut", number>> {
  const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
  const count = (kind: string) =>
    Number(
      text.match(
        new RegExp(`^rangekeeper_requests_total\\{kind="${kind}",name="unknown",outcome="ok"\\} (\\d+)$`, "m"),
      )?.[1] ?? 0,
    );
  return { action: count("action"), view: count("view"), shortcut: count("shortcut") };
}

describe("control characters in free text", () => {
  it("a slash command with a NUL byte is refused, naming the character, and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("nul"), 100);
    const before = await everything();
    const logged = warnings().length;
    const { reply, text } = await ask(h.ana, "/claim", `${slug} 1-10 first\u0000pass`);
    expect(reply.response_type).toBe("ephemeral");
    expect(text).toContain(
      "Your text contains a control character (U+0000), which rangekeeper cannot store; remove it and try again.",
    );
    const bell = await ask(h.ana, "/handoff", "A1 pool ring \u0007 ring");
    expect(bell.text).toContain("(U+0007)");
    await h.settle();
    expect(await everything()).toEqual(before);
    expect(warnings().slice(logged)).toEqual([]);
  });

  it("a modal's free-text field with a NUL byte is refused on that field, and changes nothing", async () => {
    const slug = await h.dataset(uniqueSlug("nul-modal"), 100);
    await h.ana.command("/claim");
    const form = await h.ana.waitForModal((v) => v.callback_id === "claim_modal");
    await h.ana.select("claim.dataset", slug, { viewId: form.id });
    const chosen = await h.ana.waitForModal((v) => blockText(v.blocks).includes("Next free"));
    const before = await everything();
    const res = await h.ana.submit(chosen.id, { range: "1-10", note: "nul\u0000here" });
    expect(res.errors).toEqual({
      note: "Your text contains a control character (U+0000), which rangekeeper cannot store; remove it and try again.",
    });
    expect(await everything()).toEqual(before);
    // tab, newline and carriage return are text
    const ok = await h.ana.submit(chosen.id, { range: "1-10", note: "line one\r\nline\ttwo" });
    expect(ok.closed).toBe(true);
  });
});

describe("echoed input", () => {
  it("a 4,000-character unknown word gets a reply within Slack's 3,000 characters", async () => {
    const huge = "x".repeat(4000);
    for (const [command, text] of [
      ["/claim", huge],
      ["/ledger", huge],
      ["/progress", `A1 ${huge}`],
      ["/ledger", `dataset set cats ${huge} 1`],
    ] as const) {
      const { reply, text: shown } = await ask(h.ana, command, text);
      expectWithinLimits(reply);
      expect(shown).toContain("xxxxxxxxxx…");
    }
  });
});

describe("unknown ids", () => {
  it("a block action, a view submission and shortcuts nobody listens for are acked at once and ignored", async () => {
    const before = await everything();
    const logged = warnings().length;
    const mark = h.slack.mark();
    const ignoredBefore = await ignored();

    const click = await forgeClick(h, IDS.ana, { actionId: "nope", value: "nope" });
    expect(click.status).toBe(200);

    const ws = h.slack.workspace;
    const submission = await h.slack.driver.deliver("interaction", {
      type: "view_submission",
      team: { id: TEAM, domain: ws.opts.teamDomain },
      user: { id: IDS.ana, username: "ana", name: "ana", team_id: TEAM },
      api_app_id: ws.opts.appId,
      token: ws.opts.verificationToken,
      trigger_id: ws.issueTrigger(IDS.ana),
      view: {
        id: "VNOPE",
        team_id: TEAM,
        type: "modal",
        callback_id: "nope",
        private_metadata: "",
        hash: "1.nope",
        title: { type: "plain_text", text: "Nope" },
        blocks: [],
        state: { values: {} },
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    expect(submission.status).toBe(200);
    expect(submission.body).toBe("");

    const shortcut = await h.ana.shortcut("nope");
    expect(shortcut.status).toBe(200);
    expect(shortcut.body).toBe("");

    await h.settle();
    // Acked by the app's catch-all listeners, one request each: unacked, Bolt would answer 404 after 3 s and log an error.
    expect(await ignored()).toEqual({
      action: ignoredBefore.action + 1,
      view: ignoredBefore.view + 1,
      shortcut: ignoredBefore.shortcut + 1,
    });
    expect(click.replies()).toEqual([]);
    expect(h.slack.calls().filter((c) => c.seq > mark && c.method !== "auth.test")).toEqual([]);
    expect(warnings().slice(logged)).toEqual([]);
    expect(await everything()).toEqual(before);
  });
});

describe("forms only for who may use them", () => {
  /** A range of ana's, submitted, with its pending review (not bob's to decide). */
  async function inReview() {
    const slug = await h.dataset(uniqueSlug("probe-review"), 100);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-10`)).reply.text ?? "");
    await ask(h.ana, "/progress", `${ref} done confirm`);
    await h.settle();
    const review = await h.prisma.review.findFirstOrThrow({ where: { assignmentId: idOf(ref) } });
    return { slug, ref, rRef: `R${review.id}`, reviewerId: review.reviewerId! };
  }

  /** A forged click by bob; returns what he was told, after checking no modal was opened for it. */
  async function refusedClick(actionId: string, value: string): Promise<string> {
    const mark = h.slack.mark();
    const click = await forgeClick(h, IDS.bob, { actionId, value });
    expect(click.status).toBe(200);
    const reply = await click.reply();
    await h.settle();
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.replace_original).toBe(false);
    expect(h.slack.calls("views.open").filter((c) => c.seq > mark)).toEqual([]);
    expect(h.bob.modal()).toBeUndefined();
    return blockText(reply.blocks);
  }

  it("another annotator's review form is refused with the submission's sentence, and no modal opens", async () => {
    const { ref, rRef, reviewerId } = await inReview();
    const before = await everything();
    const told = await refusedClick("review.open", rRef);
    const sentence = `the review of ${ref} (round 1) is assigned to <@${reviewerId}>; only they or a lead can decide it`;
    expect(told).toContain(sentence);
    expect(told).not.toContain(rRef);
    expect(await everything()).toEqual(before);
    // the same sentence a verdict gets
    await expect(
      h.ledger.recordReview(h.actor(IDS.bob), rRef, { verdict: "accept", itemsChecked: 1, errors: {} }),
    ).rejects.toThrow(`the review of ${ref} (round 1) is assigned to`);
  });

  it("forms on someone else's range (progress, hand off, new due date) are refused before any modal", async () => {
    const slug = await h.dataset(uniqueSlug("probe-range"), 100);
    const ref = refIn((await ask(h.ana, "/claim", `${slug} 1-10 due 2030-01-01`)).reply.text ?? "");
    const before = await everything();
    expect(await refusedClick("assignment.progress", ref)).toContain(
      `${ref} belongs to <@${IDS.ana}>; only they or a lead can update it`,
    );
    expect(await refusedClick("assignment.handoff", ref)).toContain(`${ref} belongs to <@${IDS.ana}>`);
    expect(await refusedClick("due.propose", ref)).toContain(
      `${ref} belongs to <@${IDS.ana}>; only they propose a new due date for it`,
    );
    expect(await everything()).toEqual(before);

    // the owner still gets the forms
    await forgeClick(h, IDS.ana, { actionId: "due.propose", value: ref }, { channel: CHANNEL });
    await h.ana.waitForModal((v) => v.callback_id === "due_modal");
  });
});
