import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadingBatch } from '@tokkatot/sync';
import { migrate } from '../../src/db/migrate.js';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';
import { INGEST_CONTENT_TYPE } from '../../src/sync/ingest-routes.js';
import { MemoryReadingSink } from '../../src/telemetry/reading-sink.js';
import { buildTestApp, coopDoc, createFarm, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { RxdbPeer } from '../support/rxdb-peer.js';

// The cloud's sync flow, unchanged, on the embedded database main.ts uses without DATABASE_URL.
let db: EmbeddedDatabase;
let app: FastifyInstance;
let base: string;
let farm: FarmFixture;
let now = T0 + 1_000_000;
const sink = new MemoryReadingSink();
const peers: RxdbPeer[] = [];

beforeAll(async () => {
  db = await openEmbeddedDatabase('memory://');
  await migrate(db.pool);
  app = await buildTestApp(db.pool, { notifier: db.notifier, readings: sink, now: () => now, commandExpiryIntervalMs: 3_600_000, heartbeatMs: 200 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  farm = await createFarm(app, db.pool, 'farm-embedded');
});

afterAll(async () => {
  for (const peer of peers) await peer.stop();
  await app?.close();
  await db?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('sync on the embedded database', () => {
  it('pushes, pulls and refuses a stale write exactly as on Postgres', async () => {
    const doc = coopDoc('farm-embedded', 'c1', 'Coop 1');
    const pushed = await app.inject({ method: 'POST', url: '/v1/sync/coops/push', headers: auth(farm.ownerToken), payload: [{ newDocumentState: doc }] });
    expect(pushed.json()).toEqual([]);
    const page = (await app.inject({ method: 'GET', url: '/v1/sync/coops/pull?limit=10', headers: auth(farm.edgeToken) })).json();
    expect(page).toEqual({ documents: [doc], checkpoint: { seq: expect.any(Number), id: 'c1' } });
    const stale = await app.inject({
      method: 'POST',
      url: '/v1/sync/coops/push',
      headers: auth(farm.edgeToken),
      payload: [{ newDocumentState: { ...doc, name: 'new' }, assumedMasterState: { ...doc, name: 'old' } }],
    });
    expect(stale.json()).toEqual([doc]);
  });

  it('keeps checkpoints in commit order under concurrent pushes', async () => {
    const pushes = Array.from({ length: 16 }, (_, i) =>
      app.inject({ method: 'POST', url: '/v1/sync/coops/push', headers: auth(i % 2 ? farm.edgeToken : farm.ownerToken), payload: [{ newDocumentState: coopDoc('farm-embedded', `k${i}`, `K ${i}`) }] }),
    );
    expect((await Promise.all(pushes)).every((res) => res.statusCode === 200)).toBe(true);
    const { documents } = (await app.inject({ method: 'GET', url: '/v1/sync/coops/pull?limit=100', headers: auth(farm.edgeToken) })).json();
    expect(documents).toHaveLength(17);
    expect(await app.services.store.currentSeq('farm-embedded')).toBe(17);
  });

  it('carries a browser write to another browser over the live stream (RxDB peers)', async () => {
    const a = new RxdbPeer('web-a', base, farm.ownerToken);
    const b = new RxdbPeer('web-b', base, farm.ownerToken);
    peers.push(a, b);
    await a.start(['coops']);
    await b.start(['coops']);
    await until(async () => (await b.live('coops')).length === 17, 'the initial pull');
    await a.upsert('coops', coopDoc('farm-embedded', 'live-1', 'Live coop', 50));
    await until(async () => (await b.live('coops')).some((doc) => doc.id === 'live-1'), 'the streamed write');
    expect((await app.services.store.readById('farm-embedded', 'coops', 'live-1'))?.name).toBe('Live coop');
  });

  it('lands an outbox batch once, however often it is delivered', async () => {
    const batch = {
      epoch: 'embedded-epoch',
      records: [
        { stream: 'readings', seq: 1, ts: T0, payload: encodeReadingBatch('temp-1', Array.from({ length: 6 }, (_, i) => ({ sensorId: 'temp-1', ts: T0 + i * 10_000, status: 'ok' as const, value: 20 + i }))) },
      ],
    };
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { ...auth(farm.edgeToken), 'content-type': INGEST_CONTENT_TYPE, 'content-encoding': 'gzip' },
        payload: gzipSync(JSON.stringify(batch)),
      });
    const answers = await Promise.all([send(), send(), send()]);
    for (const answer of answers) expect(answer.json()).toMatchObject({ ackedThrough: { readings: 1 } });
    const { rows } = await db.pool.query("SELECT sum(count)::int AS n FROM telemetry_rollup WHERE resolution = 'minute'");
    expect(rows[0].n).toBe(6);
    expect(sink.written).toHaveLength(6);
  });

  it('tombstones an expired command and streams the tombstone', async () => {
    const issued = await app.inject({ method: 'POST', url: '/v1/commands', headers: auth(farm.ownerToken), payload: { type: 'output_on', targetId: 'fan-1', durationSeconds: 60, ttlSeconds: 30 } });
    expect(issued.statusCode).toBe(201);
    now += 31_000;
    expect(await app.services.store.expireCommands(now)).toBe(1);
    const { documents } = (await app.inject({ method: 'GET', url: '/v1/sync/commands/pull', headers: auth(farm.edgeToken) })).json();
    expect(documents).toEqual([{ ...issued.json(), _deleted: true }]);
  });
});
