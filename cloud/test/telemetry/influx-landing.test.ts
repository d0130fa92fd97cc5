import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadingBatch } from '@tokkatot/sync';
import { SyncDocStore } from '../../src/db/sync-doc-store.js';
import { issueEdgeCredential } from '../../src/http/auth.js';
import { IngestService } from '../../src/sync/ingest-service.js';
import { InfluxReadingSink } from '../../src/telemetry/influx-reading-sink.js';
import { bucketReadings } from '../../src/telemetry/rollups.js';
import { createTestDatabase, services } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sink: InfluxReadingSink;
let influxUrl: string;
const farmId = `farm-${randomBytes(4).toString('hex')}`;
const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

beforeAll(async () => {
  const env = services();
  if (!env.INFLUX_URL) throw new Error(`influx is unavailable for this test: ${env.INFLUX_ERROR ?? 'not started'}`);
  influxUrl = env.INFLUX_URL;
  db = await createTestDatabase();
  await new SyncDocStore(db.pool).ensureFarm(farmId, 'Telemetry farm');
  await db.pool.query('INSERT INTO edge (id, farm_id, name, token_hash) VALUES ($1, $2, $3, $4)', ['edge-t', farmId, 'Pi', issueEdgeCredential('edge-t').tokenHash]);
  sink = new InfluxReadingSink({ url: influxUrl, token: 'unused', org: 'tokkatot', bucket: 'telemetry' });
});

afterAll(async () => {
  await sink?.close();
  await db?.drop();
});

/** Every sample VictoriaMetrics holds for a series, after a forced flush (polled up to ~3 s). */
async function exported(series: string, expected: number): Promise<Array<{ values: number[]; timestamps: number[] }>> {
  const deadline = Date.now() + 3000;
  for (;;) {
    await fetch(`${influxUrl}/internal/force_flush`);
    const text = await (await fetch(`${influxUrl}/api/v1/export?match[]=${encodeURIComponent(series)}`)).text();
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { values: number[]; timestamps: number[] });
    const count = lines.reduce((sum, line) => sum + line.values.length, 0);
    if (count >= expected || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('telemetry landing', () => {
  it('writes each raw reading once to the InfluxDB write API and rolls it up by minute, hour and day', async () => {
    const service = new IngestService(db.pool, sink, Date.now);
    const readings = Array.from({ length: 180 }, (_, i) => ({ sensorId: 'temp-1', ts: T0 + i * 30_000, status: 'ok' as const, value: 25 + (i % 10) / 10 }));
    const failed = { sensorId: 'temp-1', ts: T0 + 5_400_000 + 15_000, status: 'failed' as const, failure: 'no_response' as const };
    const batch = {
      epoch: 'epoch-influx',
      records: [
        { stream: 'readings' as const, seq: 1, ts: T0, payload: encodeReadingBatch('temp-1', readings.slice(0, 100)) },
        { stream: 'readings' as const, seq: 2, ts: T0, payload: encodeReadingBatch('temp-1', [...readings.slice(100), failed]) },
      ],
    };
    await service.ingest('edge-t', farmId, batch);
    // A retry of the same batch must add no sample and no count.
    await service.ingest('edge-t', farmId, batch);
    const series = await exported(`reading_value{farm="${farmId}",sensor="temp-1"}`, 180);
    const samples = series.flatMap((s) => s.timestamps);
    expect(samples).toHaveLength(180);
    expect(new Set(samples).size).toBe(180);
    expect(series[0]!.values.slice(0, 3)).toEqual([25, 25.1, 25.2]);
    const failedSeries = await exported(`reading_failed{farm="${farmId}"}`, 1);
    expect(failedSeries.flatMap((s) => s.timestamps)).toEqual([failed.ts]);

    const { rows } = await db.pool.query(
      `SELECT resolution, count(*)::int AS buckets, sum(count)::int AS n, sum(failed_count)::int AS failed FROM telemetry_rollup WHERE farm_id = $1 GROUP BY resolution ORDER BY resolution`,
      [farmId],
    );
    expect(rows).toEqual([
      { resolution: 'day', buckets: 1, n: 180, failed: 1 },
      { resolution: 'hour', buckets: 2, n: 180, failed: 1 },
      { resolution: 'minute', buckets: 91, n: 180, failed: 1 },
    ]);
    const expected = bucketReadings(readings).find((b) => b.resolution === 'hour' && b.start === T0)!;
    const hour = await db.pool.query(`SELECT min, max, sum, count::int FROM telemetry_rollup WHERE farm_id = $1 AND resolution = 'hour' AND bucket_start = $2`, [farmId, T0]);
    expect(hour.rows[0]).toEqual({ min: expected.min, max: expected.max, sum: expected.sum, count: expected.count });
  });

  it('acknowledges nothing when InfluxDB refuses the write, so the edge keeps the records', async () => {
    const broken = new InfluxReadingSink({ url: 'http://127.0.0.1:9', token: 'x', org: 'o', bucket: 'b' });
    const service = new IngestService(db.pool, broken, Date.now);
    const batch = { epoch: 'epoch-influx', records: [{ stream: 'readings' as const, seq: 3, ts: T0, payload: encodeReadingBatch('temp-1', [{ sensorId: 'temp-1', ts: T0 + 9_000_000, status: 'ok', value: 1 }]) }] };
    await expect(service.ingest('edge-t', farmId, batch)).rejects.toThrow();
    await broken.close().catch(() => undefined);
    expect((await service.acked('edge-t', 'epoch-influx')).readings).toBe(2);
    const ledger = await db.pool.query("SELECT count(*)::int AS n FROM ingest_record WHERE edge_id = 'edge-t'");
    expect(ledger.rows[0].n).toBe(2);
  });
});
