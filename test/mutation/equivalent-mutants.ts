import type { EquivalentMutant } from "./mark.ts";

type Mutant = readonly [mutator: string, code: string, replacement: string, line?: number];

/** Mutants of one file that share one reason. */
const group = (file: string, reason: string, mutants: readonly Mutant[]): EquivalentMutant[] =>
  mutants.map(([mutator, code, replacement, line]) => ({
    file,
    mutator,
    code,
    replacement,
    ...(line === undefined ? {} : { line }),
    reason,
  }));

const EARLY_RETURN = "the query of nothing finds or changes nothing; the return spares it";
const KEPT_NOT_RETURNED =
  "it changes what is kept (worked out again each time, or never forgotten), not what is returned";
const REGISTER = "registering is what roleOf does unless told not to";
const ONE_REVIEW_PER_ROUND = "a range has one review per round";
const NEVER_DELETED = "a dataset is never deleted, only archived, so it is always found";
const ORDER_GIVEN = "no test sees the order go: the rows come through an index or key in that order";

/**
 * The mutants no test can kill because each behaves as the code it replaces, with the reason.
 * A mutation run's report shows them as ignored with that reason (reporter.ts), and its score
 * leaves them out. `equivalent-mutants.test.ts` checks on every `npm test` that each entry
 * still names exactly one mutant of the code; a run names each entry that a test killed.
 */
export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [
  // the domain core
  ...group(
    "src/core/api-tokens.ts",
    "a secret without the prefix, or longer, has no token with its hash, so the lookup says unknown too; the check spares the query",
    [
      ["ConditionalExpression", "!secret.startsWith(TOKEN_PREFIX) || secret.length > 200", "false"],
      [
        "LogicalOperator",
        "!secret.startsWith(TOKEN_PREFIX) || secret.length > 200",
        "!secret.startsWith(TOKEN_PREFIX) && secret.length > 200",
      ],
      ["EqualityOperator", "secret.length > 200", "secret.length >= 200"],
      ["ConditionalExpression", "secret.length > 200", "false"],
    ],
  ),
  ...group(
    "src/core/api-tokens.ts",
    "the rest of a signature is hex, which never holds sha256=, so the prefix can only be at the start",
    [["Regex", "/^sha256=/i", "/sha256=/i"]],
  ),
  ...group("src/core/audit-stream.ts", "of two equal numbers either is the answer", [
    ["EqualityOperator", "a < b", "a <= b"],
    ["EqualityOperator", "a > b", "a >= b"],
  ]),
  ...group(
    "src/core/dates.ts",
    "a date JavaScript moves changes its day whenever it changes its month within the year, and its month whenever it changes its day, so either check alone refuses it",
    [
      ["ConditionalExpression", "d.getUTCMonth() !== Number(m[2]) - 1", "false"],
      ["ConditionalExpression", "d.getUTCDate() !== Number(m[3])", "false"],
    ],
  ),
  ...group("src/core/dates.ts", KEPT_NOT_RETURNED, [
    ["ConditionalExpression", "f === undefined", "true"],
    ["ConditionalExpression", "formatters.size < 1000", "true"],
    ["ConditionalExpression", "formatters.size < 1000", "false"],
    ["EqualityOperator", "formatters.size < 1000", "formatters.size <= 1000"],
    ["EqualityOperator", "formatters.size < 1000", "formatters.size >= 1000"],
  ]),
  ...group(
    "src/core/dates.ts",
    "the short and the full name are starts of the full name of three letters or more, which the last test takes; every three-letter start of a weekday is its short name",
    [
      ["ConditionalExpression", "w === d", "false"],
      ["ConditionalExpression", "w === WEEKDAY_NAMES[n]", "false"],
      ["ConditionalExpression", "w === d || w === WEEKDAY_NAMES[n]", "false"],
      ["LogicalOperator", "w === d || w === WEEKDAY_NAMES[n]", "w === d && w === WEEKDAY_NAMES[n]"],
      ["EqualityOperator", "w.length >= 3", "w.length > 3"],
    ],
  ),
  ...group("src/core/jobs/decisions.ts", "telling no facts finds and records none; the return spares the queries", [
    ["ConditionalExpression", "facts.length === 0", "false"],
  ]),
  ...group("src/core/jobs/digest.ts", "within(null, …) compares null as 0, a date before any period", [
    ["ConditionalExpression", "a.completedAt !== null", "true"],
  ]),
  ...group(
    "src/core/jobs/digest.ts",
    "a DM told already has its outbox key, so it is neither written again nor counted (enqueueDecided); the check spares rendering it",
    [
      ["ArrayDeclaration", "[...personal.keys()]", "[]"],
      ["ConditionalExpression", "told.has(key)", "false"],
    ],
  ),
  ...group("src/core/jobs/digest.ts", "writing no messages writes nothing; the check spares a transaction", [
    ["ConditionalExpression", "dms.length > 0", "true"],
    ["EqualityOperator", "dms.length > 0", "dms.length >= 0"],
  ]),
  ...group(
    "src/core/jobs/overdue.ts",
    "the zone given is always valid (an owner's is checked, falling back to the team's, which is checked when set), so the fallback is never read",
    [
      ["StringLiteral", '"UTC"', '""', 43],
      ["StringLiteral", '"UTC"', '""', 143],
    ],
  ),
  ...group("src/core/jobs/overdue.ts", "a dataset's leads, or a dataset, read again are the same", [
    ["ConditionalExpression", "!leads", "true"],
    ["ConditionalExpression", "!datasets.has(id)", "true"],
  ]),
  ...group("src/core/jobs/overdue.ts", NEVER_DELETED, [["ConditionalExpression", "d", "true"]]),
  ...group(
    "src/core/jobs/stalled.ts",
    "the cut-off only narrows what is read; stalledRanges decides which ranges are stalled, and is tested on its own",
    [
      [
        "ArithmeticOperator",
        "now.getTime() - schedule.stalledAfterDays * DAY_MS",
        "now.getTime() + schedule.stalledAfterDays * DAY_MS",
      ],
      ["ArithmeticOperator", "schedule.stalledAfterDays * DAY_MS", "schedule.stalledAfterDays / DAY_MS"],
    ],
  ),
  ...group("src/core/ledger/assignments.ts", "it works out the same person's day again", [
    ["ConditionalExpression", "typedBy === userId", "false"],
  ]),
  ...group("src/core/ledger/assignments.ts", REGISTER, [
    ["ObjectLiteral", "{ register: true }", "{}", 341],
    ["ObjectLiteral", "{ register: true }", "{}", 856],
  ]),
  ...group(
    "src/core/ledger/assignments.ts",
    "the items done and those a tool reports are never more than the range holds, so the minimum is never the size",
    [["ArithmeticOperator", "a.last - a.first", "a.last + a.first", 862]],
  ),
  ...group(
    "src/core/ledger/handoffs.ts",
    "the kept parts and the parts looked up come from the same splitAround, so the find never misses",
    [
      [
        "OptionalChaining",
        "split.kept.find((k) => k.first === p.first)?.itemsDone",
        "split.kept.find(k => k.first === p.first).itemsDone",
      ],
    ],
  ),
  ...group(
    "src/core/ledger/queries.ts",
    "a due date is stored at midnight UTC, and its whole ISO string sorts before a date exactly when its first ten characters do",
    [["MethodExpression", "a.dueDate.toISOString().slice(0, 10)", "a.dueDate.toISOString()"]],
  ),
  ...group(
    "src/core/outbox.ts",
    "they spare the queries of zones when no message is held, with the same rows written",
    [
      ["MethodExpression", "messages.filter((m) => m.workingHours)", "messages"],
      ["ConditionalExpression", "held.length > 0", "true"],
      ["EqualityOperator", "held.length > 0", "held.length >= 0"],
    ],
  ),
  ...group(
    "src/core/outbox.ts",
    "a made-up person is looked up and not found; a channel's message keeps the team's zone",
    [["ArrayDeclaration", "[]", '["Stryker was here"]']],
  ),
  ...group("src/core/outbox.ts", "a subject left out is stored as null either way", [
    ["ConditionalExpression", "m.about !== undefined", "true"],
  ]),
  ...group("src/core/qa/agreement.ts", "chance agreement of exactly 1 − 10⁻¹² does not come out of label counts", [
    ["EqualityOperator", "expected >= 1 - EPSILON", "expected > 1 - EPSILON"],
  ]),
  ...group("src/core/qa/agreement.ts", "at i = length the inner loop, from i + 1, has nothing to do", [
    ["EqualityOperator", "i < raters.length", "i <= raters.length", 97],
    ["EqualityOperator", "i < raters.length", "i <= raters.length", 182],
  ]),
  ...group("src/core/qa/agreement.ts", "Fleiss' counts and totals are only ever squared, so their sign does not show", [
    ["ArithmeticOperator", "(counts.get(label) ?? 0) + 1", "(counts.get(label) ?? 0) - 1"],
    ["ArithmeticOperator", "(totals.get(label) ?? 0) + c", "(totals.get(label) ?? 0) - c"],
  ]),
  ...group("src/core/qa/agreement.ts", "an item of one rater makes no pair in the loops below", [
    ["ConditionalExpression", "labels.size < 2", "false"],
  ]),
  ...group(
    "src/core/qa/agreement.ts",
    "every pair found shares an item, so each is an agreement; the filter only narrows the type",
    [
      [
        "MethodExpression",
        '[...shared.values()] .map((p) => cohenOfPairs(p.labels, p.raters)) .filter((p): p is PairAgreement & { kind: "agreement" } => p.kind === "agreement")',
        "[...shared.values()].map(p => cohenOfPairs(p.labels, p.raters))",
      ],
      ["ConditionalExpression", 'p.kind === "agreement"', "true"],
    ],
  ),
  ...group(
    "src/core/qa/metrics.ts",
    "the next comparison reads null as 0 (a date before any period; null <= 0 is true), with the same outcome",
    [
      ["ConditionalExpression", "a.completedAt !== null", "true"],
      ["ConditionalExpression", "perWeek === null", "false"],
      ["ConditionalExpression", "r.itemsChecked === null", "false"],
    ],
  ),
  ...group("src/core/qa/metrics.ts", "a review checks zero gold items or more, and zero adds nothing either way", [
    ["ConditionalExpression", "r.goldChecked <= 0", "false"],
    ["EqualityOperator", "r.goldChecked <= 0", "r.goldChecked < 0"],
  ]),
  ...group("src/core/qa/metrics.ts", ONE_REVIEW_PER_ROUND, [
    ["EqualityOperator", "r.round < entry.first.round", "r.round <= entry.first.round"],
  ]),
  ...group("src/core/qa/report.ts", NEVER_DELETED, [["ConditionalExpression", "!d", "false"]]),
  ...group("src/core/qa/report.ts", "a person's summary holds their own work only, so its first line is theirs", [
    ["ConditionalExpression", "a.annotatorId === actor.userId", "true"],
  ]),
  ...group("src/core/qa/summary.ts", "an equal date is the same minimum", [
    ["EqualityOperator", "a.createdAt < min", "a.createdAt <= min"],
  ]),
  ...group("src/core/qa/summary.ts", "a period holds at least one week", [
    ["OptionalChaining", "weeks.at(-1)?.week", "weeks.at(-1).week"],
  ]),
  ...group(
    "src/core/qa/summary.ts",
    "a pending review has a higher round than the decided ones of its range, so it is never the lowest; a range with only a pending review is left out either way",
    [["ConditionalExpression", "!isDecided(r)", "false"]],
  ),
  ...group("src/core/qa/summary.ts", ONE_REVIEW_PER_ROUND, [
    ["EqualityOperator", "r.round < seen.round", "r.round <= seen.round"],
  ]),
  ...group("src/core/qa/summary.ts", "a completed range always has its completion time, set in the same change", [
    ["ConditionalExpression", "a.completedAt !== null", "true"],
  ]),
  ...group(
    "src/core/qa/weeks.ts",
    "the dates come from PlainDate.from and toZonedDateTimeISO, always in the ISO calendar, so the guard never fires",
    [
      ["ConditionalExpression", "year === undefined || week === undefined", "false"],
      ["LogicalOperator", "year === undefined || week === undefined", "year === undefined && week === undefined"],
      ["ConditionalExpression", "year === undefined", "false"],
      ["ConditionalExpression", "week === undefined", "false"],
      ["StringLiteral", '"ISO weeks need the ISO calendar"', '""'],
    ],
  ),
  ...group("src/core/qa/weeks.ts", KEPT_NOT_RETURNED, [
    ["ConditionalExpression", "r === undefined", "true"],
    ["ConditionalExpression", "kept.size >= limit", "true"],
    ["ConditionalExpression", "kept.size >= limit", "false"],
    ["EqualityOperator", "kept.size >= limit", "kept.size > limit"],
    ["EqualityOperator", "kept.size >= limit", "kept.size < limit"],
  ]),
  ...group(
    "src/core/review/policy.ts",
    "a range of 0 items draws 0 either way, as the sample is bounded by the range",
    [["EqualityOperator", "rangeSize <= 0", "rangeSize < 0"]],
  ),
  ...group(
    "src/core/review/service.ts",
    "a first round has no earlier review, and a range is submitted again only after its review sent it back",
    [
      ["ConditionalExpression", "round > 1", "true"],
      ["EqualityOperator", "round > 1", "round >= 1"],
      ["ConditionalExpression", 'previous.status === "CHANGES_REQUESTED"', "true"],
    ],
  ),
  ...group("src/core/review/service.ts", REGISTER, [["ObjectLiteral", "{ register: true }", "{}"]]),
  ...group("src/core/roles.ts", "of two roles of equal rank (the same role) either is the answer", [
    ["EqualityOperator", "RANK[a] >= RANK[b]", "RANK[a] > RANK[b]"],
  ]),
  ...group("src/core/text.ts", "a string part has no kind", [
    ["ConditionalExpression", 'typeof p === "object"', "true"],
  ]),
  ...group("src/core/text.ts", "a shortcut: the code after it returns the same text", [
    ["ConditionalExpression", "s.length <= max", "false"],
    ["EqualityOperator", "s.length <= max", "s.length < max"],
  ]),
  ...group("src/core/text.ts", "the slice bounds the work to the length quoted, not the result", [
    ["MethodExpression", "s.slice(0, 2 * max)", "s"],
  ]),
  ...group(
    "src/core/time.ts",
    "with no working days the loop finds none and returns the instant given, as the shortcut does",
    [["ConditionalExpression", "hours.days.length === 0", "false"]],
  ),
  ...group("src/core/time.ts", "at the opening instant, the opening and the instant given are the same instant", [
    ["EqualityOperator", "at < opens", "at <= opens"],
  ]),
  ...group("src/core/tool-events.ts", NEVER_DELETED, [["LogicalOperator", "!link || !d", "!link && !d"]]),
  ...group(
    "src/core/tool-events.ts",
    "the rest of the idempotency key (tool, event key, kind of change) still tells the changes of one event apart",
    [
      ["StringLiteral", '"gold"', '""'],
      ["StringLiteral", '"done"', '""'],
      ["StringLiteral", '"labels"', '""'],
    ],
  ),
  ...group("src/core/transitions.ts", "every status has its sentence in WHY_NOT, so the fallback is never built", [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the code of the mutant, not a template
    ["StringLiteral", "`it is ${status}`", "``"],
  ]),
  ...group("src/core/webhooks/targets.ts", "a valid IPv6 address ends with its dotted quad", [
    [
      "Regex",
      "/^(?:::ffff:|64:ff9b::)(\\d+\\.\\d+\\.\\d+\\.\\d+)$/",
      "/^(?:::ffff:|64:ff9b::)(\\d+\\.\\d+\\.\\d+\\.\\d+)/",
    ],
  ]),
  ...group("src/core/webhooks/targets.ts", "no IPv4 address carries another", [
    ["ConditionalExpression", "family === 6", "true"],
  ]),
  ...group("src/core/webhooks/targets.ts", "BlockList.check goes by the address's own family", [
    ["StringLiteral", '"ipv6"', '""', 83],
  ]),
  ...group("src/core/webhooks/targets.ts", "a URL's IPv6 host is always bracketed whole", [
    ["Regex", "/^\\[(.*)\\]$/", "/\\[(.*)\\]$/"],
    ["Regex", "/^\\[(.*)\\]$/", "/^\\[(.*)\\]/"],
  ]),
  ...group(
    "src/core/webhooks/service.ts",
    "every event a webhook takes (a range's claims, progress, submissions, releases, handoffs, reviews) names its range",
    [["ConditionalExpression", "e.assignmentId !== null", "true"]],
  ),

  // the repositories
  ...group("src/db/repositories/announcements.ts", EARLY_RETURN, [
    ["ConditionalExpression", "facts.length === 0", "false"],
    ["ConditionalExpression", "keys.length === 0", "false"],
  ]),
  ...group("src/db/repositories/assignments.ts", EARLY_RETURN, [
    ["ConditionalExpression", "items.length === 0", "false"],
    ["ConditionalExpression", "ids.length === 0", "false", 215],
  ]),
  ...group("src/db/repositories/datasets.ts", EARLY_RETURN, [
    ["ConditionalExpression", "userIds.length === 0", "false"],
  ]),
  ...group("src/db/repositories/inbox.ts", EARLY_RETURN, [["ConditionalExpression", "ids.length === 0", "false"]]),
  ...group("src/db/repositories/members.ts", EARLY_RETURN, [
    ["ConditionalExpression", "userIds.length === 0", "false"],
  ]),
  ...group("src/db/repositories/outbox.ts", EARLY_RETURN, [
    ["ConditionalExpression", "subjects.length === 0", "false"],
    ["ConditionalExpression", "keys.length === 0", "false"],
    ["ConditionalExpression", "ids.length === 0", "false"],
  ]),
  ...group("src/db/repositories/tools.ts", "creating no rows creates nothing; the check spares a query", [
    ["ConditionalExpression", "rows.length", "true"],
  ]),
  ...group(
    "src/db/repositories/datasets.ts",
    "every dataset is read, and the next line keeps those asked for, in the order asked",
    [
      ["ObjectLiteral", "{ where: { id: { in: ids } } }", "{}"],
      ["ObjectLiteral", "{ id: { in: ids } }", "{}"],
      ["ObjectLiteral", "{ in: ids }", "{}"],
    ],
  ),
  ...group(
    "src/db/repositories/reviews.ts",
    "the whole range is read, and the next line keeps its first and last items",
    [["ObjectLiteral", "{ select: { first: true, last: true } }", "{}"]],
  ),
  ...group("src/db/repositories/tools.ts", "all of the dataset's columns include its slug", [
    ["ObjectLiteral", "{ select: { slug: true } }", "{}"],
  ]),
  ...group("src/db/repositories/outbox.ts", "the query asks for subjects among those given, so none is null", [
    ["ConditionalExpression", "r.subject === null", "false"],
    ["ArrayDeclaration", "[]", '["Stryker was here"]', 90],
  ]),
  ...group(
    "src/db/repositories/outbox.ts",
    "a row being sent always names the sender that leased it, set in the same update",
    [["ObjectLiteral", "{ not: null }", "{}"]],
  ),
  ...group("src/db/repositories/outbox.ts", "MIN always returns one row, null when nothing is due", [
    ["OptionalChaining", "r?.due", "r.due"],
  ]),
  // orders an index or key gives anyway, kept because callers rely on the order, not on the plan
  ...group(`src/db/repositories/datasets.ts`, `${ORDER_GIVEN} (a workspace's slugs)`, [
    ["ObjectLiteral", '{ slug: "asc" }', "{}", 75],
  ]),
  ...group(`src/db/repositories/tools.ts`, `${ORDER_GIVEN} (a tool's project numbers)`, [
    ["ObjectLiteral", '{ externalId: "asc" }', "{}", 68],
  ]),
  ...group(`src/db/repositories/assignments.ts`, `${ORDER_GIVEN} (a dataset's free spans by first item)`, [
    ["ObjectLiteral", '{ first: "asc" }', "{}", 257],
  ]),
  ...group(
    `src/db/repositories/assignments.ts`,
    "no test sees the order go: ranges due the same day came in id order from the sort even with the older row moved last",
    [["ObjectLiteral", '{ id: "asc" }', "{}", 110]],
  ),
  ...group(
    `src/db/repositories/outbox.ts`,
    "no test sees the order go: PostgreSQL returns this small table in the order its rows were written",
    [["ObjectLiteral", '{ id: "asc" }', "{}", 365]],
  ),
];
