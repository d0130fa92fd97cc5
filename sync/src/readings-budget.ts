import { z } from 'zod';
import { IdSchema, type Rollup } from '@tokkatot/shared';
import { decodeReadingBatch, type ReadingBatch } from './reading-batch.js';

/**
 * What replaces a raw-readings outbox record dropped for the disk budget. The record keeps its
 * sequence (so acknowledgements stay contiguous); the cloud lands nothing for it.
 */
export const DroppedReadingsSchema = z.strictObject({
  dropped: z.strictObject({
    sensorId: IdSchema,
    from: z.number().int(),
    to: z.number().int(),
    count: z.number().int().min(0),
  }),
});
export type DroppedReadings = z.infer<typeof DroppedReadingsSchema>;

const MINUTE = 60_000;

/**
 * Summarises a raw batch about to be dropped: the marker that takes its place, and the minute
 * aggregates that keep its shape (minutes with only failed reads have no aggregate).
 */
export function summariseDroppedBatch(batch: ReadingBatch): { marker: DroppedReadings; aggregates: Rollup[] } {
  const readings = decodeReadingBatch(batch);
  const buckets = new Map<number, { min: number; max: number; sum: number; count: number; failed: number }>();
  for (const reading of readings) {
    const start = reading.ts - (reading.ts % MINUTE);
    const bucket = buckets.get(start) ?? { min: Infinity, max: -Infinity, sum: 0, count: 0, failed: 0 };
    if (reading.status === 'ok') {
      bucket.min = Math.min(bucket.min, reading.value);
      bucket.max = Math.max(bucket.max, reading.value);
      bucket.sum += reading.value;
      bucket.count += 1;
    } else bucket.failed += 1;
    buckets.set(start, bucket);
  }
  const aggregates: Rollup[] = [...buckets.entries()]
    .filter(([, b]) => b.count > 0)
    .sort(([a], [b]) => a - b)
    .map(([bucketStart, b]) => ({ sensorId: batch.sensorId, resolution: 'minute', bucketStart, min: b.min, max: b.max, mean: b.sum / b.count, count: b.count, failedCount: b.failed }));
  const times = readings.map((r) => r.ts);
  return {
    marker: { dropped: { sensorId: batch.sensorId, from: Math.min(...times), to: Math.max(...times), count: readings.length } },
    aggregates,
  };
}
