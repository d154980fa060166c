/**
 * Scheduled jobs through the real app: the workspace's settings, `/ledger
 * jobs` and `/ledger jobs run`, with their refusals, and an overdue reminder
 * reaching its owner (held for working hours, delivered once through Slack
 * errors) with buttons that work.
 */
import { describe, expect, it } from "vitest";
import {
  type AppHarness,
  ask,
  blockText,
  buttons,
  CHANNEL,
  forgeClick,
  IDS,
  idOf,
  TEAM,
  uniqueSlug,
  useApp,
} from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

/** A range of Ana's whose due date was yesterday. */
async function overdueRange(slug: string, first: number) {
  const r = await h.ledger.claim(h.actor(IDS.ana), { dataset: slug, first, last: first + 9 });
  const yesterday = new Date(Date.now() - 86_400_000);
  await h.prisma.assignment.update({
    where: { id: idOf(r.assignment.ref) },
    data: { dueDate: new Date(`${yesterday.toISOString().slice(0, 10)}T00:00:00Z`) },
  });
  return r.assignment.ref;
}

/** Working hours around the clock, so that what a job decides goes out now whatever time the test runs. */
async function alwaysWorking() {
  await ask(h.admin, "/ledger", "workspace set hours 00:00-24:00");
  await ask(h.admin, "/ledger", "workspace set days every day");
}

describe("workspace settings", () => {
  it("shows them to anyone and lets admins change them, one clear refusal for bad values", async () => {
    const shown = await ask(h.ana, "/ledger", "workspace");
    expect(shown.text).toContain("*Time zone*: UTC (the configured default)");
    expect(shown.text).toContain("*Working hours*: 09:00–18:00, Mon–Fri");
    const set = await ask(h.admin, "/ledger", "workspace set timezone Europe/Berlin");
    expect(set.text).toContain("Updated the workspace: timezone");
    expect(set.text).toContain("*Time zone*: Europe/Berlin");
    expect((await ask(h.admin, "/ledger", "workspace set days mon,wed,fri")).text).toContain("Mon, Wed, Fri");
    expect((await ask(h.admin, "/ledger", "workspace set timezone default")).text).toContain(
      "UTC (the configured default)",
    );
    const before = await h.auditCount();
    expect((await ask(h.admin, "/ledger", "workspace set hours 18:00-09:00")).text).toContain(
      "working hours must start before they end",
    );
    expect((await ask(h.admin, "/ledger", "workspace set timezone Mars/Olympus")).text).toContain(
      '"Mars/Olympus" is not a time zone',
    );
    expect((await ask(h.admin, "/ledger", "workspace set days someday")).text).toContain('"someday" is not a day');
    expect((await ask(h.admin, "/ledger", "workspace set color blue")).text).toContain(
      '"color" is not a workspace setting',
    );
    expect((await ask(h.lead, "/ledger", "workspace set escalate-after 1")).text).toContain(
      "only admins can change the workspace's settings",
    );
    expect(await h.auditCount()).toBe(before);
    await ask(h.admin, "/ledger", "workspace set days mon-fri");
  });
});

describe("/ledger due", () => {
  it("lets a lead move a due date, telling the owner who moved it and why; refuses others and bad dates", async () => {
    const slug = await h.dataset(uniqueSlug("due"), 100);
    const ref = (await h.ledger.claim(h.actor(IDS.ana), { dataset: slug, first: 1, last: 10, dueDate: "2099-01-10" }))
      .assignment.ref;
    const moved = await ask(h.lead, "/ledger", `due ${ref} 2099-02-01 more images than planned`);
    expect(moved.text).toContain(
      `Moved the due date of *${ref}* to *2099-02-01* (was 2099-01-10): more images than planned.`,
    );
    await h.settle();
    const dm = await h.ana.waitForDm((m) => m.text.includes(ref) && m.text.includes("2099-02-01"));
    expect(blockText(dm.blocks)).toContain(`<@${IDS.lead}> moved the due date of your range *${ref}* to *2099-02-01*`);
    const before = await h.auditCount(slug);
    expect((await ask(h.ana, "/ledger", `due ${ref} 2099-03-01`)).text).toContain(
      `only leads and admins can move the due date of ${ref}`,
    );
    expect((await ask(h.lead, "/ledger", `due ${ref} 2020-01-01`)).text).toContain("is in the past");
    expect((await ask(h.lead, "/ledger", `due ${ref} soon`)).text).toContain('"soon" is not a date');
    expect(await h.auditCount(slug)).toBe(before);
    expect((await ask(h.lead, "/ledger", `due ${ref} none`)).text).toContain("off: it has no due date now");
    expect((await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).dueDate).toBeNull();
  });
});

describe("/ledger jobs", () => {
  it("shows leads each job's schedule, last and next run and the outbox; refuses annotators", async () => {
    const { text } = await ask(h.lead, "/ledger", "jobs");
    expect(text).toContain("*Scheduled jobs* (schedules in UTC)");
    expect(text).toContain("*overdue* `5 * * * *`");
    expect(text).toMatch(/next <!date\^\d+\^/);
    expect(text).toContain("*Outbox*:");
    expect(text).toContain("Schedules do not run in this process");
    expect((await ask(h.ana, "/ledger", "jobs")).text).toContain("only leads and admins can see the scheduled jobs");
  });

  it("runs a job now for admins: the owner of an overdue range gets one DM with working buttons, the channel a summary", async () => {
    await alwaysWorking();
    const slug = await h.dataset(uniqueSlug("late"), 100);
    await ask(h.admin, "/ledger", `dataset set ${slug} channel <#${CHANNEL}|labels>`);
    const ref = await overdueRange(slug, 1);
    expect((await ask(h.lead, "/ledger", "jobs run overdue")).text).toContain("only admins can run a job now");
    h.slack.failNext("chat.postMessage", { status: 500 });
    const ran = await ask(h.admin, "/ledger", "jobs run overdue");
    expect(ran.text).toMatch(/Ran \*overdue\*: \d+ messages? decided \(.*overdue dm.*\)/);
    await h.settle();
    const dm = await h.ana.waitForDm((m) => m.text.includes(ref), 10_000);
    expect(blockText(dm.blocks)).toContain(`Your range *${ref}* is past its due date`);
    expect(
      buttons(dm.blocks)
        .filter((b) => b.value === ref)
        .map((b) => b.text),
    ).toEqual(["Update progress", "Ask to hand off", "Propose a new date"]);
    const summary = h.slack.messages(CHANNEL).find((m) => m.text.includes(`overdue in Test ${slug}`));
    expect(summary).toBeDefined();
    // Once: a second run tells nothing new; the DM went out once although Slack failed the first try.
    expect((await ask(h.admin, "/ledger", "jobs run overdue")).text).toContain("nothing new to tell");
    await h.settle();
    expect(h.slack.messages(h.slack.workspace.dmChannel(IDS.ana)).filter((m) => m.text.includes(ref))).toHaveLength(1);
    // The reminder's button opens the progress form for that range.
    const click = await h.ana.click("assignment.progress", { messageTs: dm.ts, value: ref });
    expect(click.status).toBe(200);
    const form = await h.ana.waitForModal(
      (v) => v.callback_id === "progress_modal" && blockText(v.blocks).includes(ref),
    );
    const picked = form.blocks.find((b) => (b as { block_id?: string }).block_id === "assignment") as {
      element: { initial_option?: { value: string } };
    };
    expect(picked.element.initial_option?.value).toBe(ref);
    await h.ana.closeView();
    // The run is listed.
    expect((await ask(h.lead, "/ledger", "jobs")).text).toMatch(
      /last <!date.*: :white_check_mark: \d+ messages? decided/,
    );
    await h.ledger.release(h.actor(IDS.ana), ref, { mode: "all" });
  });

  it("holds a reminder decided outside working hours in the outbox, for the owner's next working day", async () => {
    // Working hours that are never now: one minute a week, on another day.
    const today = new Date().getUTCDay() || 7;
    const other = (today % 7) + 1;
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][other - 1]!;
    await ask(h.admin, "/ledger", "workspace set hours 00:00-00:01");
    await ask(h.admin, "/ledger", `workspace set days ${days}`);
    const slug = await h.dataset(uniqueSlug("held"), 100);
    const ref = await overdueRange(slug, 1);
    await ask(h.admin, "/ledger", "jobs run overdue");
    await h.settle();
    const row = await h.prisma.notification.findFirstOrThrow({
      where: { teamId: TEAM, kind: "overdue_dm", dedupeKey: { contains: `overdue:${ref}:` } },
    });
    expect(row.status).toBe("PENDING");
    expect(row.notBefore.getTime()).toBeGreaterThan(Date.now());
    expect(row.notBefore.getUTCDay() || 7).toBe(other);
    expect(h.slack.messages(h.slack.workspace.dmChannel(IDS.ana)).some((m) => m.text.includes(ref))).toBe(false);
    expect((await ask(h.lead, "/ledger", "jobs")).text).toMatch(/\*Outbox\*: \d+ messages? waiting \(\d+ held/);
    await ask(h.admin, "/ledger", "workspace set hours 09:00-18:00");
    await ask(h.admin, "/ledger", "workspace set days mon-fri");
    await h.ledger.release(h.actor(IDS.ana), ref, { mode: "all" });
  });

  it("suggests moves to leads of an unbalanced dataset; a lead's click opens the handoff form filled in, others are refused", async () => {
    await alwaysWorking();
    const slug = await h.dataset(uniqueSlug("uneven"), 10_000);
    for (const who of [IDS.ana, IDS.bob, IDS.rev]) await ask(h.lead, "/ledger", `capacity <@${who}> 500`);
    const lead = h.actor(IDS.lead);
    const big = await h.ledger.assign(lead, { dataset: slug, first: 1, last: 1000, assigneeId: IDS.ana });
    await h.ledger.assign(lead, { dataset: slug, first: 1001, last: 1200, assigneeId: IDS.bob });
    const small = await h.ledger.assign(lead, { dataset: slug, first: 1201, last: 1210, assigneeId: IDS.rev });
    await h.ledger.updateProgress(h.actor(IDS.rev), small.assignment.ref, { count: 10 });
    await h.ledger.submit(h.actor(IDS.rev), small.assignment.ref);
    const ran = await ask(h.admin, "/ledger", "jobs run imbalance");
    expect(ran.text).toMatch(/Ran \*imbalance\*: \d+ messages? decided/);
    await h.settle();
    const dm = await h.lead.waitForDm((m) => m.text === `Test ${slug} is unbalanced`, 10_000);
    const ref = big.assignment.ref;
    // Ana's load counts all her open ranges (earlier tests left some): the cut depends on it.
    const value = buttons(dm.blocks).find((b) => b.actionId === "imbalance.move")?.value ?? "";
    expect(value).toMatch(new RegExp(`^${ref}:${IDS.ana}:${IDS.rev}:\\d+-1000$`));
    const items = value.split(":")[3]!;
    const click = await h.lead.click("imbalance.move", { messageTs: dm.ts, value });
    expect(click.status).toBe(200);
    const form = await h.lead.waitForModal(
      (v) => v.callback_id === "handoff_modal" && blockText(v.blocks).includes(ref),
    );
    expect(JSON.stringify(form.blocks)).toContain(`"initial_user":"${IDS.rev}"`);
    expect(JSON.stringify(form.blocks)).toContain(items);
    await h.lead.closeView();
    // An annotator's (forged) click, and a click once the range moved on, are refused with the reason.
    const forged = await forgeClick(h, IDS.ana, { actionId: "imbalance.move", value }, { message: dm });
    const refusal = await h.slack.waitUntil(() => forged.replies()[0]);
    expect(blockText(refusal.blocks)).toContain("only leads and admins can apply a suggested move");
    await h.ledger.updateProgress(h.actor(IDS.ana), ref, { count: 700 });
    const stale = await h.lead.click("imbalance.move", { messageTs: dm.ts, value });
    const told = await h.slack.waitUntil(() => stale.replies()[0]);
    expect(blockText(told.blocks)).toContain(`${ref} changed since the suggestion`);
  });

  it("lets an owner propose a new due date from a reminder; a lead accepts it, a stale or forged decision is refused", async () => {
    await alwaysWorking();
    const slug = await h.dataset(uniqueSlug("propose"), 100);
    const ref = await overdueRange(slug, 1);
    await ask(h.admin, "/ledger", "jobs run overdue");
    await h.settle();
    const reminder = await h.ana.waitForDm((m) => m.text.includes(ref) && m.text.includes("overdue"), 10_000);
    await h.ana.click("due.propose", { messageTs: reminder.ts, value: ref });
    const form = await h.ana.waitForModal((v) => v.callback_id === "due_modal" && blockText(v.blocks).includes(ref));
    const past = await h.ana.submit(form.id, { due: "2001-01-01", reason: "x" });
    expect(JSON.stringify(past.errors ?? past)).toContain("is in the past");
    const sent = await h.ana.submit(form.id, { due: "2099-03-01", reason: "the images are harder than planned" });
    expect(sent.status).toBe(200);
    await h.settle();
    const asked = await h.lead.waitForDm((m) => m.text.includes(`proposes ${ref} due 2099-03-01`), 10_000);
    expect(blockText(asked.blocks)).toContain("Why: the images are harder than planned");
    const value = buttons(asked.blocks).find((b) => b.actionId === "due.accept")!.value!;
    // Ana cannot accept her own proposal (a forged click).
    const forged = await forgeClick(h, IDS.ana, { actionId: "due.accept", value }, { message: asked });
    expect(blockText((await h.slack.waitUntil(() => forged.replies()[0])).blocks)).toContain(
      `only leads and admins can move the due date of ${ref}`,
    );
    const accepted = await h.lead.click("due.accept", { messageTs: asked.ts, value });
    // The click's own copy is replaced with the decision once it is applied.
    expect(blockText((await accepted.reply({ timeoutMs: 10_000 })).blocks)).toContain("accepted");
    await h.settle();
    expect((await h.prisma.assignment.findUniqueOrThrow({ where: { id: idOf(ref) } })).dueDate?.toISOString()).toBe(
      "2099-03-01T00:00:00.000Z",
    );
    const moved = await h.ana.waitForDm((m) => m.text.includes(`${ref}: due 2099-03-01`));
    expect(blockText(moved.blocks)).toContain(
      `<@${IDS.lead}> moved the due date of your range *${ref}* to *2099-03-01*`,
    );
    // The other lead's copy now says who decided; a Keep click that was on its way is refused.
    const copy = await h.lead2.waitForDm((m) => m.text.includes(`${ref}: new due date accepted`));
    expect(blockText(copy.blocks)).toContain(`<@${IDS.lead}> accepted <@${IDS.ana}>'s new due date`);
    const late = await forgeClick(h, IDS.lead2, { actionId: "due.keep", value }, { message: copy });
    expect(blockText((await h.slack.waitUntil(() => late.replies()[0])).blocks)).toContain(
      `the due date of ${ref} changed since the proposal`,
    );
    await h.ledger.release(h.actor(IDS.ana), ref, { mode: "all" });
  });

  it("nudges the owner of a stalled range once, with the reminder's buttons", async () => {
    await alwaysWorking();
    const slug = await h.dataset(uniqueSlug("stalled"), 100);
    const r = await h.ledger.claim(h.actor(IDS.bob), { dataset: slug, first: 1, last: 10 });
    const ref = r.assignment.ref;
    await h.ledger.updateProgress(h.actor(IDS.bob), ref, { count: 3 });
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000);
    await h.prisma.assignment.update({
      where: { id: idOf(ref) },
      data: { lastProgressAt: fourDaysAgo, startedAt: fourDaysAgo },
    });
    expect((await ask(h.admin, "/ledger", "jobs run stalled")).text).toMatch(/Ran \*stalled\*: \d+ messages? decided/);
    await h.settle();
    const dm = await h.bob.waitForDm((m) => m.text.includes(`No progress on ${ref}`), 10_000);
    expect(blockText(dm.blocks)).toContain(`No progress on *${ref}* for 4 days`);
    expect(
      buttons(dm.blocks)
        .filter((b) => b.value === ref)
        .map((b) => b.text),
    ).toEqual(["Update progress", "Ask to hand off", "Propose a new date"]);
    expect((await ask(h.lead, "/ledger", `status ${slug}`)).text).toContain(`*${ref}* <@${IDS.bob}> 4 days`);
    expect((await ask(h.admin, "/ledger", "jobs run stalled")).text).toContain("nothing new to tell");
    await h.ledger.release(h.actor(IDS.bob), ref, { mode: "all" });
  });
});
