import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncDocStore } from '../../src/db/sync-doc-store.js';
import { archiveData, RETENTION } from '../../src/jobs/archive-data.js';
import { createTestDatabase } from '../support/test-database.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 2, 0, 0);
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool;
  await pool.query("INSERT INTO farm (id, name) VALUES ('farm-r', 'R'), ('farm-s', 'S')");
  await pool.query("INSERT INTO farm_clock (farm_id) VALUES ('farm-r'), ('farm-s')");
  await pool.query("INSERT INTO edge (id, farm_id, name, token_hash) VALUES ('edge-r', 'farm-r', 'Pi', 'x')");
});

afterAll(async () => {
  await db?.drop();
});

const ids = async (sql: string, params: unknown[] = []) => (await pool.query<{ id: string }>(sql, params)).rows.map((row) => String(row.id)).sort();

async function rollup(table: 'telemetry_rollup' | 'edge_aggregate', sensor: string, resolution: string, bucketStart: number): Promise<void> {
  if (table === 'telemetry_rollup') {
    await pool.query('INSERT INTO telemetry_rollup (farm_id, sensor_id, resolution, bucket_start, min, max, sum, count) VALUES ($1, $2, $3, $4, 1, 1, 1, 1)', ['farm-r', sensor, resolution, bucketStart]);
  } else {
    await pool.query('INSERT INTO edge_aggregate (farm_id, sensor_id, resolution, bucket_start, min, max, mean, count, failed_count) VALUES ($1, $2, $3, $4, 1, 1, 1, 1, 0)', ['farm-r', sensor, resolution, bucketStart]);
  }
}

describe('archiveData', () => {
  it('keeps each rollup resolution exactly as long as its retention and deletes anything older', async () => {
    const cases = [
      ['minute', RETENTION.minuteRollups],
      ['hour', RETENTION.hourRollups],
      ['day', RETENTION.dayRollups],
    ] as const;
    for (const table of ['telemetry_rollup', 'edge_aggregate'] as const) {
      for (const [resolution, keep] of cases) {
        await rollup(table, `${resolution}-edge`, resolution, NOW - keep); // exactly at the boundary: kept
        await rollup(table, `${resolution}-old`, resolution, NOW - keep - 1); // one millisecond older: deleted
        await rollup(table, `${resolution}-new`, resolution, NOW - 1000);
      }
    }
    // An hour rollup 31 days old is far inside its own retention, though past the minute one.
    await rollup('telemetry_rollup', 'hour-31d', 'hour', NOW - 31 * DAY);
    const report = await archiveData(pool, { now: () => NOW, batchSize: 2 });
    for (const table of ['telemetry_rollup', 'edge_aggregate']) {
      for (const [resolution] of cases) expect(report.deleted[`${table}.${resolution}`]).toBe(1);
      const left = await ids(`SELECT sensor_id AS id FROM ${table}`);
      expect(left).toEqual(expect.arrayContaining(['minute-edge', 'minute-new', 'hour-edge', 'hour-new', 'day-edge', 'day-new']));
      expect(left.filter((id) => id.endsWith('-old'))).toEqual([]);
    }
    expect(await ids('SELECT sensor_id AS id FROM telemetry_rollup WHERE sensor_id = $1', ['hour-31d'])).toEqual(['hour-31d']);
  });

  it('deletes notifications after 90 days and audit entries after 2 years, at their boundaries', async () => {
    const note = (id: string, createdAt: number) =>
      pool.query("INSERT INTO notification (farm_id, source_event_id, kind, title, body, created_at) VALUES ('farm-r', $1, 'alarm_raised', 't', 'b', $2)", [id, createdAt]);
    await note('n-edge', NOW - RETENTION.notifications);
    await note('n-old', NOW - RETENTION.notifications - 1);
    await note('n-new', NOW - DAY);
    const audit = (action: string, at: number) => pool.query("INSERT INTO audit_log (farm_id, action, at) VALUES ('farm-r', $1, $2)", [action, new Date(at)]);
    await audit('a-edge', NOW - RETENTION.auditLog);
    await audit('a-old', NOW - RETENTION.auditLog - 1);
    await audit('a-new', NOW - DAY);
    const report = await archiveData(pool, { now: () => NOW });
    expect(report.deleted).toMatchObject({ notification: 1, audit_log: 1 });
    expect(await ids('SELECT source_event_id AS id FROM notification')).toEqual(['n-edge', 'n-new']);
    expect(await ids('SELECT action AS id FROM audit_log')).toEqual(['a-edge', 'a-new']);
  });

  it('deletes old ingest ledger rows only below the acknowledged mark', async () => {
    const old = new Date(NOW - RETENTION.ingestLedger - 1);
    const edge = new Date(NOW - RETENTION.ingestLedger);
    await pool.query("INSERT INTO ingest_progress (edge_id, epoch, stream, acked_through) VALUES ('edge-r', 'e1', 'readings', 2)");
    const rows: Array<[number, Date]> = [
      [1, old], // old and acknowledged: deleted
      [2, old], // old and exactly the mark: acknowledged, deleted
      [3, old], // old but above the mark (a gap): kept, the mark still needs it
      [4, edge], // acknowledged? no (above the mark) and at the boundary: kept
    ];
    for (const [seq, at] of rows) {
      await pool.query("INSERT INTO ingest_record (edge_id, epoch, stream, seq, farm_id, device_ts, received_at) VALUES ('edge-r', 'e1', 'readings', $1, 'farm-r', 0, $2)", [seq, at]);
    }
    await pool.query("INSERT INTO ingest_record (edge_id, epoch, stream, seq, farm_id, device_ts, received_at) VALUES ('edge-r', 'e1', 'events', 1, 'farm-r', 0, $1)", [old]);
    const report = await archiveData(pool, { now: () => NOW });
    expect(report.deleted.ingest_record).toBe(2);
    // The events stream has no progress row: nothing of it counts as acknowledged.
    expect(await ids("SELECT stream || ':' || seq AS id FROM ingest_record")).toEqual(['events:1', 'readings:3', 'readings:4']);
    expect((await pool.query("SELECT acked_through FROM ingest_progress WHERE edge_id = 'edge-r'")).rows[0].acked_through).toBe('2');
  });

  it('purges command tombstones older than their retention and raises the resync horizon', async () => {
    const store = new SyncDocStore(pool);
    const command = (id: string) => ({ id, farmId: 'farm-s', type: 'silence_siren', issuedAt: 1, expiresAt: 2, _deleted: true });
    await store.writeServerDocs('farm-s', 'commands', [command('c-old')], 'test');
    const oldSeq = await store.currentSeq('farm-s');
    await store.writeServerDocs('farm-s', 'commands', [command('c-edge')], 'test');
    await store.writeServerDocs('farm-s', 'commands', [{ ...command('c-live'), _deleted: false }], 'test');
    await pool.query("UPDATE sync_doc SET server_time = $1 WHERE id = 'c-old'", [new Date(NOW - RETENTION.commandTombstones - 1)]);
    await pool.query("UPDATE sync_doc SET server_time = $1 WHERE id IN ('c-edge', 'c-live')", [new Date(NOW - RETENTION.commandTombstones - DAY)]);
    await pool.query("UPDATE sync_doc SET server_time = $1 WHERE id = 'c-edge'", [new Date(NOW - RETENTION.commandTombstones)]);
    const report = await archiveData(pool, { now: () => NOW });
    expect(report.deleted.command_tombstones).toBe(1);
    expect(await ids("SELECT id FROM sync_doc WHERE farm_id = 'farm-s'")).toEqual(['c-edge', 'c-live']);
    expect(await store.purgedThrough('farm-s', 'commands')).toBe(oldSeq);
  });

  it('changes nothing when run again, and works through a backlog larger than one batch', async () => {
    const again = await archiveData(pool, { now: () => NOW });
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
    await pool.query(
      "INSERT INTO telemetry_rollup (farm_id, sensor_id, resolution, bucket_start, sum, count) SELECT 'farm-r', 'bulk', 'minute', $1::bigint - g * 60000, 0, 0 FROM generate_series(1, 2500) AS g",
      [NOW - RETENTION.minuteRollups],
    );
    const report = await archiveData(pool, { now: () => NOW, batchSize: 1000 });
    expect(report.deleted['telemetry_rollup.minute']).toBe(2500);
  });

  it('skips tables other modules have not created', async () => {
    await pool.query('ALTER TABLE notification RENAME TO notification_moved');
    try {
      const report = await archiveData(pool, { now: () => NOW });
      expect(report.skipped).toEqual(['notification']);
    } finally {
      await pool.query('ALTER TABLE notification_moved RENAME TO notification');
    }
  });
});
