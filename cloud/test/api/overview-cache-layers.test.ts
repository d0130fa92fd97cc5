import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { OverviewCache } from '../../src/api/overview-cache.js';
import { services } from '../support/test-database.js';

const clients: Redis[] = [];

async function redisClient(): Promise<Redis> {
  const url = services().REDIS_URL;
  if (!url) throw new Error(`redis is unavailable for this test: ${services().REDIS_ERROR ?? 'not started'}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  clients.push(redis);
  return redis;
}

afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

describe('overview cache layers', () => {
  it('keeps an entry in process memory until its TTL, then computes it again', async () => {
    let now = 5_000;
    const cache = new OverviewCache({ ttlMs: 3000, clock: () => now });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad('farm-x', load)).toEqual({ n: 1 });
    now += 2999;
    expect(await cache.getOrLoad('farm-x', load)).toEqual({ n: 1 });
    now += 1;
    expect(await cache.getOrLoad('farm-x', load)).toEqual({ n: 2 });
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
  });

  it('computes a farm once for concurrent misses in one process', async () => {
    const cache = new OverviewCache({ ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { n: loads };
    };
    const answers = await Promise.all([cache.getOrLoad('farm-y', load), cache.getOrLoad('farm-y', load), cache.getOrLoad('farm-y', load)]);
    expect(answers).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(loads).toBe(1);
    expect(cache.stats).toEqual({ hits: 2, misses: 1 });
  });

  it("never keeps a replica's entry past the time it was computed plus the TTL", async () => {
    const redis = await redisClient();
    const farmId = `farm-layers-${process.pid}-${Date.now()}`;
    let now = Date.now();
    const one = new OverviewCache({ ttlMs: 60_000, redis, clock: () => now });
    const two = new OverviewCache({ ttlMs: 60_000, redis, clock: () => now });
    expect(await one.getOrLoad(farmId, async () => ({ from: 'one' }))).toEqual({ from: 'one' });
    now += 59_000;
    // Replica two takes the shared entry (a hit), with 1 s of its life left…
    expect(await two.getOrLoad(farmId, async () => ({ from: 'two' }))).toEqual({ from: 'one' });
    now += 1000;
    // …and does not serve it from memory after that, though Redis (real time) still holds it.
    expect(await two.getOrLoad(farmId, async () => ({ from: 'two, later' }))).toEqual({ from: 'two, later' });
    expect(two.stats).toEqual({ hits: 1, misses: 1 });
    await redis.del(`tokkatot:overview:farm:${farmId}`);
  });

  it('takes an entry in an unknown shape in Redis as a miss', async () => {
    const redis = await redisClient();
    const farmId = `farm-legacy-${process.pid}-${Date.now()}`;
    await redis.set(`tokkatot:overview:farm:${farmId}`, JSON.stringify({ id: farmId, coops: [] }), 'PX', 60_000);
    const cache = new OverviewCache({ ttlMs: 60_000, redis });
    expect(await cache.getOrLoad(farmId, async () => ({ fresh: true }))).toEqual({ fresh: true });
    expect(cache.stats).toEqual({ hits: 0, misses: 1 });
    await redis.del(`tokkatot:overview:farm:${farmId}`);
  });
});
