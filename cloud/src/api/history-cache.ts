import type { HistoryAnswer } from './queries/history.js';

/**
 * History answers kept in process memory for a few seconds, keyed by farm, sensor, resolution and
 * the bucket-aligned range, so every viewer of a chart (and every refresh within one bucket, as a
 * dashboard asking "the last 24 h up to now" does) shares one query. Authorisation is not cached:
 * the route checks the caller before it asks here. A reading that lands after an answer was
 * computed shows up at most `ttlMs` later. Concurrent misses of one key share one query; a failed
 * query is not kept.
 */
export class HistoryCache {
  private readonly entries = new Map<string, { expires: number; answer: Promise<HistoryAnswer> }>();

  constructor(private readonly options: { ttlMs: number; maxEntries?: number; clock?: () => number }) {}

  get(key: string, load: () => Promise<HistoryAnswer>): Promise<HistoryAnswer> {
    if (this.options.ttlMs <= 0) return load();
    const now = (this.options.clock ?? Date.now)();
    const held = this.entries.get(key);
    if (held && held.expires > now) return held.answer;
    if (held) this.entries.delete(key);
    if (this.entries.size >= (this.options.maxEntries ?? 5_000)) this.evictExpired(now);
    const answer = load();
    const entry = { expires: now + this.options.ttlMs, answer };
    this.entries.set(key, entry);
    answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return answer;
  }

  /** Drops expired entries; if every entry is still fresh, the oldest (insertion order) goes. */
  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    if (this.entries.size >= (this.options.maxEntries ?? 5_000)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
