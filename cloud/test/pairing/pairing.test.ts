import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserToken } from '../../src/http/auth.js';
import { normaliseClaimCode } from '../../src/pairing/claim-code.js';
import { buildTestApp, createFarm, JWT_SECRET, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

const EDGE_PEER_HANDLE = fileURLToPath(new URL('../../../edge/test/sync/support/edge-peer-handle.ts', import.meta.url));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let now = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { now: () => now });
  farm = await createFarm(app, db.pool, 'farm-p');
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const post = (url: string, payload: object, token?: string) =>
  app.inject({ method: 'POST', url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('pairing', () => {
  it('hands the credential to the edge exactly once after the owner enters the claim code', async () => {
    const started = (await post('/v1/pairing/start', { edgeName: 'Coop Pi' })).json();
    expect(started.claimCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const poll = () => post(`/v1/pairing/${started.pairingId}/credential`, { pollSecret: started.pollSecret });
    expect((await poll()).statusCode).toBe(202);
    const typed = started.claimCode.toLowerCase().replace('-', ' ');
    const claimed = await post('/v1/pairing/claim', { claimCode: typed }, farm.ownerToken);
    expect(claimed.statusCode).toBe(200);
    const delivered = await poll();
    expect(delivered.json()).toMatchObject({ status: 'paired', farmId: 'farm-p', edgeId: claimed.json().edgeId });
    expect((await poll()).json().error.code).toBe('CONFLICT');
    const { rows } = await db.pool.query('SELECT credential FROM edge_pairing WHERE id = $1', [started.pairingId]);
    expect(rows[0].credential).toBeNull();
    const pull = await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: { authorization: `Bearer ${delivered.json().token}` } });
    expect(pull.statusCode).toBe(200);
  });

  it('refuses a code twice, a wrong code, a non-owner, a wrong poll secret and an expired code', async () => {
    const started = (await post('/v1/pairing/start', { edgeName: 'Second Pi' })).json();
    const manager = signUserToken(JWT_SECRET, { sub: 'm', farmId: 'farm-p', role: 'manager' });
    expect((await post('/v1/pairing/claim', { claimCode: started.claimCode }, manager)).statusCode).toBe(403);
    expect((await post('/v1/pairing/claim', { claimCode: 'nonsense!' }, farm.ownerToken)).json().error.code).toBe('VALIDATION_FAILED');
    expect((await post('/v1/pairing/claim', { claimCode: '0000-0000' }, farm.ownerToken)).statusCode).toBe(404);
    expect((await post(`/v1/pairing/${started.pairingId}/credential`, { pollSecret: 'guess' })).statusCode).toBe(404);
    now += 16 * 60_000;
    expect((await post('/v1/pairing/claim', { claimCode: started.claimCode }, farm.ownerToken)).statusCode).toBe(404);
    expect((await post(`/v1/pairing/${started.pairingId}/credential`, { pollSecret: started.pollSecret })).statusCode).toBe(404);
    expect((await post('/v1/pairing/start', { edgeName: '' })).statusCode).toBe(400);
  });

  it('limits claim attempts so a code cannot be guessed by brute force', async () => {
    const guesser = signUserToken(JWT_SECRET, { sub: 'guesser', farmId: 'farm-p', role: 'owner' });
    const answers = [];
    for (let i = 0; i < 12; i += 1) answers.push((await post('/v1/pairing/claim', { claimCode: `${String(i).padStart(4, '0')}-0000` }, guesser)).statusCode);
    expect(answers.slice(0, 10).every((status) => status === 404)).toBe(true);
    expect(answers.slice(10)).toEqual([429, 429]);
    const limited = await post('/v1/pairing/claim', { claimCode: '0000-0000' }, guesser);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });

  it('reads claim codes forgivingly: case, spaces and look-alike letters', () => {
    expect(normaliseClaimCode(' 7k2q 9xmd ')).toBe('7K2Q-9XMD');
    expect(normaliseClaimCode('O1IL-ABCD')).toBe('0111-ABCD');
    expect(normaliseClaimCode('7K2Q-9XM')).toBeUndefined();
  });

  it('pairs a real edge process over HTTP and stores the credential it can then sync with', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'tokkatot-pair-'));
    const { EdgePeerHandle } = (await import(EDGE_PEER_HANDLE)) as { EdgePeerHandle: { spawn(): Promise<{ call<T>(op: string, args?: object): Promise<T>; close(): Promise<void> }> } };
    const edge = await EdgePeerHandle.spawn();
    try {
      now = Date.now();
      const { claimCode } = await edge.call<{ claimCode: string }>('pairStart', { dbPath: join(dir, 'edge.db'), baseUrl, edgeName: 'Barn Pi' });
      expect(await edge.call('pairPoll')).toBe('pending');
      await post('/v1/pairing/claim', { claimCode }, farm.ownerToken);
      expect(await edge.call('pairPoll')).toBe('paired');
      const credential = await edge.call<{ token: string; farmId: string }>('pairCredential');
      expect(credential.farmId).toBe('farm-p');
      const res = await fetch(`${baseUrl}/v1/sync/coops/pull`, { headers: { authorization: `Bearer ${credential.token}` } });
      expect(res.status).toBe(200);
    } finally {
      await edge.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
