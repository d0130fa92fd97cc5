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
