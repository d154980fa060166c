/**
 * Drives the sandbox terminal through its input stream, as a person typing,
 * and collects what it prints.
 */
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { SandboxRepl } from "../../src/sandbox/repl.ts";
import { type SandboxWorld, startSandbox } from "../../src/sandbox/world.ts";

export interface Session {
  world: SandboxWorld;
  repl: SandboxRepl;
  input: PassThrough;
  /** everything printed so far */
  readonly transcript: string;
  /** types one line and returns what the sandbox printed for it (the echoed prompt line first) */
  send(line: string): Promise<string>;
  /** the output of `send` without its echoed prompt line */
  say(line: string): Promise<string>;
  /** ends the input (Ctrl-D) and waits for the sandbox to leave */
  end(): Promise<void>;
  close(): Promise<void>;
}

/** A sandbox world in memory; errors the app logs are collected in `appErrors`. */
export async function startWorld(appErrors: string[] = []): Promise<SandboxWorld> {
  return startSandbox({ dataDir: undefined, onAppError: (m) => appErrors.push(m) });
}

export function openSession(world: SandboxWorld): Session {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.setEncoding("utf8");
  output.on("data", (chunk: string) => {
    text += chunk;
  });
  const repl = new SandboxRepl({ world, input, output, terminal: false, color: false });
  const exited = repl.start();
  const send = async (line: string): Promise<string> => {
    const start = text.length;
    const handled = once(repl, "handled");
    input.write(`${line}\n`);
    await handled;
    return text.slice(start);
  };
  return {
    world,
    repl,
    input,
    get transcript() {
      return text;
    },
    send,
    async say(line) {
      const out = await send(line);
      return out.slice(out.indexOf("\n") + 1);
    },
    async end() {
      input.end();
      await exited;
    },
    async close() {
      if (!input.writableEnded) input.end();
      await exited;
    },
  };
}

/** The number of the control labelled `label` in a rendering, e.g. 3 for "[3 Approve]". */
export function controlNumber(output: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`\\[(\\d+) ${escaped}\\]`).exec(output);
  if (!m) throw new Error(`no [n ${label}] control in:\n${output}`);
  return Number(m[1]);
}
