import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadingBatch, type IngestBatch } from '@tokkatot/sync';
import { INGEST_CONTENT_TYPE } from '../../src/sync/ingest-routes.js';
import { MemoryReadingSink } from '../../src/telemetry/reading-sink.js';
import { buildTestApp, createFarm, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
const sink = new MemoryReadingSink();
const EPOCH = 'epoch-test-1';

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { readings: sink });
  farm = await createFarm(app, db.pool, 'farm-i');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const event = (id: string, type = 'alarm_raised') => ({
  id,
  farmId: 'farm-i',
  ts: T0 + 1000,
  coopId: null,
  actorId: null,
  type,
  alarmId: 'alarm-1',
  kind: 'temperature_high',
  severity: 'critical',
  message: 'Coop 1 at 35 °C',
});
const ulid = (n: number) => `01JG${String(n).padStart(22, '0')}`;
const readings = (sensorId: string, from: number, count: number) =>
  encodeReadingBatch(sensorId, Array.from({ length: count }, (_, i) => ({ sensorId, ts: T0 + (from + i) * 10_000, status: 'ok' as const, value: 20 + i })));

async function send(batch: unknown, token = farm.edgeToken, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { authorization: `Bearer ${token}`, 'content-type': INGEST_CONTENT_TYPE, 'content-encoding': 'gzip', ...headers },
    payload: gzipSync(JSON.stringify({ epoch: EPOCH, ...(batch as object) })),
  });
}

const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);

describe('outbox ingest', () => {
  const batch: Omit<IngestBatch, 'epoch'> = {
    records: [
      { stream: 'critical', seq: 1, ts: T0, payload: event(ulid(1)) },
      { stream: 'critical', seq: 2, ts: T0, payload: event(ulid(2)) },
      { stream: 'readings', seq: 1, ts: T0, payload: readings('temp-1', 0, 12) },
      { stream: 'readings', seq: 2, ts: T0, payload: readings('temp-1', 12, 6) },
    ],
  };

  it('lands a compressed batch and answers each stream with its contiguous mark', async () => {
    const res = await send(batch);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ackedThrough: { critical: 2, readings: 2 } });
    expect(await count('SELECT count(*) AS n FROM farm_event')).toBe(2);
    expect(sink.written).toHaveLength(18);
    const minute = await db.pool.query("SELECT sum(count)::int AS n, min(min) AS lo, max(max) AS hi FROM telemetry_rollup WHERE resolution = 'minute'");
    expect(minute.rows[0]).toEqual({ n: 18, lo: 20, hi: 31 });
    expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'day'")).toBe(18);
  });

  it('changes nothing when the same batch arrives again (lost response, retry)', async () => {
    const res = await send(batch);
    expect(res.json()).toEqual({ ackedThrough: { critical: 2, readings: 2 } });
    expect(await count('SELECT count(*) AS n FROM farm_event')).toBe(2);
    expect(sink.written).toHaveLength(18);
    expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'hour'")).toBe(18);
  });

  it('holds the mark below a gap until the missing record arrives', async () => {
    const gap = await send({ records: [{ stream: 'events', seq: 1, ts: T0, payload: event(ulid(3), 'alarm_cleared') }, { stream: 'events', seq: 3, ts: T0, payload: event(ulid(5), 'alarm_cleared') }] });
    expect(gap.json()).toEqual({ ackedThrough: { events: 1 } });
    const filled = await send({ records: [{ stream: 'events', seq: 2, ts: T0, payload: event(ulid(4), 'alarm_cleared') }] });
    expect(filled.json()).toEqual({ ackedThrough: { events: 3 } });
  });

  it('acknowledges a record it cannot use and keeps it flagged, so the queue never wedges', async () => {
    const res = await send({ records: [{ stream: 'critical', seq: 3, ts: T0, payload: { not: 'an event' } }, { stream: 'critical', seq: 4, ts: T0, payload: { ...event(ulid(9)), farmId: 'other-farm' } }] });
    expect(res.json()).toEqual({ ackedThrough: { critical: 4 } });
    const { rows } = await db.pool.query("SELECT seq, rejected_reason FROM ingest_record WHERE stream = 'critical' AND rejected_reason IS NOT NULL ORDER BY seq");
    expect(rows.map((r) => Number(r.seq))).toEqual([3, 4]);
    expect(rows[1].rejected_reason).toMatch(/another farm/);
  });

  it('refuses users, strangers, wrong encodings, bad JSON, malformed batches and zip bombs with a code', async () => {
    expect((await send(batch, farm.ownerToken)).statusCode).toBe(403);
    expect((await send(batch, 'nope')).statusCode).toBe(401);
    const raw = (payload: Buffer | string, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${farm.edgeToken}`, 'content-type': INGEST_CONTENT_TYPE, ...headers }, payload });
    expect((await raw('not gzip', { 'content-encoding': 'gzip' })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await raw(gzipSync('{oops'), { 'content-encoding': 'gzip' })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await raw('{}', { 'content-encoding': 'br' })).statusCode).toBe(400);
    expect((await send({ records: [] })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await send({ records: [{ stream: 'gossip', seq: 1, ts: 0, payload: 1 }] })).statusCode).toBe(400);
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));
    expect((await raw(bomb, { 'content-encoding': 'gzip' })).json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await count('SELECT count(*) AS n FROM farm_event')).toBe(5);
    expect((await send({ epoch: undefined, records: [{ stream: 'critical', seq: 9, ts: T0, payload: 1 }] })).statusCode).toBe(400);
  });

  it('is safe under concurrent delivery of overlapping batches', async () => {
    const overlapping = Array.from({ length: 6 }, (_, k) => ({
      records: Array.from({ length: 10 }, (_, i) => ({ stream: 'readings' as const, seq: 3 + k * 5 + i, ts: T0, payload: readings('temp-2', (k * 5 + i) * 3, 3) })),
    }));
    const answers = await Promise.all(overlapping.map((b) => send(b)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    // seq 3..37 exist exactly once: 35 records of 3 readings each.
    expect(await count("SELECT count(*) AS n FROM ingest_record WHERE stream = 'readings'")).toBe(37);
    expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'day' AND sensor_id = 'temp-2'")).toBe(105);
    expect((await app.services.ingest.acked(farm.edgeId, EPOCH)).readings).toBe(37);
  });

  it('acknowledges raw readings the edge dropped for its disk budget without landing or flagging them', async () => {
    const before = sink.written.length;
    const res = await send({ epoch: 'epoch-test-3', records: [{ stream: 'readings', seq: 1, ts: T0, payload: { dropped: { sensorId: 'temp-1', from: T0, to: T0 + 60_000, count: 7 } } }] });
    expect(res.json()).toEqual({ ackedThrough: { readings: 1 } });
    expect(sink.written.length).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM ingest_record WHERE epoch = 'epoch-test-3' AND rejected_reason IS NULL`)).toBe(1);
  });

  it('keeps outbox epochs apart: a re-installed edge reusing sequences is not taken for a duplicate', async () => {
    const res = await send({ epoch: 'epoch-test-2', records: [{ stream: 'critical', seq: 1, ts: T0, payload: event(ulid(42)) }] });
    expect(res.json()).toEqual({ ackedThrough: { critical: 1 } });
    expect(await count(`SELECT count(*) AS n FROM farm_event WHERE id = '${ulid(42)}'`)).toBe(1);
    expect((await send({ epoch: 'bad epoch!', records: [{ stream: 'critical', seq: 1, ts: T0, payload: 1 }] })).statusCode).toBe(400);
  });
});

describe('outbox ingest after retention', () => {
  it('adds nothing for a re-send once the retention job has pruned the ledger rows below the mark', async () => {
    const pruned = { epoch: 'epoch-pruned', records: [{ stream: 'readings', seq: 1, ts: T0, payload: readings('temp-9', 0, 5) }] };
    expect((await send(pruned)).json()).toEqual({ ackedThrough: { readings: 1 } });
    await db.pool.query("DELETE FROM ingest_record WHERE edge_id = $1 AND epoch = 'epoch-pruned'", [farm.edgeId]);
    expect((await send(pruned)).json()).toEqual({ ackedThrough: { readings: 1 } });
    expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE sensor_id = 'temp-9' AND resolution = 'day'")).toBe(5);
  });
});
