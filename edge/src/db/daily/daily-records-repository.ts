import type Database from 'better-sqlite3';

/** Deaths of the day by cause: the causes a worker can tell apart without training. */
export const MORTALITY_CAUSES = ['heat', 'sick', 'injured', 'unknown'] as const;
export type MortalityCause = (typeof MORTALITY_CAUSES)[number];

/** One coop's checklist for one farm-local day. */
export interface DailyRecord {
  coopId: string;
  date: string;
  mortality: Record<MortalityCause, number>;
  culls: number;
  feedBags: number;
  waterMeter: number | null;
  note: string;
  recordedBy: string;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  coop_id: string;
  date: string;
  mortality_json: string;
  culls: number;
  feed_bags: number;
  water_meter: number | null;
  note: string;
  recorded_by: string;
  created_at: number;
  updated_at: number;
}

const fromRow = (row: Row): DailyRecord => ({
  coopId: row.coop_id,
  date: row.date,
  mortality: JSON.parse(row.mortality_json) as Record<MortalityCause, number>,
  culls: row.culls,
  feedBags: row.feed_bags,
  waterMeter: row.water_meter,
  note: row.note,
  recordedBy: row.recorded_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Daily records in SQLite (migration 301). The caller owns the transaction. */
export class DailyRecordsRepository {
  constructor(private readonly db: Database.Database) {}

  get(coopId: string, date: string): DailyRecord | undefined {
    const row = this.db.prepare('SELECT * FROM daily_records WHERE coop_id = ? AND date = ?').get(coopId, date) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Records of a date range (inclusive), optionally for one coop, newest day first. */
  list(filter: { from: string; to: string; coopId?: string }): DailyRecord[] {
    const rows = filter.coopId
      ? this.db.prepare('SELECT * FROM daily_records WHERE date BETWEEN ? AND ? AND coop_id = ? ORDER BY date DESC, coop_id').all(filter.from, filter.to, filter.coopId)
      : this.db.prepare('SELECT * FROM daily_records WHERE date BETWEEN ? AND ? ORDER BY date DESC, coop_id').all(filter.from, filter.to);
    return (rows as Row[]).map(fromRow);
  }

  /** Inserts or replaces the day's record, keeping its first creation time. */
  upsert(record: DailyRecord): DailyRecord {
    this.db
      .prepare(
        `INSERT INTO daily_records (coop_id, date, mortality_json, culls, feed_bags, water_meter, note, recorded_by, created_at, updated_at)
         VALUES (@coopId, @date, @mortality, @culls, @feedBags, @waterMeter, @note, @recordedBy, @createdAt, @updatedAt)
         ON CONFLICT (coop_id, date) DO UPDATE SET mortality_json = excluded.mortality_json, culls = excluded.culls,
           feed_bags = excluded.feed_bags, water_meter = excluded.water_meter, note = excluded.note,
           recorded_by = excluded.recorded_by, updated_at = excluded.updated_at`,
      )
      .run({ ...record, mortality: JSON.stringify(record.mortality) });
    return this.get(record.coopId, record.date)!;
  }
}
