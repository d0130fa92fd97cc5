import type pg from 'pg';

/** Notifications older than this are not shown (and the retention job deletes them). */
export const NOTIFICATION_RETENTION_MS = 90 * 24 * 3_600_000;

export interface NotificationView {
  id: string;
  farmId: string;
  kind: string;
  title: string;
  body: string;
  createdAt: number;
  readAt: number | null;
}

/** The caller's notifications across their farms, newest first, within the retention window. */
export async function listNotifications(
  db: pg.Pool,
  userId: string,
  farmIds: readonly string[],
  options: { now: number; unreadOnly: boolean; limit: number },
): Promise<NotificationView[]> {
  const { rows } = await db.query<{ id: string; farm_id: string; kind: string; title: string; body: string; created_at: string; read_at: string | null }>(
    `SELECT n.id, n.farm_id, n.kind, n.title, n.body, n.created_at, r.read_at
       FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.user_id = $2
      WHERE n.farm_id = ANY($1::text[]) AND n.created_at > $3 AND (NOT $4 OR r.read_at IS NULL)
      ORDER BY n.created_at DESC, n.id DESC LIMIT $5`,
    [[...farmIds], userId, options.now - NOTIFICATION_RETENTION_MS, options.unreadOnly, options.limit],
  );
  return rows.map((row) => ({
    id: row.id,
    farmId: row.farm_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    createdAt: Number(row.created_at),
    readAt: row.read_at === null ? null : Number(row.read_at),
  }));
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
