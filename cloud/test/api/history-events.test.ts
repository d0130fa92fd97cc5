import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, type TestClock } from './support/farm-api-fixture.js';

const HOUR = 60 * MINUTE;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let viewer: TestAccount;
const clock: TestClock = { now: DAY0 + 12 * HOUR };
const outbox = new OutboxWriter('farm-h');

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-h');
  viewer = await createMember(app, db.pool, 'farm-h', 'viewer');
  // Two hours of minute readings (20 → 21.19 °C), a reading every minute, then one reading 3 days earlier.
  const values = Array.from({ length: 120 }, (_, i) => 20 + i / 100);
  await app.services.ingest.ingest(farm.edgeId, 'farm-h', outbox.batch([
    outbox.readings('temp-1', minuteReadings(DAY0, values)),
    outbox.readings('temp-1', minuteReadings(DAY0 - 3 * 24 * HOUR, [15])),
  ]));
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const history = async (from: number, to: number, sensorId = 'temp-1') => getAs(app, viewer.accessToken, `/v1/farms/farm-h/history?sensorId=${sensorId}&from=${from}&to=${to}`);

describe('history charts from the rollups', () => {
  it('reads minute buckets for a range up to 6 hours', async () => {
    const res = await history(DAY0, DAY0 + 6 * HOUR);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.resolution).toBe('minute');
    expect(body.points).toHaveLength(120);
    expect(body.points[0]).toEqual({ t: DAY0, min: 20, max: 20, mean: 20, count: 1 });
    expect(body.points[119].t).toBe(DAY0 + 119 * MINUTE);
  });

  it('reads hour buckets past 6 hours and up to 14 days, with min, max and mean of the hour', async () => {
    const body = (await history(DAY0, DAY0 + 6 * HOUR + 1)).json();
    expect(body.resolution).toBe('hour');
    expect(body.points).toHaveLength(2);
    expect(body.points[0]).toMatchObject({ t: DAY0, min: 20, max: 20.59, count: 60 });
    expect(body.points[0].mean).toBeCloseTo(20.295, 6);
    expect(body.points[1]).toMatchObject({ t: DAY0 + HOUR, min: 20.6, max: 21.19, count: 60 });
    const fortnight = (await history(DAY0 - 14 * 24 * HOUR, DAY0)).json();
    expect(fortnight.resolution).toBe('hour');
    expect(fortnight.points).toEqual([{ t: DAY0 - 3 * 24 * HOUR, min: 15, max: 15, mean: 15, count: 1 }]);
  });

  it('reads day buckets beyond 14 days (UTC days)', async () => {
    const body = (await history(DAY0 - 30 * 24 * HOUR, DAY0 + 24 * HOUR)).json();
    expect(body.resolution).toBe('day');
    const day = (t: number) => t - (t % (24 * HOUR));
    expect(body.points.map((p: { t: number; count: number }) => [p.t, p.count])).toEqual([
      [day(DAY0 - 3 * 24 * HOUR), 1],
      [day(DAY0), 120],
    ]);
  });

  it('fills buckets the edge aggregated itself when its raw readings were dropped', async () => {
    const start = DAY0 - 2 * 24 * HOUR;
    await app.services.ingest.ingest(farm.edgeId, 'farm-h', outbox.batch([
      { stream: 'aggregates', seq: 1, ts: start, payload: { sensorId: 'temp-1', resolution: 'hour', bucketStart: start, min: 18, max: 22, mean: 20, count: 360, failedCount: 0 } },
    ]));
    const body = (await history(start, start + 7 * HOUR)).json();
    expect(body.points).toEqual([{ t: start, min: 18, max: 22, mean: 20, count: 360 }]);
  });

  it('refuses ranges that are backwards, absurd or not numbers', async () => {
    for (const query of [`from=${DAY0}&to=${DAY0}`, `from=${DAY0 + 1}&to=${DAY0}`, 'from=0&to=1', `from=abc&to=${DAY0}`, `from=${DAY0}`, `from=${Date.UTC(2021, 0, 1)}&to=${Date.UTC(2099, 0, 1)}`]) {
      const res = await getAs(app, viewer.accessToken, `/v1/farms/farm-h/history?sensorId=temp-1&${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await history(DAY0, DAY0 + HOUR, 'temp-1%27--')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await getAs(app, viewer.accessToken, `/v1/farms/farm-h/history?sensorId=temp-1&from=${DAY0}&to=${DAY0 + 1}&extra=1`)).statusCode).toBe(400);
  });
});

describe('event log', () => {
  beforeAll(async () => {
    const records = Array.from({ length: 7 }, (_, i) =>
      outbox.event({ type: 'user_action', ts: DAY0 + i * MINUTE, coopId: 'coop-1', summary: `action ${i}` }),
    );
    // Two events in the same millisecond: the id (a later ULID for the later one) breaks the tie, so no page skips or repeats one.
    records.push(outbox.event({ type: 'user_action', ts: DAY0 + 3 * MINUTE, coopId: 'coop-1', summary: 'action 3b' }));
    records.push(outbox.event({ type: 'output_changed', ts: DAY0 + 10 * MINUTE, coopId: 'coop-1', outputId: 'fan-1', state: 'on', level: null, source: 'manual', reason: 'switched on' }));
    await app.services.ingest.ingest(farm.edgeId, 'farm-h', outbox.batch(records));
  });

  it('pages newest first with a cursor until the end, each event once', async () => {
    const seen: string[] = [];
    let url = '/v1/farms/farm-h/events?limit=3';
    for (let page = 0; page < 10; page++) {
      const body = (await getAs(app, viewer.accessToken, url)).json();
      seen.push(...body.events.map((e: { summary?: string; type: string }) => e.summary ?? e.type));
      if (body.next === null) break;
      url = `/v1/farms/farm-h/events?limit=3&before=${body.next}`;
    }
    expect(seen).toEqual(['output_changed', 'action 6', 'action 5', 'action 4', 'action 3b', 'action 3', 'action 2', 'action 1', 'action 0']);
  });

  it('filters by type and by a time', async () => {
    const outputs = (await getAs(app, viewer.accessToken, '/v1/farms/farm-h/events?type=output_changed')).json();
    expect(outputs.events).toHaveLength(1);
    expect(outputs.next).toBeNull();
    for (const type of ['daily_record', 'alarm_cleared', 'node_fault']) {
      expect((await getAs(app, viewer.accessToken, `/v1/farms/farm-h/events?type=${type}`)).json(), type).toEqual({ events: [], next: null });
    }
    const older = (await getAs(app, viewer.accessToken, `/v1/farms/farm-h/events?before=${DAY0 + 2 * MINUTE}`)).json();
    expect(older.events.map((e: { summary: string }) => e.summary)).toEqual(['action 1', 'action 0']);
  });

  it('refuses bad cursors, limits and types', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=x', 'type=nope', "before=1' OR 1=1", 'before=.x', `before=${'9'.repeat(30)}`]) {
      const res = await getAs(app, viewer.accessToken, `/v1/farms/farm-h/events?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});
