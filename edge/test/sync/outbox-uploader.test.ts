import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '@tokkatot/shared';
import { advanceContiguous, encodeReadingBatch, type IngestBatch } from '@tokkatot/sync';
import { openSyncDatabase } from '../../src/db/sync/open-sync-database.js';
import { SqliteOutbox } from '../../src/db/sync/sqlite-outbox.js';
import { OutboxUploader } from '../../src/sync/outbox-uploader.js';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-uploader-'));
  db = openSyncDatabase(join(dir, 'edge.db'));
  outbox = new SqliteOutbox(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A cloud stand-in that acknowledges like the real one: contiguous per stream, per epoch. */
function fakeCloud(bytesPerBatch = 1000) {
  const received: IngestBatch[] = [];
  const seen = new Map<string, Set<number>>();
  const marks = new Map<string, number>();
  return {
    received,
    ingest: async (batch: IngestBatch) => {
      received.push(batch);
      for (const r of batch.records) {
        const set = seen.get(r.stream) ?? new Set<number>();
        set.add(r.seq);
        seen.set(r.stream, set);
        marks.set(r.stream, advanceContiguous(marks.get(r.stream) ?? 0, set));
      }
      return { ack: { ackedThrough: Object.fromEntries(marks) }, bytes: bytesPerBatch };
    },
  };
}

const readings = (i: number) => encodeReadingBatch('s1', Array.from({ length: 10 }, (_, j) => ({ sensorId: 's1', ts: T0 + (i * 10 + j) * 10_000, status: 'ok' as const, value: 20 + j })));

describe('OutboxUploader', () => {
  it('uploads alarms and audit before events, aggregates and raw readings, and empties the outbox', async () => {
    for (let i = 0; i < 5; i += 1) outbox.append('readings', T0, readings(i));
    outbox.append('events', T0, { e: 1 });
    outbox.append('critical', T0, { c: 1 });
    const cloud = fakeCloud();
    const uploader = new OutboxUploader({ outbox, transport: cloud, limits: { maxRecords: 3, maxBytes: 1_000_000 }, now: () => 0, sleep: async () => undefined });
    expect(await uploader.drain()).toMatchObject({ batches: 3, records: 7 });
    expect(cloud.received.map((b) => b.records.map((r) => r.stream).join(','))).toEqual(['critical,events,readings', 'readings,readings,readings', 'readings']);
    expect(new Set(cloud.received.map((b) => b.epoch)).size).toBe(1);
    expect(outbox.depth().records).toBe(0);
  });

  it('keeps to the upload rate cap on a metered link', async () => {
    for (let i = 0; i < 4; i += 1) outbox.append('readings', T0, readings(i));
    let now = 0;
    const waits: number[] = [];
    const uploader = new OutboxUploader({
      outbox,
      transport: fakeCloud(1500),
      limits: { maxRecords: 1, maxBytes: 1_000_000 },
      bytesPerSecond: 1000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    await uploader.drain();
    // 1 s of burst credit, then 1.5 s per 1,500-byte batch.
    expect(waits).toEqual([500, 1500, 1500, 1500]);
  });

  it('holds the queue rather than loop when the cloud acknowledges nothing', async () => {
    outbox.append('critical', T0, { c: 1 });
    const uploader = new OutboxUploader({
      outbox,
      transport: { ingest: async () => ({ ack: { ackedThrough: {} }, bytes: 10 }) },
      limits: { maxRecords: 10, maxBytes: 1000 },
      now: () => 0,
      sleep: async () => undefined,
    });
    await expect(uploader.drain()).rejects.toThrow(/acknowledged nothing/);
    expect(outbox.depth().records).toBe(1);
  });
});

describe('SqliteOutbox readings budget', () => {
  it('turns the oldest raw readings into aggregates and a gap event, keeping sequences contiguous', () => {
    for (let i = 0; i < 6; i += 1) outbox.append('readings', T0 + i, readings(i));
    outbox.append('critical', T0, { c: 'alarm' });
    const perRecord = outbox.pending(1)[0]!.bytes;
    const gaps: Event[] = [];
    const dropped = outbox.enforceReadingsBudget(perRecord * 3, (marker) => {
      const event: Event = { id: `01JG${String(gaps.length).padStart(22, '0')}`, farmId: 'f1', ts: T0, coopId: null, actorId: null, type: 'telemetry_gap', summary: 'gap', detail: { ...marker.dropped } };
      gaps.push(event);
      return event;
    });
    expect(dropped).toBeGreaterThanOrEqual(3);
    const pending = outbox.pending(100);
    expect(pending.filter((r) => r.stream === 'readings').map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pending.filter((r) => r.stream === 'readings' && (r.payload as { dropped?: unknown }).dropped).length).toBe(dropped);
    expect(pending.filter((r) => r.stream === 'events')).toHaveLength(dropped);
    expect(pending.filter((r) => r.stream === 'aggregates').length).toBeGreaterThan(0);
    expect(pending.filter((r) => r.stream === 'critical')).toHaveLength(1);
    expect(outbox.enforceReadingsBudget(perRecord * 3, () => gaps[0]!)).toBe(0);
  });
});
