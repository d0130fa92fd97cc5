import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/cloud-fixture.js';
import { createTestDatabase, services } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;

beforeAll(async () => {
  db = await createTestDatabase();
  // A small overall limit stands in for the production 1000/min.
  app = await buildTestApp(db.pool, { rateLimitMax: 8 });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const me = (ip: string) => app.inject({ method: 'GET', url: '/v1/me', remoteAddress: ip });
const login = (ip: string, who: string) => app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: { login: who, password: 'wrong password' } });

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED past the overall per-address limit, for that address only', async () => {
    for (let i = 0; i < 8; i += 1) expect((await me('10.3.0.1')).statusCode).toBe(401);
    const limited = await me('10.3.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await me('10.3.0.2')).statusCode).toBe(401);
  });

  it('counts every route, the sync endpoints included', async () => {
    for (let i = 0; i < 4; i += 1) await me('10.3.1.1');
    for (let i = 0; i < 4; i += 1) await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', remoteAddress: '10.3.1.1' });
    expect((await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', remoteAddress: '10.3.1.1' })).statusCode).toBe(429);
  });

  it('allows 5 sign-in attempts a minute per address and login', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login('10.3.2.1', 'someone@example.com')).statusCode).toBe(401);
    expect((await login('10.3.2.1', 'someone@example.com')).json().error.code).toBe('RATE_LIMITED');
    expect((await login('10.3.2.1', 'SOMEONE@example.com ')).statusCode).toBe(429);
    expect((await login('10.3.2.1', 'another@example.com')).statusCode).toBe(401);
    expect((await login('10.3.2.2', 'someone@example.com')).statusCode).toBe(401);
  });

  it('allows 10 registrations a minute per address', async () => {
    const register = (i: number) =>
      app.inject({ method: 'POST', url: '/v1/auth/register', remoteAddress: '10.3.3.1', payload: { name: `P${i}`, email: `p${i}@example.com`, password: 'long enough password' } });
    for (let i = 0; i < 10; i += 1) expect((await register(i)).statusCode).toBe(201);
    expect((await register(10)).statusCode).toBe(429);
  });

  it('counts the client behind a trusted proxy, not the proxy', async () => {
    const proxied = await buildTestApp(db.pool, { rateLimitMax: 2, trustProxy: '10.0.0.0/8' });
    try {
      const from = (client: string) => proxied.inject({ method: 'GET', url: '/v1/me', remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': client } });
      for (let i = 0; i < 2; i += 1) expect((await from('203.0.113.7')).statusCode).toBe(401);
      expect((await from('203.0.113.7')).statusCode).toBe(429);
      expect((await from('203.0.113.8')).statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('shares the count across app instances through Redis', async () => {
    const url = services().REDIS_URL;
    if (!url) throw new Error(`redis is unavailable for this test: ${services().REDIS_ERROR ?? 'not started'}`);
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const [one, two] = [await buildTestApp(db.pool, { rateLimitMax: 6, redis }), await buildTestApp(db.pool, { rateLimitMax: 6, redis })];
    try {
      // An address no other run used, since the counter lives outside this test's database.
      const ip = `10.4.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      await redis.del(`tokkatot-rl-${ip}`);
      for (let i = 0; i < 3; i += 1) expect((await one.inject({ method: 'GET', url: '/v1/me', remoteAddress: ip })).statusCode).toBe(401);
      for (let i = 0; i < 3; i += 1) expect((await two.inject({ method: 'GET', url: '/v1/me', remoteAddress: ip })).statusCode).toBe(401);
      expect((await one.inject({ method: 'GET', url: '/v1/me', remoteAddress: ip })).statusCode).toBe(429);
    } finally {
      await one.close();
      await two.close();
      redis.disconnect();
    }
  });
});
