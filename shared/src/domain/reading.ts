import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { TimestampMsSchema } from './common.js';

/** Why a sensor produced no value. */
export const SensorFailureSchema = z.enum(['no_response', 'checksum', 'out_of_range', 'stuck', 'disconnected']);
export type SensorFailure = z.infer<typeof SensorFailureSchema>;

/**
 * One sample, stamped by the Pi at capture (the ESP32 has no wall clock). A failed read is a
 * status with no value, never a number: the original product read a dead DHT22 as 0 °C and
 * switched the heater on.
 */
export const ReadingSchema = z.discriminatedUnion('status', [
  z.strictObject({
    sensorId: IdSchema,
    ts: TimestampMsSchema,
    status: z.literal('ok'),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
  }),
  z.strictObject({
    sensorId: IdSchema,
    ts: TimestampMsSchema,
    status: z.literal('failed'),
    failure: SensorFailureSchema,
  }),
]);
export type Reading = z.infer<typeof ReadingSchema>;

/** Aggregate of readings over one bucket (minute, hour or day). */
export const RollupSchema = z.strictObject({
  sensorId: IdSchema,
  resolution: z.enum(['minute', 'hour', 'day']),
  bucketStart: TimestampMsSchema,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  count: z.number().int().min(1),
  failedCount: z.number().int().min(0),
});
export type Rollup = z.infer<typeof RollupSchema>;
