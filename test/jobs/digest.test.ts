/**
 * The weekly digest against a real database: the week that ended, summed up
 * in each dataset channel with its charts, each active annotator's own
 * numbers by DM (never in the channel), nothing for a quiet dataset, and each
 * week told once.
 */
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { runJobAt } from "../support/jobs.ts";
import { ANA, actor, BOB, LEAD, type LedgerFixture, TEAM, useLedgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
useLedgerFixture((x) => (f = x));

const CHANNEL = "C0LABELS";

/** The digest run of Monday `at` (a scheduled slot, or a run by hand). */
const digest = (at: string, o: { dryRun?: boolean } = {}) => runJobAt(f.ledger, "digest", at, o);

interface Content {
  text: string;
  blocks: unknown[];
  files?: { filename: string; title: string; alt_text?: string; data: string }[];
}
const contentOf = (m: { content: unknown }) => m.content as Content;
const blocksText = (c: Content) => JSON.stringify(c.blocks);

/** Reviews Ana's and Bob's latest rounds as `verdicts` say, each by the reviewer the ledger chose. */
async function decide(
  ref: string,
  verdict: "accept" | "changes",
  itemsChecked: number,
  errors: Record<string, number>,
) {
  const v = await f.prisma.review.findFirstOrThrow({
    where: { assignmentId: Number(ref.slice(1)), status: "PENDING" },
    orderBy: { round: "desc" },
  });
  await f.ledger.recordReview(actor(v.reviewerId!), `R${v.id}`, {
    verdict,
    itemsChecked,
    errors,
    ...(verdict === "changes" ? { comment: "see the errors" } : {}),
  });
}

/**
 * Week 2026-W46 (9–15 Nov): Ana completes 1–20 (one error in 20).
 * Week 2026-W47 (16–22 Nov): Ana completes 21–60 after a round of changes
 * (4 wrong class, 1 missing label in 40, then accepted clean); Bob completes
 * 61–90 at once (1 wrong class in 30); Cal claims 91–100 and does nothing.
 */
async function twoWeeks() {
  await f.ledger.createDataset(LEAD, {
    slug: "cats",
    itemCount: 1000,
    title: "Cat photos",
    itemNoun: "image",
    channelId: CHANNEL,
  });
  // Every range reviewed in full: the numbers below are the items checked.
  await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 10 });
  await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 500, title: "Dogs", channelId: "C0DOGS" });
  f.clock.now = new Date("2026-11-10T10:00:00Z");
  const a1 = (await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 20 })).assignment.ref;
  await f.ledger.submit(ANA, a1, { confirmed: true });
  await decide(a1, "accept", 20, { "wrong class": 1 });

  f.clock.now = new Date("2026-11-17T10:00:00Z");
  const a2 = (await f.ledger.claim(ANA, { dataset: "cats", first: 21, last: 60 })).assignment.ref;
  await f.ledger.submit(ANA, a2, { confirmed: true });
  await decide(a2, "changes", 40, { "wrong class": 4, "missing label": 1 });
  f.clock.now = new Date("2026-11-18T10:00:00Z");
  await f.ledger.start(ANA, a2);
  await f.ledger.submit(ANA, a2, { confirmed: true });
  await decide(a2, "accept", 40, {});
  const b = (await f.ledger.claim(BOB, { dataset: "cats", first: 61, last: 90 })).assignment.ref;
  await f.ledger.submit(BOB, b, { confirmed: true });
  await decide(b, "accept", 30, { "wrong class": 1 });
  await f.ledger.claim(actor("UCAL"), { dataset: "cats", first: 91, last: 100 });
  await f.ledger.configureDataset(LEAD, "cats", { key: "instructions", value: "https://wiki.example.com/cats" });
  // Labels both gave to items 21–24 (and one given the week before, not counted).
  const cats = await f.ledger.getDataset(TEAM, "cats");
  await f.ledger.ctx.store.transaction(async (r) => {
    await r.labels.record(
      cats.id,
      [21, 22, 23, 24].flatMap((item) => [
        { item, annotatorId: ANA.userId, label: "cat" },
        { item, annotatorId: BOB.userId, label: item === 24 ? "dog" : "cat" },
      ]),
      new Date("2026-11-18T12:00:00Z"),
    );
    await r.labels.record(
      cats.id,
      [{ item: 1, annotatorId: BOB.userId, label: "dog" }],
      new Date("2026-11-11T12:00:00Z"),
    );
  });
}

describe("the digest job", () => {
  it("sums up the week that ended in the dataset channel, with the throughput and error charts", async () => {
    await twoWeeks();
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    const run = await digest("2026-11-23T09:00:00Z");
    expect(run.outcome).toBe("succeeded");
    const posts = run.messages.filter((m) => m.kind === "digest");
    // dogs had nothing that week: no post
    expect(posts.map((m) => m.to)).toEqual([{ channel: CHANNEL }]);
    const cats = await f.ledger.getDataset(TEAM, "cats");
    expect(posts[0]!.key).toBe(`digest:${cats.id}:2026-W47`);
    const c = contentOf(posts[0]!);
    expect(c.text).toBe("Weekly digest of Cat photos (2026-W47): 70 images completed");
    const t = blocksText(c);
    expect(t).toContain("Cat photos: the week of 16–22 Nov 2026");
    // 70 this week against the one week of history (20)
    expect(t).toContain("70 images completed · +250 % on the mean of the weeks before (20 a week)");
    expect(t).toContain("*Coverage*: 9.0 % of 1,000 images completed · 10 in flight · 900 free");
    expect(t).toContain("*First-pass acceptance*: 1 of 2 ranges (50 %)");
    // 6 errors in 110 items checked over three verdicts
    expect(t).toContain("*Accuracy*: 94.5 % (95 % CI");
    expect(t).toContain("110 items) checked in 3 reviews");
    expect(t).toContain("*Errors*: wrong class 5 (83 %, 83 % cum.), missing label 1 (17 %, 100 % cum.)");
    expect(t).toContain("*Overdue*: 0 ranges · *Stalled*: 0 ranges");
    // Agreement of the labels given that week, without naming anyone: 3 of 4 shared items the same.
    expect(t).toContain("*Agreement*: 75.0 % over 4 shared label pairs of 1 pair of raters · Cohen's κ");
    expect(t).toContain("2 annotators active; each gets their own numbers by DM.");
    expect(t).toContain("<https://wiki.example.com/cats|instructions v1>");
    // Personal numbers stay out of the channel.
    expect(t).not.toContain(ANA.userId);
    expect(t).not.toContain(BOB.userId);
    // Only blocks the message of a file share takes.
    expect(new Set(c.blocks.map((b) => (b as { type: string }).type))).toEqual(
      new Set(["header", "section", "context"]),
    );

    expect(c.files?.map((x) => x.filename)).toEqual(["cats-2026-W47-throughput.png", "cats-2026-W47-errors.png"]);
    for (const file of c.files!) {
      const png = PNG.sync.read(Buffer.from(file.data, "base64"));
      expect([png.width, png.height]).toEqual([800, 400]);
      expect(file.alt_text).toBeTruthy();
    }
    expect(c.files![0]!.alt_text).toContain("70");

    // Stored in the outbox for the channel; inside working hours it may go at once.
    const row = await f.prisma.notification.findFirstOrThrow({ where: { dedupeKey: posts[0]!.key } });
    expect(row).toMatchObject({ recipient: CHANNEL, toUser: false, kind: "digest", notBefore: f.clock.now });
  });

  it("sends each active annotator their own numbers against the week before, with their most frequent error", async () => {
    await twoWeeks();
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    const run = await digest("2026-11-23T09:00:00Z");
    const dms = run.messages.filter((m) => m.kind === "digest_dm");
    // Cal claimed but completed nothing and had nothing reviewed; reviewers and leads get no DM of their own.
    expect(dms.map((m) => m.to)).toEqual([{ user: ANA.userId }, { user: BOB.userId }]);
    expect(dms.every((m) => m.workingHours)).toBe(true);
    const ana = blocksText(contentOf(dms[0]!));
    expect(contentOf(dms[0]!).text).toBe("Your week of 16–22 Nov 2026: 40 items completed");
    expect(ana).toContain("40 images completed (the week before 20, +100 %)");
    // 5 errors in 80 checked this week against 1 in 20 the week before
    expect(ana).toContain("accuracy 93.8 % (95 % CI");
    expect(ana).toContain("the week before 95.0 %, −1.2 points");
    expect(ana).toContain("0 of 1 range accepted at the first review");
    expect(ana).toContain(
      "Most frequent error: *wrong class* (4) — see the <https://wiki.example.com/cats|instructions v1>",
    );
    expect(ana).not.toContain(BOB.userId);
    const bob = blocksText(contentOf(dms[1]!));
    expect(bob).toContain("30 images completed (nothing the week before)");
    expect(bob).toContain("1 of 1 range accepted at the first review");
    expect(bob).not.toContain("the week before 9");
  });

  it("run before working hours, holds the post until they open in the team's zone and each DM until they open in its person's", async () => {
    await twoWeeks();
    await f.prisma.member.update({
      where: { teamId_userId: { teamId: TEAM, userId: BOB.userId } },
      data: { timezone: "America/New_York" },
    });
    // Monday 05:30 UTC: before 09:00 in the team's zone (UTC) and in New York (00:30 there).
    f.clock.now = new Date("2026-11-23T05:30:00Z");
    const run = await digest("2026-11-23T05:30:00Z");
    expect(run.messages.every((m) => m.workingHours)).toBe(true);
    const held = await f.prisma.notification.findMany({
      where: { kind: { startsWith: "digest" } },
      orderBy: { recipient: "asc" },
      select: { recipient: true, notBefore: true },
    });
    expect(held).toEqual(
      [
        { recipient: CHANNEL, notBefore: new Date("2026-11-23T09:00:00Z") },
        { recipient: ANA.userId, notBefore: new Date("2026-11-23T09:00:00Z") },
        { recipient: BOB.userId, notBefore: new Date("2026-11-23T14:00:00Z") }, // 09:00 in New York
      ].sort((a, b) => a.recipient.localeCompare(b.recipient)),
    );
  });

  it("tells each week once, however often it runs, and a dry run writes nothing", async () => {
    await twoWeeks();
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    const dry = await digest("2026-11-23T09:00:00Z", { dryRun: true });
    expect(dry.outcome).toBe("dry-run");
    expect(dry.messages).toHaveLength(3);
    expect(await f.prisma.notification.count({ where: { kind: { startsWith: "digest" } } })).toBe(0);

    expect((await digest("2026-11-23T09:00:00Z")).messages).toHaveLength(3);
    // The same slot again is skipped; a later run by hand (another slot) finds the week told.
    expect((await digest("2026-11-23T09:00:00Z")).outcome).toBe("skipped");
    const later = await digest("2026-11-25T15:00:00Z");
    expect(later.outcome).toBe("succeeded");
    expect(later.messages).toEqual([]);
    expect(await f.prisma.notification.count({ where: { kind: { startsWith: "digest" } } })).toBe(3);
    // The next Monday sums up the next week: nothing happened in it, so nothing is said.
    expect((await digest("2026-11-30T09:00:00Z")).messages).toEqual([]);
  });

  it("counts a message in the run that wrote it: two runs of a week at once write and count it once between them", async () => {
    await twoWeeks();
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    // Two slots at once: each reads what is told before either writes, so both decide the week.
    const runs = await Promise.all([digest("2026-11-23T09:00:00Z"), digest("2026-11-23T09:05:00Z")]);
    expect(runs.map((r) => r.outcome)).toEqual(["succeeded", "succeeded"]);
    expect(runs.flatMap((r) => r.messages.map((m) => m.key)).sort()).toEqual([
      "digest-dm:UANA:2026-W47",
      "digest-dm:UBOB:2026-W47",
      expect.stringMatching(/^digest:\d+:2026-W47$/),
    ]);
    expect(runs[0]!.messages.length + runs[1]!.messages.length).toBe(3);
    expect(await f.prisma.notification.count({ where: { kind: { startsWith: "digest" } } })).toBe(3);
    const recorded = await f.prisma.jobRun.findMany({ where: { job: "digest" } });
    expect(recorded.map((r) => (r.detail as { messages: number }).messages).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("sends one DM per person, in the order of their IDs, with a line for each dataset; archived datasets are left out", async () => {
    for (const slug of ["birds", "fish", "moles"])
      await f.ledger.createDataset(LEAD, { slug, itemCount: 200, title: `The ${slug}`, channelId: `C0${slug}` });
    f.clock.now = new Date("2026-11-17T10:00:00Z");
    const done = async (who: typeof ANA, dataset: string, first: number) => {
      const ref = (await f.ledger.claim(who, { dataset, first, last: first + 9 })).assignment.ref;
      await f.ledger.submit(who, ref, { confirmed: true });
      await decide(ref, "accept", 10, {});
    };
    // Bob alone in birds (the first dataset read), Ana and Bob in fish, Ana in moles.
    await done(BOB, "birds", 1);
    await done(ANA, "fish", 1);
    await done(BOB, "fish", 11);
    await done(ANA, "moles", 1);
    await f.ledger.configureDataset(LEAD, "moles", { key: "archived", value: true });
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    const run = await digest("2026-11-23T09:00:00Z");
    expect(run.messages.filter((m) => m.kind === "digest").map((m) => m.to)).toEqual([
      { channel: "C0birds" },
      { channel: "C0fish" },
    ]);
    const dms = run.messages.filter((m) => m.kind === "digest_dm");
    expect([ANA.userId, BOB.userId].sort()).toEqual([ANA.userId, BOB.userId]);
    expect(dms.map((m) => m.to)).toEqual([{ user: ANA.userId }, { user: BOB.userId }]);
    const [ana, bob] = dms.map((m) => blocksText(contentOf(m)));
    expect(ana).toContain("*The fish* (`fish`)");
    expect(ana).not.toContain("moles");
    expect(bob).toContain("*The birds* (`birds`)");
    expect(bob).toContain("*The fish* (`fish`)");
  });

  it("counts overdue and stalled ranges, and sends DMs for a dataset without a channel", async () => {
    await f.ledger.createDataset(LEAD, { slug: "birds", itemCount: 200, title: "Birds" });
    await f.ledger.createDataset(LEAD, { slug: "fish", itemCount: 200, title: "Fish", channelId: "C0FISH" });
    f.clock.now = new Date("2026-11-17T10:00:00Z");
    const b = (await f.ledger.claim(ANA, { dataset: "birds", first: 1, last: 10 })).assignment.ref;
    await f.ledger.submit(ANA, b, { confirmed: true });
    await decide(b, "accept", 10, {});
    const late = (await f.ledger.claim(BOB, { dataset: "fish", first: 1, last: 10, dueDate: "2026-11-18" })).assignment
      .ref;
    await f.ledger.setProgress(BOB, late, 3);
    // Cal's range moved a day before the run: neither stalled nor overdue.
    f.clock.now = new Date("2026-11-22T10:00:00Z");
    const moving = (await f.ledger.claim(actor("UCAL"), { dataset: "fish", first: 21, last: 30 })).assignment.ref;
    await f.ledger.setProgress(actor("UCAL"), moving, 2);
    f.clock.now = new Date("2026-11-23T09:00:00Z");
    const run = await digest("2026-11-23T09:00:00Z");
    // birds: no channel, no post, but Ana's numbers reach her
    expect(run.messages.filter((m) => m.kind === "digest_dm").map((m) => m.to)).toEqual([{ user: ANA.userId }]);
    const fish = run.messages.filter((m) => m.kind === "digest");
    expect(fish.map((m) => m.to)).toEqual([{ channel: "C0FISH" }]);
    const t = blocksText(contentOf(fish[0]!));
    expect(t).toContain("*Overdue*: 1 range · *Stalled*: 1 range (no progress for 3 days)");
    expect(t).toContain("*First-pass acceptance*: no range judged this week");
    expect(t).toContain("*Accuracy*: no review decided this week");
    // no errors in the week: only the throughput chart
    expect(contentOf(fish[0]!).files?.map((x) => x.filename)).toEqual(["fish-2026-W47-throughput.png"]);
  });
});
