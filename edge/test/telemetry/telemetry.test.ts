import type { Reading, Role } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseResolution } from '../../src/telemetry/telemetry-service.js';
import { T0, seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

describe('telemetry', () => {
  let test: TestEdge;
  let sensorId: string;
  beforeEach(async () => {
    test = await startTestEdge({ telemetry: { flushIntervalMs: 20, maxBatch: 1000 } });
    sensorId = seedCoop(test).sensorId;
  });
  afterEach(async () => test.close());

  const ok = (ts: number, value: number): Reading => ({ sensorId, ts, status: 'ok', value });

  it('acknowledges a batch only once it is committed, with minute, hour and day rollups', async () => {
    const readings = [ok(T0, 20), ok(T0 + 10_000, 22), ok(T0 + 20_000, 30), { sensorId, ts: T0 + 30_000, status: 'failed', failure: 'no_response' } as Reading, ok(T0 + 60_000, 25)];
    const pending = test.edge.telemetry.ingest(readings);
    expect(test.edge.repositories.readings.rawCount()).toBe(0);
    await pending;
    expect(test.edge.repositories.readings.rawCount()).toBe(5);
    const minutes = test.edge.repositories.readings.rollups(sensorId, 'minute', T0, T0 + 120_000, 10);
    expect(minutes).toEqual([
      { bucketStart: T0, min: 20, max: 30, mean: 24, count: 3, failedCount: 1 },
      { bucketStart: T0 + 60_000, min: 25, max: 25, mean: 25, count: 1, failedCount: 0 },
    ]);
    const hour = test.edge.repositories.readings.rollups(sensorId, 'hour', T0 - 3_600_000, T0 + 3_600_000, 10);
    expect(hour).toEqual([{ bucketStart: T0, min: 20, max: 30, mean: 24.25, count: 4, failedCount: 1 }]);
  });

  it('merges later batches into the same buckets', async () => {
    await test.edge.telemetry.ingest([ok(T0, 10)]);
    await test.edge.telemetry.ingest([ok(T0 + 5000, 30)]);
    expect(test.edge.repositories.readings.rollups(sensorId, 'minute', T0, T0 + 60_000, 10)[0]).toMatchObject({ min: 10, max: 30, mean: 20, count: 2 });
  });

  it('starts day buckets at the farm’s local midnight (Asia/Phnom_Penh, UTC+7)', async () => {
    await test.edge.telemetry.ingest([ok(T0, 10)]);
    const localMidnight = Date.UTC(2026, 5, 1) - 7 * 3_600_000;
    expect(test.edge.repositories.readings.rollups(sensorId, 'day', 0, T0 + 86_400_000, 10)[0]?.bucketStart).toBe(localMidnight);
  });

  it('refuses a whole batch when one reading is invalid', async () => {
    await expect(test.edge.telemetry.ingest([ok(T0, 10), { sensorId, ts: T0, status: 'ok', value: Number.NaN }])).rejects.toThrow(/reading 1/);
    expect(test.edge.repositories.readings.rawCount()).toBe(0);
  });

  it('chooses the history resolution by range', () => {
    expect(chooseResolution(3_600_000)).toBe('raw');
    expect(chooseResolution(86_400_000)).toBe('minute');
    expect(chooseResolution(30 * 86_400_000)).toBe('hour');
    expect(chooseResolution(365 * 86_400_000)).toBe('day');
  });

  it('serves readings history over HTTP at the resolution the range calls for', async () => {
    const tokens: Record<Role, string> = await signInAllRoles(test);
    const batch: Reading[] = [];
    for (let i = 0; i < 6 * 360; i++) batch.push(ok(T0 + i * 10_000, 20 + (i % 10)));
    const ingest = await test.app.inject({ method: 'POST', url: '/api/readings', headers: { authorization: `Bearer ${tokens.manager}` }, payload: { readings: batch } });
    expect(ingest.statusCode).toBe(202);
    const get = (from: number, to: number, extra = '') =>
      test.app.inject({ method: 'GET', url: `/api/sensors/${sensorId}/readings?from=${from}&to=${to}${extra}`, headers: { authorization: `Bearer ${tokens.viewer}` } }).then((response) => response.json());
    const raw = await get(T0, T0 + 3_600_000);
    expect(raw.resolution).toBe('raw');
    expect(raw.raw).toHaveLength(360);
    const minute = await get(T0, T0 + 6 * 3_600_000);
    expect(minute.resolution).toBe('minute');
    expect(minute.rollups).toHaveLength(360);
    expect(minute.rollups[0]).toMatchObject({ count: 6, min: 20, max: 25 });
    const hour = await get(T0 - 86_400_000, T0 + 7 * 86_400_000);
    expect(hour.resolution).toBe('hour');
    expect(hour.rollups.map((point: { count: number }) => point.count)).toEqual([360, 360, 360, 360, 360, 360]);
    const forced = await get(T0, T0 + 3_600_000, '&resolution=hour');
    expect(forced.resolution).toBe('hour');
    const backwards = await test.app.inject({ method: 'GET', url: `/api/sensors/${sensorId}/readings?from=${T0}&to=${T0 - 1}`, headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(backwards.statusCode).toBe(400);
  });
});
