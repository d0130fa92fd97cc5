import type pg from 'pg';

/** An alarm as the farm API shows it. */
export interface AlarmView {
  alarmId: string;
  coopId: string | null;
  kind: string;
  severity: string;
  message: string;
  state: 'raised' | 'acknowledged' | 'cleared';
  raisedAt: number | null;
  acknowledgedAt: number | null;
  clearedAt: number | null;
}

interface AlarmRow {
  alarm_id: string;
  coop_id: string | null;
  kind: string;
  severity: string;
  message: string;
  raised_at: string | null;
  acknowledged_at: string | null;
  cleared_at: string | null;
  first_ts: string;
}

const num = (value: string | null): number | null => (value === null ? null : Number(value));

function toView(row: AlarmRow): AlarmView {
  return {
    alarmId: row.alarm_id,
    coopId: row.coop_id,
    kind: row.kind,
    severity: row.severity,
    message: row.message,
    state: row.cleared_at !== null ? 'cleared' : row.acknowledged_at !== null ? 'acknowledged' : 'raised',
    // A step that arrived before the raise itself: the earliest time seen stands in.
    raisedAt: num(row.raised_at) ?? Number(row.first_ts),
    acknowledgedAt: num(row.acknowledged_at),
    clearedAt: num(row.cleared_at),
  };
}

/** A farm's alarms, newest first: open ones only (not cleared), or all, or the given ids. */
export async function listAlarms(
  db: pg.Pool | pg.PoolClient,
  farmId: string,
  filter: { openOnly: boolean; ids?: readonly string[]; limit?: number },
): Promise<AlarmView[]> {
  const { rows } = await db.query<AlarmRow>(
    `SELECT alarm_id, coop_id, kind, severity, message, raised_at, acknowledged_at, cleared_at, first_ts FROM alarm_state
      WHERE farm_id = $1 AND (NOT $2 OR cleared_at IS NULL) AND ($3::text[] IS NULL OR alarm_id = ANY($3::text[]))
      ORDER BY COALESCE(raised_at, first_ts) DESC, alarm_id DESC LIMIT $4`,
    [farmId, filter.openOnly, filter.ids ? [...filter.ids] : null, filter.limit ?? 500],
  );
  return rows.map(toView);
}

/** Open alarms per farm, for the overview (one query for many farms). */
export async function countOpenAlarms(db: pg.Pool, farmIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ farm_id: string; n: string }>(
    'SELECT farm_id, count(*) AS n FROM alarm_state WHERE farm_id = ANY($1::text[]) AND cleared_at IS NULL GROUP BY farm_id',
    [[...farmIds]],
  );
  return new Map(rows.map((row) => [row.farm_id, Number(row.n)]));
}
