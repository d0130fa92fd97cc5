import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type pg from 'pg';

/** Hits and misses of the overview cache, counted since the process started. */
export interface CacheStats {
  hits: number;
  misses: number;
}

export interface MetricsSources {
  pool: pg.Pool;
  /** Read at scrape time; absent while no cache exists. */
  cacheStats: () => CacheStats | undefined;
  now: () => number;
  /** Bounds the scrape-time query so a slow database cannot stall Prometheus. */
  queryTimeoutMs?: number;
}

/** The specification's metric names (docs/cloud/operations.md), in a registry of their own. */
export class CloudMetrics {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly errors: Counter<'method' | 'route' | 'status' | 'code'>;
  private readonly cacheRatio: Gauge;
  private cacheRatioRegistered = false;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'api_request_duration_seconds',
      help: 'Time from request received to response sent, by route pattern.',
      labelNames: ['method', 'route', 'status'],
      // Around the 200 ms p95 target, with room for slow outliers.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.requests = new Counter({ name: 'api_request_total', help: 'Requests answered, by route pattern.', labelNames: ['method', 'route', 'status'], registers });
    this.errors = new Counter({
      name: 'api_errors_total',
      help: 'Requests answered with 4xx or 5xx, by error code (shared/src/errors.ts).',
      labelNames: ['method', 'route', 'status', 'code'],
      registers,
    });
    const { pool, now } = sources;
    const timeout = sources.queryTimeoutMs ?? 2_000;
    new Gauge({
      name: 'device_commands_queued',
      help: 'Remote commands issued and not yet expired, per farm.',
      labelNames: ['farm'],
      registers,
      async collect() {
        const { rows } = await withTimeout(
          pool.query<{ farm_id: string; n: string }>(
            `SELECT farm_id, count(*) AS n FROM sync_doc
              WHERE collection = 'commands' AND NOT deleted AND (body->>'expiresAt')::bigint > $1 GROUP BY farm_id`,
            [now()],
          ),
          timeout,
        );
        // Farms whose queue emptied must drop to nothing, not keep their last count.
        this.reset();
        for (const row of rows) this.set({ farm: row.farm_id }, Number(row.n));
      },
    });
    new Gauge({
      name: 'database_connections_active',
      help: 'Database connections of this process in use (checked out of the pool).',
      registers,
      collect() {
        this.set(pool.totalCount - pool.idleCount);
      },
    });
    // Registered only once the cache has seen a lookup: a ratio of nothing is not 0 (which would raise the low-ratio alert).
    this.cacheRatio = new Gauge({
      name: 'cache_hit_ratio',
      help: 'Share of overview cache lookups answered from the cache since start.',
      registers: [],
      collect: () => {
        const stats = sources.cacheStats();
        const total = stats ? stats.hits + stats.misses : 0;
        if (stats && total > 0) this.cacheRatio.set(stats.hits / total);
      },
    });
  }

  /** Adds Node's process metrics (heap, event loop lag, GC); once per process. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text; a failing collector (database down) leaves its metric out instead of failing the scrape. */
  async render(): Promise<{ contentType: string; body: string }> {
    const stats = this.sources.cacheStats();
    if (!this.cacheRatioRegistered && stats && stats.hits + stats.misses > 0) {
      this.registry.registerMetric(this.cacheRatio);
      this.cacheRatioRegistered = true;
    }
    const parts = await Promise.all(
      this.registry.getMetricsAsArray().map(async (metric) => {
        try {
          return await this.registry.getSingleMetricAsString(metric.name);
        } catch {
          return '';
        }
      }),
    );
    return { contentType: this.registry.contentType, body: `${parts.filter(Boolean).join('\n\n')}\n` };
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export { withTimeout };
