import type pg from 'pg';
import type { Reading } from '@tokkatot/shared';

const RESOLUTIONS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

interface Bucket {
  sensorId: string;
  resolution: keyof typeof RESOLUTIONS;
  start: number;
  min: number | null;
  max: number | null;
  sum: number;
  count: number;
  failed: number;
}

/** Folds readings into minute, hour and day buckets (UTC). */
export function bucketReadings(readings: readonly Reading[]): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const reading of readings) {
    for (const [resolution, size] of Object.entries(RESOLUTIONS) as Array<[keyof typeof RESOLUTIONS, number]>) {
      const start = reading.ts - (reading.ts % size);
      const key = `${reading.sensorId}|${resolution}|${start}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { sensorId: reading.sensorId, resolution, start, min: null, max: null, sum: 0, count: 0, failed: 0 };
        buckets.set(key, bucket);
      }
      if (reading.status === 'ok') {
        bucket.min = bucket.min === null ? reading.value : Math.min(bucket.min, reading.value);
        bucket.max = bucket.max === null ? reading.value : Math.max(bucket.max, reading.value);
        bucket.sum += reading.value;
        bucket.count += 1;
      } else bucket.failed += 1;
    }
  }
  return [...buckets.values()];
}

/**
 * Adds readings to the rollups. Call it only for readings seen for the first time (the ingest
 * ledger decides that in the same transaction), which makes re-delivered batches add nothing.
 */
export async function upsertRollups(client: pg.PoolClient, farmId: string, readings: readonly Reading[]): Promise<void> {
  const buckets = bucketReadings(readings);
  if (buckets.length === 0) return;
  await client.query(
    `INSERT INTO telemetry_rollup (farm_id, sensor_id, resolution, bucket_start, min, max, sum, count, failed_count)
       SELECT $1, b.sensor_id, b.resolution, b.start, b.min, b.max, b.sum, b.count, b.failed
         FROM unnest($2::text[], $3::text[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[], $9::bigint[])
              AS b(sensor_id, resolution, start, min, max, sum, count, failed)
       ORDER BY 2, 3, 4
     ON CONFLICT (farm_id, sensor_id, resolution, bucket_start) DO UPDATE SET
       min = LEAST(telemetry_rollup.min, excluded.min),
       max = GREATEST(telemetry_rollup.max, excluded.max),
       sum = telemetry_rollup.sum + excluded.sum,
       count = telemetry_rollup.count + excluded.count,
       failed_count = telemetry_rollup.failed_count + excluded.failed_count`,
    [
      farmId,
      buckets.map((b) => b.sensorId),
      buckets.map((b) => b.resolution),
      buckets.map((b) => b.start),
      buckets.map((b) => b.min),
      buckets.map((b) => b.max),
      buckets.map((b) => b.sum),
      buckets.map((b) => b.count),
      buckets.map((b) => b.failed),
    ],
  );
}
