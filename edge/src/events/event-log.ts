import { EventSchema, newId, parseOrThrow, type Event, type EventType } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { EventsRepository, StoredEvent } from '../db/index.js';
import type { EdgeBus } from './edge-bus.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a caller states it; id, farm and (by default) time are filled in here. */
export type EventInput = DistributiveOmit<Event, 'id' | 'farmId' | 'ts'> & { ts?: number };

export interface EventFilter {
  types?: EventType[];
  coopId?: string;
  from?: number;
  to?: number;
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

/** The farm's append-only log: validates every event against the shared schema, stores it, announces it. */
export class EventLog {
  constructor(
    private readonly repository: EventsRepository,
    private readonly bus: EdgeBus,
    private readonly clock: Clock,
    private readonly farmId: () => string,
  ) {}

  /** Appends one event; call inside the transaction of the change it records so both commit together. */
  append(input: EventInput): StoredEvent {
    const ts = input.ts ?? this.clock.now();
    const event = parseOrThrow(EventSchema, { ...input, id: newId(ts), farmId: this.farmId(), ts }, 'event');
    const seq = this.repository.append(event);
    const stored = { seq, event };
    // Announce once the caller's (synchronous) transaction has ended, and only if it committed.
    queueMicrotask(() => {
      if (this.repository.get(event.id)) this.bus.emit('eventAppended', stored);
    });
    return stored;
  }

  query(filter: EventFilter = {}): StoredEvent[] {
    return this.repository.query({ ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
  }
}
