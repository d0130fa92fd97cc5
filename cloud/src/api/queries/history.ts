import type pg from 'pg';

export type Resolution = 'minute' | 'hour' | 'day';

export interface HistoryPoint {
  t: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  count: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The resolution a chart of this range reads: minute up to 6 h, hour up to 14 days, else day (≤ ~1,800 points). */
export function chooseResolution(fromMs: number, toMs: number): Resolution {
  const span = toMs - fromMs;
  if (span <= 6 * HOUR) return 'minute';
  if (span <= 14 * DAY) return 'hour';
  return 'day';
}

export interface HistoryAnswer {
  resolution: Resolution;
  points: HistoryPoint[];
}

/** The buckets a range reads: `[firstBucket, endBucket)` at `resolution`; two ranges with the same buckets have the same answer. */
export interface HistoryRange {
  resolution: Resolution;
  firstBucket: number;
  endBucket: number;
}

const floorTo = (ms: number, size: number) => ms - (((ms % size) + size) % size);

/** The bucket-aligned form of [from, to): the first bucket overlapping it, and the first bucket starting at or after `to`. */
export function historyRange(fromMs: number, toMs: number): HistoryRange {
  const resolution = chooseResolution(fromMs, toMs);
  const size = resolution === 'minute' ? 60_000 : resolution === 'hour' ? HOUR : DAY;
  const endFloor = floorTo(toMs, size);
  return { resolution, firstBucket: floorTo(fromMs, size), endBucket: endFloor === toMs ? toMs : endFloor + size };
}

/**
 * Buckets of one sensor overlapping [from, to), oldest first, from the cloud's rollups; where the
 * edge had to drop raw readings, its own aggregates fill the gap (never both for one bucket).
 */
export async function readHistory(db: pg.Pool, farmId: string, sensorId: string, range: HistoryRange): Promise<HistoryAnswer> {
  const { resolution, firstBucket, endBucket } = range;
  const { rows } = await db.query<{ t: string; min: number | null; max: number | null; mean: number | null; count: string }>(
    `SELECT t, min, max, mean, count FROM (
       SELECT bucket_start AS t, min, max, CASE WHEN count > 0 THEN sum / count END AS mean, count
         FROM telemetry_rollup WHERE farm_id = $1 AND sensor_id = $2 AND resolution = $3 AND bucket_start >= $4 AND bucket_start < $5
       UNION ALL
       SELECT a.bucket_start, a.min, a.max, a.mean, a.count
         FROM edge_aggregate a WHERE a.farm_id = $1 AND a.sensor_id = $2 AND a.resolution = $3 AND a.bucket_start >= $4 AND a.bucket_start < $5
          AND NOT EXISTS (SELECT 1 FROM telemetry_rollup r WHERE r.farm_id = a.farm_id AND r.sensor_id = a.sensor_id
                            AND r.resolution = a.resolution AND r.bucket_start = a.bucket_start AND r.count > 0)
     ) b WHERE count > 0 OR min IS NOT NULL ORDER BY t`,
    [farmId, sensorId, resolution, firstBucket, endBucket],
  );
  return { resolution, points: rows.map((row) => ({ t: Number(row.t), min: row.min, max: row.max, mean: row.mean, count: Number(row.count) })) };
}
