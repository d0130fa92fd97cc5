import type { Alarm, AlarmState } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

type Row = Record<string, unknown>;
const toAlarm = (row: Row): Alarm => ({
  id: row.id as string,
  farmId: row.farm_id as string,
  coopId: row.coop_id as string | null,
  kind: row.kind as Alarm['kind'],
  severity: row.severity as Alarm['severity'],
  state: row.state as AlarmState,
  subjectId: row.subject_id as string | null,
  message: row.message as string,
  raisedAt: row.raised_at as number,
  remindedAt: row.reminded_at as number | null,
  acknowledgedAt: row.acknowledged_at as number | null,
  acknowledgedBy: row.acknowledged_by as string | null,
  clearedAt: row.cleared_at as number | null,
});

/** Alarms and their lifecycle state (the lifecycle events themselves go to the event log). */
export class AlarmsRepository {
  constructor(private readonly db: SqliteDatabase) {}

  save(alarm: Alarm): void {
    prepareCached(this.db, 
        `INSERT INTO alarms (id, farm_id, coop_id, kind, severity, state, subject_id, message, raised_at, reminded_at, acknowledged_at, acknowledged_by, cleared_at)
         VALUES (@id, @farmId, @coopId, @kind, @severity, @state, @subjectId, @message, @raisedAt, @remindedAt, @acknowledgedAt, @acknowledgedBy, @clearedAt)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, severity = excluded.severity, message = excluded.message,
           reminded_at = excluded.reminded_at, acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
           cleared_at = excluded.cleared_at`,
      )
      .run(alarm);
  }

  get(id: string): Alarm | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM alarms WHERE id = ?').get(id) as Row | undefined;
    return row ? toAlarm(row) : undefined;
  }

  list(filter: { states?: AlarmState[]; coopId?: string; limit: number }): Alarm[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.states && filter.states.length > 0) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      params.push(...filter.states);
    }
    if (filter.coopId !== undefined) {
      where.push('coop_id = ?');
      params.push(filter.coopId);
    }
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT ?`;
    return (prepareCached(this.db, sql).all(...params, filter.limit) as Row[]).map(toAlarm);
  }
}
