import { streamForEvent } from '@tokkatot/sync';
import type { EdgeDatabase } from '../db/index.js';
import type { SqliteOutbox, SyncStateStore } from '../db/sync/index.js';
import type { EdgeBus } from '../events/edge-bus.js';
import type { EventLog } from '../events/event-log.js';

const CURSOR_KEY = 'export_events_seq';
const PAGE = 500;

/**
 * Copies the event log into the outbox. EventLog announces `eventAppended` only after the
 * caller's transaction committed, so the outbox cannot join that transaction; instead a cursor
 * (the last exported event seq) is advanced in the same transaction as the outbox append. A
 * kill -9 between the event's commit and the export loses nothing (the next export resumes
 * at the cursor) and duplicates nothing (the cursor and the records commit together).
 * The cursor starts at 0, so a farm that pairs after months offline uploads its whole history.
 */
export class EventExporter {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      database: EdgeDatabase;
      events: EventLog;
      bus: EdgeBus;
      outbox: SqliteOutbox;
      state: SyncStateStore;
      /** The farm id the cloud knows this farm by (from the credential). */
      cloudFarmId: string;
      /** Called after records were queued (asks the sync client for a pass). */
      onExported: () => void;
    },
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.bus.on('eventAppended', () => this.exportPending());
    this.exportPending();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Queues every event after the cursor; returns how many were queued. */
  exportPending(): number {
    const { database, events, outbox, state, cloudFarmId } = this.deps;
    if (!database.db.open) return 0;
    let total = 0;
    for (;;) {
      const queued = database.transaction(() => {
        const after = Number(state.get(CURSOR_KEY) ?? '0');
        const page = events.query({ afterSeq: after, limit: PAGE });
        for (const { event } of page) {
          // The cloud names the farm; the local id only matters on this Pi.
          outbox.append(streamForEvent(event), event.ts, { ...event, farmId: cloudFarmId });
        }
        const last = page.at(-1);
        if (last) state.set(CURSOR_KEY, String(last.seq));
        return page.length;
      });
      total += queued;
      if (queued < PAGE) break;
    }
    if (total > 0) this.deps.onExported();
    return total;
  }
}
