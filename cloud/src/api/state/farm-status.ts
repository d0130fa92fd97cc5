import type pg from 'pg';
import { countOpenAlarms } from './alarm-views.js';

/** A farm is online when its edge reached the cloud (ingest or sync) this recently. */
export const ONLINE_WINDOW_MS = 2 * 60_000;
export const DEFAULT_TIME_ZONE = 'Asia/Phnom_Penh';

export interface FarmStatus {
  id: string;
  name: string;
  timeZone: string;
  online: boolean;
  lastSyncAt: number | null;
  openAlarms: number;
}

/**
 * Name and time zone of several farms in one query. The time zone is the farm document's
 * (edited on the edge and replicated), else the farm row's, else Cambodia's.
 */
export async function loadFarmLabels(db: pg.Pool, farmIds: readonly string[]): Promise<Map<string, Pick<FarmStatus, 'id' | 'name' | 'timeZone'>>> {
  if (farmIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; name: string; zone: string | null }>(
    `SELECT f.id, COALESCE(d.body->>'name', f.name) AS name,
            COALESCE(d.body->>'timezone', to_jsonb(f)->>'time_zone', to_jsonb(f)->>'timezone') AS zone
       FROM farm f LEFT JOIN sync_doc d ON d.farm_id = f.id AND d.collection = 'farms' AND d.id = f.id AND NOT d.deleted
      WHERE f.id = ANY($1::text[])`,
    [[...farmIds]],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name, timeZone: validZone(row.zone) ?? DEFAULT_TIME_ZONE }]));
}

/** Name, time zone, presence and open alarms of several farms in three queries. */
export async function loadFarmStatuses(db: pg.Pool, farmIds: readonly string[], now: number): Promise<Map<string, FarmStatus>> {
  if (farmIds.length === 0) return new Map();
  const ids = [...farmIds];
  const [labels, presence, alarms] = await Promise.all([
    loadFarmLabels(db, ids),
    db.query<{ farm_id: string; last: string }>('SELECT farm_id, max(last_seen_ms) AS last FROM edge_presence WHERE farm_id = ANY($1::text[]) GROUP BY farm_id', [ids]),
    countOpenAlarms(db, ids),
  ]);
  const lastSeen = new Map(presence.rows.map((row) => [row.farm_id, Number(row.last)]));
  const result = new Map<string, FarmStatus>();
  for (const label of labels.values()) {
    const last = lastSeen.get(label.id) ?? null;
    result.set(label.id, { ...label, online: last !== null && now - last <= ONLINE_WINDOW_MS, lastSyncAt: last, openAlarms: alarms.get(label.id) ?? 0 });
  }
  return result;
}

function validZone(zone: string | null): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
