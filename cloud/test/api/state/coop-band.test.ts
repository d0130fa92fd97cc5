import { describe, expect, it } from 'vitest';
import type { ClimateRule, Flock } from '@tokkatot/shared';
import { computeBand, selectCurrentFlock } from '../../../src/api/state/coop-band.js';
import { expectConsumption } from '../../../src/api/report/flock-expectation.js';

const flock = (over: Partial<Flock> = {}): Flock => ({
  id: 'flock-1',
  farmId: 'f',
  hlc: '000000000000001:00000:edge-pi',
  updatedAt: Date.UTC(2026, 0, 1),
  coopId: 'coop-1',
  name: 'Batch',
  placedOn: '2026-03-01',
  birdsPlaced: 1000,
  breed: 'Cobb 500',
  houseMode: 'growing',
  targetCurve: [
    { day: 0, temperatureC: 33 },
    { day: 20, temperatureC: 23 },
  ],
  ...over,
});
const rule = { bandLowC: 26, bandHighC: 30, target: 'curve' } as ClimateRule;

describe('coop band in force', () => {
  it('centres the band’s width on the curve target of the date, and pre-heat aims at day 0', () => {
    expect(computeBand(rule, flock(), '2026-03-11')).toEqual({ lowC: 26, highC: 30 });
    expect(computeBand(rule, flock({ houseMode: 'pre_heat', placedOn: '2026-03-15' }), '2026-03-11')).toEqual({ lowC: 31, highC: 35 });
    expect(computeBand({ ...rule, target: 'fixed' }, flock(), '2026-03-11')).toEqual({ lowC: 26, highC: 30 });
    expect(computeBand(rule, undefined, '2026-03-11')).toEqual({ lowC: 26, highC: 30 });
  });

  it('takes the latest flock placed in the coop and ignores empty houses', () => {
    const older = flock({ id: 'a', placedOn: '2026-01-01' });
    const newer = flock({ id: 'b', placedOn: '2026-03-01' });
    const emptied = flock({ id: 'c', placedOn: '2026-03-05', houseMode: 'empty' });
    expect(selectCurrentFlock([older, emptied, newer], 'coop-1')?.id).toBe('b');
    expect(selectCurrentFlock([emptied], 'coop-1')).toBeUndefined();
  });
});

describe('flock consumption expectation', () => {
  it('expects nothing before placement, in pre-heat or in an empty house, and never negative birds', () => {
    expect(expectConsumption(flock(), '2026-02-28', 0)).toBeUndefined();
    expect(expectConsumption(flock({ houseMode: 'pre_heat' }), '2026-03-05', 0)).toBeUndefined();
    expect(expectConsumption(flock(), '2026-03-08', 5000)).toMatchObject({ birds: 0, feedBags: 0, waterLitres: 0 });
  });

  it('holds the reference flat after its last bend point', () => {
    const late = expectConsumption(flock(), '2026-06-01', 0)!;
    const later = expectConsumption(flock(), '2026-07-01', 0)!;
    expect(late.feedBags).toBe(later.feedBags);
    expect(late.feedBags).toBe(Math.round(((1000 * 225) / 1000 / 25) * 10) / 10);
  });
});
