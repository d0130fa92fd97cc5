import type pg from 'pg';
import { SyncDocStore } from '../db/sync-doc-store.js';
import { deleteInBatches } from './batched-delete.js';
import { columnType, tableExists } from './schema-probe.js';

const DAY = 86_400_000;

/** How long each kind of row is kept (docs/cloud/operations.md, the product's retention). */
export const RETENTION = {
  minuteRollups: 30 * DAY,
  hourRollups: 365 * DAY,
  dayRollups: 5 * 365 * DAY,
  notifications: 90 * DAY,
  auditLog: 2 * 365 * DAY,
  /** Acknowledged ingest ledger rows; the per-stream mark in ingest_progress stays. */
  ingestLedger: 30 * DAY,
  /** Command tombstones: an edge offline longer than this resyncs its commands from scratch. */
  commandTombstones: 7 * DAY,
} as const;

export interface ArchiveOptions {
  now: () => number;
  /** Rows per DELETE statement. */
  batchSize?: number;
  retention?: Partial<typeof RETENTION>;
}

/** Rows removed, by what they were; `skipped` lists tables this database does not have. */
export interface ArchiveReport {
  deleted: Record<string, number>;
  skipped: string[];
}

/**
 * The daily retention run (CronJob `data-archival`). Deletes rows past their retention in bounded
 * batches; every boundary keeps a row exactly as old as its retention and deletes anything older.
 */
export async function archiveData(pool: pg.Pool, options: ArchiveOptions): Promise<ArchiveReport> {
  const keep = { ...RETENTION, ...options.retention };
  const batch = options.batchSize ?? 5_000;
  const now = options.now();
  const deleted: Record<string, number> = {};
  const skipped: string[] = [];

  for (const [resolution, ms] of [['minute', keep.minuteRollups], ['hour', keep.hourRollups], ['day', keep.dayRollups]] as const) {
    deleted[`telemetry_rollup.${resolution}`] = await deleteInBatches(pool, 'telemetry_rollup', 'resolution = $1 AND bucket_start < $2', [resolution, now - ms], batch);
    deleted[`edge_aggregate.${resolution}`] = await deleteInBatches(pool, 'edge_aggregate', 'resolution = $1 AND bucket_start < $2', [resolution, now - ms], batch);
  }

  const notificationTime = (await tableExists(pool, 'notification')) ? await columnType(pool, 'notification', 'created_at') : undefined;
  if (notificationTime === undefined) skipped.push('notification');
  else {
    // The farm API stores milliseconds; a timestamp column is handled the same way.
    const bound = notificationTime === 'bigint' ? now - keep.notifications : new Date(now - keep.notifications);
    deleted.notification = await deleteInBatches(pool, 'notification', 'created_at < $1', [bound], batch);
  }

  if (await tableExists(pool, 'audit_log')) deleted.audit_log = await deleteInBatches(pool, 'audit_log', 'at < $1', [new Date(now - keep.auditLog)], batch);
  else skipped.push('audit_log');

  deleted.ingest_record = await deleteInBatches(
    pool,
    'ingest_record',
    `received_at < $1 AND EXISTS (SELECT 1 FROM ingest_progress p
       WHERE p.edge_id = ingest_record.edge_id AND p.epoch = ingest_record.epoch AND p.stream = ingest_record.stream
         AND ingest_record.seq <= p.acked_through)`,
    [new Date(now - keep.ingestLedger)],
    batch,
  );

  deleted.command_tombstones = await purgeCommandTombstones(pool, new Date(now - keep.commandTombstones));
  return { deleted, skipped };
}

/** Per farm, through the store, so each farm's resync horizon rises with what was removed. */
async function purgeCommandTombstones(pool: pg.Pool, before: Date): Promise<number> {
  const store = new SyncDocStore(pool);
  const { rows } = await pool.query<{ farm_id: string }>(
    `SELECT DISTINCT farm_id FROM sync_doc WHERE collection = 'commands' AND deleted AND server_time < $1`,
    [before],
  );
  let total = 0;
  for (const row of rows) total += await store.purgeTombstones(row.farm_id, 'commands', before);
  return total;
}
