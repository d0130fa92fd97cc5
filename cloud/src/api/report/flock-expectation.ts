import { interpolateByDay, type Flock } from '@tokkatot/shared';
import { diffDays } from '../state/zoned-day.js';

/**
 * Reference feed intake of a broiler flock, grams per bird per day by growth day (bend points,
 * linear between them), rounded from the published as-hatched broiler performance objectives. A
 * flock document carries only a temperature curve, so this one reference stands in for breed
 * templates until those exist; the report says which basis it used.
 */
export const BROILER_FEED_G_PER_BIRD = [
  { day: 0, grams: 12 },
  { day: 7, grams: 35 },
  { day: 14, grams: 75 },
  { day: 21, grams: 120 },
  { day: 28, grams: 160 },
  { day: 35, grams: 190 },
  { day: 42, grams: 210 },
  { day: 56, grams: 225 },
] as const;

/** Birds drink about 1.8 litres per kilogram of feed at moderate temperatures (more in the heat). */
export const WATER_LITRES_PER_KG_FEED = 1.8;
/** A bag of feed as sold to small farms. */
export const FEED_BAG_KG = 25;

export interface FlockExpectation {
  basis: 'broiler_reference';
  growthDay: number;
  birds: number;
  feedBags: number;
  waterLitres: number;
}

/**
 * What the flock should have eaten and drunk on `date`: birds alive that morning (placed minus
 * recorded deaths and culls before the date) times the reference intake of its growth day. None
 * for a house without birds (empty or pre-heat, or a date before placement).
 */
export function expectConsumption(flock: Flock, date: string, lossesBefore: number): FlockExpectation | undefined {
  const growthDay = diffDays(flock.placedOn, date);
  if (growthDay < 0 || flock.houseMode === 'empty' || flock.houseMode === 'pre_heat') return undefined;
  const birds = Math.max(0, flock.birdsPlaced - lossesBefore);
  const feedKg = (birds * interpolateByDay(BROILER_FEED_G_PER_BIRD, growthDay, (point) => point.grams)) / 1000;
  return {
    basis: 'broiler_reference',
    growthDay,
    birds,
    feedBags: Math.round((feedKg / FEED_BAG_KG) * 10) / 10,
    waterLitres: Math.round(feedKg * WATER_LITRES_PER_KG_FEED),
  };
}
