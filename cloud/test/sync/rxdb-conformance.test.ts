/**
 * Conformance: two unmodified RxDB 17.6.0 clients (memory storage, ajv validation, dev mode) and
 * our edge client (SQLite, in its own process) replicate one farm with the cloud endpoints over
 * real HTTP, each through its own faulty link, and must end identical by canonical hash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoopSchema } from '@tokkatot/shared';
import { CommandSchema, hashDoc, stripDeleted, type WireDoc } from '@tokkatot/sync';
import { signUserToken } from '../../src/http/auth.js';
import { buildTestApp, coopDoc, createFarm, JWT_SECRET, type FarmFixture } from '../support/cloud-fixture.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { RxdbPeer } from '../support/rxdb-peer.js';
import { createTestDatabase } from '../support/test-database.js';

const EDGE_PEER_HANDLE = fileURLToPath(new URL('../../../edge/test/sync/support/edge-peer-handle.ts', import.meta.url));

interface EdgePeer {
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
  kill(): Promise<void>;
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let dir: string;
const proxies: Record<'a' | 'b' | 'e', FaultProxy> = {} as never;
let a: RxdbPeer;
let b: RxdbPeer;
let edge: EdgePeer;
let edgeClock = 0;
const FARM = 'farm-c';

function edgeStamp(): string {
  edgeClock = Math.max(Date.now(), edgeClock + 1);
  return `${String(edgeClock).padStart(15, '0')}:00000:edge-farm-c`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { commandExpiryIntervalMs: 200, streamPageLimit: 100 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const cloudUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  farm = await createFarm(app, db.pool, FARM);
  const urls: Record<string, string> = {};
  for (const key of ['a', 'b', 'e'] as const) {
    proxies[key] = new FaultProxy(cloudUrl);
    urls[key] = await proxies[key].start();
  }
  a = new RxdbPeer('web-a', urls.a!, farm.ownerToken);
  b = new RxdbPeer('web-b', urls.b!, signUserToken(JWT_SECRET, { sub: 'manager', farmId: FARM, role: 'manager' }, 3600));
  await a.start(['coops', 'outputs', 'commands']);
  await b.start(['coops']);
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-conformance-'));
  const { EdgePeerHandle } = (await import(EDGE_PEER_HANDLE)) as { EdgePeerHandle: { spawn(): Promise<EdgePeer> } };
  edge = await EdgePeerHandle.spawn();
  await edge.call('init', {
    dbPath: join(dir, 'edge.db'),
    baseUrl: urls.e,
    farmId: FARM,
    token: farm.edgeToken,
    replicaName: 'edge-farm-c',
    collections: ['coops', 'outputs', 'commands'],
    batchSize: 50,
    periodicSyncMs: 1000,
  });
  await edge.call('start');
}, 60_000);

afterAll(async () => {
  await edge?.close();
  await a?.stop();
  await b?.stop();
  await app?.close();
  for (const proxy of Object.values(proxies)) await proxy?.stop();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const liveHashes = (docs: WireDoc[]) => docs.filter((d) => !d._deleted).map(hashDoc).sort();

async function serverLive(collection: string, schema: { safeParse(value: unknown): { success: boolean } } = CoopSchema): Promise<WireDoc[]> {
  const rows = await app.services.store.listAll(FARM, collection);
  return rows.map((r) => r.doc).filter((d) => !d._deleted && schema.safeParse(stripDeleted(d)).success);
}

/** Waits until A, B, the edge and the server hold the same live coops, by canonical hash. */
async function converged(): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  let last = '';
  for (;;) {
    const server = liveHashes(await serverLive('coops'));
    const sides = [liveHashes(await a.live('coops')), liveHashes(await b.live('coops')), liveHashes(await edge.call<WireDoc[]>('list', { collection: 'coops' }))];
    if (sides.every((side) => JSON.stringify(side) === JSON.stringify(server))) return server;
    last = `server ${server.length}, a ${sides[0]!.length}, b ${sides[1]!.length}, edge ${sides[2]!.length}`;
    if (Date.now() > deadline) throw new Error(`no convergence: ${last}; rx errors ${[...a.errors, ...b.errors].slice(-3).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function edgeWrite(doc: Record<string, unknown>): Promise<void> {
  await edge.call('writeLocal', { collection: 'coops', doc: { ...doc, hlc: edgeStamp(), updatedAt: Date.now() } });
  await edge.call('trigger');
}

const byId = async (peer: RxdbPeer, id: string) => (await peer.live('coops')).find((d) => d.id === id);

describe('RxDB 17.6.0 conformance', () => {
  it('carries an insert from a browser to the other browser, the edge and the server', async () => {
    await a.upsert('coops', coopDoc(FARM, 'c1', 'Coop 1'));
    await converged();
    expect(await edge.call('get', { collection: 'coops', id: 'c1' })).toMatchObject({ name: 'Coop 1' });
  });

  it('keeps both edits when the edge and a browser change different fields while offline', async () => {
    proxies.a.partitioned = true;
    proxies.e.outage = true;
    const base = (await byId(a, 'c1'))!;
    await a.upsert('coops', { ...stripDeleted(base), name: 'Coop east' });
    await edgeWrite({ ...stripDeleted(base), capacityBirds: 900 });
    proxies.a.partitioned = false;
    proxies.e.outage = false;
    await converged();
    expect(await byId(b, 'c1')).toMatchObject({ name: 'Coop east', capacityBirds: 900 });
  });

  it('lets the later stamp win when two replicas change the same field, and records the resolution', async () => {
    proxies.a.partitioned = true;
    proxies.e.partitioned = true;
    const base = stripDeleted((await byId(a, 'c1'))!);
    await a.upsert('coops', { ...base, name: 'From browser' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await edgeWrite({ ...base, name: 'From edge' });
    proxies.e.partitioned = false;
    await edge.call('trigger');
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxies.a.partitioned = false;
    await converged();
    expect((await byId(b, 'c1'))?.name).toBe('From edge');
    expect(a.resolutions.some((r) => r.id === 'c1')).toBe(true);
  });

  it('lets the edge value of a safety-critical field win a same-field conflict, even against a later browser edit', async () => {
    const fan = { id: 'fan-1', farmId: FARM, coopId: 'c1', nodeId: 'node-1', channel: 2, kind: 'fan', name: 'Fan 1', activeLow: true, failSafeState: 'on', maxOnSeconds: 1800, installed: true };
    await a.upsert('outputs', fan);
    await waitFor(async () => (await edge.call<WireDoc | null>('get', { collection: 'outputs', id: 'fan-1' })) !== null);
    proxies.a.partitioned = true;
    proxies.e.partitioned = true;
    const base = stripDeleted((await a.live('outputs'))[0]!);
    await edge.call('writeLocal', { collection: 'outputs', doc: { ...base, maxOnSeconds: 900, hlc: edgeStamp(), updatedAt: Date.now() } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await a.upsert('outputs', { ...base, maxOnSeconds: 60, name: 'Fan one' });
    proxies.a.partitioned = false;
    await a.awaitInSync();
    proxies.e.partitioned = false;
    await edge.call('trigger');
    await waitFor(async () => {
      const server = (await app.services.store.readById(FARM, 'outputs', 'fan-1'))!;
      const onEdge = await edge.call<WireDoc>('get', { collection: 'outputs', id: 'fan-1' });
      const onA = (await a.live('outputs'))[0]!;
      return [server, onEdge, onA].every((doc) => doc.maxOnSeconds === 900 && doc.name === 'Fan one') && hashDoc(server) === hashDoc(onEdge) && hashDoc(onA) === hashDoc(server);
    });
    // The edge resolved it (the browser pushed first) and its audit event reached the cloud.
    await waitFor(async () => {
      const { rows } = await db.pool.query(`SELECT body FROM farm_event WHERE type = 'sync_conflict_resolved' AND body->'detail'->>'docId' = 'fan-1'`);
      const fields = rows.flatMap((row) => (row.body.detail.fields as Array<{ field: string; rule: string; chosen: string; local: unknown; remote: unknown }>));
      return fields.some((f) => f.field === 'maxOnSeconds' && f.rule === 'owner' && f.chosen === 'local' && f.local === 900 && f.remote === 60);
    });
  });

  it('settles an insert race on the same id to one winner everywhere', async () => {
    proxies.a.partitioned = true;
    proxies.b.partitioned = true;
    await a.upsert('coops', coopDoc(FARM, 'race', 'A wins?'));
    await b.upsert('coops', coopDoc(FARM, 'race', 'B wins?'));
    proxies.a.partitioned = false;
    proxies.b.partitioned = false;
    await converged();
    expect(['A wins?', 'B wins?']).toContain((await byId(a, 'race'))?.name);
  });

  it('propagates a delete as a tombstone', async () => {
    await b.remove('coops', 'race');
    await converged();
    expect(await byId(a, 'race')).toBeUndefined();
    expect(await edge.call<WireDoc>('get', { collection: 'coops', id: 'race' })).toMatchObject({ _deleted: true });
  });

  it('treats a push whose response was lost as done, without a false conflict', async () => {
    const before = a.resolutions.length;
    proxies.a.loseResponses(/POST \/v1\/sync\/coops\/push/, 1);
    proxies.e.loseResponses(/POST \/v1\/sync\/coops\/push/, 1);
    await a.upsert('coops', coopDoc(FARM, 'lost-a', 'Lost A'));
    await edgeWrite(coopDoc(FARM, 'lost-e', 'Lost E', 1, 'edge-farm-c'));
    await converged();
    expect(a.resolutions.length).toBe(before);
    expect(proxies.a.seen.filter((s) => s === 'POST /v1/sync/coops/push').length).toBeGreaterThanOrEqual(2);
  });

  it('catches up after an outage with edits on every side', async () => {
    for (const proxy of Object.values(proxies)) proxy.outage = true;
    for (let i = 0; i < 5; i += 1) {
      await a.upsert('coops', coopDoc(FARM, `out-a${i}`, `A ${i}`));
      await b.upsert('coops', coopDoc(FARM, `out-b${i}`, `B ${i}`));
      await edgeWrite(coopDoc(FARM, `out-e${i}`, `E ${i}`));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const proxy of Object.values(proxies)) proxy.outage = false;
    await edge.call('trigger');
    await converged();
  });

  it('recovers from dropped streams while a 2,000-document backlog lands with one shared order key', async () => {
    for (const proxy of Object.values(proxies)) proxy.dropStreams();
    const docs = Array.from({ length: 2000 }, (_, i) => coopDoc(FARM, `bulk${String(i).padStart(4, '0')}`, `Bulk ${i}`));
    await app.services.store.writeServerDocs(FARM, 'coops', docs, 'test');
    const ids = await converged();
    expect(ids.length).toBeGreaterThanOrEqual(2000);
  });

  it('pushes a large offline backlog from the edge and a browser', async () => {
    proxies.e.partitioned = true;
    proxies.b.partitioned = true;
    for (let i = 0; i < 600; i += 1) await edge.call('writeLocal', { collection: 'coops', doc: { ...coopDoc(FARM, `edge-bl${i}`, `Edge ${i}`), hlc: edgeStamp() } });
    await Promise.all(Array.from({ length: 300 }, (_, i) => b.upsert('coops', coopDoc(FARM, `b-bl${i}`, `B ${i}`))));
    proxies.e.partitioned = false;
    proxies.b.partitioned = false;
    await edge.call('trigger');
    const ids = await converged();
    expect(ids.length).toBeGreaterThanOrEqual(2000 + 900);
  });

  it('never serves a poison document, while later documents still arrive', async () => {
    const poison = { ...coopDoc(FARM, 'poison', 'x'), name: { evil: true } };
    await app.services.store.writeServerDocs(FARM, 'coops', [poison as unknown as WireDoc], 'bad-migration');
    await a.upsert('coops', coopDoc(FARM, 'after-poison', 'After'));
    await converged();
    expect(await byId(b, 'poison')).toBeUndefined();
    expect(await byId(b, 'after-poison')).toBeDefined();
    // A hostile push of an invalid document is answered with the stored state, not accepted.
    const res = await fetch(`${app.listeningOrigin}/v1/sync/coops/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${farm.edgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ newDocumentState: { ...coopDoc(FARM, 'c1', ''), name: '' } }]),
    });
    expect(((await res.json()) as WireDoc[])[0]).toMatchObject({ id: 'c1', name: 'From edge' });
  });

  it('restarts replication from scratch after a stale checkpoint, once, and ends identical', async () => {
    const issue = (ttlSeconds: number) =>
      app.inject({ method: 'POST', url: '/v1/commands', headers: { authorization: `Bearer ${farm.ownerToken}` }, payload: { type: 'output_on', targetId: 'fan-1', durationSeconds: 60, ttlSeconds } });
    await issue(5);
    // Let everyone see it, then take the edge and browser A offline while it expires and its tombstone is purged.
    await waitFor(async () => (await a.live('commands')).length === 1);
    proxies.a.partitioned = true;
    proxies.e.partitioned = true;
    expect(await app.services.store.expireCommands(Date.now() + 10_000)).toBe(1);
    expect(await serverLive('commands', CommandSchema)).toEqual([]);
    expect(await app.services.store.purgeTombstones(FARM, 'commands', new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const fresh = (await issue(600)).json();
    proxies.a.partitioned = false;
    proxies.e.partitioned = false;
    await edge.call('trigger');
    // The browser sees 410 RESYNC_REQUIRED on pull and starts again.
    await waitFor(async () => a.errors.some((e) => e.includes('RESYNC_REQUIRED')));
    await a.restartReplication('commands');
    await waitFor(async () => {
      const edgeLive = (await edge.call<WireDoc[]>('list', { collection: 'commands' })).filter((d) => !d._deleted).map((d) => d.id);
      const aLive = (await a.live('commands')).map((d) => d.id);
      return JSON.stringify(edgeLive) === JSON.stringify([fresh.id]) && JSON.stringify(aLive) === JSON.stringify([fresh.id]);
    });
    await converged();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
