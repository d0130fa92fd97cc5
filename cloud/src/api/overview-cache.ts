import type { Redis } from 'ioredis';

/** Hits and misses of the overview cache (exported as the cache_hit_ratio metric). */
export interface CacheStats {
  hits: number;
  misses: number;
}

/** What Redis holds per farm: the entry and when it stops being valid (epoch ms). */
interface Stored {
  e: number;
  v: unknown;
}

/**
 * A cache of each farm's overview entry for a few seconds: every member of a farm (and every tab
 * of one owner) shares one computation of its coops' state. Who may see which farm is never
 * cached here: the route reads the caller's memberships on every request. Two layers: process
 * memory first, then Redis when configured (shared by replicas). An entry carries the time it was
 * computed plus the TTL, and the process keeps a copy from Redis only until then, so no layer
 * serves an entry older than the TTL. Concurrent misses of one farm in one process share one
 * computation. The TTL is the only invalidation, so it stays short.
 */
export class OverviewCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly local = new Map<string, { expires: number; value: unknown }>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: { ttlMs: number; redis?: Redis; onError?: (error: unknown) => void; clock?: () => number },
  ) {}

  async getOrLoad<T>(farmId: string, load: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return load();
    const key = `tokkatot:overview:farm:${farmId}`;
    const now = this.clock();
    const held = this.local.get(key);
    if (held && held.expires > now) {
      this.stats.hits += 1;
      return held.value as T;
    }
    const pending = this.loading.get(key);
    if (pending) {
      this.stats.hits += 1;
      return pending as Promise<T>;
    }
    const promise = this.fetch(key, load).finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  private async fetch<T>(key: string, load: () => Promise<T>): Promise<T> {
    const shared = await this.readShared(key);
    if (shared && shared.e > this.clock()) {
      this.stats.hits += 1;
      this.keep(key, shared.e, shared.v);
      return shared.v as T;
    }
    this.stats.misses += 1;
    const value = await load();
    const expires = this.clock() + this.options.ttlMs;
    this.keep(key, expires, value);
    await this.writeShared(key, { e: expires, v: value });
    return value;
  }

  private clock(): number {
    return (this.options.clock ?? Date.now)();
  }

  private keep(key: string, expires: number, value: unknown): void {
    if (this.local.size >= 10_000) this.local.clear();
    this.local.set(key, { expires, value });
  }

  private async readShared(key: string): Promise<Stored | undefined> {
    if (!this.options.redis) return undefined;
    // A cache that is down is a miss, never a failed request.
    const raw = await this.options.redis.get(key).catch((error: unknown) => this.options.onError?.(error));
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Partial<Stored> | null;
    // Anything not in this shape (an entry written by an older version) is a miss.
    return stored && typeof stored === 'object' && typeof stored.e === 'number' && 'v' in stored ? (stored as Stored) : undefined;
  }

  private async writeShared(key: string, stored: Stored): Promise<void> {
    if (!this.options.redis) return;
    await this.options.redis.set(key, JSON.stringify(stored), 'PX', this.options.ttlMs).catch((error: unknown) => this.options.onError?.(error));
  }
}
