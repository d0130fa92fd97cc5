import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserToken } from '../../src/http/auth.js';
import { buildTestApp, coopDoc, createFarm, JWT_SECRET, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let pool: pg.Pool;
let farmA: FarmFixture;
let farmB: FarmFixture;
let now = T0 + 1_000_000;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool;
  app = await buildTestApp(pool, { now: () => now, commandExpiryIntervalMs: 3_600_000 });
  farmA = await createFarm(app, pool, 'farm-a');
  farmB = await createFarm(app, pool, 'farm-b');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function pull(token: string, collection: string, checkpoint?: { seq: number; id: string }, limit = 100) {
  const query = new URLSearchParams({ limit: String(limit), ...(checkpoint ? { seq: String(checkpoint.seq), id: checkpoint.id } : {}) });
  return app.inject({ method: 'GET', url: `/v1/sync/${collection}/pull?${query}`, headers: auth(token) });
}

async function push(token: string, collection: string, rows: unknown) {
  return app.inject({ method: 'POST', url: `/v1/sync/${collection}/push`, headers: auth(token), payload: rows as object });
}

describe('pull and push endpoints', () => {
  it('answers an empty pull with a checkpoint and the server time', async () => {
    const res = await pull(farmA.ownerToken, 'coops');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ documents: [], checkpoint: { seq: 0, id: '' } });
    expect(res.headers['x-server-now']).toBe(String(now));
  });

  it('inserts a pushed document and serves it exactly as pushed', async () => {
    const doc = { ...coopDoc('farm-a', 'c1', 'Coop 1'), capacityBirds: 1.5e3 };
    expect((await push(farmA.ownerToken, 'coops', [{ newDocumentState: doc }])).json()).toEqual([]);
    const page = (await pull(farmA.ownerToken, 'coops')).json();
    expect(page.documents).toEqual([doc]);
    expect(page.checkpoint).toEqual({ seq: expect.any(Number), id: 'c1' });
  });

  it('returns the stored state for a stale assumed state and for an insert race', async () => {
    const stored = (await pull(farmA.ownerToken, 'coops')).json().documents[0];
    const stale = { ...stored, name: 'old' };
    const res = await push(farmA.edgeToken, 'coops', [{ newDocumentState: { ...stored, name: 'new' }, assumedMasterState: stale }]);
    expect(res.json()).toEqual([stored]);
    const race = await push(farmA.edgeToken, 'coops', [{ newDocumentState: { ...stored, name: 'mine' } }]);
    expect(race.json()).toEqual([stored]);
  });

  it('treats a retried push equal to the stored state as success without a new sequence', async () => {
    const before = (await pull(farmA.ownerToken, 'coops')).json();
    const stored = before.documents[0];
    const next = { ...stored, name: 'Coop one', hlc: `${String(T0 + 5).padStart(15, '0')}:00000:web-a` };
    expect((await push(farmA.ownerToken, 'coops', [{ newDocumentState: next, assumedMasterState: stored }])).json()).toEqual([]);
    const seqAfterFirst = await app.services.store.currentSeq('farm-a');
    // The response was lost: the client sends the same rows again, with the old assumed state.
    expect((await push(farmA.ownerToken, 'coops', [{ newDocumentState: next, assumedMasterState: stored }])).json()).toEqual([]);
    expect(await app.services.store.currentSeq('farm-a')).toBe(seqAfterFirst);
  });

  it('answers an invalid document as a conflict returning the stored state, and records the refusal', async () => {
    const stored = (await pull(farmA.ownerToken, 'coops')).json().documents[0];
    const res = await push(farmA.ownerToken, 'coops', [
      { newDocumentState: { ...stored, capacityBirds: -1 }, assumedMasterState: stored },
      { newDocumentState: { ...coopDoc('farm-a', 'c-bad', ''), name: '' } },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([stored, { ...coopDoc('farm-a', 'c-bad', ''), _deleted: true }]);
    const { rows } = await pool.query("SELECT doc_id FROM sync_rejection WHERE direction = 'push' ORDER BY id");
    expect(rows.map((r) => r.doc_id)).toEqual(['c1', 'c-bad']);
  });

  it('keeps farms apart: no reads across farms, and a document naming another farm is refused', async () => {
    expect((await pull(farmB.ownerToken, 'coops')).json().documents).toEqual([]);
    const intruder = coopDoc('farm-a', 'c-x', 'Planted');
    expect((await push(farmB.edgeToken, 'coops', [{ newDocumentState: intruder }])).json()).toEqual([{ ...intruder, _deleted: true }]);
    expect((await pull(farmA.ownerToken, 'coops')).json().documents.map((d: { id: string }) => d.id)).toEqual(['c1']);
  });

  it('refuses tokens that are missing, forged, expired or revoked', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/sync/coops/pull' })).statusCode).toBe(401);
    expect((await pull('edge.edge-farm-a.AAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'coops')).json().error.code).toBe('UNAUTHENTICATED');
    expect((await pull(signUserToken('wrong-secret', { sub: 'u', farmId: 'farm-a', role: 'owner' }), 'coops')).statusCode).toBe(401);
    expect((await pull(signUserToken(JWT_SECRET, { sub: 'u', farmId: 'farm-a', role: 'owner' }, -10), 'coops')).json().error.code).toBe('TOKEN_EXPIRED');
    await pool.query("UPDATE edge SET revoked_at = now() WHERE id = 'edge-farm-b'");
    expect((await pull(farmB.edgeToken, 'coops')).statusCode).toBe(401);
    await pool.query("UPDATE edge SET revoked_at = NULL WHERE id = 'edge-farm-b'");
  });

  it('rejects malformed requests with a code: unknown collection, bad body, duplicate ids, bad query', async () => {
    expect((await pull(farmA.ownerToken, 'nope')).json().error.code).toBe('NOT_FOUND');
    expect((await push(farmA.ownerToken, 'coops', { not: 'an array' })).json().error.code).toBe('VALIDATION_FAILED');
    const doc = coopDoc('farm-a', 'c9', 'x');
    expect((await push(farmA.ownerToken, 'coops', [{ newDocumentState: doc }, { newDocumentState: doc }])).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/sync/coops/pull?limit=100000', headers: auth(farmA.ownerToken) })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/sync/__proto__/pull', headers: auth(farmA.ownerToken) })).statusCode).toBe(404);
  });

  it('skips poison rows on pull but still returns full pages and advances the checkpoint past them', async () => {
    for (let i = 0; i < 8; i += 1) {
      const doc = coopDoc('farm-b', `p${i}`, `Coop ${i}`);
      // Rows 1, 4 and 5 are broken in storage (a bad migration, a manual edit): they must not wedge clients.
      const body = [1, 4, 5].includes(i) ? { ...doc, name: 42 } : doc;
      await app.services.store.writeServerDocs('farm-b', 'coops', [body as typeof doc], 'test');
    }
    const first = (await pull(farmB.ownerToken, 'coops', undefined, 3)).json();
    expect(first.documents.map((d: { id: string }) => d.id)).toEqual(['p0', 'p2', 'p3']);
    const second = (await pull(farmB.ownerToken, 'coops', first.checkpoint, 3)).json();
    expect(second.documents.map((d: { id: string }) => d.id)).toEqual(['p6', 'p7']);
    const third = (await pull(farmB.ownerToken, 'coops', second.checkpoint, 3)).json();
    expect(third).toEqual({ documents: [], checkpoint: second.checkpoint });
  });

  it('orders checkpoints by commit under concurrent pushes, so a follower misses no write', async () => {
    const seen = new Map<string, unknown>();
    let checkpoint: { seq: number; id: string } | undefined;
    const writers = Array.from({ length: 24 }, (_, i) =>
      push(i % 2 ? farmA.edgeToken : farmA.ownerToken, 'coops', [{ newDocumentState: coopDoc('farm-a', `k${i}`, `K ${i}`) }]),
    );
    let done = false;
    const all = Promise.all(writers).then(() => (done = true));
    while (!done) {
      const page = (await pull(farmA.ownerToken, 'coops', checkpoint, 5)).json();
      for (const d of page.documents) seen.set(d.id, d);
      checkpoint = page.checkpoint;
    }
    await all;
    for (;;) {
      const page = (await pull(farmA.ownerToken, 'coops', checkpoint, 5)).json();
      for (const d of page.documents) seen.set(d.id, d);
      checkpoint = page.checkpoint;
      if (page.documents.length < 5) break;
    }
    for (let i = 0; i < 24; i += 1) expect(seen.has(`k${i}`)).toBe(true);
  });
});

describe('commands', () => {
  it('lets staff issue a command that replicas may only read, and tombstones it on expiry', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: auth(farmA.ownerToken), payload: { type: 'output_on', targetId: 'fan-1', durationSeconds: 60, ttlSeconds: 30 } });
    expect(res.statusCode).toBe(201);
    const command = res.json();
    expect(command).toMatchObject({ farmId: 'farm-a', issuedAt: now, expiresAt: now + 30_000 });
    const pulled = (await pull(farmA.edgeToken, 'commands')).json();
    expect(pulled.documents).toEqual([{ ...command, _deleted: false }]);
    const tampered = { ...command, expiresAt: command.expiresAt + 3_600_000, _deleted: false };
    expect((await push(farmA.edgeToken, 'commands', [{ newDocumentState: tampered, assumedMasterState: pulled.documents[0] }])).json()).toEqual([pulled.documents[0]]);
    now += 31_000;
    expect(await app.services.store.expireCommands(now)).toBe(1);
    const after = (await pull(farmA.edgeToken, 'commands', pulled.checkpoint)).json();
    expect(after.documents).toEqual([{ ...command, _deleted: true }]);
  });

  it('refuses commands from edges and viewers', async () => {
    const viewer = signUserToken(JWT_SECRET, { sub: 'v', farmId: 'farm-a', role: 'viewer' });
    for (const token of [farmA.edgeToken, viewer]) {
      const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: auth(token), payload: { type: 'silence_siren' } });
      expect(res.statusCode).toBe(403);
    }
  });

  it('demands a resync from a checkpoint older than purged tombstones, but serves a pull from scratch', async () => {
    const old = { seq: 1, id: '' };
    expect(await app.services.store.purgeTombstones('farm-a', 'commands', new Date(Date.now() + 60_000))).toBe(1);
    const res = await pull(farmA.edgeToken, 'commands', old);
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('RESYNC_REQUIRED');
    expect((await pull(farmA.edgeToken, 'commands')).statusCode).toBe(200);
  });
});
