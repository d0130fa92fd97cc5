import { interpolateCurve, type ClimateRule, type Flock } from '@tokkatot/shared';
import { diffDays } from './zoned-day.js';

/** The coop's flock in the house: the latest placed one that is not in an empty house. */
export function selectCurrentFlock(flocks: readonly Flock[], coopId: string): Flock | undefined {
  return flocks
    .filter((flock) => flock.coopId === coopId && flock.houseMode !== 'empty')
    .sort((a, b) => (a.placedOn < b.placedOn ? 1 : a.placedOn > b.placedOn ? -1 : a.id < b.id ? 1 : -1))[0];
}

/** The coop's climate rule: the first enabled one by id (a coop normally has exactly one). */
export function selectClimateRule(rules: readonly ClimateRule[], coopId: string): ClimateRule | undefined {
  return rules.filter((rule) => rule.coopId === coopId && rule.enabled).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
}

/** The flock's target on a farm-local date, as the edge computes it (pre-heat aims at day 0). */
export function computeTargetTemperature(flock: Flock, date: string): number {
  const day = diffDays(flock.placedOn, date);
  return interpolateCurve(flock.targetCurve, flock.houseMode === 'pre_heat' ? Math.max(0, day) : day);
}

/** The band in force, as on the edge: the fixed band, or its width centred on the curve target. */
export function computeBand(rule: ClimateRule, flock: Flock | undefined, date: string): { lowC: number; highC: number } {
  if (rule.target === 'fixed' || !flock) return { lowC: rule.bandLowC, highC: rule.bandHighC };
  const targetC = computeTargetTemperature(flock, date);
  const half = (rule.bandHighC - rule.bandLowC) / 2;
  return { lowC: targetC - half, highC: targetC + half };
}
