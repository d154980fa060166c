import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMANDS } from "../../src/slack/listeners/commands/index.ts";
import { EVENTS } from "../../src/slack/listeners/events/index.ts";
import { SHORTCUT_LISTENERS } from "../../src/slack/listeners/shortcuts/index.ts";

interface Manifest {
  features: {
    slash_commands: {
      command: string;
      url: string;
      description: string;
      usage_hint?: string;
      should_escape?: boolean;
    }[];
    shortcuts: { callback_id: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifest = parse(readFileSync("manifest.yml", "utf8")) as Manifest;
const schema = JSON.parse(readFileSync("test/fixtures/slack-manifest.schema.1.0.0.json", "utf8")) as Record<
  string,
  unknown
>;

/** Scopes each bot event needs (Slack's event reference). */
const EVENT_SCOPES: Record<string, string[]> = {
  app_home_opened: [],
  user_change: ["users:read"],
};

/** Scopes each Web API method the code calls needs (Slack's method reference). */
const METHOD_SCOPES: Record<string, string[]> = {
  "chat.postMessage": ["chat:write"],
  "auth.test": [],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "conversations.open": ["im:write"],
  // Reading back a DM or a channel post whose send was cut off (the outbox looks before posting twice).
  "conversations.history": ["channels:history", "groups:history", "im:history", "mpim:history"],
  "users.info": ["users:read"],
  "views.open": [],
  "views.update": [],
  "views.publish": [],
  filesUploadV2: ["files:write"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory())
      return name === "generated" || name === "standin" || name === "sandbox" ? [] : sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** Web API methods called anywhere in the app's source. */
function methodsUsed(): Set<string> {
  const used = new Set<string>();
  for (const file of sourceFiles("src")) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bclient\.([a-zA-Z0-9]+)(?:\.([a-zA-Z0-9]+))?\(/g))
      if (m[1] !== "apiCall") used.add(m[2] ? `${m[1]}.${m[2]}` : m[1]!);
    // A method called by name: client.apiCall("views.publish", …).
    for (const m of text.matchAll(/\bclient\.apiCall\(\s*"([a-zA-Z0-9.]+)"/g)) used.add(m[1]!);
  }
  return used;
}

describe("manifest.yml", () => {
  it("is a valid Slack app manifest (official JSON Schema)", () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("declares exactly the slash commands that have listeners, all on /slack/events", () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(Object.keys(COMMANDS).sort());
    for (const c of manifest.features.slash_commands) {
      expect(c.url, c.command).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
      expect(c.description.length, c.command).toBeGreaterThan(10);
      expect(c.should_escape, `${c.command} must escape mentions so @user arrives as <@U…>`).toBe(true);
    }
    expect(manifest.settings.interactivity).toMatchObject({
      is_enabled: true,
      request_url: manifest.features.slash_commands[0]!.url,
    });
    expect(manifest.settings.event_subscriptions.request_url).toBe(manifest.features.slash_commands[0]!.url);
  });

  it("subscribes to exactly the events that have listeners, with their scopes", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...EVENTS].sort());
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    for (const e of EVENTS) {
      expect(EVENT_SCOPES[e], `scopes of event ${e} are not listed in this test`).toBeDefined();
      for (const scope of EVENT_SCOPES[e]!)
        expect(manifest.oauth_config.scopes.bot, `${e} needs ${scope}`).toContain(scope);
    }
  });

  it("declares the shortcuts that have listeners", () => {
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual(
      Object.keys(SHORTCUT_LISTENERS).sort(),
    );
  });

  it("asks for every scope the code's Web API calls need, and no other", () => {
    const used = methodsUsed();
    expect(used.size).toBeGreaterThan(5);
    const needed = new Set<string>(["commands"]);
    for (const method of used) {
      expect(METHOD_SCOPES[method], `the scopes of ${method} are not listed in this test`).toBeDefined();
      for (const s of METHOD_SCOPES[method]!) needed.add(s);
    }
    for (const e of EVENTS) for (const s of EVENT_SCOPES[e] ?? []) needed.add(s);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
