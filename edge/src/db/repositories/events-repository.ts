import type { Event, EventType } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

export interface StoredEvent {
  seq: number;
  event: Event;
}

export interface EventQuery {
  types?: EventType[];
  coopId?: string;
  from?: number;
  to?: number;
  /** Newest first, strictly before this seq (paging back). */
  beforeSeq?: number;
  /** Oldest first, strictly after this seq (tailing, outbox). */
  afterSeq?: number;
  limit: number;
}

/** The append-only event log (triggers in the schema refuse UPDATE and DELETE). */
export class EventsRepository {
  private readonly insertStmt;

  constructor(private readonly db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      'INSERT INTO events (id, ts, type, coop_id, actor_id, body_json) VALUES (@id, @ts, @type, @coopId, @actorId, @body)',
    );
  }

  append(event: Event): number {
    const info = this.insertStmt.run({
      id: event.id,
      ts: event.ts,
      type: event.type,
      coopId: event.coopId,
      actorId: event.actorId,
      body: JSON.stringify(event),
    });
    return Number(info.lastInsertRowid);
  }

  query(query: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.types && query.types.length > 0) {
      where.push(`type IN (${query.types.map(() => '?').join(',')})`);
      params.push(...query.types);
    }
    if (query.coopId !== undefined) {
      where.push('coop_id = ?');
      params.push(query.coopId);
    }
    if (query.from !== undefined) {
      where.push('ts >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('ts < ?');
      params.push(query.to);
    }
    let order = 'DESC';
    if (query.afterSeq !== undefined) {
      where.push('seq > ?');
      params.push(query.afterSeq);
      order = 'ASC';
    } else if (query.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(query.beforeSeq);
    }
    const sql = `SELECT seq, body_json FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT ?`;
    const rows = prepareCached(this.db, sql).all(...params, query.limit) as { seq: number; body_json: string }[];
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body_json) as Event }));
  }

  /** The event with that id; undefined when absent or when the store is already closed (shutdown). */
  get(id: string): Event | undefined {
    if (!this.db.open) return undefined;
    const row = prepareCached(this.db, 'SELECT body_json FROM events WHERE id = ?').get(id) as { body_json: string } | undefined;
    return row ? (JSON.parse(row.body_json) as Event) : undefined;
  }

  count(): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }
}
