/**
 * The bot as a real process, started the way the README says (`npm start`)
 * from a directory of its own (the project's package.json, code and
 * node_modules linked in), so that its ./data is the test's.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Standin } from "@rangekeeper/slack-standin";

const REPO = resolve(".");

export interface Running {
  /** the npm process */
  child: ChildProcessWithoutNullStreams;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  /** resolves with the bot's own process id once it logged that it runs */
  ready: Promise<number>;
  /** resolves with the first line of output containing `text`; rejects if the process ends first */
  logged: (text: string) => Promise<string>;
}

export class BotProcesses {
  private readonly started: ChildProcessWithoutNullStreams[] = [];

  /** A directory of its own for `npm start`: the project's package.json, its code and its node_modules. */
  projectDir(): string {
    const d = mkdtempSync(join(tmpdir(), "rk-start-"));
    copyFileSync(join(REPO, "package.json"), join(d, "package.json"));
    for (const entry of ["src", "prisma", "node_modules"]) symlinkSync(join(REPO, entry), join(d, entry));
    return d;
  }

  /** `npm start` in `cwd`, with only `env` (and PATH, HOME) in its environment. */
  run(env: Record<string, string>, cwd: string): Running {
    const child = spawn("npm", ["start", "--silent"], {
      cwd,
      detached: true, // a process group of its own, so a failed test can end it all (see afterAll)
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    this.started.push(child);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const port = Number(env.PORT ?? 3000);
    const logged = (text: string) =>
      new Promise<string>((res, rej) => {
        const timer = setInterval(() => {
          const line = out.split("\n").find((l) => l.includes(text));
          if (line !== undefined) {
            clearInterval(timer);
            res(line);
          }
        }, 20);
        void exited.then((code) => {
          clearInterval(timer);
          rej(new Error(`exited ${code} before it logged ${text}:\n${out}`));
        });
      });
    const ready = logged("rangekeeper is running").then((line) => (JSON.parse(line) as { pid: number }).pid);
    ready.catch(() => undefined); // awaited by the tests that expect a start
    return { child, port, output: () => out, exited, ready, logged };
  }

  /** Ends every process group started (a test that failed midway may have left a bot running). */
  killAll(): void {
    for (const child of this.started) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
}

/** What the bot needs to talk to the stand-in and listen on `port`, logging at info (its "running" line). */
export const standinEnv = (slack: Standin, port: number): Record<string, string> => ({
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: slack.signingSecret,
  SLACK_API_URL: slack.apiUrl,
  PORT: String(port),
  LOG_LEVEL: "info",
});
