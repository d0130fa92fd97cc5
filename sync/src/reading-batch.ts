import { z } from 'zod';
import { IdSchema, SensorFailureSchema, type Reading, type SensorFailure } from '@tokkatot/shared';

/**
 * Readings of one sensor in one outbox record, columnar so gzip finds the repetition:
 * `t` holds the first timestamp then deltas (ms), `v` the values (null = failed read), and
 * `f` the failure kind by index for failed reads.
 */
export const ReadingBatchSchema = z
  .strictObject({
    sensorId: IdSchema,
    t: z.array(z.number().int().min(0)).min(1).max(100_000),
    v: z.array(z.number().nullable()).max(100_000),
    f: z.record(z.string().regex(/^\d+$/), SensorFailureSchema).optional(),
  })
  .refine((batch) => batch.t.length === batch.v.length, { message: 't and v must have the same length', path: ['v'] });
export type ReadingBatch = z.infer<typeof ReadingBatchSchema>;

/** Packs readings of one sensor (any order) into a batch, sorted by time. */
export function encodeReadingBatch(sensorId: string, readings: readonly Reading[]): ReadingBatch {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts);
  const t: number[] = [];
  const v: Array<number | null> = [];
  const f: Record<string, SensorFailure> = {};
  let previous = 0;
  sorted.forEach((reading, index) => {
    t.push(index === 0 ? reading.ts : reading.ts - previous);
    previous = reading.ts;
    if (reading.status === 'ok') v.push(reading.value);
    else {
      v.push(null);
      f[String(index)] = reading.failure;
    }
  });
  return Object.keys(f).length > 0 ? { sensorId, t, v, f } : { sensorId, t, v };
}

/** Unpacks a batch into readings. */
export function decodeReadingBatch(batch: ReadingBatch): Reading[] {
  const readings: Reading[] = [];
  let ts = 0;
  batch.t.forEach((delta, index) => {
    ts = index === 0 ? delta : ts + delta;
    const value = batch.v[index];
    if (value === null || value === undefined) {
      readings.push({ sensorId: batch.sensorId, ts, status: 'failed', failure: batch.f?.[String(index)] ?? 'no_response' });
    } else readings.push({ sensorId: batch.sensorId, ts, status: 'ok', value });
  });
  return readings;
}
