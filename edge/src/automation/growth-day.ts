import { interpolateCurve, type Flock, type HouseMode } from '@tokkatot/shared';
import { diffDays, getLocalDate, parseLocalDate } from './zoned-time.js';

/** Growth day at an instant: whole local days since placement (day 0), negative before it. */
export function computeGrowthDay(placedOn: string, now: number, zone: string): number {
  return diffDays(parseLocalDate(placedOn), getLocalDate(now, zone));
}

/** What a house mode lets the climate rule do. */
export interface ModePolicy {
  heating: boolean;
  cooling: boolean;
  minimumVentilation: boolean;
  /** Schedules (feeder, conveyor, lights) run. */
  schedules: boolean;
  /** The target comes from this growth day instead of today's (pre-heat warms to day 0). */
  targetDay: 'today' | 'zero';
  /** Temperature alarms apply. */
  temperatureAlarms: boolean;
}

/**
 * House modes, as Munters/Rotem use them:
 * - empty: no birds. No heating, no cooling, minimum ventilation only (dries the litter); no
 *   temperature alarms, no schedules (a feeder must not run into an empty house).
 * - pre_heat: birds arriving. Heat to the day-0 target of the curve; fans only as minimum
 *   ventilation and for cooling if it overshoots; schedules off.
 * - growing: everything: curve target, heating, cooling stages, minimum ventilation, schedules.
 * - catching: birds being caught with doors open. Fans only (cooling and minimum ventilation; the
 *   birds are crowded and heat up), heaters off, schedules (feeder, conveyor) off, alarms on.
 */
export const HOUSE_MODE_POLICIES: Record<HouseMode, ModePolicy> = {
  empty: { heating: false, cooling: false, minimumVentilation: true, schedules: false, targetDay: 'today', temperatureAlarms: false },
  pre_heat: { heating: true, cooling: true, minimumVentilation: true, schedules: false, targetDay: 'zero', temperatureAlarms: true },
  growing: { heating: true, cooling: true, minimumVentilation: true, schedules: true, targetDay: 'today', temperatureAlarms: true },
  catching: { heating: false, cooling: true, minimumVentilation: true, schedules: false, targetDay: 'today', temperatureAlarms: true },
};

/** The flock's target temperature now, following its house mode (pre-heat aims at day 0). */
export function computeTargetTemperature(flock: Flock, now: number, zone: string): { day: number; targetC: number } {
  const day = computeGrowthDay(flock.placedOn, now, zone);
  const curveDay = HOUSE_MODE_POLICIES[flock.houseMode].targetDay === 'zero' ? Math.max(0, day) : day;
  return { day, targetC: interpolateCurve(flock.targetCurve, curveDay) };
}
