/**
 * The loop every sender of the outbox runs: on start, give back the rows of
 * dead senders of this machine; then drain (deliver what is due, batch after
 * batch) and sleep until the next row falls due, or `pollMs` at most; wake at
 * once when kicked. A drain asked for while one runs joins it and makes it
 * look again. Stopping lets the drain under way finish within a grace period
 * and gives back the rows this sender still holds.
 */
import type { Logger } from "pino";
import type { Outbox, OutboxSender } from "../core/outbox.ts";
import { deadOnThisMachine } from "../platform/process.ts";

export interface PollingLoop {
  /** which of the outbox's senders this is */
  sender: OutboxSender;
  /** "the outbox sender", as logs name it */
  name: string;
  outbox: Outbox;
  logger: Logger;
  clock: () => Date;
  pollMs: number;
}

export abstract class PollingSender<R> {
  /** this sender's name on the rows it holds (its process and a random part) */
  abstract readonly owner: string;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private draining: Promise<R> | null = null;
  private again = false;

  private readonly loop: PollingLoop;

  protected constructor(loop: PollingLoop) {
    this.loop = loop;
  }

  /** One pass of a drain: deliver what is due now, adding what happened to `total`. */
  protected abstract pass(total: R): Promise<void>;
  /** What a drain that did nothing returns. */
  protected abstract nothing(): R;
  /** The delay before the next look, given the one the outbox suggests (e.g. longer while rate-limited). */
  protected nextDelay(delayMs: number): number {
    return delayMs;
  }

  protected get isRunning(): boolean {
    return this.running;
  }

  /** Something became due during this drain (a row turned into another): the drain looks again before it ends. */
  protected lookAgain(): void {
    this.again = true;
  }

  /** Starts delivering in the background: now, then whenever rows fall due. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.recoverDeadSenders()
      .catch((e: unknown) =>
        this.loop.logger.warn({ err: e }, `${this.loop.name} could not look for rows of dead senders`),
      )
      .finally(() => this.wake(0));
  }

  /** Something was just written for this sender: look at once. */
  kick(): void {
    if (this.running) this.wake(0);
  }

  private wake(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.drain();
    } catch (e) {
      this.loop.logger.error({ err: e }, `${this.loop.name} failed; trying again shortly`);
    }
    if (!this.running) return;
    let delay = this.loop.pollMs;
    try {
      const due = await this.loop.outbox.nextDueAt(this.loop.sender);
      if (due) delay = Math.min(delay, Math.max(0, due.getTime() - this.loop.clock().getTime()));
    } catch {
      // the database is away: poll again later
    }
    this.wake(this.nextDelay(delay));
  }

  /**
   * Delivers every row due now, pass after pass, and resolves with what
   * happened. A call while a drain runs joins it (and makes it look again).
   */
  drain(): Promise<R> {
    if (this.draining !== null) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      const total = this.nothing();
      do {
        this.again = false;
        await this.pass(total);
      } while (this.again);
      return total;
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Rows held by senders of this machine whose process is gone (killed) go back to every sender, in doubt. */
  async recoverDeadSenders(): Promise<number> {
    const dead = (await this.loop.outbox.leaseHolders(this.loop.sender)).filter(deadOnThisMachine);
    return dead.length ? this.loop.outbox.releaseLeases(dead) : 0;
  }

  /**
   * Stops: no new claims; the drain under way may finish within `graceMs`;
   * then the rows this sender still holds go back to the outbox for the
   * next start (or another replica). Returns how many went back.
   */
  async stop(graceMs = 5_000): Promise<number> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.draining !== null) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        this.draining.catch(() => undefined),
        new Promise((r) => {
          timeout = setTimeout(r, graceMs);
        }),
      ]);
      clearTimeout(timeout);
    }
    return this.loop.outbox.releaseLeases(this.owner);
  }
}
