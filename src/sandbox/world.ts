/**
 * Everything the sandbox runs: the local Slack stand-in with the demo team,
 * an embedded database, the ledger and the real rangekeeper app (HTTP mode)
 * pointed at the stand-in. Shared by `npm run sandbox` and its tests.
 */

import { createWriteStream, mkdirSync, rmSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { type Standin, startStandin } from "@rangekeeper/slack-standin";
import { type Logger, pino } from "pino";
import { DEFAULT_JOB_CRONS } from "../config/env.ts";
import type { Ledger } from "../core/ledger/index.ts";
import type { Database } from "../db/client.ts";
import { type RunningRangekeeper, startRangekeeper } from "../rangekeeper.ts";
import type { Rangekeeper } from "../slack/app.ts";
import { DEMO_USERS, LABELS_CHANNEL, SANDBOX_ADMINS, SANDBOX_TEAM } from "./users.ts";

/** Where the sandbox keeps its database unless told otherwise (never the app's ./data/pglite). */
export const SANDBOX_DATA_DIR = "./data/sandbox";
export const SANDBOX_LOG_FILE = "./data/sandbox.log";

export interface SandboxOptions {
  /** Database directory; undefined keeps everything in memory. */
  dataDir: string | undefined;
  /** Wipe `dataDir` before opening it. */
  fresh?: boolean;
  /** Append the app's warnings and errors to this file (JSON lines). */
  logFile?: string;
  /** Told about every error the app logs (one line each). */
  onAppError?: (message: string) => void;
  defaultCapacity?: number;
  defaultTimezone?: string;
}

export interface SandboxWorld {
  slack: Standin;
  ledger: Ledger;
  rk: Rangekeeper;
  db: Database;
  teamId: string;
  /** Resolves once the app has finished handling everything delivered so far, including its background work. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A pino logger at level warn that writes to a file (if any) and reports errors. */
function sandboxLogger(o: SandboxOptions): { logger: Logger; file: WriteStream | undefined } {
  let file: WriteStream | undefined;
  if (o.logFile) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    file = createWriteStream(o.logFile, { flags: "a" });
  }
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      file?.write(chunk);
      if (o.onAppError) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (!line.trim()) continue;
          try {
            const rec = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
            if ((rec.level ?? 0) >= 50) o.onAppError([rec.msg, rec.err?.message].filter(Boolean).join(": "));
          } catch {
            // not JSON: nothing to report
          }
        }
      }
      done();
    },
  });
  return { logger: pino({ level: "warn", base: { service: "rangekeeper-sandbox" } }, sink), file };
}

export async function startSandbox(o: SandboxOptions): Promise<SandboxWorld> {
  if (o.fresh && o.dataDir) rmSync(o.dataDir, { recursive: true, force: true });
  const { logger, file } = sandboxLogger(o);
  const slack = await startStandin({
    teamId: SANDBOX_TEAM,
    teamName: "Rangekeeper Sandbox",
    users: DEMO_USERS.map(({ alias: _alias, demoRole: _role, ...u }) => u),
    channels: [LABELS_CHANNEL],
  });
  let running: RunningRangekeeper | undefined;
  try {
    running = await startRangekeeper({
      slack: {
        botToken: slack.botToken,
        signingSecret: slack.signingSecret,
        apiUrl: slack.apiUrl,
        retryConfig: { retries: 2, factor: 1, minTimeout: 20, maxTimeout: 100 },
      },
      port: 0,
      database: { kind: "pglite", dataDir: o.dataDir },
      ledger: {
        bootstrapAdmins: [...SANDBOX_ADMINS],
        defaultCapacity: o.defaultCapacity ?? 1000,
        defaultTimezone: o.defaultTimezone ?? "UTC",
      },
      logger,
      jobs: { crons: DEFAULT_JOB_CRONS, scheduled: true },
    });
    await slack.waitFor("auth.test");
    slack.setRequestUrl(`http://127.0.0.1:${running.port}/slack/events`);
    const rk = running;
    const app = running.slack;
    let closed = false;
    return {
      slack,
      ledger: rk.ledger,
      rk: app,
      db: rk.database,
      teamId: SANDBOX_TEAM,
      async settle() {
        // Handlers start background work, which may reach the app again: wait until both stay quiet.
        for (let round = 0; round < 50; round++) {
          await app.inFlight.idle();
          await app.settle();
          await new Promise((r) => setTimeout(r, 15));
          if (!app.inFlight.busy) return;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await rk.stop().catch(() => undefined);
        await slack.close().catch(() => undefined);
        await new Promise<void>((r) => (file ? file.end(() => r()) : r()));
      },
    };
  } catch (e) {
    await running?.stop().catch(() => undefined);
    await slack.close().catch(() => undefined);
    file?.end();
    throw e;
  }
}
