import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceContiguous, OUTBOX_STREAMS, planUploadBatch, priorityOf, streamForEvent, type OutboxRecord, type OutboxStream } from '../src/index.js';

const rec = (stream: OutboxStream, seq: number, bytes = 10): OutboxRecord => ({ stream, seq, ts: 0, payload: null, bytes });

describe('planUploadBatch', () => {
  it('sends alarms and audit first, then events, aggregates and raw readings last', () => {
    const pending = [rec('readings', 1), rec('aggregates', 1), rec('events', 1), rec('critical', 1), rec('readings', 2)];
    expect(planUploadBatch(pending, { maxRecords: 10, maxBytes: 1000 }).map((r) => r.stream)).toEqual([
      'critical',
      'events',
      'aggregates',
      'readings',
      'readings',
    ]);
  });

  it('stops at the record and byte limits but always sends at least one record', () => {
    const pending = [rec('events', 1, 50), rec('events', 2, 50), rec('events', 3, 50)];
    expect(planUploadBatch(pending, { maxRecords: 2, maxBytes: 1000 })).toHaveLength(2);
    expect(planUploadBatch(pending, { maxRecords: 10, maxBytes: 120 })).toHaveLength(2);
    expect(planUploadBatch([rec('events', 1, 5000)], { maxRecords: 10, maxBytes: 100 })).toHaveLength(1);
  });

  it('never skips over a gap in a stream, so acknowledgements stay contiguous', () => {
    const batch = planUploadBatch([rec('events', 4), rec('events', 5), rec('events', 7), rec('critical', 2)], { maxRecords: 10, maxBytes: 1000 });
    expect(batch.map((r) => `${r.stream}:${r.seq}`)).toEqual(['critical:2', 'events:4', 'events:5']);
  });

  it('orders any pending set by priority with contiguous prefixes per stream (property)', () => {
    const arbPending = fc.array(fc.record({ stream: fc.constantFrom(...OUTBOX_STREAMS), count: fc.integer({ min: 0, max: 5 }), from: fc.integer({ min: 1, max: 9 }) }));
    fc.assert(
      fc.property(arbPending, fc.integer({ min: 1, max: 12 }), (groups, maxRecords) => {
        const byStream = new Map<OutboxStream, OutboxRecord[]>();
        for (const g of groups) if (!byStream.has(g.stream)) byStream.set(g.stream, Array.from({ length: g.count }, (_, i) => rec(g.stream, g.from + i)));
        const pending = [...byStream.values()].flat();
        const batch = planUploadBatch(pending, { maxRecords, maxBytes: 1_000_000 });
        expect(batch.length).toBe(Math.min(maxRecords, pending.length));
        for (let i = 1; i < batch.length; i += 1) expect(priorityOf(batch[i]!.stream)).toBeGreaterThanOrEqual(priorityOf(batch[i - 1]!.stream));
        for (const [stream, records] of byStream) {
          const sent = batch.filter((r) => r.stream === stream).map((r) => r.seq);
          expect(sent).toEqual(records.slice(0, sent.length).map((r) => r.seq));
        }
      }),
    );
  });
});

describe('streamForEvent', () => {
  it('puts alarms and audit records in the critical stream', () => {
    expect(streamForEvent({ type: 'alarm_raised' })).toBe('critical');
    expect(streamForEvent({ type: 'sync_conflict_resolved' })).toBe('critical');
    expect(streamForEvent({ type: 'output_changed' })).toBe('events');
  });
});

describe('advanceContiguous', () => {
  it('moves the high-water mark only across an unbroken run of sequences', () => {
    expect(advanceContiguous(0, [1, 2, 3, 5])).toBe(3);
    expect(advanceContiguous(3, [5, 4, 7])).toBe(5);
    expect(advanceContiguous(3, [2, 9])).toBe(3);
  });
});

describe('reading batches', () => {
  it('round-trip any readings of one sensor, failed reads included (property)', async () => {
    const { decodeReadingBatch, encodeReadingBatch, ReadingBatchSchema } = await import('../src/index.js');
    const arbReading = fc.oneof(
      fc.record({ sensorId: fc.constant('s1'), ts: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), status: fc.constant('ok' as const), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
      fc.record({ sensorId: fc.constant('s1'), ts: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), status: fc.constant('failed' as const), failure: fc.constantFrom('no_response' as const, 'stuck' as const) }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(arbReading, { minLength: 1, maxLength: 30, selector: (r) => r.ts }), (readings) => {
        const batch = encodeReadingBatch('s1', readings);
        expect(ReadingBatchSchema.safeParse(JSON.parse(JSON.stringify(batch))).success).toBe(true);
        const back = decodeReadingBatch(batch).map((r) => (r.status === 'ok' ? { ...r, value: Object.is(r.value, -0) ? 0 : r.value } : r));
        const expected = [...readings].sort((a, b) => a.ts - b.ts).map((r) => (r.status === 'ok' ? { ...r, value: Object.is(r.value, -0) ? 0 : r.value } : r));
        expect(back).toEqual(expected);
      }),
    );
  });
});

describe('summariseDroppedBatch', () => {
  it('keeps minute aggregates and a marker of what was dropped', async () => {
    const { encodeReadingBatch, summariseDroppedBatch, DroppedReadingsSchema } = await import('../src/index.js');
    const t0 = Date.UTC(2026, 0, 1);
    const batch = encodeReadingBatch('s1', [
      { sensorId: 's1', ts: t0, status: 'ok', value: 20 },
      { sensorId: 's1', ts: t0 + 30_000, status: 'ok', value: 22 },
      { sensorId: 's1', ts: t0 + 61_000, status: 'failed', failure: 'stuck' },
      { sensorId: 's1', ts: t0 + 125_000, status: 'ok', value: 25 },
    ]);
    const { marker, aggregates } = summariseDroppedBatch(batch);
    expect(DroppedReadingsSchema.parse(marker)).toEqual({ dropped: { sensorId: 's1', from: t0, to: t0 + 125_000, count: 4 } });
    expect(aggregates).toEqual([
      { sensorId: 's1', resolution: 'minute', bucketStart: t0, min: 20, max: 22, mean: 21, count: 2, failedCount: 0 },
      { sensorId: 's1', resolution: 'minute', bucketStart: t0 + 120_000, min: 25, max: 25, mean: 25, count: 1, failedCount: 0 },
    ]);
  });
});
