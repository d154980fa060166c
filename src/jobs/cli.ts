/**
 * `npm run job -- <name> [--at <ISO-8601 time>] [--dry-run] [--force]`: runs
 * one job as if at that time (default now), for the slot that time falls in,
 * then sends what it decided that is due (the rest waits in the outbox for
 * working hours; the bot sends it). A slot that already ran is reported and
 * skipped unless --force; --dry-run prints what would be sent and changes
 * nothing. Configured like the bot (DATABASE_URL, SLACK_BOT_TOKEN, …).
 */
import { existsSync } from "node:fs";
import { pino } from "pino";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { ConfigError, envFields, jobCrons, parseEnv } from "../config/env.ts";
import { Ledger } from "../core/ledger/index.ts";
import { openDatabase, targetFromUrl } from "../db/client.ts";
import { DataDirInUse } from "../db/embedded/lock.ts";
import { applyMigrations } from "../db/migrate.ts";
import { Store } from "../db/store.ts";
import { OutboxSender, outboxClient } from "../delivery/slack-sender.ts";
import { BUILT_JOBS, type BuiltJob, isBuiltJob } from "./catalog.ts";
import { type RunReport, runFailed, runJob } from "./runner.ts";
import { slotAt } from "./slots.ts";

export const USAGE = `npm run job -- <${BUILT_JOBS.join("|")}> [--at <ISO-8601 time>] [--dry-run] [--force]`;

export class CliError extends Error {
  override readonly name = "CliError";
}

/** `2026-11-30T09:00`, `2026-11-30T09:00:00+01:00`, `2026-11-30T08:00Z`: a time without an offset is in `zone`. */
export function parseAt(text: string, zone: string): Date {
  const withOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  try {
    if (withOffset) return new Date(Temporal.Instant.from(text).epochMilliseconds);
    const local = Temporal.PlainDateTime.from(text);
    if (!/T\d{2}:\d{2}/.test(text)) throw new Error("no time of day");
    return new Date(local.toZonedDateTime(zone).epochMilliseconds);
  } catch {
    throw new CliError(
      `--at "${text}" is not an ISO-8601 time; write e.g. 2026-11-30T09:00 (in ${zone}) or 2026-11-30T08:00:00Z`,
    );
  }
}

export interface CliArgs {
  job: BuiltJob;
  at: string | null;
  dryRun: boolean;
  force: boolean;
}

const argsSchema = z.object({
  positionals: z.array(z.string()),
  at: z.string().nullable(),
  dryRun: z.boolean(),
  force: z.boolean(),
});

/** Reads the command line; a bad one throws a CliError naming the problem. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const raw = { positionals: [] as string[], at: null as string | null, dryRun: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--dry-run") raw.dryRun = true;
    else if (a === "--force") raw.force = true;
    else if (a === "--at" || a.startsWith("--at=")) {
      const v = a === "--at" ? argv[++i] : a.slice(5);
      if (!v) throw new CliError("--at needs a time, e.g. --at 2026-11-30T09:00");
      raw.at = v;
    } else if (a.startsWith("-")) throw new CliError(`unknown option ${a}`);
    else raw.positionals.push(a);
  }
  const p = argsSchema.parse(raw);
  if (p.positionals.length === 0) throw new CliError(`name the job to run: ${BUILT_JOBS.join(", ")}`);
  if (p.positionals.length > 1) throw new CliError(`one job at a time; got ${p.positionals.join(" ")}`);
  const job = p.positionals[0]!.toLowerCase();
  if (!isBuiltJob(job)) throw new CliError(`"${p.positionals[0]}" is not a job; jobs: ${BUILT_JOBS.join(", ")}`);
  if (p.dryRun && p.force) throw new CliError("--dry-run changes nothing, so --force means nothing with it");
  return { job, at: p.at, dryRun: p.dryRun, force: p.force };
}

const cliEnvSchema = z.object({
  ...envFields,
  // A dry run talks to no one.
  SLACK_BOT_TOKEN: envFields.SLACK_BOT_TOKEN.optional(),
});

/** What a run printed: its summary lines. */
export function summary(
  r: RunReport,
  at: Date,
  sent: { sent: number; retried: number; failed: number } | null,
): string[] {
  const lines = [
    `${r.job}: slot ${r.slot.toISOString()}, as if at ${at.toISOString()}, ${r.workspaces} workspace${r.workspaces === 1 ? "" : "s"}`,
  ];
  if (r.outcome === "skipped") return [...lines, `skipped: ${r.reason}`];
  const kinds = [...new Set(r.messages.map((m) => m.kind))].map(
    (k) => `${r.messages.filter((m) => m.kind === k).length} ${k}`,
  );
  lines.push(
    `decided ${r.messages.length} message${r.messages.length === 1 ? "" : "s"}${kinds.length ? ` (${kinds.join(", ")})` : ""} telling ${r.facts} new fact${r.facts === 1 ? "" : "s"}`,
  );
  if (r.outcome === "dry-run") {
    for (const m of r.messages) {
      const to = "user" in m.to ? `DM to ${m.to.user}` : `post in ${m.to.channel}`;
      const text = (m.content as { text?: string }).text ?? "";
      lines.push(`  ${to} [${m.key}]: ${text}`);
    }
    lines.push("dry run: nothing was written or sent");
  }
  if (runFailed(r)) lines.push(`failed: ${r.reason}`);
  if (sent)
    lines.push(
      `sent ${sent.sent}, failed ${sent.failed}, to retry ${sent.retried}; what waits for working hours goes out from the bot`,
    );
  return lines;
}

export async function main(argv: readonly string[], out: (line: string) => void): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof CliError) {
      out(`${e.message}\nUsage: ${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (existsSync(".env")) process.loadEnvFile(".env");
  let env: z.infer<typeof cliEnvSchema>;
  try {
    env = parseEnv(cliEnvSchema, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      out(e.message);
      return 2;
    }
    throw e;
  }
  if (!args.dryRun && !env.SLACK_BOT_TOKEN) {
    out("SLACK_BOT_TOKEN is missing: the job sends what it decides (a --dry-run needs none)");
    return 2;
  }
  let at: Date;
  try {
    at = args.at ? parseAt(args.at, env.DEFAULT_TIMEZONE!) : new Date();
  } catch (e) {
    out((e as Error).message);
    return 2;
  }
  const crons = jobCrons(env as Parameters<typeof jobCrons>[0]);
  const slot = slotAt({ expression: crons[args.job], timezone: env.DEFAULT_TIMEZONE! }, at);
  if (!slot) {
    out(`${args.job} (${crons[args.job]}) has no slot in the eight days before ${at.toISOString()}`);
    return 1;
  }
  const logger = pino({ level: env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL });
  const target = targetFromUrl(env.DATABASE_URL, undefined, env.PGLITE_SETTINGS);
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(target);
  } catch (e) {
    if (e instanceof DataDirInUse) {
      out(
        `${e.message}: the bot is running on it. Run the job from Slack with "/ledger jobs run ${args.job}", or stop the bot first.`,
      );
      return 1;
    }
    throw e;
  }
  try {
    if (db.target.kind === "pglite") await applyMigrations(db);
    const ledger = new Ledger(new Store(db.prisma), {
      bootstrapAdmins: env.LEDGER_ADMINS,
      defaultCapacity: env.DEFAULT_CAPACITY,
      defaultTimezone: env.DEFAULT_TIMEZONE,
    });
    const report = await runJob(
      { ledger, logger },
      { job: args.job, slot, at, dryRun: args.dryRun, force: args.force },
    );
    let sent = null;
    if (!args.dryRun && report.outcome !== "skipped") {
      const sender = new OutboxSender({
        client: outboxClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL),
        outbox: ledger.outbox,
        logger,
      });
      sent = await sender.drain();
      await sender.stop(0);
    }
    for (const line of summary(report, at, sent)) out(line);
    return runFailed(report) ? 1 : 0;
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
}
