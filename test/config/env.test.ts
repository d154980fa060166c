import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "../../src/config/env.ts";

const base = { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "0123456789abcdef0123" };

function problems(env: Record<string, string>): string[] {
  try {
    loadEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("configuration", () => {
  it("applies defaults for an HTTP-mode bot on the embedded database", () => {
    const env = loadEnv(base);
    expect(env).toMatchObject({
      PORT: 3000,
      DEFAULT_TIMEZONE: "UTC",
      DEFAULT_CAPACITY: 2000,
      LEDGER_ADMINS: [],
      API_RATE_PER_SECOND: 20,
      API_RATE_BURST: 100,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SLACK_APP_TOKEN).toBeUndefined();
    expect(env.OVERDUE_CRON).toBe("5 * * * *");
  });

  it("reads every documented variable", () => {
    const env = loadEnv({
      ...base,
      SLACK_APP_TOKEN: "xapp-1-A1-2-abc",
      SLACK_API_URL: "http://127.0.0.1:9000/api/",
      PORT: "8080",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/rk",
      LEDGER_ADMINS: "U01ABC, U02DEF",
      DEFAULT_TIMEZONE: "Europe/Berlin",
      DEFAULT_CAPACITY: "1500",
      API_RATE_PER_SECOND: "2.5",
      API_RATE_BURST: "10",
      DIGEST_CRON: "0 8 * * 1",
    });
    expect(env).toMatchObject({
      PORT: 8080,
      LEDGER_ADMINS: ["U01ABC", "U02DEF"],
      DEFAULT_CAPACITY: 1500,
      API_RATE_PER_SECOND: 2.5,
      API_RATE_BURST: 10,
      DIGEST_CRON: "0 8 * * 1",
    });
  });

  it("allows webhooks to private addresses only when WEBHOOK_ALLOW_PRIVATE is true", () => {
    expect(loadEnv(base).WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(loadEnv({ ...base, WEBHOOK_ALLOW_PRIVATE: "true" }).WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(loadEnv({ ...base, WEBHOOK_ALLOW_PRIVATE: "false" }).WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(problems({ ...base, WEBHOOK_ALLOW_PRIVATE: "yes" })).toEqual([
      "WEBHOOK_ALLOW_PRIVATE must be true or false (true: webhooks may go to loopback and private addresses)",
    ]);
  });

  it("takes PostgreSQL settings for the embedded database from PGLITE_SETTINGS, refusing what is not one", () => {
    expect(loadEnv(base).PGLITE_SETTINGS).toEqual({});
    expect(
      loadEnv({ ...base, PGLITE_SETTINGS: "shared_buffers=128MB, maintenance_work_mem=64MB work_mem=8MB" })
        .PGLITE_SETTINGS,
    ).toEqual({ shared_buffers: "128MB", maintenance_work_mem: "64MB", work_mem: "8MB" });
    for (const bad of ["shared_buffers", "shared_buffers=1;DROP", "Shared=1", "a=b=c"])
      expect(problems({ ...base, PGLITE_SETTINGS: bad })).toEqual([
        `PGLITE_SETTINGS: "${bad}" is not a PostgreSQL setting like shared_buffers=64MB (name=value pairs, separated by spaces or commas)`,
      ]);
  });

  it("lists every problem, one line each", () => {
    const p = problems({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PORT: "http",
      DATABASE_URL: "mysql://x",
      LEDGER_ADMINS: "ana",
      DEFAULT_TIMEZONE: "Mars/Olympus",
      DEFAULT_CAPACITY: "-3",
      API_RATE_PER_SECOND: "0",
      API_RATE_BURST: "lots",
      OVERDUE_CRON: "every hour",
    });
    expect(p).toEqual([
      "SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
      "PORT must be a port number from 1 to 65535",
      "DATABASE_URL must be a postgresql:// URL, or be unset for the embedded database in ./data/",
      "LEDGER_ADMINS must be comma-separated Slack user ids like U0123ABCD",
      "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Berlin",
      "DEFAULT_CAPACITY must be a whole number of items per week (≥ 1)",
      "API_RATE_PER_SECOND must be a number of requests per second above 0 (at most 10000)",
      "API_RATE_BURST must be a whole number of requests from 1 to 100000",
      'OVERDUE_CRON is not a valid cron expression (five or six fields, e.g. "0 * * * *")',
      "SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
    ]);
  });

  it("names a missing bot token and a missing signing secret at once", () => {
    expect(problems({})).toEqual([
      "SLACK_BOT_TOKEN is missing: the bot token (xoxb-…) from OAuth & Permissions",
      "SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
    ]);
    const e = (() => {
      try {
        loadEnv({});
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e?.message).toMatch(/^rangekeeper can't start; fix the configuration:\n {2}- SLACK_BOT_TOKEN is missing/);
  });

  it("names the variable of a log level it does not know, with the levels it does", () => {
    expect(problems({ ...base, LOG_LEVEL: "loud" })).toEqual([
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    ]);
    expect(loadEnv({ ...base, LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
    expect(loadEnv({ ...base, LOG_LEVEL: "" }).LOG_LEVEL).toBe("info");
  });

  it("takes memory or speed for OPTIMIZE_FOR, leaves it to the database when unset, and names anything else", () => {
    expect(loadEnv({ ...base, OPTIMIZE_FOR: "speed" }).OPTIMIZE_FOR).toBe("speed");
    expect(loadEnv({ ...base, OPTIMIZE_FOR: " memory " }).OPTIMIZE_FOR).toBe("memory");
    expect(loadEnv({ ...base }).OPTIMIZE_FOR).toBeUndefined();
    expect(loadEnv({ ...base, OPTIMIZE_FOR: "" }).OPTIMIZE_FOR).toBeUndefined();
    expect(problems({ ...base, OPTIMIZE_FOR: "size" })).toEqual([
      "OPTIMIZE_FOR must be memory or speed (memory: the JavaScript heap stays small, at some cost in speed under load)",
    ]);
  });

  it("reports every problem of an empty environment with a bad log level in one go, each naming its variable", () => {
    const p = problems({ LOG_LEVEL: "loud", PORT: "0" });
    expect(p).toEqual([
      "SLACK_BOT_TOKEN is missing: the bot token (xoxb-…) from OAuth & Permissions",
      "PORT must be a port number from 1 to 65535",
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      "SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
    ]);
  });

  it("points to the README's configuration section under the list", () => {
    const e = (() => {
      try {
        loadEnv({ LOG_LEVEL: "loud" });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e?.message.split("\n")).toEqual([
      "rangekeeper can't start; fix the configuration:",
      "  - SLACK_BOT_TOKEN is missing: the bot token (xoxb-…) from OAuth & Permissions",
      "  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      "  - SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
      "Every variable is described in README.md, section Configuration.",
    ]);
  });
});
