import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DateSchema, DocumentMetaShape, NameSchema } from './common.js';

export const HouseModeSchema = z.enum(['empty', 'pre_heat', 'growing', 'catching']);
export type HouseMode = z.infer<typeof HouseModeSchema>;

/** One bend point of the target-temperature curve, by growth day (negative = pre-heat days). */
export const CurvePointSchema = z.strictObject({
  day: z.number().int().min(-7).max(120),
  temperatureC: z.number().min(10).max(40),
});

/** A flock placed in a coop. Day 0 is the placement date; everything follows its growth day. */
export const FlockSchema = z
  .strictObject({
    ...DocumentMetaShape,
    coopId: IdSchema,
    name: NameSchema,
    placedOn: DateSchema,
    birdsPlaced: z.number().int().min(1).max(1_000_000),
    breed: NameSchema,
    houseMode: HouseModeSchema,
    targetCurve: z.array(CurvePointSchema).min(1).max(64),
  })
  .refine(
    (flock) => flock.targetCurve.every((point, i, all) => i === 0 || all[i - 1]!.day < point.day),
    { message: 'curve points must be in increasing day order without repeats', path: ['targetCurve'] },
  );
export type Flock = z.infer<typeof FlockSchema>;

/**
 * A value of a by-growth-day curve on a (possibly fractional) day: linear between bend points,
 * held flat before the first and after the last. `points` are in increasing day order, at least one.
 */
export function interpolateByDay<P extends { day: number }>(points: readonly P[], day: number, valueOf: (point: P) => number): number {
  const first = points[0]!;
  if (day <= first.day) return valueOf(first);
  for (let i = 1; i < points.length; i++) {
    const b = points[i]!;
    if (day <= b.day) {
      const a = points[i - 1]!;
      return valueOf(a) + ((valueOf(b) - valueOf(a)) * (day - a.day)) / (b.day - a.day);
    }
  }
  return valueOf(points.at(-1)!);
}

/** Target temperature of a flock's curve on a growth day (the edge's automation and the cloud's views agree by using this). */
export function interpolateCurve(curve: Flock['targetCurve'], day: number): number {
  return interpolateByDay(curve, day, (point) => point.temperatureC);
}
