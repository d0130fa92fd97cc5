import type { Reading } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, seedCoop, startTestEdge, type TestEdge } from '../helpers.js';

describe('disk budget', () => {
  let test: TestEdge;
  beforeEach(async () => {
    // 3 MiB budget; flushes only when asked so the test controls when the budget is checked.
    test = await startTestEdge({ telemetry: { diskBudgetMb: 3, flushIntervalMs: 60_000, maxBatch: 100_000, housekeepingIntervalSeconds: 86_400 } });
  });
  afterEach(async () => test.close());

  it('thins raw readings first, keeps rollups and events, and keeps the database within the budget', async () => {
    const { sensorId } = seedCoop(test);
    const { edge } = test;
    for (let i = 0; i < 20; i++) edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: `marker ${i}` });
    const eventsBefore = edge.repositories.events.count();
    let ts = T0;
    const sizes: number[] = [];
    for (let round = 0; round < 12; round++) {
      const batch: Reading[] = [];
      for (let i = 0; i < 10_000; i++) batch.push({ sensorId, ts: (ts += 1000), status: 'ok', value: 20 + (i % 7) });
      const written = edge.telemetry.ingest(batch);
      edge.telemetry.flush();
      await written;
      edge.housekeeper.run();
      sizes.push(edge.database.sizeOnDisk());
    }
    const report = edge.housekeeper.run();
    expect(report.withinBudget).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(edge.housekeeper.budgetBytes);
    const raw = edge.repositories.readings.rawCount();
    expect(raw).toBeGreaterThan(0);
    expect(raw).toBeLessThan(120_000);
    // The oldest raw readings went first: what is left is the newest.
    expect(edge.repositories.readings.oldestRawTs()).toBeGreaterThan(T0 + 1000);
    // Rollups cover the whole period, thinned raw or not.
    const minutes = edge.repositories.readings.rollups(sensorId, 'minute', T0, ts + 1, 100_000);
    expect(minutes.reduce((sum, point) => sum + point.count, 0)).toBe(120_000);
    expect(edge.repositories.readings.rollupCount('day')).toBeGreaterThan(0);
    // Events are never thinned; thinning itself is recorded.
    expect(edge.repositories.events.count()).toBeGreaterThan(eventsBefore);
    expect(edge.events.query({ types: ['telemetry_gap'], limit: 1 })[0]?.event).toMatchObject({ type: 'telemetry_gap' });
    expect(edge.database.integrityProblems()).toEqual([]);
  });

  it('expires raw readings past their retention', async () => {
    const { sensorId } = seedCoop(test);
    const { edge } = test;
    const written = edge.telemetry.ingest([
      { sensorId, ts: T0 - 40 * 86_400_000, status: 'ok', value: 1 },
      { sensorId, ts: T0 - 1000, status: 'ok', value: 2 },
    ]);
    edge.telemetry.flush();
    await written;
    const report = edge.housekeeper.run();
    expect(report.rawExpired).toBe(1);
    expect(edge.repositories.readings.rawCount()).toBe(1);
  });
});
