/**
 * Fuzzing the slash commands with a fixed seed: random texts made of valid
 * tokens, numbers (huge ones too), unicode, control characters, very long
 * words, mentions and channel references.
 *
 * - Every grammar, directly, with FUZZ_TEXTS texts per command (default
 *   3,000): a text parses, or is refused with a UsageError whose reply stays
 *   within Slack's limits; nothing else is thrown and nothing parsed holds a
 *   control character.
 * - A third as many (at least 100) through the real app against the Slack
 *   stand-in, as five people typing at once: each command is acked with an
 *   empty 200 and gets exactly one answer (a reply, or a form), no reply
 *   longer than 3,000 characters or refused by the stand-in's Block Kit
 *   checks, no error logged, and the ledger's invariants hold before and
 *   after (no overlapping live ranges, free spans the exact complement of
 *   them, an audit event for every assignment created or changed).
 *
 * A longer run: FUZZ_TEXTS=50000 npm test -- test/slack/fuzz.test.ts
 * (FUZZ_SEED=<n> for another seed; a failure names its seed and text).
 */
import type { ResponseRecord, SimulatedUser } from "@rangekeeper/slack-standin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/slack/listeners/commands/index.ts";
import {
  parseClaim,
  parseHandoff,
  parseLedger,
  parseMywork,
  parseProgress,
  parseRelease,
  parseReview,
  UsageError,
} from "../../src/slack/parse/grammar.ts";
import { firstControlCharacter } from "../../src/slack/parse/text.ts";
import { errorMessage } from "../../src/ui/message.ts";
import { type AppHarness, ask, startApp } from "../support/app.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const TEXTS = Number(process.env.FUZZ_TEXTS ?? 3000);
const APP_TEXTS = Math.max(100, Math.ceil(TEXTS / 3));

// ---------------------------------------------------------------------------
// a tiny seeded PRNG (mulberry32) and the texts it makes

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

type Rng = ReturnType<typeof prng>;
type Command = keyof typeof COMMANDS;

const SLUGS = ["fuzz-a", "fuzz-b", "fuzz-c"];
const USERS = ["<@UANA>", "<@UBOB|bob>", "<@ULEAD>", "<@UREV|rita>", "<@UADMIN>", "<@ULEADTWO>"];

function texts(r: Rng) {
  const number = () =>
    r.pick([
      String(r.int(0, 100)),
      String(r.int(0, 100)),
      String(r.int(0, 100)),
      String(r.int(0, 2000)),
      String(r.int(0, 10_000_000)),
      "999999999",
      "1000000000",
      "2147483648",
      "9".repeat(r.int(10, 40)),
      "-1",
      "1.5",
      "1e3",
      "0x1f",
      "٣",
      "５",
    ]);
  const long = () => r.pick(["x", "🐈", "é", "9", "-", "<@U", "&", "a b"]).repeat(r.int(40, 5000));
  const control = () => String.fromCharCode(r.int(0, 31));
  const unicode = () =>
    r.pick([
      "é",
      "🐈",
      "Ω",
      "ｆｕｌｌ",
      "\u200b",
      "\u202e",
      "\u00a0",
      "\ufeff",
      "mañana",
      "👩‍👩‍👧",
      "ß",
      "İ",
      "\u2028",
    ]);
  const markup = () => r.pick(["<b>", "&amp;", "*bold*", "`code`", '"quoted"', "'", "<!here>", "<!channel>", ">"]);
  const mention = () =>
    r.pick([...USERS, "<@UNOBODY>", "<@WABC>", "@ana", "<@>", "<@u1>", "<@UANA", `<@U${"A".repeat(r.int(1, 300))}>`]);
  const channel = () => r.pick(["<#C0LABELS|labels>", "<#C0LABELS>", "<#CNOPE|nope>", "#labels", "<#C>", "<#c1|x>"]);
  const date = () =>
    r.pick([
      "2030-01-01",
      "2031-12-31",
      "2020-01-01",
      "2026-02-30",
      "9999-12-31",
      "0000-00-00",
      "tomorrow",
      "2030-1-1",
    ]);
  const chaos = (): string =>
    r.pick([number, long, control, unicode, markup, mention, channel, date])() +
    (r.chance(0.2) ? r.pick([number, unicode, control])() : "");
  const slug = () =>
    r.chance(0.8) ? r.pick(SLUGS) : r.pick(["nope", "Fuzz-A", "a".repeat(41), `new-${r.int(1, 30)}`, chaos()]);
  const ref = () =>
    r.chance(0.85)
      ? `A${r.int(1, 20)}`
      : r.pick(["a1", "A0", "A9999999999", `R${r.int(1, 10)}`, `H${r.int(1, 5)}`, "17", chaos()]);
  const range = () => {
    const a = r.int(r.chance(0.9) ? 1 : 0, r.pick([60, 200, 600, 700]));
    const b = a + r.int(0, 40);
    return r.chance(0.8)
      ? r.pick([`${a}-${b}`, `${a}`, `${a}–${b}`])
      : r.pick([`${b}-${a}`, `1-${number()}`, number(), chaos()]);
  };
  const words = (min = 0) =>
    Array.from({ length: r.int(min, 4) }, () => (r.chance(0.85) ? r.pick(["note", "fix", "why", "ok"]) : chaos()));
  const due = () => (r.chance(0.3) ? ["due", r.chance(0.8) ? date() : chaos()] : []);

  const templates: Record<Command, () => string[]> = {
    "/claim": () =>
      r.pick([
        () => [slug(), range(), ...due(), ...words()],
        () => [slug(), "next", ...(r.chance(0.5) ? [number()] : []), ...due(), ...words()],
        () => [slug(), "next", ...(r.chance(0.5) ? [String(r.int(1, 30))] : [])],
        () => [],
        () => [slug()],
      ])(),
    "/release": () => [ref(), ...words()],
    "/progress": () =>
      r.pick([
        () => [ref(), number()],
        () => [ref(), r.pick(["start", "pause", "done", "START"]), ...words()],
        () => [],
        () => [ref()],
      ])(),
    "/handoff": () =>
      r.pick([
        () => [ref(), r.chance(0.6) ? mention() : "pool", ...(r.chance(0.5) ? [range()] : []), ...words(1)],
        () => [],
        () => [ref(), "pool"],
      ])(),
    "/review": () => r.pick([() => [], () => [ref()], () => [ref(), ...words()]])(),
    "/mywork": () => (r.chance(0.7) ? [] : words()),
    "/ledger": () =>
      r.pick([
        () => [r.pick(["help", "", "HELP"])],
        () => ["status", ...(r.chance(0.6) ? [slug()] : []), ...(r.chance(0.3) ? ["public"] : [])],
        () => ["dataset", "add", slug(), number(), ...(r.chance(0.4) ? [channel()] : []), ...words()],
        () => [
          "dataset",
          "set",
          slug(),
          r.pick(["title", "items", "noun", "channel", "batch", "sample", "first-k", "review", "gold", "taxonomy"]),
          r.pick([number, chaos, () => "10%", () => "every", () => "1-5,9", () => "default", () => "yes"])(),
        ],
        () => ["assign", slug(), range(), mention(), ...due(), ...words()],
        () => [
          "role",
          mention(),
          r.pick(["annotator", "reviewer", "lead", "admin", "boss"]),
          ...[slug()].slice(r.int(0, 1)),
        ],
        () => ["capacity", mention(), number()],
        () => ["export", slug()],
        () => ["due", ref(), r.chance(0.7) ? date() : "none", ...words()],
        () => ["jobs", ...(r.chance(0.5) ? ["run", r.pick(["overdue", "stalled", "imbalance", "nope"])] : [])],
        () =>
          [
            "workspace",
            ...(r.chance(0.7) ? ["set", r.pick(["timezone", "hours", "days", "stalled-after"])] : []),
          ].concat(r.chance(0.7) ? [r.pick(["Europe/Lisbon", "09:00-18:00", "mon-fri", "3", chaos()])] : []),
        () => [chaos()],
      ])(),
  };

  /** A text for `command`: a template's tokens, sometimes mutated, joined by whitespace. */
  return (command: Command): string => {
    const tokens = templates[command]();
    for (let n = r.chance(0.25) ? r.int(1, 3) : 0; n > 0; n--) {
      const at = r.int(0, tokens.length);
      r.pick([
        () => tokens.splice(at, 1, chaos()),
        () => tokens.splice(at, 0, chaos()),
        () => tokens.splice(at, 1),
        () => {
          const t = tokens[at] ?? "";
          const i = r.int(0, t.length);
          tokens[at] = t.slice(0, i) + r.pick([control, unicode])() + t.slice(i);
        },
        () => {
          tokens[at] = (tokens[at] ?? "").toUpperCase();
        },
      ])();
    }
    return tokens.map((t, i) => (i === 0 ? "" : r.pick([" ", " ", " ", "  ", "\t", "\n", "\u00a0"])) + t).join("");
  };
}

// ---------------------------------------------------------------------------
// checks

const PARSERS: Record<Command, (text: string) => unknown> = {
  "/claim": parseClaim,
  "/release": parseRelease,
  "/progress": parseProgress,
  "/handoff": parseHandoff,
  "/review": parseReview,
  "/mywork": parseMywork,
  "/ledger": parseLedger,
};

/** Problems with a message's size: its text, and each section and context text. */
function sizeProblems(m: { text?: string; blocks?: unknown[] }): string[] {
  const out: string[] = [];
  if ((m.text ?? "").length > 3000) out.push(`text of ${m.text!.length} characters`);
  for (const b of (m.blocks ?? []) as { type: string; text?: { text: string }; elements?: { text?: string }[] }[]) {
    if (b.type === "section" && (b.text?.text.length ?? 0) > 3000) out.push(`section of ${b.text!.text.length}`);
    if (b.type === "context")
      for (const e of b.elements ?? []) if ((e.text?.length ?? 0) > 3000) out.push(`context of ${e.text!.length}`);
  }
  return out;
}

/** Every string in a parsed command. */
const stringsIn = (v: unknown): string[] =>
  typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(stringsIn) : [];

const show = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…(${text.length})` : text);

/** What is wrong with the ledger as stored: overlapping live ranges, free spans that are not their complement. */
async function ledgerProblems(h: AppHarness): Promise<string[]> {
  const [datasets, assignments, spans] = await Promise.all([
    h.prisma.dataset.findMany(),
    h.prisma.assignment.findMany({ where: { status: { not: "RELEASED" } } }),
    h.prisma.freeSpan.findMany(),
  ]);
  const out: string[] = [];
  for (const d of datasets) {
    const live = assignments.filter((a) => a.datasetId === d.id);
    const free = spans.filter((s) => s.datasetId === d.id);
    const all = [...live.map((a) => ({ ...a, free: false })), ...free.map((s) => ({ ...s, free: true }))].sort(
      (x, y) => x.first - y.first,
    );
    let next = 1;
    let lastFree = false;
    for (const x of all) {
      if (x.first !== next)
        out.push(`${d.slug}: ${x.free ? "free span" : "range"} ${x.first}-${x.last} after ${next - 1}`);
      if (x.free && lastFree) out.push(`${d.slug}: free spans not merged at ${x.first}`);
      next = Math.max(next, x.last + 1);
      lastFree = x.free;
    }
    if (next !== d.itemCount + 1) out.push(`${d.slug}: ranges and free spans end at ${next - 1}, not ${d.itemCount}`);
    for (const a of live)
      if (a.itemsDone < 0 || a.itemsDone > a.last - a.first + 1) out.push(`A${a.id}: ${a.itemsDone} done`);
  }
  return out;
}

type AssignmentRow = Awaited<ReturnType<AppHarness["prisma"]["assignment"]["findMany"]>>[number];
const fields = (a: AssignmentRow) =>
  JSON.stringify([a.first, a.last, a.assigneeId, a.status, a.itemsDone, a.dueDate, a.note, a.datasetId]);

/** Assignments created or changed since `before` without an audit event (theirs, or their parent's for a split). */
async function unaudited(h: AppHarness, before: Map<number, string>, since: Date): Promise<string[]> {
  const [now, events] = await Promise.all([
    h.prisma.assignment.findMany(),
    h.prisma.auditEvent.findMany({ where: { at: { gte: since } }, select: { assignmentId: true } }),
  ]);
  const audited = new Set(events.map((e) => e.assignmentId));
  return now
    .filter((a) => before.get(a.id) !== fields(a))
    .filter((a) => !audited.has(a.id) && !(a.parentId !== null && audited.has(a.parentId)))
    .map((a) => `A${a.id} ${before.has(a.id) ? "changed" : "created"} without an audit event`);
}

// ---------------------------------------------------------------------------

describe(`fuzzing the slash commands (seed ${SEED})`, () => {
  it(`every grammar: ${TEXTS} texts per command parse, or are refused within Slack's limits`, () => {
    const next = texts(prng(SEED));
    const failures: string[] = [];
    const started = performance.now();
    for (const command of Object.keys(PARSERS) as Command[]) {
      for (let i = 0; i < TEXTS && failures.length < 20; i++) {
        const text = next(command);
        try {
          const held = stringsIn(PARSERS[command](text)).map(firstControlCharacter);
          if (held.some((c) => c !== null)) failures.push(`${command} ${show(text)} parsed with a control character`);
        } catch (e) {
          if (!(e instanceof UsageError)) {
            failures.push(`${command} ${show(text)} threw ${String(e)}`);
            continue;
          }
          const problems = sizeProblems(errorMessage(e.message, e.usage));
          if (e.message.length > 400) problems.push(`a refusal of ${e.message.length} characters`);
          if (problems.length) failures.push(`${command} ${show(text)}: ${problems.join(", ")}`);
        }
      }
    }
    console.info(`fuzz: ${TEXTS * 7} texts parsed in ${Math.round(performance.now() - started)} ms`);
    expect(failures).toEqual([]);
  });

  describe(`through the app: ${APP_TEXTS} commands`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startApp();
      await h.dataset("fuzz-a", 600, { batch: "40" });
      await h.dataset("fuzz-b", 200, { review: "every", sample: "20%" });
      await h.dataset("fuzz-c", 50);
      // ranges in every state, so references in the texts name something
      for (const [user, text] of [
        [h.ana, "fuzz-a 1-50"],
        [h.bob, "fuzz-a 51-100"],
        [h.ana, "fuzz-b 1-20"],
        [h.bob, "fuzz-b 21-40"],
        [h.rev, "fuzz-b 41-60"],
        [h.ana, "fuzz-c 1-10"],
      ] as const)
        await ask(user, "/claim", text);
      await ask(h.ana, "/progress", "A3 done confirm");
      await ask(h.bob, "/progress", "A4 10");
      await ask(h.bob, "/handoff", "A2 <@UANA> 51-60 balancing");
      await h.settle();
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it(
      "each gets exactly one answer within Slack's limits, nothing fails, and the ledger's invariants hold",
      async () => {
        const next = texts(prng(SEED + 1));
        const commands = Object.keys(COMMANDS) as Command[];
        const startProblems = await ledgerProblems(h);
        expect(startProblems).toEqual([]);
        const before = new Map((await h.prisma.assignment.findMany()).map((a) => [a.id, fields(a)]));
        const since = new Date(Date.now() - 1);
        const logged = h.logs.length;
        const failures: string[] = [];
        const answered: { what: string; replies: () => ResponseRecord[]; triggerId: string | undefined }[] = [];
        const started = performance.now();

        // Five people type at once; each waits for the answer to their command before the next.
        const people: SimulatedUser[] = [h.ana, h.bob, h.lead, h.rev, h.admin];
        let sent = 0;
        await Promise.all(
          people.map(async (user) => {
            while (sent < APP_TEXTS && failures.length < 20) {
              const command = commands[sent % commands.length]!;
              sent += 1;
              const text = next(command);
              const what = `${user.id} ${command} ${show(text)}`;
              const mark = h.slack.mark();
              const res = await user.command(command, text);
              // Acked with an empty 200, the answer coming on its own (response_url or a form). A request left
              // unacked gets Bolt's 404 after 3 s and a logged error, both failures here.
              if (res.status !== 200 || res.body !== "") {
                failures.push(`${what}: acked with HTTP ${res.status} ${show(res.body)}`);
                continue;
              }
              const opened = () =>
                h.slack.calls("views.open").find((c) => c.seq > mark && c.args.trigger_id === res.triggerId);
              try {
                await h.slack.waitUntil(() => res.replies()[0] ?? opened(), 15_000, `an answer to ${what}`);
                const open = opened();
                if (open) {
                  // a form: wait for its content, then close it as the person would
                  const viewId = (open.response.view as { id?: string } | undefined)?.id;
                  await h.slack.waitFor("views.update", (c) => c.args.view_id === viewId, { since: mark });
                  h.slack.workspace.closeAllModals(user.id);
                }
              } catch (e) {
                failures.push(`${what}: ${String(e)}`);
              }
              answered.push({ what, replies: res.replies, triggerId: res.triggerId });
            }
          }),
        );
        await h.settle();

        for (const a of answered) {
          const replies = a.replies();
          const opens = h.slack.calls("views.open").filter((c) => c.args.trigger_id === a.triggerId).length;
          if (replies.length + opens !== 1) failures.push(`${a.what}: ${replies.length} replies and ${opens} forms`);
          for (const reply of replies) {
            if (reply.error) failures.push(`${a.what}: the stand-in refused the reply: ${reply.problems?.join("; ")}`);
            const size = sizeProblems(reply as { text?: string; blocks?: unknown[] });
            if (size.length) failures.push(`${a.what}: ${size.join(", ")}`);
          }
        }
        const lines = h.logs.slice(logged);
        for (const l of lines)
          if (l.level >= 50 || /request failed|listener failed|unhandled|not acknowledged/i.test(l.msg))
            failures.push(`logged: ${l.msg} ${JSON.stringify(l).slice(0, 300)}`);
        failures.push(...(await ledgerProblems(h)), ...(await unaudited(h, before, since)));

        const changed = (await h.prisma.assignment.findMany()).filter((a) => before.get(a.id) !== fields(a)).length;
        console.info(
          `fuzz: ${answered.length} commands through the app in ${Math.round(performance.now() - started)} ms; ` +
            `${changed} assignments created or changed; ${lines.length} warnings`,
        );
        expect(failures).toEqual([]);
        expect(answered).toHaveLength(APP_TEXTS);
      },
      Math.max(120_000, APP_TEXTS * 1000),
    );
  });
});
