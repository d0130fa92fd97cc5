import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Event } from '@tokkatot/shared';
import { priorityOf, ReadingBatchSchema, summariseDroppedBatch, type DroppedReadings, type IngestAck, type OutboxRecord, type OutboxStream } from '@tokkatot/sync';

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

  /**
   * Keeps raw readings waiting for upload within a disk budget: the oldest raw batches are
   * replaced by a small "dropped" marker (same sequence, so acknowledgements stay contiguous),
   * their minute aggregates are queued instead, and a telemetry_gap event records each loss.
   * Events and aggregates are never dropped.
   */
  enforceReadingsBudget(maxBytes: number, gapEvent: (marker: DroppedReadings) => Event): number {
    return this.db.transaction(() => {
      let total = (this.db.prepare("SELECT COALESCE(sum(bytes), 0) AS n FROM sync_outbox WHERE stream = 'readings'").get() as { n: number }).n;
      if (total <= maxBytes) return 0;
      const rows = this.db.prepare("SELECT seq, payload, bytes FROM sync_outbox WHERE stream = 'readings' ORDER BY seq").iterate() as Iterable<{ seq: number; payload: string; bytes: number }>;
      const replacements: Array<{ seq: number; marker: DroppedReadings; aggregates: ReturnType<typeof summariseDroppedBatch>['aggregates']; oldBytes: number }> = [];
      for (const row of rows) {
        if (total <= maxBytes) break;
        const parsed = ReadingBatchSchema.safeParse(JSON.parse(row.payload));
        if (!parsed.success) continue;
        const { marker, aggregates } = summariseDroppedBatch(parsed.data);
        replacements.push({ seq: row.seq, marker, aggregates, oldBytes: row.bytes });
        total -= row.bytes - Buffer.byteLength(JSON.stringify(marker));
      }
      for (const { seq, marker, aggregates } of replacements) {
        const text = JSON.stringify(marker);
        this.db.prepare("UPDATE sync_outbox SET payload = ?, bytes = ? WHERE stream = 'readings' AND seq = ?").run(text, Buffer.byteLength(text), seq);
        for (const aggregate of aggregates) this.append('aggregates', aggregate.bucketStart, aggregate);
        const event = gapEvent(marker);
        this.append('events', event.ts, event);
      }
      return replacements.length;
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
