/**
 * At most `limit` acknowledged requests worked on at once; the others wait
 * their turn. Under a burst, every request is acked at once and its work
 * queues here instead of flooding the event loop, so later acks (Slack's
 * 3 s) never wait behind hundreds of half-done commands. The embedded
 * database serves one statement at a time anyway, so this costs no
 * throughput.
 */
export class WorkQueue {
  private readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Requests waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }
}
