import { describe, expect, it } from 'vitest';
import { interpolateCurve } from '@tokkatot/shared';
import { computeGrowthDay, computeTargetTemperature } from '../../src/automation/growth-day.js';
import { makeFlock, pp } from './fixtures.js';

const PP = 'Asia/Phnom_Penh';

describe('growth day and target curve', () => {
  it('counts days from placement in the farm zone, negative before it, moving on at local midnight', () => {
    expect(computeGrowthDay('2026-03-10', pp('2026-03-08T12:00:00'), PP)).toBe(-2);
    expect(computeGrowthDay('2026-03-10', pp('2026-03-10T00:00:00'), PP)).toBe(0);
    expect(computeGrowthDay('2026-03-10', pp('2026-03-10T23:59:59'), PP)).toBe(0);
    expect(computeGrowthDay('2026-03-10', pp('2026-03-11T00:00:00'), PP)).toBe(1);
    // 23:30 UTC is already the next day in Phnom Penh.
    expect(computeGrowthDay('2026-03-10', Date.parse('2026-03-10T17:30:00Z'), PP)).toBe(1);
  });

  it('interpolates linearly between bend points and clamps at both ends', () => {
    const curve = makeFlock().targetCurve;
    expect(interpolateCurve(curve, -7)).toBe(33);
    expect(interpolateCurve(curve, 7)).toBe(30);
    expect(interpolateCurve(curve, 14)).toBeCloseTo(27.5);
    expect(interpolateCurve(curve, 28)).toBeCloseTo(23);
    expect(interpolateCurve(curve, 90)).toBe(21);
  });

  it('aims pre-heat at the day-0 target and growing at today', () => {
    const growing = makeFlock({ placedOn: '2026-03-03' });
    expect(computeTargetTemperature(growing, pp('2026-03-10T10:00:00'), PP)).toEqual({ day: 7, targetC: 30 });
    const preheat = makeFlock({ placedOn: '2026-03-12', houseMode: 'pre_heat', targetCurve: [{ day: -2, temperatureC: 28 }, { day: 0, temperatureC: 33 }] });
    expect(computeTargetTemperature(preheat, pp('2026-03-10T10:00:00'), PP)).toEqual({ day: -2, targetC: 33 });
  });
});
