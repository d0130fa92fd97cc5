/**
 * Token bucket on bytes for metered links: `take(n)` says how long to wait before sending n bytes.
 * Time comes from the injected clock, so tests control it.
 */
export class ByteRateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly burstBytes: number,
    private readonly now: () => number,
  ) {
    this.tokens = burstBytes;
    this.lastMs = now();
  }

  /** Reserves n bytes; returns the milliseconds to wait before sending them (0 = now). */
  take(bytes: number): number {
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.bytesPerSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.lastMs);
    this.lastMs = now;
    this.tokens = Math.min(this.burstBytes, this.tokens + (elapsed / 1000) * this.bytesPerSecond);
  }
}
