import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, type AppOptions, LogLevel } from "@slack/bolt";
import { type Standin, type StandinOptions, startStandin } from "../src/index.ts";

export const USERS = [
  { id: "U_ANA", name: "ana", real_name: "Ana Lima", display_name: "Ana", tz: "Europe/Lisbon", is_admin: true },
  { id: "U_BEN", name: "ben", real_name: "Ben Okafor", tz: "America/New_York" },
  { id: "U_CHO", name: "cho", real_name: "Cho Min-jun", display_name: "cho", tz: "Asia/Seoul", is_owner: true },
];

export const CHANNELS = [
  { id: "C_LABELS", name: "labels" },
  { id: "C_PRIVATE", name: "leads-only", is_private: true, members: ["U_ANA"] },
];

export async function standin(opts: StandinOptions = {}): Promise<Standin> {
  return startStandin({ users: USERS, channels: CHANNELS, ...opts });
}

/** A bare Bolt app over HTTP against the stand-in; `register` adds its listeners. */
export async function httpApp(
  slack: Standin,
  register: (app: App) => void,
  extra: Partial<AppOptions> = {},
): Promise<{ app: App; url: string; stop: () => Promise<void> }> {
  const app = new App({
    ...slack.boltOptions(),
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
    ...extra,
  });
  register(app);
  const server = (await app.start(0)) as Server;
  // Bolt calls auth.test from its constructor without awaiting it; let it land before the test runs.
  await slack.waitFor("auth.test");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  slack.setRequestUrl(url);
  return { app, url, stop: () => app.stop() as Promise<void> };
}

/** A bare Bolt app in Socket Mode against the stand-in. */
export async function socketApp(
  slack: Standin,
  register: (app: App) => void,
): Promise<{ app: App; stop: () => Promise<void> }> {
  const app = new App({
    ...slack.boltOptions({ socketMode: true }),
    logLevel: LogLevel.ERROR,
  });
  register(app);
  await app.start();
  await slack.waitFor("auth.test");
  return { app, stop: () => app.stop() as Promise<void> };
}
