/**
 * The Dockerfile a team deploys with says what the README and the code say:
 * the same start command, Node.js major, port, health path and data
 * directory. Nothing is built here (no Docker engine is needed): the file's
 * instructions are read and compared.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../src/config/env.ts";
import { DEFAULT_PGLITE_DIR } from "../src/db/client.ts";
import { createMetrics } from "../src/http/metrics.ts";
import { healthRoutes } from "../src/http/routes.ts";

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(" ") };
    });
}

const dockerfile = instructions(readFileSync("Dockerfile", "utf8"));
const readme = readFileSync("README.md", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const all = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword).map((i) => i.args);
const one = (keyword: string) => {
  const found = all(keyword);
  expect(found, `one ${keyword}`).toHaveLength(1);
  return found[0]!;
};
/** An exec-form argument list (["a", "b"]) as its words. */
const execForm = (args: string) => JSON.parse(args) as string[];

describe("Dockerfile", () => {
  it("starts the bot with the README's start command, on the Node.js major the project requires", () => {
    const readmeStart = /^npm ci && (npm start)\b/m.exec(readme)?.[1];
    expect(readmeStart).toBe("npm start");
    expect(execForm(one("CMD")).join(" ")).toBe(readmeStart);
    const major = /(\d+)/.exec(pkg.engines.node)![1];
    expect(one("FROM")).toBe(`node:${major}-slim`);
  });

  it("installs production dependencies only, from the lockfile", () => {
    expect(all("RUN").some((r) => /\bnpm ci --omit=dev\b/.test(r))).toBe(true);
    expect(all("COPY").some((c) => c.includes("package-lock.json"))).toBe(true);
  });

  it("runs as a non-root user", () => {
    const users = all("USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const lastUser = dockerfile.findLastIndex((i) => i.keyword === "USER");
    expect(lastUser).toBeLessThan(dockerfile.findIndex((i) => i.keyword === "CMD"));
  });

  it("listens on the configuration's default port and checks the health route the app serves", () => {
    const defaultPort = envSchema.parse({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).PORT;
    expect(one("EXPOSE")).toBe(String(defaultPort));
    expect(all("ENV")).toContain(`PORT=${defaultPort}`);
    const healthcheck = one("HEALTHCHECK");
    const served = healthRoutes(
      createMetrics(),
      async () => true,
      () => "ok",
    ).map((r) => r.path);
    const checked = /\/healthz\b/.exec(healthcheck)?.[0];
    expect(checked).toBe("/healthz");
    expect(served).toContain(checked);
    expect(readme).toContain("`GET /healthz`");
  });

  it("keeps the embedded database in a volume at the app's data directory", () => {
    const workdir = one("WORKDIR");
    const dataDir = `${workdir}/${DEFAULT_PGLITE_DIR.replace(/^\.\//, "").split("/")[0]}`;
    expect(execForm(one("VOLUME"))).toEqual([dataDir]);
    expect(readme).toContain(`:${dataDir}`); // the README's docker run mounts it
  });
});
