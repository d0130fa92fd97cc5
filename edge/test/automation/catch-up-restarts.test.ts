import type { Event } from '@tokkatot/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { AutomationEngine } from '../../src/automation/automation-engine.js';
import { MemoryAutomationStore } from '../../src/automation/automation-store.js';
import type { FarmAutomationConfig } from '../../src/automation/farm-config.js';
import { FakeClock, feederSchedule, pp } from './fixtures.js';

const MIN = 60_000;
const config: FarmAutomationConfig = {
  farmId: 'farm-1',
  zone: 'Asia/Phnom_Penh',
  coops: [{ id: 'coop-1', name: 'coop 1', flock: null, climate: null, temperatureSensors: [], humiditySensors: [], water: null }],
  outputs: [{ id: 'feeder-1', name: 'feeder', kind: 'feeder', coopId: 'coop-1' }],
  schedules: [feederSchedule()],
  nodes: [],
  alarms: DEFAULT_ALARM_SETTINGS,
  catchUpGraceSeconds: 1800,
  sensorMaxDeviationC: 3,
  defaultSensorStaleSeconds: 120,
};

/** Runs the feeder day with power cuts; returns the ON stretches (the output is off while the Pi is down). */
function runWithOutages(outages: Array<[number, number]>, from: number, to: number): Array<[number, number]> {
  const clock = new FakeClock(from);
  const store = new MemoryAutomationStore();
  const stretches: Array<[number, number]> = [];
  let onSince: number | null = null;
  const sessions: Array<[number, number]> = [];
  let cursor = from;
  for (const [down, up] of outages) {
    sessions.push([cursor, down]);
    cursor = up;
  }
  sessions.push([cursor, to]);
  for (const [start, end] of sessions) {
    if (end <= start) continue;
    clock.advanceTo(start);
    const engine = new AutomationEngine(config, clock, store, { set: () => {} }, {
      eventRecorded: (e: Event) => {
        if (e.type !== 'output_changed') return;
        if (e.state === 'on' && onSince === null) onSince = e.ts;
        if (e.state === 'off' && onSince !== null) {
          stretches.push([onSince, e.ts]);
          onSince = null;
        }
      },
    });
    engine.start();
    clock.advanceTo(end);
    engine.stop();
    if (onSince !== null) {
      stretches.push([onSince, end]);
      onSince = null;
    }
  }
  return stretches.filter(([a, b]) => b > a);
}

describe('catch-up across power cuts', () => {
  const day = pp('2026-03-10T04:00:00');
  const night = pp('2026-03-11T04:00:00');

  it('never feeds longer than planned, never more than three runs, whatever the power cuts', () => {
    const cut = fc.tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 1, max: 6 * 60 }));
    fc.assert(
      fc.property(fc.array(cut, { maxLength: 4 }), (cuts) => {
        // Sorted, non-overlapping outages in minutes after 04:00.
        const outages: Array<[number, number]> = [];
        let last = 1;
        for (const [at, length] of [...cuts].sort((a, b) => a[0] - b[0])) {
          const down = Math.max(at, last);
          outages.push([day + down * MIN, day + (down + length) * MIN]);
          last = down + length + 1;
        }
        const stretches = runWithOutages(outages.filter(([, up]) => up < night), day, night);
        const total = stretches.reduce((sum, [a, b]) => sum + (b - a), 0);
        expect(total).toBeLessThanOrEqual(3 * 8 * MIN);
        for (const [a, b] of stretches) expect(b - a).toBeLessThanOrEqual(8 * MIN);
        expect(stretches.length).toBeLessThanOrEqual(3 + outages.length);
      }),
      { numRuns: 60 },
    );
  });

  it('feeds the full 24 minutes when the Pi is back within the grace window of each missed run', () => {
    const outages: Array<[number, number]> = [[pp('2026-03-10T05:55:00'), pp('2026-03-10T06:10:00')]];
    const stretches = runWithOutages(outages, day, night);
    expect(stretches.map(([a, b]) => [new Date(a).toISOString(), (b - a) / MIN])).toEqual([
      ['2026-03-09T23:10:00.000Z', 8],
      ['2026-03-10T03:08:00.000Z', 8],
      ['2026-03-10T07:16:00.000Z', 8],
    ]);
  });
});
