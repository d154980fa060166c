/** Token buckets: each key may make `perSecond` requests a second on average, `burst` at once. In this process. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(perSecond: number, burst: number, now: () => number = () => performance.now()) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError("a rate needs perSecond > 0 and burst ≥ 1");
    this.perSecond = perSecond;
    this.burst = burst;
    this.now = now;
  }

  /** Takes one request for `key`: 0 when it may go now, else the milliseconds until it may. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return ((1 - b.tokens) / this.perSecond) * 1000;
  }
}
