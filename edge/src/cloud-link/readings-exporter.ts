import type { Reading, SensorFailure } from '@tokkatot/shared';
import { encodeReadingBatch } from '@tokkatot/sync';
import type { EdgeDatabase, ReadingsRepository } from '../db/index.js';
import type { SqliteOutbox, SyncStateStore } from '../db/sync/index.js';

const CURSOR_KEY = 'export_readings_id';
const PAGE = 20_000;
const MINUTE = 60_000;

/**
 * Copies raw readings into the outbox's `readings` stream, one record per sensor per minute, so
 * gzip sees long columns and the cloud gets a few records instead of one per reading. Same
 * cursor discipline as the event exporter: the last exported `readings.id` commits with the
 * records. Runs on a timer (not per ingest) so a minute's readings usually travel together.
 * Raw readings thinned by the housekeeper before export are simply never sent; the cloud keeps
 * computing its rollups from whatever raw readings arrive.
 */
export class ReadingsExporter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      database: EdgeDatabase;
      readings: ReadingsRepository;
      outbox: SqliteOutbox;
      state: SyncStateStore;
      intervalMs: number;
      onExported: () => void;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.exportPending(), this.deps.intervalMs);
    this.exportPending();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Queues every raw reading after the cursor; returns how many readings were queued. */
  exportPending(): number {
    const { database, readings: stored, outbox, state } = this.deps;
    if (!database.db.open) return 0;
    let total = 0;
    for (;;) {
      const queued = database.transaction(() => {
        const after = Number(state.get(CURSOR_KEY) ?? '0');
        const rows = stored.rawAfter(after, PAGE);
        const groups = new Map<string, Reading[]>();
        for (const row of rows) {
          const key = `${row.sensorId}\u0000${Math.floor(row.ts / MINUTE)}`;
          let group = groups.get(key);
          if (!group) groups.set(key, (group = []));
          group.push(
            row.failure === null && row.value !== null
              ? { sensorId: row.sensorId, ts: row.ts, status: 'ok', value: row.value }
              : { sensorId: row.sensorId, ts: row.ts, status: 'failed', failure: (row.failure ?? 'no_response') as SensorFailure },
          );
        }
        for (const readings of groups.values()) {
          readings.sort((a, b) => a.ts - b.ts);
          const first = readings[0]!;
          outbox.append('readings', first.ts, encodeReadingBatch(first.sensorId, readings));
        }
        const last = rows.at(-1);
        if (last) state.set(CURSOR_KEY, String(last.id));
        return rows.length;
      });
      total += queued;
      if (queued < PAGE) break;
    }
    if (total > 0) this.deps.onExported();
    return total;
  }
}
