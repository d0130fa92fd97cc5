import type { Reading } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

export type Resolution = 'minute' | 'hour' | 'day';

/** One bucket's aggregate, as the ingest path merges it into the stored rollup. */
export interface RollupDelta {
  sensorId: string;
  resolution: Resolution;
  bucketStart: number;
  min: number | null;
  max: number | null;
  sum: number;
  count: number;
  failedCount: number;
}

export interface RawPoint {
  ts: number;
  value: number | null;
  failure: string | null;
}

/** A raw reading with its row id and sensor, as kept in storage. */
export interface StoredRawPoint extends RawPoint {
  id: number;
  sensorId: string;
}

export interface RollupPoint {
  bucketStart: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  count: number;
  failedCount: number;
}

/** Raw readings and their rollups: the telemetry hot path. */
export class ReadingsRepository {
  private readonly insertRaw;
  private readonly upsertRollup;

  constructor(private readonly db: SqliteDatabase) {
    this.insertRaw = db.prepare('INSERT INTO readings (sensor_id, ts, value, failure) VALUES (?, ?, ?, ?)');
    // MIN/MAX of SQLite return NULL when either side is NULL, hence the COALESCEs (buckets of only failed reads have no min).
    this.upsertRollup = db.prepare(
      `INSERT INTO rollups (sensor_id, resolution, bucket_start, min, max, sum, count, failed_count)
       VALUES (@sensorId, @resolution, @bucketStart, @min, @max, @sum, @count, @failedCount)
       ON CONFLICT(sensor_id, resolution, bucket_start) DO UPDATE SET
         min = MIN(COALESCE(rollups.min, excluded.min), COALESCE(excluded.min, rollups.min)),
         max = MAX(COALESCE(rollups.max, excluded.max), COALESCE(excluded.max, rollups.max)),
         sum = rollups.sum + excluded.sum,
         count = rollups.count + excluded.count,
         failed_count = rollups.failed_count + excluded.failed_count`,
    );
  }

  /** Writes raw readings and merges their rollup deltas in one transaction: both or neither. */
  writeBatch(readings: readonly Reading[], deltas: Iterable<RollupDelta>): void {
    this.db.transaction(() => {
      for (const reading of readings) {
        if (reading.status === 'ok') this.insertRaw.run(reading.sensorId, reading.ts, reading.value, null);
        else this.insertRaw.run(reading.sensorId, reading.ts, null, reading.failure);
      }
      for (const delta of deltas) this.upsertRollup.run(delta);
    })();
  }

  raw(sensorId: string, from: number, to: number, limit: number): RawPoint[] {
    return prepareCached(this.db, 'SELECT ts, value, failure FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?')
      .all(sensorId, from, to, limit) as RawPoint[];
  }

  rollups(sensorId: string, resolution: Resolution, from: number, to: number, limit: number): RollupPoint[] {
    const rows = prepareCached(this.db, 
        `SELECT bucket_start, min, max, sum, count, failed_count FROM rollups
         WHERE sensor_id = ? AND resolution = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start LIMIT ?`,
      )
      .all(sensorId, resolution, from, to, limit) as Record<string, number | null>[];
    return rows.map((row) => ({
      bucketStart: row.bucket_start!,
      min: row.min ?? null,
      max: row.max ?? null,
      mean: row.count ? row.sum! / row.count : null,
      count: row.count!,
      failedCount: row.failed_count!,
    }));
  }

  /** Raw readings stored after row `afterId`, in storage order (the cloud link's export cursor). */
  rawAfter(afterId: number, limit: number): StoredRawPoint[] {
    return prepareCached(this.db, 'SELECT id, sensor_id AS sensorId, ts, value, failure FROM readings WHERE id > ? ORDER BY id LIMIT ?').all(
      afterId,
      limit,
    ) as StoredRawPoint[];
  }

  latest(sensorId: string): RawPoint | undefined {
    return prepareCached(this.db, 'SELECT ts, value, failure FROM readings WHERE sensor_id = ? ORDER BY ts DESC LIMIT 1').get(sensorId) as
      | RawPoint
      | undefined;
  }

  rawCount(): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
  }

  rollupCount(resolution?: Resolution): number {
    const row = resolution
      ? prepareCached(this.db, 'SELECT COUNT(*) AS n FROM rollups WHERE resolution = ?').get(resolution)
      : prepareCached(this.db, 'SELECT COUNT(*) AS n FROM rollups').get();
    return (row as { n: number }).n;
  }

  /** Oldest raw timestamp (by arrival), or undefined when no raw readings are kept. */
  oldestRawTs(): number | undefined {
    return (prepareCached(this.db, 'SELECT ts FROM readings ORDER BY id LIMIT 1').get() as { ts: number } | undefined)?.ts;
  }

  /**
   * Deletes raw readings older than cutoff, walking from the oldest arrival in chunks (rowid order
   * is arrival order, so no index on ts alone is needed on the write path). Stops at the first
   * chunk with nothing to delete.
   */
  deleteRawBefore(cutoff: number, chunk = 5000): number {
    const stmt = prepareCached(this.db, 'DELETE FROM readings WHERE id IN (SELECT id FROM readings ORDER BY id LIMIT ?) AND ts < ?');
    let total = 0;
    for (;;) {
      const changes = stmt.run(chunk, cutoff).changes;
      total += changes;
      if (changes === 0) return total;
    }
  }

  /** Deletes the oldest `count` raw readings by arrival. */
  deleteOldestRaw(count: number): number {
    return prepareCached(this.db, 'DELETE FROM readings WHERE id IN (SELECT id FROM readings ORDER BY id LIMIT ?)').run(count).changes;
  }

  deleteRollupsBefore(resolution: Resolution, cutoff: number): number {
    return prepareCached(this.db, 'DELETE FROM rollups WHERE resolution = ? AND bucket_start < ?').run(resolution, cutoff).changes;
  }

  /** Deletes the oldest `count` rollups of one resolution. */
  deleteOldestRollups(resolution: Resolution, count: number): number {
    return prepareCached(this.db, 
        `DELETE FROM rollups WHERE resolution = ? AND bucket_start <= (
           SELECT bucket_start FROM rollups WHERE resolution = ? ORDER BY bucket_start LIMIT 1 OFFSET ?)`,
      )
      .run(resolution, resolution, Math.max(0, count - 1)).changes;
  }
}
