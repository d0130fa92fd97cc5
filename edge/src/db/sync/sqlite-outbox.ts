import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { priorityOf, type IngestAck, type OutboxRecord, type OutboxStream } from '@tokkatot/sync';

/** Queue depth and age, for the status shown on the LAN ("3,412 records waiting, oldest 2 days"). */
export interface OutboxDepth {
  records: number;
  bytes: number;
  oldestTs: number | null;
}

/** The edge outbox over SQLite: append, read in priority order, drop what the cloud acknowledged. */
export class SqliteOutbox {
  private cachedEpoch: string | undefined;

  constructor(private readonly db: Database.Database) {}

  /**
   * This outbox's epoch id, created with the database file. The cloud keys records by (edge,
   * epoch, stream, seq), so a new file's sequences never collide with ones it already holds.
   */
  epoch(): string {
    if (this.cachedEpoch) return this.cachedEpoch;
    const row = this.db.prepare("SELECT value FROM sync_state WHERE key = 'outbox_epoch'").get() as { value: string } | undefined;
    if (row) return (this.cachedEpoch = row.value);
    const epoch = randomBytes(12).toString('base64url');
    this.db.prepare("INSERT INTO sync_state (key, value) VALUES ('outbox_epoch', ?) ON CONFLICT (key) DO NOTHING").run(epoch);
    return this.epoch();
  }

  /** Starts a new epoch: call after restoring an old backup, whose sequences the cloud may already have. */
  resetEpoch(): void {
    this.db.prepare("DELETE FROM sync_state WHERE key = 'outbox_epoch'").run();
    this.cachedEpoch = undefined;
    this.epoch();
  }

  /** Appends one record; its sequence is the stream's next, never reused. Joins an open transaction. */
  append(stream: OutboxStream, ts: number, payload: unknown): number {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `INSERT INTO sync_outbox_counter (stream, next_seq) VALUES (?, 2)
           ON CONFLICT (stream) DO UPDATE SET next_seq = next_seq + 1 RETURNING next_seq - 1 AS seq`,
        )
        .get(stream) as { seq: number };
      const text = JSON.stringify(payload);
      this.db
        .prepare('INSERT INTO sync_outbox (stream, seq, priority, ts, payload, bytes) VALUES (?, ?, ?, ?, ?, ?)')
        .run(stream, row.seq, priorityOf(stream), ts, text, Buffer.byteLength(text));
      return row.seq;
    })();
  }

  /** The first `limit` records by priority then sequence. */
  pending(limit: number): OutboxRecord[] {
    const rows = this.db
      .prepare('SELECT stream, seq, ts, payload, bytes FROM sync_outbox ORDER BY priority, seq LIMIT ?')
      .all(limit) as Array<{ stream: OutboxStream; seq: number; ts: number; payload: string; bytes: number }>;
    return rows.map((row) => ({ stream: row.stream, seq: row.seq, ts: row.ts, payload: JSON.parse(row.payload) as unknown, bytes: row.bytes }));
  }

  /** Deletes every record at or below each stream's acknowledged mark. */
  acknowledge(ackedThrough: IngestAck['ackedThrough']): number {
    return this.db.transaction(() => {
      let removed = 0;
      for (const [stream, mark] of Object.entries(ackedThrough)) {
        removed += this.db.prepare('DELETE FROM sync_outbox WHERE stream = ? AND seq <= ?').run(stream, mark).changes;
      }
      return removed;
    })();
  }

  depth(): OutboxDepth {
    const row = this.db.prepare('SELECT count(*) AS records, COALESCE(sum(bytes), 0) AS bytes, min(ts) AS oldest FROM sync_outbox').get() as {
      records: number;
      bytes: number;
      oldest: number | null;
    };
    return { records: row.records, bytes: row.bytes, oldestTs: row.oldest };
  }
}
