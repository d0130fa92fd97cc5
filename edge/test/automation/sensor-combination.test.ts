import type { Reading } from '@tokkatot/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineReadings } from '../../src/automation/sensor-combination.js';

const NOW = Date.UTC(2026, 2, 10, 7);
const config = { staleAfterMs: 60_000, maxDeviation: 3 };
const ok = (sensorId: string, value: number, age = 0): Reading => ({ sensorId, ts: NOW - age, status: 'ok', value });
const map = (...readings: Reading[]) => new Map(readings.map((r) => [r.sensorId, r]));

describe('combineReadings', () => {
  it('takes the median of fresh readings', () => {
    const r = combineReadings(['a', 'b', 'c'], map(ok('a', 30), ok('b', 31), ok('c', 30.4)), NOW, config);
    expect(r.value).toBe(30.4);
    expect(r.excluded).toEqual([]);
  });

  it('excludes a sensor that disagrees with the others, with the reason', () => {
    const r = combineReadings(['a', 'b', 'c'], map(ok('a', 30), ok('b', 30.6), ok('c', 0)), NOW, config);
    expect(r.value).toBe(30.3);
    expect(r.excluded).toEqual([{ sensorId: 'c', cause: 'disagrees', detail: 'reads 0.0, median 30.0' }]);
  });

  it('excludes stale, failed and missing sensors', () => {
    const failed: Reading = { sensorId: 'b', ts: NOW, status: 'failed', failure: 'no_response' };
    const r = combineReadings(['a', 'b', 'c', 'd'], map(ok('a', 29), failed, ok('c', 35, 61_000)), NOW, config);
    expect(r.value).toBe(29);
    expect(r.excluded.map((x) => [x.sensorId, x.cause])).toEqual([['b', 'failed'], ['c', 'stale'], ['d', 'missing']]);
  });

  it('gives no value at all when nothing is fresh: a failed read is never 0 °C', () => {
    const failed: Reading = { sensorId: 'a', ts: NOW, status: 'failed', failure: 'checksum' };
    expect(combineReadings(['a'], map(failed), NOW, config).value).toBeNull();
    expect(combineReadings(['a'], map(ok('a', 25, 120_000)), NOW, config).value).toBeNull();
  });

  it('keeps both of two disagreeing sensors and says so', () => {
    const r = combineReadings(['a', 'b'], map(ok('a', 25), ok('b', 31)), NOW, config);
    expect(r.value).toBe(28);
    expect(r.disagreement).toContain('differ by 6.0');
  });

  it('never returns a value outside the range of the fresh readings, and null only when none is fresh', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -20, max: 70, noNaN: true }), fc.integer({ min: 0, max: 120_000 }), fc.boolean()), { maxLength: 6 }), (specs) => {
        const readings: Reading[] = specs.map(([value, age, failed], i) =>
          failed ? { sensorId: `s${i}`, ts: NOW - age, status: 'failed', failure: 'stuck' } : ok(`s${i}`, value, age),
        );
        const r = combineReadings(readings.map((x) => x.sensorId), map(...readings), NOW, config);
        const fresh = readings.filter((x) => x.status === 'ok' && NOW - x.ts <= config.staleAfterMs).map((x) => (x as { value: number }).value);
        if (fresh.length === 0) expect(r.value).toBeNull();
        else {
          expect(r.value).not.toBeNull();
          expect(r.value!).toBeGreaterThanOrEqual(Math.min(...fresh));
          expect(r.value!).toBeLessThanOrEqual(Math.max(...fresh));
        }
      }),
    );
  });
});

describe('combineReadings after the clock was set back', () => {
  it('distrusts a reading stamped far in the future', () => {
    const r = combineReadings(['a'], map(ok('a', 25, -120_000)), NOW, config);
    expect(r.value).toBeNull();
    expect(r.excluded[0]).toMatchObject({ cause: 'stale', detail: 'stamped in the future' });
  });
});
