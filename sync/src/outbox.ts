import { z } from 'zod';
import type { Event } from '@tokkatot/shared';

/** Outbox streams in upload priority order: alarms and audit, events, aggregates, raw readings. */
export const OUTBOX_STREAMS = ['critical', 'events', 'aggregates', 'readings'] as const;
export const OutboxStreamSchema = z.enum(OUTBOX_STREAMS);
export type OutboxStream = z.infer<typeof OutboxStreamSchema>;

/** Lower is uploaded first. */
export function priorityOf(stream: OutboxStream): number {
  return OUTBOX_STREAMS.indexOf(stream);
}

const CRITICAL_EVENT_TYPES = new Set<Event['type']>([
  'alarm_raised',
  'alarm_reminded',
  'alarm_acknowledged',
  'alarm_cleared',
  'sync_conflict_resolved',
  'user_action',
  'config_changed',
  'command_result',
]);

/** The stream an event travels in: alarms and audit are critical, the rest are plain events. */
export function streamForEvent(event: Pick<Event, 'type'>): OutboxStream {
  return CRITICAL_EVENT_TYPES.has(event.type) ? 'critical' : 'events';
}

/** One outbox record: `(edge, stream, seq)` is its idempotency key. */
export interface OutboxRecord {
  stream: OutboxStream;
  seq: number;
  /** Device time of capture (ms); server receive time is kept separately. */
  ts: number;
  payload: unknown;
  /** Encoded size, for the byte budget. */
  bytes: number;
}

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/**
 * Picks the next upload batch from pending records: highest priority first, each stream a
 * contiguous prefix from its lowest unacknowledged sequence, within the record and byte limits.
 * Always takes at least one record, so one oversized record cannot stall the queue.
 */
export function planUploadBatch(pending: readonly OutboxRecord[], limits: BatchLimits): OutboxRecord[] {
  const sorted = [...pending].sort((a, b) => priorityOf(a.stream) - priorityOf(b.stream) || a.seq - b.seq);
  const batch: OutboxRecord[] = [];
  const lastSeq = new Map<OutboxStream, number>();
  const blocked = new Set<OutboxStream>();
  let bytes = 0;
  for (const record of sorted) {
    if (batch.length >= limits.maxRecords) break;
    if (blocked.has(record.stream)) continue;
    const previous = lastSeq.get(record.stream);
    // A gap means an earlier record is missing from `pending`: stop that stream so acks stay contiguous.
    if (previous !== undefined && record.seq !== previous + 1) {
      blocked.add(record.stream);
      continue;
    }
    if (batch.length > 0 && bytes + record.bytes > limits.maxBytes) break;
    batch.push(record);
    bytes += record.bytes;
    lastSeq.set(record.stream, record.seq);
  }
  return batch;
}

/**
 * The upload body (sent gzip-compressed). `epoch` names one outbox's life: a Pi restored from a
 * backup or set up afresh starts a new epoch, so its sequences never collide with ones the cloud
 * already holds (which it would otherwise drop as duplicates).
 */
export const IngestBatchSchema = z.strictObject({
  epoch: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an outbox epoch id'),
  records: z
    .array(
      z.strictObject({
        stream: OutboxStreamSchema,
        seq: z.number().int().min(1),
        ts: z.number().int().min(0),
        payload: z.json(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type IngestBatch = z.infer<typeof IngestBatchSchema>;

/** The answer: per stream, the highest sequence below which everything has been received. */
export const IngestAckSchema = z.strictObject({
  ackedThrough: z.partialRecord(OutboxStreamSchema, z.number().int().min(0)),
});
export type IngestAck = z.infer<typeof IngestAckSchema>;

/**
 * Advances a contiguous high-water mark over the sequences received so far (sorted or not):
 * the answer is the largest n with every sequence in 1..n present.
 */
export function advanceContiguous(ackedThrough: number, received: Iterable<number>): number {
  const seen = new Set(received);
  let mark = ackedThrough;
  while (seen.has(mark + 1)) mark += 1;
  return mark;
}
