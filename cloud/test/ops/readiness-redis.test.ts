import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/cloud-fixture.js';
import { freePort } from '../support/cloud-process.js';
import { createTestDatabase, services } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const clients: Redis[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const client of clients) client.disconnect();
  await db?.drop();
});

async function appWith(redis: Redis): Promise<FastifyInstance> {
  clients.push(redis);
  const app = await buildTestApp(db.pool, { redis });
  apps.push(app);
  return app;
}

describe('readiness with Redis configured', () => {
  it('checks Redis beside the database', async () => {
    const url = services().REDIS_URL;
    if (!url) throw new Error(`redis is unavailable for this test: ${services().REDIS_ERROR ?? 'not started'}`);
    const app = await appWith(new Redis(url, { maxRetriesPerRequest: 1 }));
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('answers 503 NOT_READY naming Redis when it does not answer', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const app = await appWith(redis);
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/redis/), details: { database: 'ok', redis: 'failed' } });
  });
});
