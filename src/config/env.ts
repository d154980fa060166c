/**
 * Configuration from the environment, validated once at start-up. A missing or
 * malformed value stops the start with one clear line per problem.
 */
import cron from "node-cron";
import { z } from "zod";
import { isValidTimezone } from "../core/dates.ts";

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

const SETTING_NAME = /^[a-z_][a-z0-9_.]{0,62}$/;
const SETTING_VALUE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * `PGLITE_SETTINGS`: `name=value` pairs separated by spaces or commas, e.g.
 * "shared_buffers=128MB maintenance_work_mem=64MB"; the problem with the
 * first bad pair otherwise.
 */
export function parseEmbeddedSettings(
  text: string,
): { ok: true; settings: Record<string, string> } | { ok: false; problem: string } {
  const settings: Record<string, string> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const [name, value, ...rest] = pair.split("=");
    if (
      name === undefined ||
      value === undefined ||
      rest.length ||
      !SETTING_NAME.test(name) ||
      !SETTING_VALUE.test(value)
    )
      return {
        ok: false,
        problem: `PGLITE_SETTINGS: "${pair.slice(0, 80)}" is not a PostgreSQL setting like shared_buffers=64MB (name=value pairs, separated by spaces or commas)`,
      };
    settings[name] = value;
  }
  return { ok: true, settings };
}

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const cronExpr = (name: string, fallback: string) =>
  optionalString.default(fallback).refine((v) => v === undefined || cron.validate(v), {
    error: `${name} is not a valid cron expression (five or six fields, e.g. "0 * * * *")`,
  });

export const JOB_NAMES = ["overdue", "stalled", "imbalance", "digest"] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** When each job runs unless configured otherwise (in the team's time zone). */
export const DEFAULT_JOB_CRONS: Record<JobName, string> = {
  overdue: "5 * * * *",
  stalled: "0 10 * * 1-5",
  imbalance: "0 9 * * 1-5",
  digest: "0 9 * * 1",
};

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Where the README explains every variable; named under the list of problems. */
export const CONFIGURATION_DOCS = "README.md, section Configuration";

/** Every variable rangekeeper reads, each validated on its own. */
export const envFields = {
  SLACK_BOT_TOKEN: z
    .string({ error: "SLACK_BOT_TOKEN is missing: the bot token (xoxb-…) from OAuth & Permissions" })
    .trim()
    .regex(/^xoxb-[A-Za-z0-9-]+$/, "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"),
  SLACK_SIGNING_SECRET: optionalString.refine((v) => v === undefined || /^[a-f0-9]{16,}$/i.test(v), {
    error: "SLACK_SIGNING_SECRET must be the hex signing secret from Basic Information",
  }),
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || /^xapp-[A-Za-z0-9-]+$/.test(v), {
    error: "SLACK_APP_TOKEN must be an app-level token starting with xapp- (or be unset for HTTP mode)",
  }),
  SLACK_API_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+\/$/.test(v), {
    error: "SLACK_API_URL must be an http(s) URL ending in a slash, e.g. https://slack.com/api/",
  }),
  PORT: optionalString
    .default("3000")
    .refine((v) => /^\d+$/.test(v!) && Number(v) > 0 && Number(v) < 65536, {
      error: "PORT must be a port number from 1 to 65535",
    })
    .transform(Number),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\/\S+$/.test(v), {
    error: "DATABASE_URL must be a postgresql:// URL, or be unset for the embedded database in ./data/",
  }),
  PGLITE_SETTINGS: optionalString.transform((v, ctx) => {
    if (v === undefined) return {};
    const r = parseEmbeddedSettings(v);
    if (r.ok) return r.settings;
    ctx.addIssue({ code: "custom", message: r.problem });
    return z.NEVER;
  }),
  LEDGER_ADMINS: optionalString
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .refine((ids) => ids.every((id) => USER_ID.test(id)), {
      error: "LEDGER_ADMINS must be comma-separated Slack user ids like U0123ABCD",
    }),
  DEFAULT_TIMEZONE: optionalString.default("UTC").refine((v) => isValidTimezone(v!), {
    error: "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Berlin",
  }),
  DEFAULT_CAPACITY: optionalString
    .default("2000")
    .refine((v) => /^\d+$/.test(v!) && Number(v) >= 1, {
      error: "DEFAULT_CAPACITY must be a whole number of items per week (≥ 1)",
    })
    .transform(Number),
  API_RATE_PER_SECOND: optionalString
    .default("20")
    .refine((v) => /^\d+(\.\d+)?$/.test(v!) && Number(v) > 0 && Number(v) <= 10_000, {
      error: "API_RATE_PER_SECOND must be a number of requests per second above 0 (at most 10000)",
    })
    .transform(Number),
  API_RATE_BURST: optionalString
    .default("100")
    .refine((v) => /^\d+$/.test(v!) && Number(v) >= 1 && Number(v) <= 100_000, {
      error: "API_RATE_BURST must be a whole number of requests from 1 to 100000",
    })
    .transform(Number),
  OVERDUE_CRON: cronExpr("OVERDUE_CRON", DEFAULT_JOB_CRONS.overdue),
  STALLED_CRON: cronExpr("STALLED_CRON", DEFAULT_JOB_CRONS.stalled),
  IMBALANCE_CRON: cronExpr("IMBALANCE_CRON", DEFAULT_JOB_CRONS.imbalance),
  DIGEST_CRON: cronExpr("DIGEST_CRON", DEFAULT_JOB_CRONS.digest),
  WEBHOOK_ALLOW_PRIVATE: optionalString
    .default("false")
    .refine((v) => v === "true" || v === "false", {
      error: "WEBHOOK_ALLOW_PRIVATE must be true or false (true: webhooks may go to loopback and private addresses)",
    })
    .transform((v) => v === "true"),
  LOG_LEVEL: optionalString
    .default("info")
    .pipe(z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` })),
  // Unset: memory on the embedded database (a small team's small machine), speed on PostgreSQL.
  OPTIMIZE_FOR: optionalString.pipe(
    z
      .enum(["memory", "speed"], {
        error:
          "OPTIMIZE_FOR must be memory or speed (memory: the JavaScript heap stays small, at some cost in speed under load)",
      })
      .optional(),
  ),
};

// The check across variables runs even when another variable is wrong (`when`), so a start with
// nothing set reports the missing signing secret together with the missing token, not on the next try.
export const envSchema = z.object(envFields).refine((env) => Boolean(env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET), {
  path: ["SLACK_SIGNING_SECRET"],
  message:
    "SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
  when: () => true,
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      `rangekeeper can't start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nEvery variable is described in ${CONFIGURATION_DOCS}.`,
    );
    this.problems = problems;
  }
}

/** The cron expression of each scheduled job. */
export const jobCrons = (env: Env): Record<JobName, string> => ({
  overdue: env.OVERDUE_CRON!,
  stalled: env.STALLED_CRON!,
  imbalance: env.IMBALANCE_CRON!,
  digest: env.DIGEST_CRON!,
});

/** Parses the environment or throws a ConfigError listing every problem, one line each. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parseEnv(envSchema, source);
}

/** Parses the environment with `schema` (the bot's, or a tool's) or throws a ConfigError listing every problem. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  // Every line names its variable: a message of zod's own (an unexpected type, say) gets the name in front.
  const problems = parsed.error.issues.map((i) => {
    const name = i.path.length > 0 ? String(i.path[0]) : null;
    if (!name || i.message.includes(name)) return i.message;
    return i.code === "invalid_type" ? `${name} is missing or malformed` : `${name}: ${i.message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}
