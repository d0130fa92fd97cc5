import type { Redis } from 'ioredis';

/** Hits and misses of the overview cache (exported as the cache_hit_ratio metric). */
export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * A cache of each farm's overview entry for a few seconds: every member of a farm (and every tab
 * of one owner) shares one computation of its coops' state. Who may see which farm is never
 * cached: the caller's memberships are read on every request. Redis when configured (shared by
 * replicas), otherwise in-process. The TTL is the only invalidation, so it stays short.
 */
export class OverviewCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly local = new Map<string, { expires: number; value: string }>();

  constructor(
    private readonly options: { ttlMs: number; redis?: Redis; onError?: (error: unknown) => void },
  ) {}

  async getOrLoad<T>(farmId: string, load: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return load();
    const key = `tokkatot:overview:farm:${farmId}`;
    const cached = await this.read(key);
    if (cached !== undefined) {
      this.stats.hits += 1;
      return JSON.parse(cached) as T;
    }
    this.stats.misses += 1;
    const value = await load();
    await this.write(key, JSON.stringify(value));
    return value;
  }

  private async read(key: string): Promise<string | undefined> {
    if (this.options.redis) {
      // A cache that is down is a miss, never a failed request.
      const value = await this.options.redis.get(key).catch((error: unknown) => this.options.onError?.(error));
      return value ?? undefined;
    }
    const entry = this.local.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.local.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private async write(key: string, value: string): Promise<void> {
    if (this.options.redis) {
      await this.options.redis.set(key, value, 'PX', this.options.ttlMs).catch((error: unknown) => this.options.onError?.(error));
      return;
    }
    if (this.local.size > 10_000) this.local.clear();
    this.local.set(key, { expires: Date.now() + this.options.ttlMs, value });
  }
}
