/**
 * Fault tests of our edge client (a real child process over SQLite) against the real cloud:
 * kill -9 in the middle of an upload, the link dropping mid-batch, answers lost after the cloud
 * committed, and commands that expire while the edge is away. Nothing may be lost, nothing
 * duplicated, and no expired command may run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createFarm, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { createTestDatabase } from '../support/test-database.js';

const EDGE_PEER_HANDLE = fileURLToPath(new URL('../../../edge/test/sync/support/edge-peer-handle.ts', import.meta.url));

interface EdgePeer {
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
  kill(): Promise<void>;
}
type Spawn = () => Promise<EdgePeer>;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let proxy: FaultProxy;
let proxyUrl: string;
let dir: string;
let spawn: Spawn;
const peers: EdgePeer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { commandExpiryIntervalMs: 3_600_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  farm = await createFarm(app, db.pool, 'farm-f');
  proxy = new FaultProxy(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  proxyUrl = await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-faults-'));
  spawn = ((await import(EDGE_PEER_HANDLE)) as { EdgePeerHandle: { spawn: Spawn } }).EdgePeerHandle.spawn;
});

afterEach(async () => {
  proxy.onForward = undefined;
  proxy.outage = false;
  proxy.partitioned = false;
  proxy.retryAfterSeconds = 0;
  for (const peer of peers.splice(0)) await peer.close();
});

afterAll(async () => {
  await app?.close();
  await proxy?.stop();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startEdge(name: string): Promise<EdgePeer> {
  const peer = await spawn();
  peers.push(peer);
  await peer.call('init', {
    dbPath: join(dir, `${name}.db`),
    baseUrl: proxyUrl,
    farmId: 'farm-f',
    token: farm.edgeToken,
    replicaName: 'edge-farm-f',
    collections: ['coops', 'commands'],
    uploadLimits: { maxRecords: 40, maxBytes: 200_000 },
    periodicSyncMs: 500,
    backoff: { baseMs: 20, maxMs: 200 },
  });
  return peer;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const scalar = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

async function fillOutbox(peer: EdgePeer, sensorId: string, records: number, events: number): Promise<void> {
  await peer.call('appendTelemetry', { count: records, perRecord: 5, sensorId, startTs: T0, farmId: 'farm-f' });
  for (let i = 0; i < events; i += 1) {
    const id = `01JH${sensorId.toUpperCase().replace(/[^0-9A-Z]/g, '').padEnd(6, '0').slice(0, 6)}${String(i).padStart(16, '0')}`;
    await peer.call('appendEvent', {
      stream: 'critical',
      ts: T0 + i,
      event: { id, farmId: 'farm-f', ts: T0 + i, coopId: null, actorId: null, type: 'alarm_raised', alarmId: 'a1', kind: 'temperature_high', severity: 'warning', message: `alarm ${i}` },
    });
  }
}

async function expectExactlyOnce(sensorId: string, records: number): Promise<void> {
  expect(await scalar(`SELECT count(*) AS n FROM ingest_record WHERE stream = 'readings' AND seq <= $1`, [records])).toBe(records);
  expect(await scalar(`SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'day' AND sensor_id = $1`, [sensorId])).toBe(records * 5);
  expect(await scalar(`SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'minute' AND sensor_id = $1`, [sensorId])).toBe(records * 5);
}

describe('edge client faults', () => {
  it('loses and duplicates nothing when killed with SIGKILL in the middle of an upload', async () => {
    const first = await startEdge('kill');
    await fillOutbox(first, 'temp-k', 600, 30);
    let ingests = 0;
    const killed = new Promise<void>((resolve) => {
      proxy.onForward = (request) => {
        // Kill while the 4th batch is on the wire: the cloud commits it, the edge never hears the answer.
        if (request === 'POST /v1/ingest' && ++ingests === 4) void first.kill().then(resolve);
      };
    });
    await first.call('start');
    await killed;
    proxy.onForward = undefined;
    const second = await startEdge('kill');
    const before = await second.call<{ records: number }>('depth');
    expect(before.records).toBeGreaterThan(0);
    await second.call('start');
    await waitFor(async () => (await second.call<{ records: number }>('depth')).records === 0);
    await expectExactlyOnce('temp-k', 600);
    expect(await scalar(`SELECT count(*) AS n FROM farm_event WHERE body->>'message' LIKE 'alarm %'`)).toBe(30);
    expect(await scalar(`SELECT acked_through AS n FROM ingest_progress WHERE stream = 'critical'`)).toBe(30);
  });

  it('recovers when the link drops mid-batch and when answers are lost after the cloud committed', async () => {
    const peer = await startEdge('link');
    await fillOutbox(peer, 'temp-l', 400, 0);
    proxy.loseResponses(/POST \/v1\/ingest/, 3);
    let forwarded = 0;
    proxy.onForward = (request) => {
      if (request !== 'POST /v1/ingest') return;
      forwarded += 1;
      if (forwarded === 6) {
        // The link goes down with a batch in flight and stays down for a moment.
        proxy.partitioned = true;
        setTimeout(() => (proxy.partitioned = false), 300);
      }
    };
    await peer.call('start');
    await waitFor(async () => (await peer.call<{ records: number }>('depth')).records === 0);
    const readingsBefore = await scalar(`SELECT count(*) AS n FROM ingest_record WHERE stream = 'readings'`);
    expect(readingsBefore).toBe(600 + 400);
    expect(await scalar(`SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'hour' AND sensor_id = 'temp-l'`)).toBe(2000);
    const status = await peer.call<{ currentError: string | null; queueDepth: number; lastSuccessAt: number | null }>('status');
    expect(status).toMatchObject({ currentError: null, queueDepth: 0 });
    expect(status.lastSuccessAt).not.toBeNull();
  });

  it('backs off during an outage and honours Retry-After, then catches up', async () => {
    const peer = await startEdge('outage');
    await fillOutbox(peer, 'temp-o', 30, 0);
    proxy.retryAfterSeconds = 2;
    proxy.outage = true;
    const refusedBefore = proxy.refused;
    await peer.call('start');
    await waitFor(async () => (await peer.call<{ state: string }>('status')).state === 'backing_off');
    const status = await peer.call<{ nextAttemptAt: number; currentError: string; queueDepth: number; oldestRecordTs: number }>('status');
    expect(status.nextAttemptAt - Date.now()).toBeGreaterThan(1500);
    expect(status.currentError).toMatch(/503/);
    expect(status).toMatchObject({ queueDepth: 30, oldestRecordTs: T0 });
    const refusedAtBackoff = proxy.refused;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Within the Retry-After window the client sends no pass (the stream may knock once on its own schedule).
    expect(proxy.refused - refusedAtBackoff).toBeLessThanOrEqual(2);
    expect(refusedAtBackoff).toBeGreaterThan(refusedBefore);
    proxy.outage = false;
    proxy.retryAfterSeconds = 0;
    await waitFor(async () => (await peer.call<{ records: number }>('depth')).records === 0);
    expect(await scalar(`SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'day' AND sensor_id = 'temp-o'`)).toBe(150);
  });

  it('stops retrying on a refused credential and resumes once a new one is set', async () => {
    const peer = await startEdge('auth');
    await peer.call('setToken', { token: 'edge.edge-farm-f.revoked-or-wrong-secret-000' });
    await peer.call('start');
    await waitFor(async () => (await peer.call<{ state: string }>('status')).state === 'auth_failed');
    const attempts = proxy.seen.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    // No blind retry: at most the live stream's own reconnect attempts, no sync passes.
    expect(proxy.seen.slice(attempts).filter((r) => r.includes('/pull') || r.includes('/ingest'))).toEqual([]);
    await peer.call('setToken', { token: farm.edgeToken });
    await waitFor(async () => (await peer.call<{ state: string; lastSuccessAt: number | null }>('status')).lastSuccessAt !== null);
  });

  it('runs a live command once and never runs one that expired while the edge was away', async () => {
    const issue = (ttlSeconds: number) =>
      app.inject({ method: 'POST', url: '/v1/commands', headers: { authorization: `Bearer ${farm.ownerToken}` }, payload: { type: 'output_on', targetId: 'fan-2', durationSeconds: 30, ttlSeconds } });
    const expiring = (await issue(5)).json();
    const peer = await startEdge('commands');
    // The edge is away until the command has expired; the expiry job has not tombstoned it yet.
    await db.pool.query(`UPDATE sync_doc SET body = jsonb_set(body, '{expiresAt}', to_jsonb((body->>'notBefore')::bigint + 1)) WHERE id = $1`, [expiring.id]);
    const live = (await issue(600)).json();
    await peer.call('start');
    await waitFor(async () => (await peer.call<Array<{ id: string }>>('ledger')).length === 2);
    const ledger = await peer.call<Array<{ id: string; outcome: string }>>('ledger');
    expect(Object.fromEntries(ledger.map((e) => [e.id, e.outcome]))).toEqual({ [expiring.id]: 'expired', [live.id]: 'executed' });
    // Pulling again (a lost answer, a resync, a restart) never runs it twice.
    proxy.loseResponses(/GET \/v1\/sync\/commands\/pull/, 2);
    await peer.call('trigger');
    await peer.kill();
    const again = await startEdge('commands');
    await again.call('start');
    await waitFor(async () => (await scalar(`SELECT count(*) AS n FROM farm_event WHERE type = 'command_result'`)) === 2);
    const executedLog = join(dir, 'commands.db.executed');
    expect(existsSync(executedLog) ? readFileSync(executedLog, 'utf8').trim().split('\n') : []).toEqual([live.id]);
    const results = await db.pool.query(`SELECT body->>'commandId' AS id, body->>'outcome' AS outcome FROM farm_event WHERE type = 'command_result' ORDER BY 1`);
    expect(results.rows).toHaveLength(2);
  });
});
