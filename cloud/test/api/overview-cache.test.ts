import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase, services } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, type TestClock } from './support/farm-api-fixture.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let seed: FastifyInstance;
let farm: FarmFixture;
let owner: TestAccount;
let other: TestAccount;
const clock: TestClock = { now: DAY0 + 10 * 60 * MINUTE };
const outbox = new OutboxWriter('farm-o');
const apps: FastifyInstance[] = [];
const redisClients: Redis[] = [];

async function appWith(extra: Parameters<typeof buildApiApp>[2]): Promise<FastifyInstance> {
  const app = await buildApiApp(db.pool, clock, extra);
  apps.push(app);
  return app;
}

async function redisClient(): Promise<Redis> {
  const url = services().REDIS_URL;
  if (!url) throw new Error(`redis is unavailable for this test: ${services().REDIS_ERROR ?? 'not started'}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  redisClients.push(redis);
  return redis;
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await appWith({});
  farm = await configureFarm(seed, db.pool, 'farm-o');
  owner = await createMember(seed, db.pool, 'farm-o', 'owner');
  other = await createMember(seed, db.pool, 'farm-o', 'viewer');
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const redis of redisClients) redis.disconnect();
  await db?.drop();
});

describe('farms overview cache', () => {
  it('answers a repeat from the in-process cache per farm, shared by its members, and counts hits and misses', async () => {
    const app = await appWith({ overviewCacheMs: 60_000 });
    const first = await getAs(app, owner.accessToken, '/v1/farms');
    expect(app.services.cacheStats).toEqual({ hits: 0, misses: 1 });
    // Data that lands within the TTL is not seen by a cached answer: the TTL bounds the staleness.
    await app.services.ingest.ingest(farm.edgeId, 'farm-o', outbox.batch([outbox.readings('temp-1', minuteReadings(clock.now, [28]))]));
    const second = await getAs(app, owner.accessToken, '/v1/farms');
    expect(second.json()).toEqual(first.json());
    expect(app.services.cacheStats).toEqual({ hits: 1, misses: 1 });
    // Another member of the farm shares the farm's entry but gets their own role.
    const someoneElse = await getAs(app, other.accessToken, '/v1/farms');
    expect(someoneElse.json()[0]).toEqual({ ...first.json()[0], role: 'viewer' });
    expect(app.services.cacheStats).toEqual({ hits: 2, misses: 1 });
  });

  it('drops a removed member from a farm whose overview is cached, as soon as the change is heard', async () => {
    const app = await appWith({ overviewCacheMs: 60_000 });
    const leaving = await createMember(seed, db.pool, 'farm-o', 'viewer');
    expect((await getAs(app, leaving.accessToken, '/v1/farms')).json()).toHaveLength(1);
    await db.pool.query('DELETE FROM membership WHERE user_id = $1', [leaving.userId]);
    // Changed behind the API, as another replica would: wait until this instance has heard it.
    await app.services.standings.settled();
    expect((await getAs(app, leaving.accessToken, '/v1/farms')).json()).toEqual([]);
  });

  it('shares cached overviews between replicas through Redis', async () => {
    const redis = await redisClient();
    await redis.del('tokkatot:overview:farm:farm-o');
    const [one, two] = [await appWith({ overviewCacheMs: 60_000, redis }), await appWith({ overviewCacheMs: 60_000, redis })];
    const first = await getAs(one, owner.accessToken, '/v1/farms');
    expect(first.statusCode).toBe(200);
    const second = await getAs(two, owner.accessToken, '/v1/farms');
    expect(second.json()).toEqual(first.json());
    expect([one.services.cacheStats, two.services.cacheStats]).toEqual([{ hits: 0, misses: 1 }, { hits: 1, misses: 0 }]);
    const ttl = await redis.pttl('tokkatot:overview:farm:farm-o');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('still answers when Redis is unreachable (a miss, never a failure)', async () => {
    const dead = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    redisClients.push(dead);
    const app = await appWith({ overviewCacheMs: 60_000, redis: dead });
    const res = await getAs(app, owner.accessToken, '/v1/farms');
    expect(res.statusCode).toBe(200);
    expect(res.json()[0].id).toBe('farm-o');
    expect(app.services.cacheStats).toEqual({ hits: 0, misses: 1 });
  });
});
