import type { Output, Schedule } from '@tokkatot/shared';
import { describe, expect, it } from 'vitest';
import { findRunningFeeder, type FeederCycleDeps } from '../../src/firmware-update/index.js';

const ZONE = 'Asia/Phnom_Penh'; // UTC+7
const at = (hour: number, minute = 0) => Date.UTC(2026, 10, 26, hour - 7, minute);

const output = (id: string, kind: Output['kind'], coopId = 'coop-1'): Output =>
  ({ id, kind, coopId, name: id, nodeId: 'node-1', channel: 0, activeLow: false, failSafeState: 'off', maxOnSeconds: 900, dimmable: false, installed: true }) as unknown as Output;

const base = { farmId: 'farm-1', hlc: '0000000000000-0000-edge-farm-1', updatedAt: 0, coopId: 'coop-1', name: 'Feed', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6] };

function deps(schedules: Schedule[], on: string[] = []): FeederCycleDeps {
  return {
    outputs: (coopId) => [output('feeder-1', 'feeder'), output('fan-1', 'fan'), output('feeder-9', 'feeder', 'coop-9')].filter((o) => o.coopId === coopId),
    outputState: (id) => (on.includes(id) ? { state: 'on' } : { state: 'off' }),
    schedules: () => schedules,
    timezone: () => ZONE,
    leadMs: 20 * 60_000,
  };
}

describe('findRunningFeeder', () => {
  const cycle = { ...base, id: 's-1', outputId: 'feeder-1', type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 3600, repeat: 3 } as Schedule;

  it('says no feeder runs in a coop without a feeder schedule or an ON feeder', () => {
    expect(findRunningFeeder(deps([]), 'coop-1', at(3))).toBeNull();
    // Another coop's feeder, or a fan of this coop, does not count.
    expect(findRunningFeeder(deps([], ['feeder-9', 'fan-1']), 'coop-1', at(3))).toBeNull();
  });

  it('counts a feeder that is on, whatever switched it on', () => {
    expect(findRunningFeeder(deps([], ['feeder-1']), 'coop-1', at(3))).toMatch(/feeder-1 is on/);
  });

  it('counts a cycle from its first run to the end of its last, rests included, and its lead time', () => {
    const d = deps([cycle]);
    expect(findRunningFeeder(d, 'coop-1', at(5, 30))).toBeNull();
    expect(findRunningFeeder(d, 'coop-1', at(5, 45))).toMatch(/starts within 20 min/);
    expect(findRunningFeeder(d, 'coop-1', at(6, 4))).toMatch(/runs/);
    expect(findRunningFeeder(d, 'coop-1', at(6, 30))).toMatch(/between runs of a cycle/);
    // Runs 06:00, 07:08 and 08:16, 8 min each: the cycle ends at 08:24.
    expect(findRunningFeeder(d, 'coop-1', at(8, 15))).toMatch(/between runs/);
    expect(findRunningFeeder(d, 'coop-1', at(8, 23))).toMatch(/runs/);
    expect(findRunningFeeder(d, 'coop-1', at(8, 25))).toBeNull();
  });

  it('counts a duty window whole, and ignores a disabled schedule', () => {
    const duty = { ...base, id: 's-2', outputId: 'feeder-1', type: 'duty', windowStart: '23:00', windowEnd: '01:00', onSeconds: 60, offSeconds: 1200, repeat: null } as Schedule;
    expect(findRunningFeeder(deps([duty]), 'coop-1', at(24, 10))).not.toBeNull();
    expect(findRunningFeeder(deps([duty]), 'coop-1', at(25, 30))).toBeNull();
    expect(findRunningFeeder(deps([{ ...cycle, enabled: false }]), 'coop-1', at(6, 4))).toBeNull();
  });

  it('counts a cron program until its auto-off', () => {
    const cron = { ...base, id: 's-3', outputId: 'feeder-1', type: 'cron', cron: '0 3 * * *', action: { autoOffSeconds: 900 } } as Schedule;
    expect(findRunningFeeder(deps([cron]), 'coop-1', at(3, 10))).toMatch(/runs/);
    expect(findRunningFeeder(deps([cron]), 'coop-1', at(3, 20))).toBeNull();
  });
});
