import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOperations } from '../../src/ops/operations-plugin.js';
import { buildTestApp, createFarm, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { freePort } from '../support/cloud-process.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let now = T0 + 5_000_000;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { now: () => now, commandExpiryIntervalMs: 3_600_000, rateLimitMax: 100_000 } as never);
  farm = await createFarm(app, db.pool, 'farm-metrics');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The samples of one metric as `labels → value`, labels printed as Prometheus does. */
async function scrape(): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.body;
}

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const found = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value) && Object.keys(found).length === Object.keys(labels).length) return Number(match[2]);
  }
  return undefined;
}

describe('operations endpoints', () => {
  it('answers /health and /ready while the database answers', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('counts requests by route pattern, never by raw path, and errors by registry code', async () => {
    for (const collection of ['coops', 'outputs', 'coops']) {
      expect((await app.inject({ method: 'GET', url: `/v1/sync/${collection}/pull`, headers: auth(farm.edgeToken) })).statusCode).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/sync/coops/pull' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/no/such/farm-metrics-1234' })).statusCode).toBe(404);
    const text = await scrape();
    const pull = { method: 'GET', route: '/v1/sync/:collection/pull' };
    expect(sample(text, 'api_request_total', { ...pull, status: '200' })).toBe(3);
    expect(sample(text, 'api_request_total', { ...pull, status: '401' })).toBe(1);
    expect(sample(text, 'api_request_duration_seconds_count', { ...pull, status: '200' })).toBe(3);
    expect(sample(text, 'api_request_duration_seconds_bucket', { ...pull, status: '200', le: '+Inf' })).toBe(3);
    expect(sample(text, 'api_errors_total', { ...pull, status: '401', code: 'UNAUTHENTICATED' })).toBe(1);
    // No route matched: labelled 'unmatched', or the dashboard's catch-all pattern when it is registered.
    const missed = ['unmatched', '/*'].map((route) => sample(text, 'api_request_total', { method: 'GET', route, status: '404' }) ?? 0);
    expect(missed[0]! + missed[1]!).toBe(1);
    // No label carries a raw path, an id or a collection name, and the probes are not counted.
    const labelled = text.split('\n').filter((line) => line.startsWith('api_'));
    expect(labelled.length).toBeGreaterThan(0);
    for (const line of labelled) expect(line).not.toMatch(/farm-metrics|coops"|outputs"|\/no\/such|route="\/(health|ready|metrics)"/);
  });

  it('reports queued commands per farm until they expire, and connections in use', async () => {
    const issued = await app.inject({ method: 'POST', url: '/v1/commands', headers: auth(farm.ownerToken), payload: { type: 'output_on', targetId: 'fan-1', durationSeconds: 60, ttlSeconds: 30 } });
    expect(issued.statusCode).toBe(201);
    let text = await scrape();
    expect(sample(text, 'device_commands_queued', { farm: 'farm-metrics' })).toBe(1);
    // The change notifier keeps one connection for LISTEN.
    const baseline = sample(text, 'database_connections_active', {});
    expect(baseline).toBe(1);
    now += 31_000;
    text = await scrape();
    expect(sample(text, 'device_commands_queued', { farm: 'farm-metrics' })).toBeUndefined();
    const held = await db.pool.connect();
    try {
      // The app's pool is the test pool: a checked-out client is a connection in use.
      expect(sample(await scrape(), 'database_connections_active', {})).toBe(baseline! + 1);
    } finally {
      held.release();
    }
  });

  it('leaves cache_hit_ratio out until the cache has seen a lookup, then reports hits / lookups', async () => {
    expect(await scrape()).not.toMatch(/^cache_hit_ratio /m);
    (app.services as unknown as { cacheStats: { hits: number; misses: number } }).cacheStats = { hits: 3, misses: 1 };
    expect(sample(await scrape(), 'cache_hit_ratio', {})).toBe(0.75);
  });
});

describe('readiness', () => {
  it('flips to 503 NOT_READY while the database is unreachable and back once it answers', async () => {
    const pgPort = Number(new URL(db.url).port || 5432);
    const proxy = new TcpChaosProxy(pgPort);
    const port = await proxy.start();
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const pool = new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 1_000 });
    pool.on('error', () => undefined);
    const proxied = await buildTestApp(pool);
    try {
      expect((await proxied.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
      proxy.partitioned = true;
      const down = await proxied.inject({ method: 'GET', url: '/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json().error).toMatchObject({ code: 'NOT_READY', details: { database: 'failed' } });
      expect((await proxied.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      proxy.partitioned = false;
      expect((await proxied.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    } finally {
      await proxied.close();
      await pool.end();
      await proxy.stop();
    }
  });

  it('answers 503 for a pool pointed at a closed port, and while shutting down', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
    const bare = Fastify();
    bare.decorate('services', {} as never);
    bare.setErrorHandler((error, _request, reply) => {
      const failure = error as { status?: number; toBody?: () => unknown };
      void reply.status(failure.status ?? 500).send(failure.toBody?.() ?? {});
    });
    await registerOperations(bare, { pool });
    try {
      const res = await bare.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'NOT_READY', message: expect.stringMatching(/database/), details: { database: 'failed' } } });
      expect((await bare.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await bare.close();
      await pool.end();
    }
    app.operations.draining = true;
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('NOT_READY');
    } finally {
      app.operations.draining = false;
    }
  });
});
