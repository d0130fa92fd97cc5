import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeReadingBatch, type ReadingBatch } from '@tokkatot/sync';
import { EventExporter, ReadingsExporter } from '../../src/cloud-link/index.js';
import { SqliteOutbox, SyncStateStore } from '../../src/db/sync/index.js';
import { registerWebapp } from '../../src/webapp/index.js';
import { T0, seedCoop, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';
import { RecordingSiren } from '../webapp/support/serve-edge.js';

describe('EventExporter', () => {
  let test: TestEdge;
  let outbox: SqliteOutbox;
  let state: SyncStateStore;
  let triggers: number;
  const exporter = () =>
    new EventExporter({ database: test.edge.database, events: test.edge.events, bus: test.edge.bus, outbox, state, cloudFarmId: 'cloud-farm', onExported: () => (triggers += 1) });
  const queuedEventIds = () => outbox.pending(10_000).filter((record) => record.stream !== 'readings').map((record) => (record.payload as { id: string }).id);

  beforeEach(async () => {
    test = await startTestEdge();
    outbox = new SqliteOutbox(test.edge.database.db);
    state = new SyncStateStore(test.edge.database.db);
    triggers = 0;
  });
  afterEach(async () => test.close());

  it('queues the history at start and each new event once, under the cloud farm id and in its stream', async () => {
    seedCoop(test);
    const history = test.edge.events.query({ limit: 1000 }).map((stored) => stored.event.id).reverse();
    const running = exporter();
    running.start();
    expect(queuedEventIds()).toEqual(history);
    const alarm = test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'checked the feeders', detail: {} });
    await Promise.resolve();
    await Promise.resolve();
    expect(queuedEventIds()).toEqual([...history, alarm.event.id]);
    expect(running.exportPending()).toBe(0);
    const record = outbox.pending(10_000).find((item) => (item.payload as { id: string }).id === alarm.event.id)!;
    expect(record).toMatchObject({ stream: 'critical', ts: alarm.event.ts, payload: { ...alarm.event, farmId: 'cloud-farm' } });
    expect(triggers).toBe(2);
    running.stop();
  });

  it('loses nothing and repeats nothing when the process dies between the event commit and the export', () => {
    const first = exporter();
    first.start();
    first.stop();
    // Committed while no exporter listened: what a kill -9 before the announcement leaves behind.
    const missed = test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'missed', detail: {} });
    const before = queuedEventIds();
    expect(before).not.toContain(missed.event.id);
    const second = exporter();
    second.start();
    expect(queuedEventIds()).toEqual([...before, missed.event.id]);
    expect(exporter().exportPending()).toBe(0);
    second.stop();
  });

  it('never queues an event whose transaction rolled back', () => {
    const running = exporter();
    running.start();
    const before = queuedEventIds();
    expect(() =>
      test.edge.database.transaction(() => {
        test.edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: 'rolled back', detail: {} });
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(running.exportPending()).toBe(0);
    expect(queuedEventIds()).toEqual(before);
    running.stop();
  });
});

describe('daily_record events', () => {
  let test: TestEdge;
  afterEach(async () => test.close());

  it('a saved and a corrected daily checklist each queue a daily_record event with the figures, under the cloud farm id', async () => {
    test = await startTestEdge();
    seedCoop(test);
    const tokens = await signInAllRoles(test);
    const web = Fastify({ logger: false });
    await registerWebapp(web, test.edge, { siren: new RecordingSiren() });
    const outbox = new SqliteOutbox(test.edge.database.db);
    const exporter = new EventExporter({ database: test.edge.database, events: test.edge.events, bus: test.edge.bus, outbox, state: new SyncStateStore(test.edge.database.db), cloudFarmId: 'cloud-farm', onExported: () => undefined });
    exporter.start();
    // T0 is 13:00 on 2026-06-01 on the farm's clock.
    const save = (body: object) =>
      web.inject({ method: 'PUT', url: '/api/daily-records/coop-1/2026-06-01', payload: body, headers: { authorization: `Bearer ${tokens.worker}` } });
    const figures = { mortality: { heat: 2, sick: 1, injured: 0, unknown: 0 }, culls: 1, feedBags: 3.5, waterMeter: 1234.5 };
    expect((await save(figures)).statusCode).toBe(200);
    expect((await save({ ...figures, culls: 2, note: 'one more cull' })).statusCode).toBe(200);
    // Out of bounds: refused by the shared schema before anything is stored or queued.
    expect((await save({ ...figures, feedBags: 0.3 })).statusCode).toBe(400);
    await web.close();
    exporter.exportPending();
    const queued = outbox.pending(10_000).filter((record) => (record.payload as { type: string }).type === 'daily_record');
    expect(queued.map((record) => ({ stream: record.stream, payload: record.payload }))).toEqual([
      { stream: 'events', payload: expect.objectContaining({ farmId: 'cloud-farm', coopId: 'coop-1', date: '2026-06-01', ...figures, note: '', actorId: expect.any(String) }) },
      { stream: 'events', payload: expect.objectContaining({ farmId: 'cloud-farm', date: '2026-06-01', culls: 2, note: 'one more cull' }) },
    ]);
    exporter.stop();
  });
});

describe('ReadingsExporter', () => {
  let test: TestEdge;
  let outbox: SqliteOutbox;

  beforeEach(async () => {
    test = await startTestEdge();
    outbox = new SqliteOutbox(test.edge.database.db);
  });
  afterEach(async () => test.close());

  it('queues one record per sensor per minute holding every raw reading, failed ones included, exactly once', async () => {
    const { sensorId } = seedCoop(test);
    const base = Math.floor(T0 / 60_000) * 60_000;
    const readings = [
      { sensorId, ts: base + 1_000, status: 'ok', value: 21.5 },
      { sensorId, ts: base + 31_000, status: 'failed', failure: 'checksum' },
      { sensorId, ts: base + 61_000, status: 'ok', value: 22 },
    ] as const;
    const done = test.edge.telemetry.ingest(readings);
    test.edge.telemetry.flush();
    await done;
    const exporter = new ReadingsExporter({ database: test.edge.database, readings: test.edge.repositories.readings, outbox, state: new SyncStateStore(test.edge.database.db), intervalMs: 60_000, onExported: () => undefined });
    expect(exporter.exportPending()).toBe(3);
    const records = outbox.pending(100).filter((record) => record.stream === 'readings');
    expect(records.map((record) => record.ts)).toEqual([base + 1_000, base + 61_000]);
    expect(records.flatMap((record) => decodeReadingBatch(record.payload as ReadingBatch))).toEqual(readings);
    expect(exporter.exportPending()).toBe(0);
    expect(outbox.pending(100).filter((record) => record.stream === 'readings')).toHaveLength(2);
  });
});
