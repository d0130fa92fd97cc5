import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { TokkatotError } from '@tokkatot/shared';
import { CloudMetrics, withTimeout, type CacheStats } from './metrics.js';

export interface OperationsOptions {
  pool: pg.Pool;
  redis?: Redis;
  now?: () => number;
  /** Shared with main.ts's metrics listener; made here when absent. */
  metrics?: CloudMetrics;
  /** false when /metrics is served on its own port instead (METRICS_PORT). */
  serveMetrics?: boolean;
  /** How long /ready waits for each dependency. */
  readyTimeoutMs?: number;
}

/** What main.ts needs from the module to shut down gracefully. */
export interface Operations {
  metrics: CloudMetrics;
  /** Set when shutdown starts: /ready answers 503 so the load balancer stops sending traffic. */
  draining: boolean;
  /** Requests still working on their answer (a live stream counts only until its headers are out). */
  busyRequests(): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    operations: Operations;
  }
}

// Probes and scrapes would otherwise dominate the request metrics.
const OWN_ROUTES = new Set(['/health', '/ready', '/metrics']);
const UNMATCHED = 'unmatched';

/**
 * `/health`, `/ready`, `/metrics` and the request metrics. Hooks go on the root instance (no
 * encapsulation), so they see every route and the 404 handler.
 */
export async function registerOperations(app: FastifyInstance, options: OperationsOptions): Promise<void> {
  const { pool, redis } = options;
  const cacheStats = () => (app.services as { cacheStats?: CacheStats }).cacheStats;
  const metrics = options.metrics ?? new CloudMetrics({ pool, cacheStats, now: options.now ?? Date.now });
  const readyTimeout = options.readyTimeoutMs ?? 2_000;
  const open = new Set<FastifyReply['raw']>();
  const operations: Operations = {
    metrics,
    draining: false,
    busyRequests: () => [...open].filter((raw) => !raw.headersSent).length,
  };
  app.decorate('operations', operations);

  const started = new WeakMap<FastifyRequest, bigint>();
  const errorCodes = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request, reply) => {
    started.set(request, process.hrtime.bigint());
    open.add(reply.raw);
    const forget = () => open.delete(reply.raw);
    reply.raw.once('finish', forget);
    reply.raw.once('close', forget);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400) errorCodes.set(request, readErrorCode(payload) ?? `HTTP_${reply.statusCode}`);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    if (OWN_ROUTES.has(route)) return;
    const begin = started.get(request);
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    if (begin !== undefined) metrics.requestDuration.observe(labels, Number(process.hrtime.bigint() - begin) / 1e9);
    if (reply.statusCode >= 400) metrics.errors.inc({ ...labels, code: errorCodes.get(request) ?? `HTTP_${reply.statusCode}` });
  });

  const noLimit = { rateLimit: false };
  app.get('/health', { config: noLimit }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: noLimit }, async (request, reply) => {
    if (operations.draining) throw new TokkatotError('NOT_READY', 'The service is shutting down.', { shuttingDown: true });
    const checks: Record<string, 'ok' | 'failed'> = {};
    const probe = async (name: string, work: () => Promise<unknown>) => {
      try {
        await withTimeout(work(), readyTimeout);
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = 'failed';
        // The reason goes to the log only: /ready is reachable from outside.
        request.log.warn({ err: error, dependency: name }, 'readiness check failed');
      }
    };
    await Promise.all([probe('database', () => pool.query('SELECT 1')), ...(redis ? [probe('redis', () => redis.ping())] : [])]);
    const failed = Object.keys(checks).filter((name) => checks[name] !== 'ok');
    if (failed.length > 0) throw new TokkatotError('NOT_READY', `Not ready: ${failed.join(' and ')} did not answer.`, checks);
    return reply.send({ status: 'ready', checks });
  });

  if (options.serveMetrics !== false) {
    app.get('/metrics', { config: noLimit }, async (_request, reply) => {
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });
  }
}

function readErrorCode(payload: unknown): string | undefined {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (!text || text.length > 65_536) return undefined;
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
