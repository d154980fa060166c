/**
 * `npm run sandbox` as a person uses it, in a child process: stdin is a pipe
 * (no terminal), commands go in as lines, the transcript comes out on stdout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Child {
  proc: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** resolves once stdout (since `from`) matches */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  exit: Promise<number | null>;
}

function sandbox(args: string[]): Child {
  const proc = spawn("npm", ["run", "--silent", "sandbox", "--", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  proc.stdout.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
    for (const w of [...waiters]) w();
  });
  proc.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return {
    proc,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exit,
    waitFor(pattern, from = 0, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stdout.slice(from));
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(stdout.slice(from));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in stdout:\n${stdout.slice(from)}\nstderr:\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exit.then(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(
              new Error(`the sandbox exited before ${pattern} appeared:\n${stdout.slice(from)}\nstderr:\n${stderr}`),
            );
          }
        });
      });
    },
  };
}

const children: Child[] = [];
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
});

describe("npm run sandbox -- --memory", () => {
  it("starts, takes commands on a piped stdin one at a time, and quits cleanly", async () => {
    const started = Date.now();
    const c = sandbox(["--memory"]);
    children.push(c);
    const banner = await c.waitFor(/Ready in [\d.]+ s\.[\s\S]*quit leaves\.\n/, 0, 90_000);
    const readyMs = Date.now() - started;
    expect(banner).toContain("Database: in memory (nothing is kept).");
    expect(banner).toContain("You are @ana. Try:");

    const step = async (line: string, expected: RegExp) => {
      const from = c.stdout.length;
      c.proc.stdin.write(`${line}\n`);
      return c.waitFor(expected, from);
    };
    await step("demo", /Demo data added \(cats, street\)/);
    const claim = await step("/claim cats next 10", /\[4 Release\]/);
    expect(claim).toMatch(/^@ana › \/claim cats next 10\n/);
    expect(claim).toContain("You hold A1");
    await step("1", /A1 is in progress/);
    await step("/progress A1 5", /▓▓▓▓▓░░░░░ 50% \(5\/10\)/);
    await step("oops", /✗ Unknown command "oops"/);
    await step("as @lead", /You are now @lee/);
    const status = await step("/ledger status", /Ledger status[\s\S]*@ana/);
    expect(status).toContain("cats");

    c.proc.stdin.write("quit\n");
    expect(await c.exit).toBe(0);
    expect(c.stderr).not.toMatch(/error|failed/i);
    // for the record: how long `npm run sandbox -- --memory` took to be ready here
    console.info(`sandbox ready after ${readyMs} ms (${/Ready in ([\d.]+) s/.exec(banner)![1]} s inside the process)`);
  }, 120_000);

  it("runs a whole script from a pipe and leaves at the end of the input", async () => {
    const c = sandbox(["--memory", "--as", "@lee"]);
    children.push(c);
    c.proc.stdin.end(
      `${["demo", "as", "/ledger assign cats 1-20 @bob due 2030-01-31 first batch", "as @bob", "inbox", "home"].join(
        "\n",
      )}\n`,
    );
    expect(await c.exit).toBe(0);
    const out = c.stdout;
    expect(out).toContain("@lee › as\nYou are @lee (Lee Lead), lead.");
    expect(out).toMatch(/@lee › \/ledger assign cats 1-20 @bob[^\n]*\n[\s\S]*A1/);
    expect(out).toContain("You are now @bob (Bob Okafor), annotator. 1 DM from rangekeeper");
    expect(out).toMatch(/@bob › home\n=== Home ===[\s\S]*A1 · cats 1–20/);
  }, 120_000);

  it("refuses bad options with the usage", async () => {
    const c = sandbox(["--memory", "--fresh"]);
    children.push(c);
    expect(await c.exit).toBe(2);
    expect(c.stderr).toContain("--memory keeps nothing on disk");
    expect(c.stderr).toContain("usage: npm run sandbox");
  }, 60_000);
});
