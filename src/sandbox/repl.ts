/**
 * The sandbox's terminal: a person acts as one of the demo users, types slash
 * commands as in Slack, and sees what Slack would show them — replies, DMs,
 * modals and the App Home — as text with numbered controls to press and fill.
 *
 * Works on any pair of streams: an interactive terminal (prompt, line
 * editing, messages arriving while typing) or piped text (each command is
 * echoed after a prompt so the output reads as a transcript).
 */
import { EventEmitter } from "node:events";
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  ClientValidationError,
  type Json,
  type RenderedControl,
  type RenderOptions,
  type ResponseRecord,
  renderMessage,
  renderView,
  type StoredMessage,
  type ViewEntry,
  type ViewRecord,
} from "@rangekeeper/slack-standin";
import { dateIn, resolveDueDate } from "../core/dates.ts";
import { roleName } from "../core/roles.ts";
import type { Role } from "../core/types.ts";
import { COMMANDS } from "../slack/listeners/commands/index.ts";
import { seedDemo } from "./demo.ts";
import {
  DEFAULT_USER,
  DEMO_USERS,
  type DemoUser,
  demoUserById,
  escapeMentions,
  findDemoUser,
  LABELS_CHANNEL,
} from "./users.ts";
import type { SandboxWorld } from "./world.ts";

export interface ReplOptions {
  world: SandboxWorld;
  input: Readable;
  output: Writable;
  /** Line editing, a live prompt and redrawing around arriving messages (default: both streams are terminals). */
  terminal?: boolean;
  /** ANSI colours (default: an interactive terminal without NO_COLOR). */
  color?: boolean;
  /** Who the person starts as (a user id; default Ana). */
  startAs?: string;
  /** How long to wait after the last change before showing messages that arrive on their own (ms). */
  arrivalDelayMs?: number;
}

type Surface = { kind: "message"; channel: string; ts: string } | { kind: "modal"; viewId: string } | { kind: "home" };

interface Numbered {
  control: RenderedControl;
  surface: Surface;
  /** the Block Kit element behind the control (for confirmation dialogs) */
  element: Json | undefined;
}

type Arrival =
  | { type: "message"; message: StoredMessage; change: "posted" | "updated" | "deleted" }
  | { type: "view"; entry: ViewEntry; change: string }
  | { type: "refused"; record: ResponseRecord };

interface FlushOptions {
  /** start numbering again at 1 (a new screen) */
  fresh: boolean;
  /** show my App Home when the app (re)published it */
  home?: boolean;
  /** show my top modal even when nothing changed it */
  modal?: boolean;
  /** a line to print when nothing at all came back */
  quiet?: string;
}

const SANDBOX_COMMANDS: [string, string][] = [
  ["/claim cats next 10", "any rangekeeper slash command, typed as in Slack (@name and #channel work)"],
  ["as @ana", "act as someone else (as alone: who am I)"],
  ["users", "the people of this workspace and their roles"],
  ["press 2  (or just 2)", "press control [2] of the last output; menus: press 2 <option>"],
  ["fill <n|label> <value>", "type into a modal field: option label or number, YYYY-MM-DD / today / +3d, @name"],
  ["submit / close", "send or dismiss the open modal"],
  ["modal", "show the open modal again"],
  ["home", "open my App Home tab"],
  ["inbox [n]", "my last n DMs from rangekeeper (default 5)"],
  ["channel", "the last messages in #labels"],
  ["demo", 'add demo data: dataset "cats" (1,000 images), "street" (5,000 frames), roles'],
  ["help", "this list"],
  ["quit", "stop the app and leave (Ctrl-D works too)"],
];

/** Slack emoji codes the app uses, as terminal characters. */
const EMOJI: Record<string, string> = {
  white_check_mark: "✅",
  sparkles: "✨",
  raised_hand: "✋",
  raising_hand: "🙋",
  outbox_tray: "📤",
  inbox_tray: "📥",
  no_entry_sign: "🚫",
  no_entry: "⛔",
  mag: "🔍",
  leftwards_arrow_with_hook: "↩️",
  hourglass_flowing_sand: "⏳",
  hammer_and_wrench: "🛠️",
  arrow_heading_up: "⤴️",
  warning: "⚠️",
  twisted_rightwards_arrows: "🔀",
  pencil2: "✏️",
  page_facing_up: "📄",
  memo: "📝",
  incoming_envelope: "📨",
  heavy_minus_sign: "➖",
  double_vertical_bar: "⏸️",
  card_index_dividers: "🗂️",
  bust_in_silhouette: "👤",
  bar_chart: "📊",
  tada: "🎉",
  x: "❌",
  eyes: "👀",
};

const ANSI = {
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
  reset: "\x1b[0m",
};

export class SandboxRepl extends EventEmitter<{ handled: [string]; exit: [] }> {
  private readonly world: SandboxWorld;
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly terminal: boolean;
  private readonly color: boolean;
  private readonly arrivalDelayMs: number;
  private me: DemoUser;
  private controls = new Map<number, Numbered>();
  private nextIndex = 1;
  private arrivals: Arrival[] = [];
  private acting = false;
  private arrivalTimer: NodeJS.Timeout | undefined;
  private confirming: { yes: string; run: () => Promise<void> } | undefined;
  private rl: Interface | undefined;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void)[] = [];
  private ended = false;
  private exited: Promise<void>;
  private resolveExit!: () => void;

  constructor(o: ReplOptions) {
    super();
    this.world = o.world;
    this.input = o.input;
    this.output = o.output;
    const tty = (s: Readable | Writable) => Boolean((s as { isTTY?: boolean }).isTTY);
    this.terminal = o.terminal ?? (tty(o.input) && tty(o.output));
    this.color = o.color ?? (this.terminal && !process.env.NO_COLOR);
    this.arrivalDelayMs = o.arrivalDelayMs ?? 60;
    this.me = demoUserById(o.startAs ?? DEFAULT_USER) ?? DEMO_USERS[0]!;
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts reading commands; resolves when the person quits or the input ends. */
  start(): Promise<void> {
    const slack = this.world.slack;
    this.unsubscribe.push(
      slack.on("message", (message, change) => this.arrive({ type: "message", message, change })),
      slack.on("view", (entry, change) => this.arrive({ type: "view", entry, change })),
      slack.on("response", (record) => {
        if (record.error) this.arrive({ type: "refused", record });
      }),
    );
    const rl = createInterface({
      input: this.input,
      output: this.terminal ? this.output : undefined,
      terminal: this.terminal,
    });
    this.rl = rl;
    rl.setPrompt(this.promptText());
    rl.on("line", (line) => {
      this.queue = this.queue.then(() => this.handleLine(line));
    });
    rl.on("close", () => {
      this.queue = this.queue.then(() => this.finish());
    });
    rl.on("SIGINT", () => rl.close());
    if (this.terminal) rl.prompt();
    return this.exited;
  }

  /** Prints the welcome text: what this is and the few things to try first. */
  banner(o: { storage: string; readyMs?: number }): void {
    const b = (s: string) => this.paint(s, "bold");
    const lines = [
      `${b("rangekeeper sandbox")} — the real bot against a local Slack stand-in; no workspace needed.`,
      `Database: ${o.storage}.${o.readyMs !== undefined ? ` Ready in ${(o.readyMs / 1000).toFixed(1)} s.` : ""}`,
      `You are ${b(`@${this.me.name}`)}. Try:`,
      `  1. ${b("demo")}                 add dataset "cats" (1,000 images) and the team's roles`,
      `  2. ${b("/claim cats next 10")}  claim the next 10 free images, then ${b("press 1")} to Start`,
      `  3. ${b("/progress A1 5")}       report progress; ${b("/progress A1 done")} sends it to review`,
      `  4. ${b("as @lee")}, then ${b("home")}   the lead's App Home: team load and handoffs to approve`,
      `${b("help")} lists the sandbox commands; ${b("quit")} leaves.`,
    ];
    this.print(lines.join("\n"));
  }

  private async finish(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // Let work in progress land so that nothing printed is lost, then stop listening.
    await this.world.settle().catch(() => undefined);
    this.flush({ fresh: false });
    clearTimeout(this.arrivalTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    this.rl?.close();
    this.emit("exit");
    this.resolveExit();
  }

  // ------------------------------------------------------------------ output

  private promptText(): string {
    return `${this.paint(`@${this.me.name}`, "cyan")} › `;
  }

  private paint(text: string, ...styles: (keyof typeof ANSI)[]): string {
    if (!this.color) return text;
    return `${styles.map((s) => ANSI[s]).join("")}${text}${ANSI.reset}`;
  }

  private write(text: string): void {
    this.output.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Output in reply to a command (no prompt is showing). */
  private print(text: string): void {
    this.write(text);
  }

  private fail(text: string): void {
    this.print(this.paint(`✗ ${text}`, "red"));
  }

  /** A one-line note from outside the conversation (e.g. an error the app logged). */
  notice(text: string): void {
    this.printArrival(this.paint(text, "yellow"));
  }

  /** Output that arrives on its own: in a terminal, drawn above the prompt and what is being typed. */
  private printArrival(text: string): void {
    if (this.terminal && this.rl && !this.acting) {
      clearLine(this.output, 0);
      cursorTo(this.output, 0);
      this.write(text);
      this.rl.prompt(true);
    } else {
      this.write(text);
    }
  }

  private slackText(text: string): string {
    // Slack's emoji codes as characters, *bold* in bold (plain without colours), _italic_ without its marks.
    const bold = (inner: string) => (this.color ? `${ANSI.bold}${inner}${ANSI.reset}` : inner);
    return text
      .replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all)
      .replace(
        /(^|[\s(>])\*([^*\n]+)\*(?=[\s).,:;!?·]|$)/gm,
        (_m, pre: string, inner: string) => `${pre}${bold(inner)}`,
      )
      .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?·]|$)/gm, (_m, pre: string, inner: string) => `${pre}${inner}`);
  }

  private renderOptions(firstIndex: number): RenderOptions {
    return {
      userName: (id) => demoUserById(id)?.name ?? this.world.slack.workspace.displayName(id),
      channelName: (id) =>
        id === LABELS_CHANNEL.id ? LABELS_CHANNEL.name : this.world.slack.renderOptions().channelName?.(id),
      firstIndex,
    };
  }

  private heading(text: string): string {
    return this.paint(`── ${text} ──`, "dim");
  }

  /** Renders a message or view, numbering its controls after those already on screen. */
  private show(
    title: string | null,
    surface: Surface,
    what: { message?: StoredMessage; view?: ViewRecord },
    extra?: (lines: string[], controls: RenderedControl[]) => void,
  ): string {
    const opts = this.renderOptions(this.nextIndex);
    const r = what.view ? renderView(what.view, opts) : renderMessage(what.message!, opts);
    const blocks = (what.view?.blocks ?? what.message?.blocks ?? []) as Json[];
    for (const c of r.controls) this.controls.set(c.index, { control: c, surface, element: findElement(blocks, c) });
    if (r.controls.length) this.nextIndex = r.controls[r.controls.length - 1]!.index + 1;
    const lines = [...r.lines];
    extra?.(lines, r.controls);
    const body = this.slackText(lines.join("\n"));
    return title ? `${this.heading(title)}\n${body}` : body;
  }

  private resetScreen(): void {
    this.controls.clear();
    this.nextIndex = 1;
  }

  // ------------------------------------------------------------------ what arrives

  private arrive(a: Arrival): void {
    this.arrivals.push(a);
    this.scheduleArrivals();
  }

  /** Shows what arrived on its own once things are quiet (while a command runs, it waits for the command). */
  private scheduleArrivals(): void {
    if (this.acting || this.ended) return;
    clearTimeout(this.arrivalTimer);
    this.arrivalTimer = setTimeout(() => {
      if (!this.acting) this.flush({ fresh: false }, true);
    }, this.arrivalDelayMs);
  }

  private isMine(m: StoredMessage): boolean {
    if (m.via === "user") return false;
    if (m.ephemeralTo) return m.ephemeralTo === this.me.id;
    const c = this.world.slack.workspace.channels.get(m.channel);
    if (c?.is_im) return c.user === this.me.id;
    return this.world.slack.workspace.isMember(m.channel, this.me.id);
  }

  private dmOwner(m: StoredMessage): string | undefined {
    if (m.ephemeralTo || m.via === "user") return undefined;
    const c = this.world.slack.workspace.channels.get(m.channel);
    return c?.is_im ? c.user : undefined;
  }

  private messageTitle(m: StoredMessage, change: string): string {
    const updated = change === "updated" ? " (updated)" : "";
    if (m.ephemeralTo) {
      const where = this.world.slack.workspace.channels.get(m.channel)?.is_im
        ? "in your DM with rangekeeper"
        : `#${this.channelName(m.channel)}`;
      return `only visible to you · ${where}${updated}`;
    }
    if (this.dmOwner(m)) return `DM from rangekeeper${updated}`;
    return `#${this.channelName(m.channel)}${updated}`;
  }

  private channelName(id: string): string {
    return this.renderOptions(1).channelName?.(id) ?? id;
  }

  /**
   * Shows what arrived for me since the last flush: messages (each once, as it
   * is now), my modal, my App Home when asked, and a note about DMs to others.
   */
  private flush(o: FlushOptions, arriving = false): boolean {
    const arrivals = this.arrivals.splice(0);
    const me = this.me.id;
    const messages = new Map<string, { message: StoredMessage; first: string; last: string }>();
    const others = new Set<string>();
    let modalChanged = false;
    let homePublished = false;
    const notes: string[] = [];
    for (const a of arrivals) {
      if (a.type === "message") {
        const key = `${a.message.channel}/${a.message.ts}`;
        if (this.isMine(a.message)) {
          const seen = messages.get(key);
          if (seen) seen.last = a.change;
          else messages.set(key, { message: a.message, first: a.change, last: a.change });
        } else {
          const owner = this.dmOwner(a.message);
          if (owner && a.change === "posted") others.add(owner);
        }
      } else if (a.type === "view") {
        if (a.entry.user !== me) continue;
        if (a.entry.view.type === "home") homePublished = true;
        else modalChanged = true;
      } else {
        notes.push(
          `Slack refused a message from the app (${a.record.error}${a.record.problems?.length ? `: ${a.record.problems.join("; ")}` : ""}).`,
        );
      }
    }
    const parts: string[] = [];
    const begin = () => {
      if (o.fresh && parts.length === 0) this.resetScreen();
    };
    for (const { message, first, last } of messages.values()) {
      if (last === "deleted") {
        parts.push(this.paint("(a message was deleted)", "dim"));
        continue;
      }
      begin();
      parts.push(
        this.show(
          this.messageTitle(message, first === "posted" ? "posted" : last),
          { kind: "message", channel: message.channel, ts: message.ts },
          { message },
        ),
      );
    }
    const modal = this.world.slack.modal(me);
    if ((modalChanged || o.modal) && modal) {
      begin();
      parts.push(this.show(null, { kind: "modal", viewId: modal.id }, { view: modal }));
    } else if (modalChanged && !modal) {
      parts.push(this.paint("(the modal closed)", "dim"));
    }
    const home = this.world.slack.home(me);
    if (o.home && home && (homePublished || !modalChanged)) {
      begin();
      parts.push(this.show(null, { kind: "home" }, { view: home }));
    }
    if (others.size) {
      const names = [...others].map((id) => `@${demoUserById(id)?.name ?? id}`);
      const first = names[0]!;
      parts.push(this.paint(`✉ new DM for ${names.join(", ")} — type "as ${first}" then "inbox" to read it`, "yellow"));
    }
    for (const n of notes) parts.push(this.paint(`⚠ ${n}`, "yellow"));
    if (parts.length === 0) {
      if (o.quiet) this.print(this.paint(o.quiet, "dim"));
      return false;
    }
    const text = parts.join("\n\n");
    if (arriving) this.printArrival(text);
    else this.print(text);
    return true;
  }

  // ------------------------------------------------------------------ commands

  private async handleLine(raw: string): Promise<void> {
    const line = raw.trim();
    if (!this.terminal && !this.ended) this.write(`${this.promptText()}${line}`);
    if (this.ended) return;
    this.acting = true;
    clearTimeout(this.arrivalTimer);
    // Whatever arrived while the person was typing is shown first.
    this.flush({ fresh: false });
    let keepGoing = true;
    try {
      keepGoing = await this.dispatch(line);
    } catch (e) {
      this.fail(e instanceof Error ? e.message.split("\n")[0]! : String(e));
    } finally {
      this.acting = false;
    }
    this.emit("handled", line);
    if (!keepGoing) {
      await this.finish();
      return;
    }
    if (this.arrivals.length) this.scheduleArrivals();
    if (this.terminal && this.rl) {
      this.rl.setPrompt(this.promptText());
      this.rl.prompt();
    }
  }

  /** Runs one line; false means leave. */
  private async dispatch(line: string): Promise<boolean> {
    if (this.confirming) {
      const c = this.confirming;
      this.confirming = undefined;
      if (/^(y|yes)$/i.test(line)) await c.run();
      else this.print("Kept as it was.");
      return true;
    }
    if (line === "" || line.startsWith("# ") || line === "#") return true;
    if (line.startsWith("/")) {
      await this.slashCommand(line);
      return true;
    }
    const [word = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (/^\d+$/.test(word)) {
      await this.press(Number(word), args);
      return true;
    }
    switch (word.toLowerCase()) {
      case "quit":
      case "exit":
      case "q":
        return false;
      case "help":
      case "?":
        this.help();
        return true;
      case "as":
        await this.switchUser(args);
        return true;
      case "users":
      case "who":
        await this.listUsers();
        return true;
      case "press":
      case "click":
      case "p": {
        const [n = "", ...value] = rest;
        if (!/^\d+$/.test(n)) {
          this.fail(`press takes the number shown in brackets, e.g. "press 2"${n ? `, not "${n}"` : ""}.`);
          return true;
        }
        await this.press(Number(n), value.join(" "));
        return true;
      }
      case "fill":
      case "set":
        await this.fill(rest);
        return true;
      case "submit":
        await this.submit();
        return true;
      case "close":
      case "cancel":
        await this.closeModal();
        return true;
      case "modal":
        this.showModal();
        return true;
      case "home":
        await this.home();
        return true;
      case "inbox":
      case "dms":
        this.inbox(args);
        return true;
      case "channel":
        this.channel(args);
        return true;
      case "demo":
        await this.demo();
        return true;
      default:
        this.fail(
          `Unknown command "${word}". Type "help" for the sandbox commands, or a slash command like /claim cats next 10.`,
        );
        return true;
    }
  }

  private help(): void {
    const width = Math.max(...SANDBOX_COMMANDS.map(([c]) => c.length));
    const lines = SANDBOX_COMMANDS.map(([c, d]) => `  ${this.paint(c.padEnd(width), "bold")}  ${d}`);
    const slash = Object.keys(COMMANDS).join(" ");
    this.print(
      ["Sandbox commands:", ...lines, `rangekeeper's slash commands: ${slash} (/ledger help explains them).`].join(
        "\n",
      ),
    );
  }

  private async roleOf(u: DemoUser): Promise<Role> {
    return this.world.ledger.effectiveRole({
      teamId: this.world.teamId,
      userId: u.id,
      workspaceAdmin: Boolean(u.is_admin || u.is_owner),
    });
  }

  private async switchUser(args: string): Promise<void> {
    const ref = args.trim();
    if (!ref) {
      this.print(`You are @${this.me.name} (${this.me.real_name}), ${roleName(await this.roleOf(this.me))}.`);
      return;
    }
    if (ref.split(/\s+/).length > 1) {
      this.fail(`"as" takes one person, e.g. "as @bob".`);
      return;
    }
    const u = findDemoUser(ref);
    if (!u) {
      this.fail(
        `There is nobody called ${ref.startsWith("@") ? ref : `@${ref}`} here; people: ${DEMO_USERS.map((d) => `@${d.name}`).join(", ")} (see "users").`,
      );
      return;
    }
    this.me = u;
    this.confirming = undefined;
    this.resetScreen();
    const dms = this.world.slack.messages(this.world.slack.dmChannel(u.id)).filter((m) => m.via !== "user").length;
    const inbox = dms ? ` ${dms} DM${dms === 1 ? "" : "s"} from rangekeeper — type "inbox".` : "";
    this.print(`You are now @${u.name} (${u.real_name}), ${roleName(await this.roleOf(u))}.${inbox}`);
  }

  private async listUsers(): Promise<void> {
    const rows = await Promise.all(
      DEMO_USERS.map(async (u) => {
        const role = roleName(await this.roleOf(u));
        const alias = u.alias ? ` (also @${u.alias})` : "";
        const me = u.id === this.me.id ? "  ← you" : "";
        return `  @${u.name.padEnd(5)} ${(u.real_name ?? "").padEnd(14)} ${role.padEnd(9)} ${u.tz ?? ""}${alias}${me}`;
      }),
    );
    this.print(['People of this workspace (switch with "as @name"):', ...rows].join("\n"));
  }

  private async slashCommand(line: string): Promise<void> {
    const m = /^(\/\S+)\s*([\s\S]*)$/.exec(line)!;
    const name = m[1]!.toLowerCase();
    if (!Object.hasOwn(COMMANDS, name)) {
      this.fail(`Unknown command ${name}; rangekeeper's commands are ${Object.keys(COMMANDS).join(", ")}.`);
      return;
    }
    const user = this.world.slack.as(this.me.id);
    const res = await user.command(name, escapeMentions(m[2]!.trim()));
    await this.world.settle();
    if (res.status !== 200)
      this.fail(`The app answered ${name} with HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ""}.`);
    if (res.late)
      this.print(
        this.paint(`(the app took ${res.ms} ms to acknowledge; Slack gives up after 3 s and shows an error)`, "yellow"),
      );
    this.flush({ fresh: true, quiet: "(no reply)" });
  }

  // ------------------------------------------------------------------ controls

  private describeRange(): string {
    const numbers = [...this.controls.keys()];
    if (numbers.length === 0) return "nothing on screen has controls";
    return `the controls on screen are [${Math.min(...numbers)}]–[${Math.max(...numbers)}]`;
  }

  private lookup(n: number): Numbered | undefined {
    const hit = this.controls.get(n);
    if (!hit) {
      this.fail(`There is no [${n}] on screen; ${this.describeRange()}.`);
      return undefined;
    }
    if (hit.surface.kind === "modal" && this.world.slack.modal(this.me.id)?.id !== hit.surface.viewId) {
      this.fail(`[${n}] belongs to a modal that is no longer open.`);
      return undefined;
    }
    return hit;
  }

  private async press(n: number, value: string): Promise<void> {
    const hit = this.lookup(n);
    if (!hit) return;
    const c = hit.control;
    if (c.inInput) {
      if (value) {
        await this.enter(hit, value);
        return;
      }
      const choices = c.options?.length ? ` (${c.options.map((o) => o.text).join(" | ")})` : "";
      this.fail(`[${n}] ${c.label} is a form field: type "fill ${n} <value>"${choices}.`);
      return;
    }
    if (["button", "icon_button", "workflow_button"].includes(c.elementType)) {
      const confirm = hit.element?.confirm as Json | undefined;
      if (confirm) {
        const t = (k: string) => String(((confirm[k] as Json | undefined)?.text as string | undefined) ?? "");
        const yes = t("confirm") || "Yes";
        this.confirming = { yes, run: () => this.click(hit) };
        const title = t("title");
        this.print(
          this.paint(
            `⚠ ${title ? `${title} ` : ""}${this.slackText(t("text"))} — type "y" to ${yes}, anything else to ${t("deny") || "cancel"}.`,
            "yellow",
          ),
        );
        return;
      }
      await this.click(hit);
      return;
    }
    // menus, overflows and date pickers outside forms act at once
    if (!value) {
      const choices = c.options?.length ? `: ${c.options.map((o) => o.text).join(" | ")}` : "";
      this.fail(
        `[${n}] is a menu; say what to pick, e.g. "press ${n} ${c.options?.[0]?.text ?? "<value>"}"${choices}.`,
      );
      return;
    }
    const user = this.world.slack.as(this.me.id);
    const picked = this.convert(c, value);
    await user.select(c.actionId, picked, { ...this.where(hit.surface), blockId: c.blockId });
    await this.world.settle();
    this.flush({ fresh: true, home: hit.surface.kind === "home", quiet: "(nothing changed)" });
  }

  private where(s: Surface): { messageTs?: string; channel?: string; viewId?: string; home?: boolean } {
    if (s.kind === "message") return { messageTs: s.ts, channel: s.channel };
    if (s.kind === "modal") return { viewId: s.viewId };
    return { home: true };
  }

  private async click(hit: Numbered): Promise<void> {
    const c = hit.control;
    if (c.url) this.print(this.paint(`(Slack would open ${c.url} in the browser)`, "dim"));
    const user = this.world.slack.as(this.me.id);
    let res;
    try {
      res = await user.click(c.actionId, {
        ...this.where(hit.surface),
        blockId: c.blockId,
        ...(c.value !== undefined ? { value: c.value } : {}),
      });
    } catch (e) {
      this.fail(`The ${c.label} button is not there any more (${e instanceof Error ? e.message : String(e)}).`);
      return;
    }
    await this.world.settle();
    if (res.status !== 200) this.fail(`The app answered the ${c.label} button with HTTP ${res.status}.`);
    this.flush({ fresh: true, home: hit.surface.kind === "home", quiet: "(nothing changed)" });
  }

  // ------------------------------------------------------------------ modals

  private topModal(): ViewRecord | undefined {
    const v = this.world.slack.modal(this.me.id);
    if (!v) this.fail("No modal is open. Commands without arguments open one, e.g. /claim or /progress.");
    return v;
  }

  private showModal(): void {
    const v = this.topModal();
    if (!v) return;
    this.resetScreen();
    this.print(this.show(null, { kind: "modal", viewId: v.id }, { view: v }));
  }

  /** The inputs of a modal, numbered as a fresh rendering would number them. */
  private inputsOf(view: ViewRecord): RenderedControl[] {
    return renderView(view, this.renderOptions(1)).controls.filter((c) => c.inInput);
  }

  private async fill(words: string[]): Promise<void> {
    const view = this.topModal();
    if (!view) return;
    if (words.length === 0) {
      this.fail('fill takes a field and a value, e.g. "fill 2 1-10" or "fill due 2030-01-31".');
      return;
    }
    let hit: Numbered | undefined;
    let valueWords: string[];
    if (/^\d+$/.test(words[0]!)) {
      const n = Number(words[0]);
      const found = this.controls.get(n);
      if (found?.surface.kind !== "modal" || found.surface.viewId !== view.id) {
        this.fail(`There is no field [${n}] in the modal on screen; type "modal" to show it again.`);
        return;
      }
      if (!found.control.inInput) {
        this.fail(`[${n}] is not a field you can fill; press it instead.`);
        return;
      }
      hit = found;
      valueWords = words.slice(1);
    } else {
      const inputs = this.inputsOf(view);
      const clean = (s: string) =>
        s
          .toLowerCase()
          .replace(/\s*\(optional\)$/, "")
          .trim();
      let match: RenderedControl | undefined;
      let used = 0;
      for (let k = words.length; k >= 1 && !match; k--) {
        const key = words.slice(0, k).join(" ").toLowerCase();
        match = inputs.find((c) => clean(c.label) === key || c.blockId.toLowerCase() === key);
        if (match) used = k;
      }
      if (!match) {
        const first = words[0]!.toLowerCase();
        const prefixed = inputs.filter((c) => clean(c.label).startsWith(first));
        if (prefixed.length === 1) {
          match = prefixed[0];
          used = 1;
        }
      }
      if (!match) {
        this.fail(`No field "${words[0]}" in this modal; fields: ${inputs.map((c) => c.label).join(", ")}.`);
        return;
      }
      hit = { control: match, surface: { kind: "modal", viewId: view.id }, element: undefined };
      valueWords = words.slice(used);
    }
    await this.enter(hit, valueWords.join(" "));
  }

  /** Enters a value into a modal field; fields that tell the app right away (a dataset menu) update the modal. */
  private async enter(hit: Numbered, raw: string): Promise<void> {
    const c = hit.control;
    const viewId = (hit.surface as { viewId: string }).viewId;
    const user = this.world.slack.as(this.me.id);
    const value = this.convert(c, raw);
    if (c.dispatches) {
      await user.select(c.actionId, value, { viewId, blockId: c.blockId });
      await this.world.settle();
      this.flush({ fresh: true, modal: true });
      return;
    }
    user.fill(viewId, { [`${c.blockId}/${c.actionId}`]: value });
    this.print(`  ${c.label}: ${this.shownValue(c, value)}`);
  }

  private shownValue(c: RenderedControl, v: string | string[] | boolean | null): string {
    if (v === null || (Array.isArray(v) && v.length === 0)) return "(empty)";
    const one = (x: string) => {
      const o = c.options?.find((opt) => opt.value === x);
      if (o) return o.text;
      const u = demoUserById(x);
      return u ? `@${u.name}` : x;
    };
    if (typeof v === "boolean") return v ? "yes" : "no";
    return Array.isArray(v) ? v.map(one).join(", ") : one(v);
  }

  /** What the person typed, as the stand-in takes it for that kind of element. */
  private convert(c: RenderedControl, raw: string): string | string[] | boolean | null {
    const text = raw.trim();
    const empty = text === "" || /^(none|clear|-)$/i.test(text);
    const pick = (t: string): string => {
      const opts = c.options ?? [];
      const lower = t.toLowerCase();
      const hit =
        opts.find((o) => o.text.toLowerCase() === lower) ??
        opts.find((o) => o.value.toLowerCase() === lower) ??
        (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= opts.length ? opts[Number(t) - 1] : undefined);
      if (hit) return hit.value;
      const starts = opts.filter(
        (o) => o.text.toLowerCase().startsWith(lower) || o.value.toLowerCase().startsWith(lower),
      );
      if (starts.length === 1) return starts[0]!.value;
      const list = opts.map((o, i) => `${i + 1}. ${o.text}`).join(" | ");
      throw new Error(
        starts.length > 1
          ? `"${t}" fits several options of ${c.label}: ${list}`
          : `"${t}" is not an option of ${c.label}: ${list}`,
      );
    };
    const user = (t: string): string => {
      const u = findDemoUser(t);
      if (!u)
        throw new Error(
          `There is nobody called ${t.startsWith("@") ? t : `@${t}`}; people: ${DEMO_USERS.map((d) => `@${d.name}`).join(", ")}.`,
        );
      return u.id;
    };
    const many = (t: string) => t.split(/\s*,\s*|\s+(?=[@#])/).filter(Boolean);
    switch (c.elementType) {
      case "static_select":
      case "radio_buttons":
      case "overflow":
        return empty ? null : pick(text);
      case "multi_static_select":
        return empty ? [] : many(text).map(pick);
      case "checkboxes":
        if (empty || /^(no|off|false)$/i.test(text)) return [];
        if (/^(yes|on|true|x)$/i.test(text) && (c.options?.length ?? 0) === 1) return [c.options![0]!.value];
        return many(text).map(pick);
      case "users_select":
        return empty ? null : user(text);
      case "multi_users_select":
        return empty ? [] : many(text).map(user);
      case "conversations_select":
      case "channels_select":
        return empty ? null : text.startsWith("#") || /^[CGD][A-Z0-9]+$/.test(text) ? text : `#${text}`;
      case "multi_conversations_select":
      case "multi_channels_select":
        return empty ? [] : many(text).map((t) => (t.startsWith("#") ? t : `#${t}`));
      case "datepicker":
        return empty ? null : dateFrom(text, this.me.tz ?? "UTC");
      default:
        return empty ? null : text;
    }
  }

  private async submit(): Promise<void> {
    const view = this.topModal();
    if (!view) return;
    const user = this.world.slack.as(this.me.id);
    const inputs = this.inputsOf(view);
    const label = (blockId: string) => inputs.find((c) => c.blockId === blockId)?.label ?? blockId;
    let res;
    try {
      res = await user.submit(view.id);
    } catch (e) {
      if (e instanceof ClientValidationError) {
        const list = Object.entries(e.errors).map(([b, msg]) => `  ${label(b)}: ${msg}`);
        this.print([this.paint("✗ Slack won't send this form yet:", "red"), ...list].join("\n"));
        return;
      }
      throw e;
    }
    await this.world.settle();
    for (const p of res.problems) this.print(this.paint(`⚠ Slack would show an error: ${p}`, "yellow"));
    if (res.errors && Object.keys(res.errors).length) {
      const errors = res.errors;
      // show the same modal again with each error under its field, as Slack does
      this.arrivals = this.arrivals.filter((a) => !(a.type === "view" && a.entry.view.id === view.id));
      this.resetScreen();
      this.flush({ fresh: false });
      const current = this.world.slack.modal(this.me.id) ?? view;
      this.print(
        this.show(null, { kind: "modal", viewId: current.id }, { view: current }, (lines, controls) => {
          for (const [blockId, message] of Object.entries(errors)) {
            const ctl = controls.find((x) => x.blockId === blockId);
            const at = ctl ? lines.findIndex((l) => l.startsWith(`[${ctl.index}] `)) : -1;
            const note = this.paint(`    ⚠ ${message}`, "red");
            if (at >= 0) lines.splice(at + 1, 0, note);
            else lines.push(note);
          }
        }),
      );
      return;
    }
    const shown = this.flush({ fresh: true });
    if (!shown) this.print(this.paint(res.closed ? "(sent; the modal closed)" : "(sent)", "dim"));
  }

  private async closeModal(): Promise<void> {
    const view = this.topModal();
    if (!view) return;
    await this.world.slack.as(this.me.id).closeView(view.id);
    await this.world.settle();
    this.flush({ fresh: true, quiet: "(the modal closed)" });
  }

  // ------------------------------------------------------------------ home, inbox, channel

  private async home(): Promise<void> {
    const user = this.world.slack.as(this.me.id);
    const res = await user.openHome();
    await this.world.settle();
    if (res.status !== 200) this.fail(`The app answered the app_home_opened event with HTTP ${res.status}.`);
    const home = this.world.slack.home(this.me.id);
    // the home view itself is shown below; drop its own "published" note from the arrivals
    this.arrivals = this.arrivals.filter(
      (a) => !(a.type === "view" && a.entry.view.type === "home" && a.entry.user === this.me.id),
    );
    this.resetScreen();
    this.flush({ fresh: false });
    if (!home) {
      this.fail("The app did not publish a Home tab for you.");
      return;
    }
    this.print(this.show(null, { kind: "home" }, { view: home }));
  }

  private inbox(args: string): void {
    const n = args.trim() ? Number(args.trim()) : 5;
    if (!Number.isSafeInteger(n) || n < 1) {
      this.fail(`inbox takes how many DMs to show, e.g. "inbox 3".`);
      return;
    }
    const dms = this.world.slack.messages(this.world.slack.dmChannel(this.me.id)).filter((m) => m.via !== "user");
    if (dms.length === 0) {
      this.print(`No DMs from rangekeeper to @${this.me.name} yet.`);
      return;
    }
    const shown = dms.slice(-n);
    this.resetScreen();
    const older = dms.length > shown.length ? `${dms.length - shown.length} older not shown; ` : "";
    const parts = shown.map((m, i) =>
      this.show(
        `DM ${dms.length - shown.length + i + 1} of ${dms.length}${m.edited ? " (edited)" : ""}`,
        { kind: "message", channel: m.channel, ts: m.ts },
        { message: m },
      ),
    );
    this.print([...parts, this.paint(`(${older}newest last)`, "dim")].join("\n\n"));
  }

  private channel(args: string): void {
    const n = args.trim() && /^\d+$/.test(args.trim()) ? Number(args.trim()) : 5;
    const list = this.world.slack.messages(LABELS_CHANNEL.id).filter((m) => m.via !== "user");
    if (list.length === 0) {
      this.print(`Nothing was posted in #${LABELS_CHANNEL.name} yet (try /ledger status public).`);
      return;
    }
    this.resetScreen();
    const parts = list
      .slice(-n)
      .map((m) =>
        this.show(`#${LABELS_CHANNEL.name}`, { kind: "message", channel: m.channel, ts: m.ts }, { message: m }),
      );
    this.print(parts.join("\n\n"));
  }

  private async demo(): Promise<void> {
    const lines = await seedDemo(this.world);
    this.print(lines.join("\n"));
  }
}

/** The Block Kit element a rendered control stands for (by block, action id and, for buttons, value). */
function findElement(blocks: readonly Json[], c: RenderedControl): Json | undefined {
  for (const b of blocks) {
    if (String(b.block_id ?? "") !== c.blockId) continue;
    const candidates: Json[] = [];
    if (Array.isArray(b.elements)) candidates.push(...(b.elements as Json[]));
    if (b.accessory && typeof b.accessory === "object") candidates.push(b.accessory as Json);
    if (b.element && typeof b.element === "object") candidates.push(b.element as Json);
    const hit = candidates.find((e) => e.action_id === c.actionId && (c.value === undefined || e.value === c.value));
    if (hit) return hit;
  }
  return undefined;
}

/** A date typed into a form's date picker: as a due date is typed in a command (resolveDueDate), or +7 for +7d. */
export function dateFrom(text: string, tz: string, now = new Date()): string {
  const t = text.trim().toLowerCase();
  return resolveDueDate(/^\+\d+$/.test(t) ? `${t}d` : t, dateIn(tz, now));
}
