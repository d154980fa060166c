import { describe, expect, it } from "vitest";
import {
  CLAIM_USAGE,
  parseClaim,
  parseHandoff,
  parseLedger,
  parseMywork,
  parseProgress,
  parseRelease,
  parseReview,
  UsageError,
} from "../../src/slack/parse/grammar.ts";
import { parseDatasetSetting } from "../../src/slack/parse/settings.ts";

const usageError = (fn: () => unknown): { message: string; usage: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return { message: e.message, usage: e.usage };
    throw e;
  }
  throw new Error("expected a usage error");
};

describe("/claim", () => {
  it("reads ranges, single items, next with size, due dates and notes", () => {
    expect(parseClaim("")).toEqual({ kind: "modal" });
    expect(parseClaim("cats 120-180 due 2026-12-01 first pass, boxes only")).toEqual({
      kind: "range",
      dataset: "cats",
      first: 120,
      last: 180,
      due: "2026-12-01",
      note: "first pass, boxes only",
    });
    expect(parseClaim("Cats 7")).toEqual({ kind: "range", dataset: "cats", first: 7, last: 7, due: null, note: null });
    expect(parseClaim("cats 10–20")).toMatchObject({ first: 10, last: 20 });
    expect(parseClaim("cats next")).toEqual({ kind: "next", dataset: "cats", size: null, due: null, note: null });
    expect(parseClaim("cats next 50 due 2026-12-24 before xmas")).toEqual({
      kind: "next",
      dataset: "cats",
      size: 50,
      due: "2026-12-24",
      note: "before xmas",
    });
  });
  it("says what is wrong and how to write it", () => {
    expect(usageError(() => parseClaim("cats")).message).toBe("say which items of cats: a range like 101-200, or next");
    expect(usageError(() => parseClaim("cats 1-x")).message).toMatch(/"1-x" is not an item range/);
    expect(usageError(() => parseClaim("cats 1-9 due soon")).message).toBe(
      '"soon" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w',
    );
    expect(usageError(() => parseClaim("cats next 0")).message).toMatch(/at least 1/);
    expect(usageError(() => parseClaim("c@ts 1-2")).message).toMatch(/not a dataset name/);
    expect(usageError(() => parseClaim("cats")).usage).toContain("/claim <dataset> next");
  });
});

describe("/progress", () => {
  it("reads counts and steps", () => {
    expect(parseProgress("")).toEqual({ kind: "modal" });
    expect(parseProgress("A17 40")).toEqual({ kind: "count", id: 17, count: 40 });
    expect(parseProgress("a17 done all boxes checked")).toEqual({ kind: "done", id: 17, note: "all boxes checked" });
    expect(parseProgress("A3 pause")).toEqual({ kind: "pause", id: 3, note: null });
  });
  it("reads a submit confirmed, or with its count stated", () => {
    expect(parseProgress("A3 done confirm")).toStrictEqual({ kind: "done", id: 3, note: null, confirmed: true });
    expect(parseProgress("A3 done CONFIRM rest checked")).toStrictEqual({
      kind: "done",
      id: 3,
      note: "rest checked",
      confirmed: true,
    });
    expect(parseProgress("A3 50 done")).toStrictEqual({ kind: "done", id: 3, note: null, count: 50 });
    expect(parseProgress("A3 done")).toStrictEqual({ kind: "done", id: 3, note: null });
    expect(usageError(() => parseProgress("A3 50 finished")).message).toMatch(/unexpected "finished" after the count/);
  });
  it("refuses the rest", () => {
    expect(usageError(() => parseProgress("17 40")).message).toBe(
      '"17" is not an assignment reference; they look like A17',
    );
    expect(usageError(() => parseProgress("A17 lots")).message).toMatch(/neither a count/);
    expect(usageError(() => parseProgress("A17 40 extra")).message).toMatch(/unexpected "extra"/);
    expect(usageError(() => parseProgress("A17")).message).toMatch(/give the number of items done/);
  });
});

describe("/handoff", () => {
  it("reads recipients, sub-ranges and reasons", () => {
    expect(parseHandoff("A17 <@U123ABC|ana> 151-200 out sick")).toEqual({
      kind: "handoff",
      id: 17,
      to: "U123ABC",
      range: { first: 151, last: 200 },
      reason: "out sick",
    });
    expect(parseHandoff("A17 pool not my language")).toEqual({
      kind: "handoff",
      id: 17,
      to: null,
      range: null,
      reason: "not my language",
    });
  });
  it("needs a mention Slack resolved, and a reason", () => {
    expect(parseHandoff("A17 <@U123ABC> 51-100 done 10 out sick")).toStrictEqual({
      kind: "handoff",
      id: 17,
      to: "U123ABC",
      range: { first: 51, last: 100 },
      reason: "out sick",
      doneMoved: 10,
    });
    // "done" not followed by a number is part of the reason
    expect(parseHandoff("A17 pool done with it")).toMatchObject({ reason: "done with it" });
    expect(parseHandoff("A17 pool done with it")).not.toHaveProperty("doneMoved");
    expect(usageError(() => parseHandoff("A17 pool 1-5 done 1x why")).message).toMatch(
      /the done items of the handed-off part must be a whole number, not "1x"/,
    );
    expect(usageError(() => parseHandoff("A17 @ana sick")).message).toMatch(/@ana is not a known user/);
    expect(usageError(() => parseHandoff("A17 <@U1AB> 1-5")).message).toMatch(/add a reason/);
    expect(usageError(() => parseHandoff("A17")).message).toMatch(/@someone, or pool/);
  });
});

describe("/release and /review", () => {
  it("reads them", () => {
    expect(parseRelease("A5 wrong language")).toEqual({ id: 5, mode: null, reason: "wrong language" });
    expect(parseRelease("A5")).toEqual({ id: 5, mode: null, reason: null });
    expect(parseRelease("A5 confirm out of time")).toEqual({ id: 5, mode: "unstarted", reason: "out of time" });
    expect(parseRelease("a5 ALL")).toEqual({ id: 5, mode: "all", reason: null });
    expect(usageError(() => parseRelease("")).message).toMatch(/name the assignment/);
    expect(parseReview("")).toEqual({ kind: "queue" });
    expect(parseReview("A9")).toEqual({ kind: "open", assignmentId: 9 });
    expect(usageError(() => parseReview("A9 now")).message).toMatch(/unexpected "now"/);
  });
});

describe("/ledger", () => {
  it("reads every subcommand", () => {
    expect(parseLedger("")).toEqual({ kind: "help" });
    expect(parseLedger("status cats public")).toEqual({ kind: "status", dataset: "cats", public: true });
    expect(parseLedger("status")).toEqual({ kind: "status", dataset: null, public: false });
    expect(parseLedger("dataset add cats 5000 <#C123|labelling> Cat photos")).toEqual({
      kind: "dataset-add",
      slug: "cats",
      items: 5000,
      channelId: "C123",
      title: "Cat photos",
    });
    expect(parseLedger("dataset set cats sample 10%")).toEqual({
      kind: "dataset-set",
      slug: "cats",
      setting: { key: "sample", value: 0.1 },
    });
    expect(parseLedger("dataset set cats channel <#C9|qa>")).toMatchObject({
      setting: { key: "channel", value: "C9" },
    });
    expect(parseLedger("assign cats 1-100 <@U7> due 2026-12-01 rush")).toEqual({
      kind: "assign",
      dataset: "cats",
      first: 1,
      last: 100,
      userId: "U7",
      due: "2026-12-01",
      note: "rush",
    });
    expect(parseLedger("role <@U7> reviewer")).toEqual({ kind: "role", userId: "U7", role: "REVIEWER", dataset: null });
    expect(parseLedger("role <@U7> lead cats")).toEqual({ kind: "role", userId: "U7", role: "LEAD", dataset: "cats" });
    expect(parseLedger("capacity <@U7> 1500")).toEqual({ kind: "capacity", userId: "U7", itemsPerWeek: 1500 });
    expect(parseLedger("export cats")).toEqual({ kind: "export", dataset: "cats", what: "ledger" });
    expect(parseLedger("export cats reviews")).toEqual({ kind: "export", dataset: "cats", what: "reviews" });
    expect(parseLedger("export Cats Reviews")).toEqual({ kind: "export", dataset: "cats", what: "reviews" });
  });
  it("exports the ledger or the reviews, nothing else", () => {
    const other = usageError(() => parseLedger("export cats errors"));
    expect(other.message).toBe('"errors" is not an export; add reviews, or nothing for the ledger');
    expect(other.usage).toBe("/ledger export <dataset> [reviews]");
    expect(usageError(() => parseLedger("export cats reviews now")).message).toBe('unexpected "now"');
    expect(usageError(() => parseLedger("export")).usage).toBe("/ledger export <dataset> [reviews]");
  });
  it("explains mistakes with the matching usage", () => {
    const e = usageError(() => parseLedger("stauts"));
    expect(e.message).toBe(
      '"stauts" is not a /ledger command; commands: help, status, dataset, assign, due, role, capacity, export, qa, jobs, token, workspace, webhook',
    );
    expect(usageError(() => parseLedger("role <@U7> boss")).message).toBe('"boss" is not a role');
    expect(usageError(() => parseLedger("dataset add cats lots")).message).toBe('"lots" is not a number of items');
    expect(usageError(() => parseLedger("dataset add cats 10 #general")).message).toMatch(
      /not a channel Slack recognised/,
    );
    expect(usageError(() => parseLedger("capacity <@U7>")).usage).toBe("/ledger capacity @user <items-per-week>");
  });
  it("reads a new due date or none, refusing what is not a date", () => {
    expect(parseLedger("due A17 2026-12-05 more images")).toEqual({
      kind: "due",
      id: 17,
      due: "2026-12-05",
      reason: "more images",
    });
    expect(parseLedger("due A17 NONE")).toEqual({ kind: "due", id: 17, due: null, reason: null });
    expect(usageError(() => parseLedger("due A17")).message).toBe(
      "give the new due date (YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w), or none",
    );
    expect(usageError(() => parseLedger("due 17 2026-12-05")).message).toMatch(/is not an assignment reference/);
    expect(usageError(() => parseLedger("due A17 12/05")).message).toBe(
      '"12/05" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w; or none',
    );
  });
  it("reads workspace settings", () => {
    expect(parseLedger("workspace")).toEqual({ kind: "workspace" });
    expect(parseLedger("workspace set hours 8:30 - 17:00")).toEqual({
      kind: "workspace-set",
      setting: { key: "hours", value: { start: 510, end: 1020 } },
    });
    expect(parseLedger("workspace set days sat-mon")).toMatchObject({ setting: { value: [1, 6, 7] } });
    expect(parseLedger("workspace set days Mon, wed,FRI")).toMatchObject({ setting: { value: [1, 3, 5] } });
    expect(parseLedger("workspace set timezone default")).toMatchObject({ setting: { key: "timezone", value: null } });
    expect(parseLedger("workspace set escalate-after 3")).toMatchObject({ setting: { value: 3 } });
    expect(usageError(() => parseLedger("workspace set hours 9-17")).message).toBe('"9" is not a time like 09:00');
    expect(usageError(() => parseLedger("workspace set stalled-after x")).message).toMatch(/must be a whole number/);
    expect(usageError(() => parseLedger("workspace set")).message).toBe("name the setting to change");
    expect(usageError(() => parseLedger("workspace get")).message).toMatch(/"workspace get" is not a command/);
  });
  it("reads token create, list and revoke, refusing bad names and scopes", () => {
    expect(parseLedger("token create label-studio write")).toEqual({
      kind: "token-create",
      name: "label-studio",
      scope: "write",
    });
    expect(parseLedger("token create ci")).toEqual({ kind: "token-create", name: "ci", scope: "read" });
    expect(parseLedger("TOKEN list")).toEqual({ kind: "token-list" });
    expect(parseLedger("token revoke ci")).toEqual({ kind: "token-revoke", name: "ci" });
    expect(usageError(() => parseLedger("token create ci admin")).message).toBe(
      '"admin" is not a scope; use read or write',
    );
    expect(usageError(() => parseLedger("token create Bad!")).message).toContain('"Bad!" cannot name a token');
    expect(usageError(() => parseLedger("token revoke")).message).toBe("name the token");
    expect(usageError(() => parseLedger("token rotate ci")).message).toBe(
      '"token rotate" is not a command; use token create, list or revoke',
    );
    expect(usageError(() => parseLedger("token list all")).message).toBe('unexpected "all"');
  });

  it("reads jobs and jobs run <job>, refusing what is not a job", () => {
    expect(parseLedger("jobs")).toEqual({ kind: "jobs" });
    expect(parseLedger("JOBS run Overdue")).toEqual({ kind: "jobs-run", job: "overdue" });
    expect(usageError(() => parseLedger("jobs run")).message).toBe("name the job to run");
    expect(usageError(() => parseLedger("jobs run overdo")).message).toBe(
      '"overdo" is not a job; jobs: overdue, stalled, imbalance, digest',
    );
    expect(usageError(() => parseLedger("jobs start overdue")).message).toMatch(/"jobs start" is not a command/);
    expect(usageError(() => parseLedger("jobs run overdue now")).message).toBe('unexpected "now"');
    expect(usageError(() => parseLedger("jobs run")).usage).toBe("/ledger jobs [run <job>]");
  });
});

describe("dataset settings", () => {
  const ok = (key: string, value: string) => {
    const r = parseDatasetSetting(key, value);
    if (!r.ok) throw new Error(r.problem);
    return r.setting;
  };
  const problem = (key: string, value: string) => {
    const r = parseDatasetSetting(key, value);
    if (r.ok) throw new Error(`${key} ${value} was accepted`);
    return r.problem;
  };

  it("parses each setting's syntax into a typed value", () => {
    expect(ok("sample", "25%")).toEqual({ key: "sample", value: 0.25 });
    expect(ok("sample", "0.1")).toEqual({ key: "sample", value: 0.1 });
    expect(ok("sample", "150%")).toEqual({ key: "sample", value: 1.5 }); // out of bounds: the core refuses it
    expect(ok("Gold", "5, 17,40-42")).toEqual({
      key: "gold",
      value: [
        { first: 5, last: 5 },
        { first: 17, last: 17 },
        { first: 40, last: 42 },
      ],
    });
    expect(ok("gold", "none")).toEqual({ key: "gold", value: [] });
    expect(ok("taxonomy", "missing box, wrong class,")).toEqual({
      key: "taxonomy",
      value: ["missing box", "wrong class"],
    });
    expect(ok("taxonomy", "Default")).toEqual({ key: "taxonomy", value: "default" });
    expect(ok("items", "2000")).toEqual({ key: "items", value: 2000 });
    expect(ok("archived", "Yes")).toEqual({ key: "archived", value: true });
    expect(ok("archived", "off")).toEqual({ key: "archived", value: false });
    expect(ok("max-claim", "500")).toEqual({ key: "max-claim", value: 500 });
    expect(ok("max-days", "None")).toEqual({ key: "max-days", value: null });
    expect(ok("review", "First-K")).toEqual({ key: "review", value: "first-k" });
    expect(ok("channel", "<#C9|qa>")).toEqual({ key: "channel", value: "C9" });
    expect(ok("channel", "none")).toEqual({ key: "channel", value: null });
    expect(ok("instructions", "https://wiki.example/cats")).toEqual({
      key: "instructions",
      value: "https://wiki.example/cats",
    });
  });

  it("names what is wrong with a value, and every setting when the key is unknown", () => {
    expect(problem("colour", "red")).toBe(
      '"colour" is not a dataset setting; settings: title, items, noun, channel, batch, sample, first-k, review, gold, taxonomy, instructions, archived, max-claim, max-days, label-studio, cvat, tool-users',
    );
    expect(problem("sample", "lots")).toBe('"lots" is not a share; write it like 10% or 0.1');
    expect(problem("items", "many")).toBe('the item count must be a whole number, not "many"');
    expect(problem("gold", "5,x")).toBe('"x" is not an item or a range like 40-42');
    expect(problem("archived", "maybe")).toBe('"maybe" is not yes or no');
    expect(problem("max-claim", "-5")).toBe('max-claim must be a whole number or none, not "-5"');
    expect(problem("max-days", "2.5")).toBe('max-days must be a whole number or none, not "2.5"');
    expect(problem("review", "sometimes")).toBe('review must be "every" or "first-k"');
    expect(problem("channel", "#general")).toMatch(/#general is not a channel Slack recognised/);
    expect(problem("batch", "  ")).toBe("give a value for batch: the default size of a claim of the next free range");
    // the help of `sample` says how a sample is sized
    expect(problem("sample", " ")).toMatch(
      /^give a value for sample: the most a review checks, as a share of the range, e\.g\. 10%: a sample is the ISO 2859-1 level II size .* plus every gold item in the range$/,
    );
  });
});

describe("what no parser lets through", () => {
  const NUL =
    "Your text contains a control character (U+0000), which rangekeeper cannot store; remove it and try again.";
  const parsers = [parseClaim, parseProgress, parseHandoff, parseRelease, parseReview, parseLedger, parseMywork];

  it("refuses a control character anywhere in a command's text, naming it", () => {
    for (const parse of parsers) expect(usageError(() => parse("cats 1-10 a\u0000b")).message).toBe(NUL);
    expect(usageError(() => parseClaim("cats 1-10 note \u001b[31m")).message).toMatch(/\(U\+001B\)/);
    expect(usageError(() => parseLedger("dataset add cats 10 Cats\u0007")).message).toMatch(/\(U\+0007\)/);
    expect(usageError(() => parseHandoff("A1 pool why\u000bnot")).message).toMatch(/\(U\+000B\)/);
    expect(usageError(() => parseClaim("\u0000")).usage).toBe(CLAIM_USAGE);
    // tab, line feed and carriage return separate words; DEL and everything above is text
    expect(parseClaim("cats 1-10 one\ttwo\r\nthree\u007f é 🐈")).toMatchObject({
      note: "one two three\u007f é 🐈",
    });
  });

  it("quotes what was typed back as a short excerpt, however long it was", () => {
    const huge = "y".repeat(4000);
    const quoted = (m: string) => /"([^"]*)"/.exec(m)?.[1] ?? "";
    for (const m of [
      usageError(() => parseClaim(huge)).message,
      usageError(() => parseClaim(`cats ${huge}`)).message,
      usageError(() => parseProgress(`A1 ${huge}`)).message,
      usageError(() => parseProgress(`A1 5 ${huge}`)).message,
      usageError(() => parseReview(`A1 ${huge}`)).message,
      usageError(() => parseMywork(huge)).message,
      usageError(() => parseLedger(huge)).message,
      usageError(() => parseLedger(`role <@U7> ${huge}`)).message,
      usageError(() => parseLedger(`due A1 ${huge}`)).message,
      usageError(() => parseLedger(`dataset set cats ${huge} 1`)).message,
      usageError(() => parseLedger(`dataset set cats sample ${huge}`)).message,
      usageError(() => parseLedger(`workspace set hours ${huge}-1`)).message,
    ]) {
      expect(m.length).toBeLessThan(250);
      expect(quoted(m)).toBe(`${"y".repeat(49)}…`);
    }
    // an excerpt never splits a character
    expect(usageError(() => parseClaim("🐈".repeat(100))).message).toMatch(/^"(🐈){49}…" is not a dataset name/);
    expect(usageError(() => parseClaim(`@${huge}`)).message.length).toBeLessThan(250);
  });
});

describe("due dates as typed in a command", () => {
  it("passes today, tomorrow, weekdays, +Nd / +Nw and ISO dates to the core, which resolves them in the person's zone", () => {
    for (const d of ["today", "tomorrow", "fri", "Friday", "+3d", "+2w", "2026-12-04"]) {
      expect(parseClaim(`cats 1-9 due ${d} boxes`)).toMatchObject({ due: d, note: "boxes" });
      expect(parseClaim(`cats next 5 due ${d}`)).toMatchObject({ size: 5, due: d, note: null });
      expect(parseLedger(`assign cats 1-9 <@U1> due ${d}`)).toMatchObject({ due: d });
      expect(parseLedger(`due A3 ${d} moved up`)).toEqual({ kind: "due", id: 3, due: d, reason: "moved up" });
    }
    expect(parseLedger("due A3 none")).toMatchObject({ due: null });
  });

  it("refuses a date it cannot read with the forms it takes", () => {
    expect(usageError(() => parseLedger("due A3 someday")).message).toBe(
      '"someday" is not a date; write YYYY-MM-DD, today, tomorrow, a weekday (fri = the next Friday after today), +3d or +2w; or none',
    );
    expect(usageError(() => parseLedger("assign cats 1-9 <@U1> due +9999d")).message).toMatch(/too far ahead/);
    expect(usageError(() => parseClaim("cats 1-9 due")).message).toMatch(/^after "due" give a date: YYYY-MM-DD, today/);
    expect(parseClaim("cats 1-9 due tomorrow")).toMatchObject({ due: "tomorrow" });
  });
});

describe("numbers beyond what the ledger holds", () => {
  it("names the bound instead of calling the number malformed", () => {
    expect(usageError(() => parseClaim("cats next 2000000000")).message).toBe(
      'the size must be at most 100,000,000 (the most items a dataset can have), not "2000000000"',
    );
    expect(usageError(() => parseClaim("cats 1-99999999999")).message).toBe(
      'an item number must be at most 100,000,000 (the most items a dataset can have), not "99999999999"',
    );
    expect(usageError(() => parseClaim("cats 0-5")).message).toBe('an item number must be at least 1, not "0"');
    expect(usageError(() => parseHandoff("A1 pool 5-200000000 tired")).message).toMatch(/at most 100,000,000/);
    expect(usageError(() => parseProgress("A1 100000001")).message).toBe(
      'items done must be at most 100,000,000 (the most items a dataset can have), not "100000001"',
    );
    expect(usageError(() => parseLedger("dataset add cats 3000000000")).message).toBe(
      'the item count must be at most 100,000,000 (the most items a dataset can have), not "3000000000"',
    );
    expect(usageError(() => parseLedger("capacity <@U1> 99999999999")).message).toBe(
      'the capacity must be at most 10,000,000 (items per week), not "99999999999"',
    );
    expect(usageError(() => parseProgress("A99999999999 done")).message).toBe(
      '"A99999999999" is not an assignment reference; they run from A1 to A2147483647',
    );
    expect(parseClaim("cats 99999990-100000000")).toMatchObject({ first: 99_999_990, last: 100_000_000 });
    expect(parseProgress("A2147483647 5")).toEqual({ kind: "count", id: 2_147_483_647, count: 5 });
  });

  it("in a setting, names the largest number the ledger stores; the core names each setting's own bound", () => {
    expect(parseDatasetSetting("first-k", "99999999999")).toEqual({
      ok: false,
      problem: 'first-k must be at most 2,147,483,647 (the largest number the ledger stores), not "99999999999"',
    });
    expect(parseDatasetSetting("gold", "5,1-300000000")).toEqual({
      ok: false,
      problem: 'an item number must be at most 100,000,000 (the most items a dataset can have), not "300000000"',
    });
    expect(parseDatasetSetting("items", "2000000000")).toEqual({ ok: true, setting: { key: "items", value: 2e9 } });
  });
});

describe("/ledger qa", () => {
  it("takes a dataset or me, and the last 4 weeks unless told weeks <n> or since a date", () => {
    expect(parseLedger("qa cats")).toEqual({ kind: "qa", dataset: "cats", span: { weeks: 4 } });
    expect(parseLedger("qa ME")).toEqual({ kind: "qa", dataset: null, span: { weeks: 4 } });
    expect(parseLedger("qa cats weeks 8")).toEqual({ kind: "qa", dataset: "cats", span: { weeks: 8 } });
    expect(parseLedger("qa me since 2026-11-01")).toEqual({ kind: "qa", dataset: null, span: { since: "2026-11-01" } });
  });

  it("refuses a missing dataset, a bad span and extra words, with the usage", () => {
    const usage = "/ledger qa <dataset>|me [weeks <n> | since YYYY-MM-DD]";
    expect(usageError(() => parseLedger("qa"))).toEqual({
      message: "name a dataset, or me for your own numbers",
      usage,
    });
    expect(usageError(() => parseLedger("qa cats weeks 0")).message).toMatch(/the number of weeks must be at least 1/);
    expect(usageError(() => parseLedger("qa cats weeks 53")).message).toMatch(/at most 52/);
    expect(usageError(() => parseLedger("qa cats since yesterday")).message).toBe(
      'after "since" give a date as YYYY-MM-DD, not "yesterday"',
    );
    expect(usageError(() => parseLedger("qa cats lately")).message).toBe(
      '"lately" is not a span; use weeks <n> or since YYYY-MM-DD',
    );
    expect(usageError(() => parseLedger("qa cats weeks 2 please")).message).toBe('unexpected "please"');
  });
});
