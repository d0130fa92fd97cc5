import type pg from 'pg';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import { columnType, tableExists } from './schema-probe.js';

/** An edge that has not reached the cloud for this long makes its farm "silent". */
export const EDGE_SILENT_AFTER_MS = 6 * 3_600_000;

/** The notification kind written for a silent farm. */
export const EDGE_SILENT_KIND = 'edge_silent';

export interface ScheduleRunOptions {
  now: () => number;
  silentAfterMs?: number;
}

export interface ScheduleRunReport {
  /** Commands past their expiry, now tombstoned (the edge pulls the tombstone and never runs them). */
  expiredCommands: number;
  /** Farms whose newest edge contact is older than the threshold, with that contact time. */
  silentFarms: Array<{ farmId: string; lastSeenMs: number }>;
  /** Silent farms told about for the first time in this silence (one notification each). */
  notified: number;
}

/**
 * The five-minute run (CronJob `schedule-executor`). Schedules themselves run on each farm's
 * edge, offline too; the cloud has none to execute. What it does run:
 * 1. tombstones commands whose `expiresAt` has passed (`SyncDocStore.expireCommands`), so a
 *    command nobody picked up never fires late, even while no API replica runs its timer;
 * 2. finds farms whose paired, unrevoked edges have all been silent longer than `silentAfterMs`
 *    (from `edge_presence`, which ingest and sync calls keep) and writes one in-app notification
 *    (`edge_silent`) per farm and silence: the notification is keyed by the last contact time,
 *    so later runs of the same silence add nothing and a new silence notifies again.
 * Farms whose edge never reached the cloud are not silent: they were never online.
 */
export async function executeSchedules(pool: pg.Pool, store: SyncDocStore, options: ScheduleRunOptions): Promise<ScheduleRunReport> {
  const now = options.now();
  const expiredCommands = await store.expireCommands(now);
  if (!(await tableExists(pool, 'edge_presence'))) return { expiredCommands, silentFarms: [], notified: 0 };
  const threshold = now - (options.silentAfterMs ?? EDGE_SILENT_AFTER_MS);
  const { rows } = await pool.query<{ farm_id: string; last_seen: string }>(
    `SELECT p.farm_id, max(p.last_seen_ms) AS last_seen
       FROM edge_presence p JOIN edge e ON e.id = p.edge_id AND e.farm_id = p.farm_id
      WHERE e.revoked_at IS NULL
      GROUP BY p.farm_id
     HAVING max(p.last_seen_ms) < $1
      ORDER BY p.farm_id`,
    [threshold],
  );
  const silentFarms = rows.map((row) => ({ farmId: row.farm_id, lastSeenMs: Number(row.last_seen) }));
  const notified = silentFarms.length > 0 && (await tableExists(pool, 'notification')) ? await notifySilence(pool, silentFarms, now) : 0;
  return { expiredCommands, silentFarms, notified };
}

async function notifySilence(pool: pg.Pool, farms: ScheduleRunReport['silentFarms'], now: number): Promise<number> {
  const zones = await farmTimeZones(pool, farms.map((farm) => farm.farmId));
  const millis = (await columnType(pool, 'notification', 'created_at')) === 'bigint';
  let notified = 0;
  for (const { farmId, lastSeenMs } of farms) {
    const since = formatTime(lastSeenMs, zones.get(farmId) ?? 'UTC');
    const { rowCount } = await pool.query(
      `INSERT INTO notification (farm_id, source_event_id, kind, title, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (farm_id, source_event_id) DO NOTHING`,
      [
        farmId,
        `edge-silent:${lastSeenMs}`,
        EDGE_SILENT_KIND,
        'Farm controller not reachable',
        `The farm controller has not reached the cloud since ${since}. It keeps running the farm offline; check its power and internet connection.`,
        millis ? now : new Date(now),
      ],
    );
    notified += rowCount ?? 0;
  }
  return notified;
}

async function farmTimeZones(pool: pg.Pool, farmIds: string[]): Promise<Map<string, string>> {
  if ((await columnType(pool, 'farm', 'time_zone')) === undefined) return new Map();
  const { rows } = await pool.query<{ id: string; time_zone: string }>('SELECT id, time_zone FROM farm WHERE id = ANY($1::text[])', [farmIds]);
  return new Map(rows.map((row) => [row.id, row.time_zone]));
}

function formatTime(ms: number, timeZone: string): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(ms)} (${timeZone})`;
  } catch {
    return new Date(ms).toISOString();
  }
}
