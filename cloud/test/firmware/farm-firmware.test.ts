import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, T0, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
let app: FastifyInstance;
let farm: FarmFixture;
let owner: TestAccount;
let manager: TestAccount;
let worker: TestAccount;
let viewer: TestAccount;
let outsider: TestAccount;
let admin: TestAccount;
const key = createReleaseKey();
const image = fakeImage();

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-farm');
  storage = bucket.storage();
  app = await buildTestApp(db.pool, { dashboard: false, firmware: { storage, trustedKeys: [key.publicBase64] } });
  farm = await createFarm(app, db.pool, 'farm-fw');
  await createFarm(app, db.pool, 'farm-other');
  owner = await createMember(app, db.pool, farm.farmId, 'owner');
  manager = await createMember(app, db.pool, farm.farmId, 'manager');
  worker = await createMember(app, db.pool, farm.farmId, 'worker');
  viewer = await createMember(app, db.pool, farm.farmId, 'viewer');
  outsider = await createMember(app, db.pool, 'farm-other', 'owner');
  admin = await createAdmin(app, db.pool);
  // The edge replicates its nodes: one old board, one newer.
  const node = (id: string, firmwareVersion: string, hardwareRevision: number) => ({
    newDocumentState: { id, farmId: farm.farmId, hlc: `${String(T0 + 1).padStart(15, '0')}:00000:edge-a`, updatedAt: T0 + 1, coopId: null, name: `Node ${id}`, transport: 'serial', firmwareVersion, hardwareRevision, lastSeenAt: T0, _deleted: false },
  });
  const pushed = await app.inject({ method: 'POST', url: '/v1/sync/nodes/push', headers: { authorization: `Bearer ${farm.edgeToken}` }, payload: [node('node-old', '1.0.0', 1), node('node-new', '1.0.0', 2)] });
  expect(pushed.json()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });
const read = (account: TestAccount, farmId = farm.farmId) => app.inject({ method: 'GET', url: `/v1/farms/${farmId}/firmware`, headers: bearer(account) });
const change = (account: TestAccount, payload: unknown, farmId = farm.farmId) => app.inject({ method: 'PUT', url: `/v1/farms/${farmId}/firmware`, headers: bearer(account), payload: payload as object });

describe('farm firmware settings', () => {
  it('shows the defaults, no target and the nodes with their versions to every member', async () => {
    for (const member of [owner, manager, worker, viewer]) {
      const res = await read(member);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        farmId: farm.farmId,
        settings: { channel: 'stable', window: { start: '02:00', end: '04:00' }, paused: false },
        rollout: null,
        target: null,
        nodes: [
          { id: 'node-new', name: 'Node node-new', coopId: null, firmwareVersion: '1.0.0', hardwareRevision: 2, lastSeenAt: T0, upToDate: null, compatible: null },
          { id: 'node-old', name: 'Node node-old', coopId: null, firmwareVersion: '1.0.0', hardwareRevision: 1, lastSeenAt: T0, upToDate: null, compatible: null },
        ],
      });
    }
  });

  it('lets an owner or manager change the channel, window and pause, fields left out keeping their value', async () => {
    expect((await change(manager, { window: { start: '22:00', end: '01:00' } })).json().settings).toEqual({ channel: 'stable', window: { start: '22:00', end: '01:00' }, paused: false });
    expect((await change(owner, { paused: true })).json().settings).toEqual({ channel: 'stable', window: { start: '22:00', end: '01:00' }, paused: true });
    expect((await read(viewer)).json().settings.paused).toBe(true);
    const { rows } = await db.pool.query<{ actor_id: string; detail: { to: { paused: boolean } } }>("SELECT actor_id, detail FROM audit_log WHERE action = 'firmware.settings' AND farm_id = $1 ORDER BY id", [farm.farmId]);
    expect(rows.map((row) => [row.actor_id, row.detail.to.paused])).toEqual([
      [manager.userId, false],
      [owner.userId, true],
    ]);
  });

  it('refuses settings that are not valid, naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /at least one of channel, window, paused/],
      [{ channel: 'nightly' }, /channel/],
      [{ window: { start: '02:00', end: '02:00' } }, /window\.end: must not start and end at the same time/],
      [{ window: { start: '24:00', end: '02:00' } }, /window\.start: must be a time of day/],
      [{ window: { start: '02:00' } }, /window\.end/],
      [{ paused: 'yes' }, /paused/],
      [{ paused: true, colour: 'red' }, /colour|unrecognized/i],
    ];
    for (const [payload, message] of cases) {
      const res = await change(owner, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message).toMatch(message);
    }
    expect((await read(owner)).json().settings).toEqual({ channel: 'stable', window: { start: '22:00', end: '01:00' }, paused: true });
  });

  it('refuses a worker or viewer, hides the farm from outsiders and lets an administrator only read', async () => {
    for (const member of [worker, viewer]) expect((await change(member, { paused: false })).json().error.code).toBe('FORBIDDEN');
    expect((await read(outsider)).statusCode).toBe(404);
    expect((await change(outsider, { paused: false })).statusCode).toBe(404);
    expect((await read(owner, 'farm-other')).statusCode).toBe(404);
    expect((await read(admin)).statusCode).toBe(200);
    expect((await change(admin, { paused: false })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/v1/farms/${farm.farmId}/firmware` })).statusCode).toBe(401);
    expect((await read(owner)).json().settings.paused).toBe(true);
  });

  it('shows the target the edge pulls, which nodes run it and which are below its hardware revision', async () => {
    await bucket.publish([{ release: signRelease(key, '1.1.0', image, { minHardwareRevision: 2 }), image }]);
    await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) });
    expect((await app.inject({ method: 'PUT', url: '/v1/admin/firmware/channels/stable', headers: bearer(admin), payload: { version: '1.1.0', percent: 100 } })).statusCode).toBe(200);
    const view = (await read(viewer)).json();
    expect(view.rollout).toEqual({ version: '1.1.0', board: 'tokkatot-node-esp32', percent: 100, inStage: true });
    expect(view.target.release).toMatchObject({ version: '1.1.0', minHardwareRevision: 2 });
    expect(view.nodes.map((node: { id: string; upToDate: boolean; compatible: boolean }) => [node.id, node.upToDate, node.compatible])).toEqual([
      ['node-new', false, true],
      ['node-old', false, false],
    ]);
    // The paused farm still has its target: the pause holds the edge, not the cloud.
    const pulled = (await app.inject({ method: 'GET', url: '/v1/sync/firmware_targets/pull', headers: { authorization: `Bearer ${farm.edgeToken}` } })).json().documents;
    expect(pulled).toEqual([expect.objectContaining({ id: farm.farmId, paused: true, window: { start: '22:00', end: '01:00' }, release: expect.objectContaining({ version: '1.1.0' }) })]);
    expect((await change(owner, { paused: false })).json().target.release.version).toBe('1.1.0');
  });
});
