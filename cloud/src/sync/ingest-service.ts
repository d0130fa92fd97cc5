import type pg from 'pg';
import { EventSchema, RollupSchema, type Reading } from '@tokkatot/shared';
import { advanceContiguous, decodeReadingBatch, DroppedReadingsSchema, OUTBOX_STREAMS, ReadingBatchSchema, type IngestAck, type IngestBatch, type OutboxStream } from '@tokkatot/sync';
import { announceLive, createLiveChanges, projectEvent, projectReadings, touchEdge, type LiveChanges } from '../api/projection/ingest-projection.js';
import { withTransaction } from '../db/transaction.js';
import type { ReadingSink } from '../telemetry/reading-sink.js';
import { upsertRollups } from '../telemetry/rollups.js';

type IngestRecord = IngestBatch['records'][number];

/** Counts of one ingest call, for logs and tests. */
export interface IngestResult extends IngestAck {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Lands outbox batches. The (edge, epoch, stream, seq) ledger decides which records are new inside the
 * transaction; only those are projected (events, readings to InfluxDB and rollups), so a batch
 * sent twice changes nothing the second time. The answer is each stream's contiguous mark.
 */
export class IngestService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly readings: ReadingSink,
    private readonly now: () => number,
  ) {}

  async ingest(edgeId: string, farmId: string, batch: IngestBatch): Promise<IngestResult> {
    return withTransaction(this.pool, async (client) => {
      // Records at or below a stream's acknowledged mark were landed before, even when the
      // retention job has since pruned their ledger rows: a late re-send must add nothing.
      const marks = await client.query<{ stream: string; acked_through: string }>(
        'SELECT stream, acked_through FROM ingest_progress WHERE edge_id = $1 AND epoch = $2',
        [edgeId, batch.epoch],
      );
      const acked = new Map(marks.rows.map((row) => [row.stream, Number(row.acked_through)]));
      const unacked = batch.records.filter((r) => r.seq > (acked.get(r.stream) ?? 0));
      const inserted = await client.query<{ stream: string; seq: string }>(
        `INSERT INTO ingest_record (edge_id, epoch, stream, seq, farm_id, device_ts)
           SELECT $1, $6, r.stream, r.seq, $2, r.ts FROM unnest($3::text[], $4::bigint[], $5::bigint[]) AS r(stream, seq, ts)
           ORDER BY 3, 4
         ON CONFLICT (edge_id, epoch, stream, seq) DO NOTHING RETURNING stream, seq`,
        [edgeId, farmId, unacked.map((r) => r.stream), unacked.map((r) => r.seq), unacked.map((r) => r.ts), batch.epoch],
      );
      const fresh = new Set(inserted.rows.map((row) => `${row.stream}:${row.seq}`));
      const seen = new Set<string>();
      const newRecords = batch.records.filter((r) => {
        const key = `${r.stream}:${r.seq}`;
        if (!fresh.has(key) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const readings: Reading[] = [];
      const rejections: Array<{ record: IngestRecord; reason: string }> = [];
      const live = createLiveChanges();
      await touchEdge(client, edgeId, farmId, this.now());
      for (const record of newRecords) {
        const reason = await this.project(client, edgeId, farmId, record, readings, live);
        if (reason) rejections.push({ record, reason });
      }
      for (const { record, reason } of rejections) {
        await client.query('UPDATE ingest_record SET rejected_reason = $5 WHERE edge_id = $1 AND epoch = $2 AND stream = $3 AND seq = $4', [
          edgeId,
          batch.epoch,
          record.stream,
          record.seq,
          reason.slice(0, 1000),
        ]);
      }
      if (readings.length > 0) {
        // Raw readings must be in InfluxDB before the ledger commits, or an ack could cover a reading that was never stored.
        this.readings.write(farmId, readings);
        await this.readings.flush();
        await upsertRollups(client, farmId, readings);
        await projectReadings(client, farmId, readings, live);
      }
      await announceLive(client, farmId, live);
      const streams = [...new Set(batch.records.map((r) => r.stream))];
      const ackedThrough = await this.advance(client, edgeId, batch.epoch, streams);
      return { ackedThrough, accepted: newRecords.length - rejections.length, duplicates: batch.records.length - newRecords.length, rejected: rejections.length };
    });
  }

  /** The contiguous marks of every stream of one outbox epoch of an edge (status, tests). */
  async acked(edgeId: string, epoch: string): Promise<IngestAck['ackedThrough']> {
    const { rows } = await this.pool.query<{ stream: OutboxStream; acked_through: string }>(
      'SELECT stream, acked_through FROM ingest_progress WHERE edge_id = $1 AND epoch = $2',
      [edgeId, epoch],
    );
    return Object.fromEntries(rows.map((row) => [row.stream, Number(row.acked_through)]));
  }

  // Returns why the record is unusable, or undefined once it is stored.
  private async project(client: pg.PoolClient, edgeId: string, farmId: string, record: IngestRecord, readings: Reading[], live: LiveChanges): Promise<string | undefined> {
    if (record.stream === 'critical' || record.stream === 'events') {
      const parsed = EventSchema.safeParse(record.payload);
      if (!parsed.success) return `not an event: ${parsed.error.message}`;
      if (parsed.data.farmId !== farmId) return 'event of another farm';
      const stored = await client.query(
        `INSERT INTO farm_event (farm_id, id, type, ts, body, edge_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (farm_id, id) DO NOTHING`,
        [farmId, parsed.data.id, parsed.data.type, parsed.data.ts, JSON.stringify(record.payload), edgeId],
      );
      // The farm API's projections (latest output states, alarms, daily records, notifications).
      if (stored.rowCount === 1) await projectEvent(client, farmId, parsed.data, live);
      return undefined;
    }
    if (record.stream === 'readings') {
      // Raw readings the edge dropped for its disk budget: their aggregates and gap event travel separately.
      if (DroppedReadingsSchema.safeParse(record.payload).success) return undefined;
      const parsed = ReadingBatchSchema.safeParse(record.payload);
      if (!parsed.success) return `not a reading batch: ${parsed.error.message}`;
      readings.push(...decodeReadingBatch(parsed.data));
      return undefined;
    }
    const parsed = RollupSchema.safeParse(record.payload);
    if (!parsed.success) return `not an aggregate: ${parsed.error.message}`;
    const a = parsed.data;
    await client.query(
      `INSERT INTO edge_aggregate (farm_id, sensor_id, resolution, bucket_start, min, max, mean, count, failed_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (farm_id, sensor_id, resolution, bucket_start) DO UPDATE SET min = excluded.min, max = excluded.max,
         mean = excluded.mean, count = excluded.count, failed_count = excluded.failed_count`,
      [farmId, a.sensorId, a.resolution, a.bucketStart, a.min, a.max, a.mean, a.count, a.failedCount],
    );
    return undefined;
  }

  private async advance(client: pg.PoolClient, edgeId: string, epoch: string, streams: readonly string[]): Promise<IngestAck['ackedThrough']> {
    const acked: IngestAck['ackedThrough'] = {};
    for (const stream of OUTBOX_STREAMS.filter((s) => streams.includes(s))) {
      await client.query('INSERT INTO ingest_progress (edge_id, epoch, stream) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [edgeId, epoch, stream]);
      const { rows } = await client.query<{ acked_through: string }>(
        'SELECT acked_through FROM ingest_progress WHERE edge_id = $1 AND epoch = $2 AND stream = $3 FOR UPDATE',
        [edgeId, epoch, stream],
      );
      const current = Number(rows[0]!.acked_through);
      const next = await client.query<{ seq: string }>(
        'SELECT seq FROM ingest_record WHERE edge_id = $1 AND epoch = $2 AND stream = $3 AND seq > $4 ORDER BY seq LIMIT 100000',
        [edgeId, epoch, stream, current],
      );
      const mark = advanceContiguous(current, next.rows.map((row) => Number(row.seq)));
      if (mark !== current) {
        await client.query('UPDATE ingest_progress SET acked_through = $4 WHERE edge_id = $1 AND epoch = $2 AND stream = $3', [edgeId, epoch, stream, mark]);
      }
      acked[stream] = mark;
    }
    return acked;
  }
}
