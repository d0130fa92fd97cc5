import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryCache } from '../../src/api/history-cache.js';
import { historyRange, type HistoryAnswer } from '../../src/api/queries/history.js';
import { createAccount, createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, type TestClock } from './support/farm-api-fixture.js';

const HOUR = 60 * MINUTE;
const answer = (mean: number): HistoryAnswer => ({ resolution: 'hour', points: [{ t: 0, min: mean, max: mean, mean, count: 1 }] });

describe('history answer cache', () => {
  it('keeps an answer until its TTL passes, then asks again', async () => {
    let now = 1_000;
    const cache = new HistoryCache({ ttlMs: 3000, clock: () => now });
    let loads = 0;
    const load = async () => answer(++loads);
    expect(await cache.get('k', load)).toEqual(answer(1));
    now += 2999;
    expect(await cache.get('k', load)).toEqual(answer(1));
    now += 1;
    expect(await cache.get('k', load)).toEqual(answer(2));
    expect(await cache.get('other', load)).toEqual(answer(3));
  });

  it('shares one query between concurrent misses and keeps no failure', async () => {
    const cache = new HistoryCache({ ttlMs: 60_000 });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      loads += 1;
      await gate;
      return answer(loads);
    };
    const both = Promise.all([cache.get('k', slow), cache.get('k', slow)]);
    release();
    expect(await both).toEqual([answer(1), answer(1)]);
    expect(loads).toBe(1);
    await expect(cache.get('broken', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('broken', async () => answer(7))).toEqual(answer(7));
  });

  it('stays within its size bound', async () => {
    const cache = new HistoryCache({ ttlMs: 60_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, async () => answer(0));
    // 'a' was the oldest and went when 'd' came; asking for it again loads it.
    let loaded = false;
    await cache.get('a', async () => ((loaded = true), answer(1)));
    expect(loaded).toBe(true);
  });

  it('aligns a range to the buckets it reads, so "up to now" within one bucket shares a key', () => {
    const a = historyRange(DAY0 - 24 * HOUR + 5 * MINUTE, DAY0 + 5 * MINUTE);
    const b = historyRange(DAY0 - 24 * HOUR + 50 * MINUTE, DAY0 + 50 * MINUTE);
    expect(a).toEqual(b);
    expect(a).toEqual({ resolution: 'hour', firstBucket: DAY0 - 24 * HOUR, endBucket: DAY0 + HOUR });
    // An aligned end reads no bucket at or after it.
    expect(historyRange(DAY0 - 24 * HOUR, DAY0).endBucket).toBe(DAY0);
  });
});

describe('history route with the cache on', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: FastifyInstance;
  let farm: FarmFixture;
  let viewer: TestAccount;
  const clock: TestClock = { now: DAY0 + 12 * HOUR };
  const outbox = new OutboxWriter('farm-hc');

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApiApp(db.pool, clock, { historyCacheMs: 60_000 });
    farm = await configureFarm(app, db.pool, 'farm-hc');
    viewer = await createMember(app, db.pool, 'farm-hc', 'viewer');
    await app.services.ingest.ingest(farm.edgeId, 'farm-hc', outbox.batch([outbox.readings('temp-1', minuteReadings(DAY0, [20, 21]))]));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const url = (from: number, to: number) => `/v1/farms/farm-hc/history?sensorId=temp-1&from=${from}&to=${to}`;

  it('serves a range within one bucket from the cache for the TTL; another range reads fresh', async () => {
    const first = await getAs(app, viewer.accessToken, url(DAY0 - 12 * HOUR, DAY0 + 2 * HOUR + 1));
    expect(first.json().points).toEqual([{ t: DAY0, min: 20, max: 21, mean: 20.5, count: 2 }]);
    await app.services.ingest.ingest(farm.edgeId, 'farm-hc', outbox.batch([outbox.readings('temp-1', minuteReadings(DAY0 + 2 * MINUTE, [30]))]));
    // Same buckets (the end moved within the same hour): the cached answer, at most the TTL old.
    const cached = await getAs(app, viewer.accessToken, url(DAY0 - 12 * HOUR, DAY0 + 2 * HOUR + 30 * MINUTE));
    expect(cached.json()).toEqual(first.json());
    // Other buckets: read now, with the new reading.
    const fresh = await getAs(app, viewer.accessToken, url(DAY0 - 11 * HOUR, DAY0 + 3 * HOUR));
    expect(fresh.json().points).toEqual([{ t: DAY0, min: 20, max: 30, mean: 71 / 3, count: 3 }]);
  });

  it('still checks the caller before answering from the cache', async () => {
    const range = url(DAY0 - 12 * HOUR, DAY0 + 2 * HOUR + 1);
    expect((await getAs(app, viewer.accessToken, range)).statusCode).toBe(200);
    const stranger = await createAccount(app, db.pool);
    const refused = await getAs(app, stranger.accessToken, range);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('NOT_FOUND');
    await db.pool.query('DELETE FROM membership WHERE user_id = $1', [viewer.userId]);
    // Changed behind the API, as another replica would: wait until this instance has heard it.
    await app.services.standings.settled();
    expect((await getAs(app, viewer.accessToken, range)).statusCode).toBe(404);
  });
});
