/**
 * Every command on a dataset of 10,000,000 items worked in ranges of
 * 1,000,000, through the real app in a process of its own (embedded PGlite,
 * and PostgreSQL when given), driven by the local Slack stand-in: the time
 * from sending a command (or a click, or a form) to its answer, which Slack
 * wants within 3 s. Each figure is also a ratio to the same command on a
 * small dataset (ranges of 100 items) measured in the same run by the same
 * app, so growth with the size of the ranges shows whatever the machine.
 */
import { type SimulatedUser, type Standin, startStandin } from "@rangekeeper/slack-standin";
import { openDatabase } from "../src/db/client.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { withAppProcess } from "./http.ts";
import { withScratchDatabase } from "./ledger.ts";
import { percentile } from "./stats.ts";

const TEAM = "T0BENCHHUGE";
const ADMIN = "U0HBADMIN";
const LEAD = "U0HBLEAD";
const REVIEWER = "U0HBREV";
const annotator = (i: number) => `U0HBANA${i}`;
const SAMPLES_MAX = 3;
const USERS = [ADMIN, LEAD, REVIEWER, ...Array.from({ length: 2 * SAMPLES_MAX + 2 }, (_, i) => annotator(i))].map(
  (id) => ({ id, name: id.toLowerCase(), real_name: id, tz: "UTC" }),
);

export interface HugeBenchOptions {
  /** rounds of every command per dataset (each takes three ranges) */
  samples: number;
  postgresUrl: string | null;
  log: (line: string) => void;
}

export interface HugeRow {
  backend: string;
  command: string;
  /** p50 and slowest on the huge dataset, ms */
  p50: number;
  max: number;
  /** p50 of the same command on the small dataset, ms */
  small50: number;
  /** p50 huge / p50 small */
  ratio: number;
  /** the slowest as a share of Slack's 3 s */
  ofSlack: number;
}

interface Shape {
  items: number;
  range: number;
  /** gold items, as typed in `/ledger dataset set … gold` */
  gold: string | null;
}

const HUGE: Shape = { items: 10_000_000, range: 1_000_000, gold: "10-20,5000000-5000099" };
const SMALL: Shape = { items: 100 * 3 * SAMPLES_MAX, range: 100, gold: null };

/** The visible text of an answer: its fallback and its blocks. */
const textOf = (m: { text?: string; blocks?: unknown }) => `${m.text ?? ""} ${JSON.stringify(m.blocks ?? [])}`;
const refsIn = (s: string) => [...new Set(s.match(/\bA\d+\b/g) ?? [])];

async function timed<T>(times: Map<string, number[]>, what: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  const list = times.get(what) ?? [];
  list.push(performance.now() - t);
  times.set(what, list);
  return out;
}

/** A command and its answer on the response_url; refuses an answer that is a refusal. */
async function ask(user: SimulatedUser, command: string, text: string): Promise<string> {
  const sent = await user.command(command, text);
  if (sent.status !== 200) throw new Error(`${command} ${text}: HTTP ${sent.status}`);
  const reply = await sent.reply({ timeoutMs: 30_000 });
  const shown = textOf(reply);
  if (/:raised_hand:|:warning:/.test(shown)) throw new Error(`${command} ${text} was refused: ${reply.text}`);
  return shown;
}

/** Runs every command `samples` times on a dataset of `shape`; returns the times by command. */
async function workDataset(
  slack: Standin,
  slug: string,
  shape: Shape,
  samples: number,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  const admin = slack.as(ADMIN);
  const lead = slack.as(LEAD);
  await ask(admin, "/ledger", `dataset add ${slug} ${shape.items} Benchmark ${slug}`);
  if (shape.gold) await ask(admin, "/ledger", `dataset set ${slug} gold ${shape.gold}`);
  const R = shape.range;
  for (let i = 0; i < samples; i++) {
    const ana = slack.as(annotator(2 * i));
    const other = slack.as(annotator(2 * i + 1));
    const first = shape.items - (i + 1) * R + 1; // explicit claims from the top, next-free ones from the bottom
    const a = refsIn(
      await timed(times, "claim <first>-<last>", () => ask(ana, "/claim", `${slug} ${first}-${first + R - 1}`)),
    )[0]!;
    const b = refsIn(await timed(times, "claim next <size>", () => ask(ana, "/claim", `${slug} next ${R}`)))[0]!;
    await timed(times, "progress <count>", () => ask(ana, "/progress", `${a} ${R / 2}`));
    await timed(times, "progress done (full review)", () => ask(ana, "/progress", `${a} done confirm`));
    const done = await timed(times, "progress done (sampled review)", () => ask(ana, "/progress", `${b} done confirm`));
    const reviewerId = /in review with <@(U[A-Z0-9]+)>/.exec(done)?.[1];
    if (!reviewerId) throw new Error(`no reviewer named in: ${done.slice(0, 300)}`);
    const reviewer = slack.as(reviewerId);
    const dm = await reviewer.waitForDm((m) => m.text.includes(`Review ${b}`), 30_000);
    const form = await timed(times, "review: open the form", async () => {
      await reviewer.click("review.open", { channel: reviewer.dmChannel, messageTs: dm.ts });
      return reviewer.waitForModal(
        (v) => v.callback_id === "review_modal" && JSON.stringify(v.blocks).includes(b),
        30_000,
      );
    });
    const decided = await timed(times, "review: record a verdict", () =>
      reviewer.submit(form.id, { checked: 1, verdict: "accept" }),
    );
    if (!decided.closed) throw new Error(`the review form stayed open: ${JSON.stringify(decided.errors)}`);
    const claimed = await ask(ana, "/claim", `${slug} next ${R}`);
    const m = /Claimed (A\d+): \S+ (\d+)–\d+/.exec(claimed);
    if (!m) throw new Error(`could not read the claimed range from: ${claimed.slice(0, 300)}`);
    const c = m[1]!;
    const cf = Number(m[2]);
    const part = `${cf + R / 4}-${cf + (3 * R) / 4 - 1}`;
    const handed = await timed(times, "handoff <ref> @user <part> (lead)", () =>
      ask(lead, "/handoff", `${c} <@${other.id}|${other.id.toLowerCase()}> ${part} rebalancing`),
    );
    const moved = refsIn(handed).find((r) => r !== c);
    if (!moved) throw new Error(`no new range in the handoff answer: ${handed.slice(0, 300)}`);
    await timed(times, "release <ref>", () => ask(other, "/release", `${moved} not my language`));
    await timed(times, "ledger status <dataset>", () => ask(ana, "/ledger", `status ${slug}`));
    await timed(times, "mywork", () => ask(ana, "/mywork", ""));
    await timed(times, "ledger export <dataset>", () => ask(lead, "/ledger", `export ${slug}`));
    await timed(times, "review (the queue)", () => ask(reviewer, "/review", ""));
    slack.workspace.closeAllModals(reviewerId);
  }
  return times;
}

export async function benchHuge(o: HugeBenchOptions): Promise<HugeRow[]> {
  if (o.samples > SAMPLES_MAX) throw new Error(`at most ${SAMPLES_MAX} samples fit in the datasets`);
  const slack = await startStandin({ teamId: TEAM, users: USERS, signingSecret: "0123456789abcdef0123456789abcdef" });
  const rows: HugeRow[] = [];
  const run = (backend: string, env: Record<string, string>) =>
    withAppProcess(slack, "src/start.mjs", { LEDGER_ADMINS: ADMIN, ...env }, async () => {
      const admin = slack.as(ADMIN);
      await ask(admin, "/ledger", `role <@${LEAD}|lead> lead`);
      await ask(admin, "/ledger", `role <@${REVIEWER}|rev> reviewer`);
      const tag = backend === "PGlite" ? "pg" : "ps";
      const small = await workDataset(slack, `hb-small-${tag}`, SMALL, o.samples);
      o.log(`${backend}: every command on a dataset of ${SMALL.items} items done`);
      const huge = await workDataset(slack, `hb-huge-${tag}`, HUGE, o.samples);
      o.log(`${backend}: every command on a dataset of ${HUGE.items.toLocaleString("en-US")} items done`);
      for (const [command, times] of huge) {
        const p50 = percentile(times, 50);
        const max = Math.max(...times);
        const small50 = percentile(small.get(command) ?? [], 50);
        rows.push({ backend, command, p50, max, small50, ratio: p50 / small50, ofSlack: max / 3000 });
      }
    });
  try {
    await run("PGlite", {});
    if (o.postgresUrl) {
      await withScratchDatabase(o.postgresUrl, async (url) => {
        const db = await openDatabase({ kind: "postgres", url });
        await applyMigrations(db);
        await db.close();
        await run("PostgreSQL", { DATABASE_URL: url });
      });
    }
  } finally {
    await slack.close();
  }
  return rows;
}
