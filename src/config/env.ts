/**
 * Configuration from the environment, validated once at start-up. A missing or
 * malformed value stops the start with one clear line per problem.
 */
import cron from "node-cron";
import { z } from "zod";
import { isValidTimezone } from "../core/dates.ts";

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

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

export const envSchema = z
  .object({
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
    OVERDUE_CRON: cronExpr("OVERDUE_CRON", "5 * * * *"),
    STALLED_CRON: cronExpr("STALLED_CRON", "0 10 * * 1-5"),
    IMBALANCE_CRON: cronExpr("IMBALANCE_CRON", "0 9 * * 1-5"),
    DIGEST_CRON: cronExpr("DIGEST_CRON", "0 9 * * 1"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message:
          "SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`rangekeeper can't start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Parses the environment or throws a ConfigError listing every problem, one line each. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) =>
    i.code === "invalid_type" && i.path.length === 1 && !i.message.includes(String(i.path[0]))
      ? `${String(i.path[0])} is missing or malformed`
      : i.message,
  );
  throw new ConfigError([...new Set(problems)]);
}
