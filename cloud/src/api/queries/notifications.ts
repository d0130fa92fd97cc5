import type pg from 'pg';
import { DEFAULT_TIME_ZONE, loadFarmLabels } from '../state/farm-status.js';

/** Notifications older than this are not shown (and the retention job deletes them). */
export const NOTIFICATION_RETENTION_MS = 90 * 24 * 3_600_000;

export interface NotificationView {
  id: string;
  farmId: string;
  /** The farm's name and clock, so a client can say where and when without another request. */
  farmName: string;
  timeZone: string;
  kind: string;
  /** English, for logs and English readers; clients in other languages use the fields below. */
  title: string;
  body: string;
  createdAt: number;
  readAt: number | null;
  /** For `alarm_raised`: the alarm as the edge raised it (null when its event is gone). */
  alarm: { alarmId: string; kind: string; severity: string; coopId: string | null } | null;
  /** For `edge_silent`: when the farm's controller last reached the cloud. */
  lastSeenAt: number | null;
}

/** The silence notification's key carries the last contact (jobs/execute-schedules.ts). */
const SILENT_KEY = /^edge-silent:(\d{1,16})$/;

/** The caller's notifications across their farms, newest first, within the retention window. */
export async function listNotifications(
  db: pg.Pool,
  userId: string,
  farmIds: readonly string[],
  options: { now: number; unreadOnly: boolean; limit: number },
): Promise<NotificationView[]> {
  type Row = { id: string; farm_id: string; source_event_id: string; kind: string; title: string; body: string; created_at: string; read_at: string | null; alarm: { alarmId?: unknown; kind?: unknown; severity?: unknown; coopId?: unknown } | null };
  const { rows } = await db.query<Row>(
    `SELECT n.id, n.farm_id, n.source_event_id, n.kind, n.title, n.body, n.created_at, r.read_at,
            CASE WHEN n.kind = 'alarm_raised' THEN e.body END AS alarm
       FROM notification n
       LEFT JOIN notification_read r ON r.notification_id = n.id AND r.user_id = $2
       LEFT JOIN farm_event e ON e.farm_id = n.farm_id AND e.id = n.source_event_id
      WHERE n.farm_id = ANY($1::text[]) AND n.created_at > $3 AND (NOT $4 OR r.read_at IS NULL)
      ORDER BY n.created_at DESC, n.id DESC LIMIT $5`,
    [[...farmIds], userId, options.now - NOTIFICATION_RETENTION_MS, options.unreadOnly, options.limit],
  );
  const farms = await loadFarmLabels(db, [...new Set(rows.map((row) => row.farm_id))]);
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return rows.map((row) => {
    const alarm = row.alarm && text(row.alarm.alarmId) && text(row.alarm.kind) && text(row.alarm.severity)
      ? { alarmId: text(row.alarm.alarmId)!, kind: text(row.alarm.kind)!, severity: text(row.alarm.severity)!, coopId: text(row.alarm.coopId) }
      : null;
    const silent = row.kind === 'edge_silent' ? SILENT_KEY.exec(row.source_event_id) : null;
    const farm = farms.get(row.farm_id);
    return {
      id: row.id,
      farmId: row.farm_id,
      farmName: farm?.name ?? row.farm_id,
      timeZone: farm?.timeZone ?? DEFAULT_TIME_ZONE,
      kind: row.kind,
      title: row.title,
      body: row.body,
      createdAt: Number(row.created_at),
      readAt: row.read_at === null ? null : Number(row.read_at),
      alarm,
      lastSeenAt: silent ? Number(silent[1]) : null,
    };
  });
}

/** How many of the caller's notifications (within the retention window) they have not read. */
export async function countUnread(db: pg.Pool, userId: string, farmIds: readonly string[], now: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.user_id = $2
      WHERE n.farm_id = ANY($1::text[]) AND n.created_at > $3 AND r.read_at IS NULL`,
    [[...farmIds], userId, now - NOTIFICATION_RETENTION_MS],
  );
  return rows[0]?.n ?? 0;
}

/** Marks one notification read for the caller; false when it is not one of their farms' (or too old). */
export async function markNotificationRead(db: pg.Pool, userId: string, farmIds: readonly string[], id: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO notification_read (notification_id, user_id, read_at)
       SELECT id, $2, $4 FROM notification WHERE id = $1::bigint AND farm_id = ANY($3::text[]) AND created_at > $5
     ON CONFLICT (notification_id, user_id) DO NOTHING`,
    [id, userId, [...farmIds], now, now - NOTIFICATION_RETENTION_MS],
  );
  if (rowCount === 1) return true;
  const { rows } = await db.query('SELECT 1 FROM notification_read r JOIN notification n ON n.id = r.notification_id WHERE r.notification_id = $1::bigint AND r.user_id = $2 AND n.farm_id = ANY($3::text[])', [
    id,
    userId,
    [...farmIds],
  ]);
  return rows.length === 1;
}

/**
 * Marks several notifications read for the caller in one statement; answers the ids that are read
 * now (newly or already). Ids of other farms, too old or unknown are left out, as one by one.
 */
export async function markNotificationsRead(db: pg.Pool, userId: string, farmIds: readonly string[], ids: readonly string[], now: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH mine AS (
       SELECT id FROM notification WHERE id = ANY($1::bigint[]) AND farm_id = ANY($3::text[]) AND created_at > $5
     ), marked AS (
       INSERT INTO notification_read (notification_id, user_id, read_at) SELECT id, $2, $4 FROM mine
       ON CONFLICT (notification_id, user_id) DO NOTHING
     )
     SELECT id::text AS id FROM mine ORDER BY id`,
    [[...ids], userId, [...farmIds], now, now - NOTIFICATION_RETENTION_MS],
  );
  return rows.map((row) => row.id);
}
