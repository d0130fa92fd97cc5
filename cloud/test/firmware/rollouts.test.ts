import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHlc, FirmwareTargetSchema, type FirmwareTarget } from '@tokkatot/shared';
import { createAccount, createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
let app: FastifyInstance;
let admin: TestAccount;
const key = createReleaseKey();
const images = { '1.0.0': fakeImage(), '1.1.0': fakeImage(), '1.2.0': fakeImage() };
const farms: FarmFixture[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-rollout');
  storage = bucket.storage();
  app = await buildTestApp(db.pool, { dashboard: false, firmware: { storage, trustedKeys: [key.publicBase64] } });
  admin = await createAdmin(app, db.pool);
  for (let i = 0; i < 40; i += 1) farms.push(await createFarm(app, db.pool, `rollout-farm-${i}`));
  await bucket.publish([
    { release: signRelease(key, '1.0.0', images['1.0.0']), image: images['1.0.0'] },
    { release: signRelease(key, '1.1.0', images['1.1.0']), image: images['1.1.0'] },
    { release: signRelease(key, '1.2.0', images['1.2.0'], { channel: 'beta', minHardwareRevision: 3 }), image: images['1.2.0'] },
  ]);
  expect((await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) })).json().refused).toEqual([]);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });
const setRollout = (channel: string, payload: unknown, account: TestAccount = admin) =>
  app.inject({ method: 'PUT', url: `/v1/admin/firmware/channels/${channel}`, headers: bearer(account), payload: payload as object });

/** The stage as the documentation defines it, computed here independently of the module. */
const inStage = (farmId: string, version: string, percent: number) => createHash('sha256').update(`${farmId}:${version}`).digest().readUInt32BE(0) % 100 < percent;

/** What the farm's edge pulls from firmware_targets, with its own credential. */
async function pulledTarget(farm: FarmFixture): Promise<FirmwareTarget | undefined> {
  const res = await app.inject({ method: 'GET', url: '/v1/sync/firmware_targets/pull?limit=10', headers: { authorization: `Bearer ${farm.edgeToken}` } });
  expect(res.statusCode).toBe(200);
  const documents = res.json().documents as Array<Record<string, unknown>>;
  expect(documents.length).toBeLessThanOrEqual(1);
  if (documents.length === 0) return undefined;
  const { _deleted, ...doc } = documents[0]!;
  expect(_deleted).toBe(false);
  return FirmwareTargetSchema.parse(doc);
}

async function targetedVersions(): Promise<Map<string, string | null>> {
  const versions = new Map<string, string | null>();
  for (const farm of farms) versions.set(farm.farmId, (await pulledTarget(farm))?.release?.version ?? null);
  return versions;
}

describe('firmware rollouts', () => {
  it('writes no target document while no rollout names a release', async () => {
    expect((await targetedVersions()).size).toBe(farms.length);
    expect([...(await targetedVersions()).values()].every((version) => version === null)).toBe(true);
  });

  it('targets exactly the farms in the stage, and raising the percentage only adds farms', async () => {
    let before = new Set<string>();
    for (const percent of [20, 55, 100]) {
      const res = await setRollout('stable', { version: '1.0.0', percent });
      expect(res.statusCode).toBe(200);
      const expected = new Set(farms.map((farm) => farm.farmId).filter((farmId) => inStage(farmId, '1.0.0', percent)));
      expect(res.json()).toMatchObject({ rollout: { channel: 'stable', version: '1.0.0', percent }, farms: farms.length, inStage: expected.size });
      expect(res.json().retargetedFarms).toEqual([...expected].filter((farmId) => !before.has(farmId)).sort());
      const versions = await targetedVersions();
      expect(new Set([...versions].filter(([, version]) => version === '1.0.0').map(([farmId]) => farmId))).toEqual(expected);
      for (const farmId of before) expect(expected.has(farmId)).toBe(true);
      before = expected;
    }
    expect(before.size).toBe(farms.length);
  });

  it('sends a document the edge can use: its farm, the signed release, the default window, stamped by the cloud', async () => {
    const target = (await pulledTarget(farms[0]!))!;
    expect(target).toMatchObject({ id: farms[0]!.farmId, farmId: farms[0]!.farmId, channel: 'stable', window: { start: '02:00', end: '04:00' }, paused: false });
    expect(target.release).toMatchObject({ version: '1.0.0', sha256: createHash('sha256').update(images['1.0.0']).digest('hex'), signature: { keyId: key.keyId } });
    expect(decodeHlc(target.hlc).node).toBe('cloud-api');
  });

  it('keeps the previous target of farms outside the stage of a newer release', async () => {
    const res = await setRollout('stable', { version: '1.1.0', percent: 50 });
    const versions = await targetedVersions();
    for (const farm of farms) expect(versions.get(farm.farmId), farm.farmId).toBe(inStage(farm.farmId, '1.1.0', 50) ? '1.1.0' : '1.0.0');
    expect(res.json().retargetedFarms.length).toBe([...versions.values()].filter((version) => version === '1.1.0').length);
  });

  it('writes nothing when a change moves no target', async () => {
    const seqs = await Promise.all(farms.map((farm) => app.services.store.currentSeq(farm.farmId)));
    const res = await setRollout('stable', { version: '1.1.0', percent: 50 });
    expect(res.json().retargetedFarms).toEqual([]);
    expect(await Promise.all(farms.map((farm) => app.services.store.currentSeq(farm.farmId)))).toEqual(seqs);
  });

  it('passes new notes from an import on to the farms targeting that release', async () => {
    const withNotes = signRelease(key, '1.1.0', images['1.1.0'], { notes: 'Steadier humidity readings.' });
    await bucket.publish([{ release: withNotes }]);
    const report = (await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) })).json();
    const onNew = farms.filter((farm) => inStage(farm.farmId, '1.1.0', 50)).map((farm) => farm.farmId);
    expect(report.retargetedFarms).toEqual(onNew.sort());
    expect((await pulledTarget(farms.find((farm) => onNew.includes(farm.farmId))!))!.release!.notes).toBe('Steadier humidity readings.');
  });

  it('moves a farm to the beta rollout when its owner picks beta, even if no node meets the release hardware revision', async () => {
    expect((await setRollout('beta', { version: '1.2.0', percent: 100 })).json().retargetedFarms).toEqual([]);
    const farm = farms[3]!;
    const owner = await createMember(app, db.pool, farm.farmId, 'owner');
    const before = (await pulledTarget(farm))!;
    const res = await app.inject({ method: 'PUT', url: `/v1/farms/${farm.farmId}/firmware`, headers: bearer(owner), payload: { channel: 'beta', window: { start: '23:00', end: '01:30' } } });
    expect(res.statusCode).toBe(200);
    const after = (await pulledTarget(farm))!;
    expect(after).toMatchObject({ channel: 'beta', window: { start: '23:00', end: '01:30' }, release: { version: '1.2.0', minHardwareRevision: 3 } });
    expect(after.hlc > before.hlc).toBe(true);
  });

  it('refuses a release not promoted to the channel, an unknown release, a bad percentage and anyone but an administrator', async () => {
    expect((await setRollout('stable', { version: '1.2.0', percent: 10 })).json().error.code).toBe('FIRMWARE_CHANNEL_MISMATCH');
    expect((await setRollout('stable', { version: '9.9.9', percent: 10 })).json().error.code).toBe('NOT_FOUND');
    for (const payload of [{ version: '1.1.0', percent: 101 }, { version: '1.1.0', percent: 5.5 }, { version: '1.1.0' }, { version: 'latest', percent: 5 }, { version: '1.1.0', percent: 5, extra: 1 }]) {
      expect((await setRollout('stable', payload)).json().error.code, JSON.stringify(payload)).toBe('VALIDATION_FAILED');
    }
    expect((await setRollout('nightly', { version: '1.1.0', percent: 5 })).json().error.code).toBe('VALIDATION_FAILED');
    const person = await createAccount(app, db.pool);
    expect((await setRollout('stable', { version: '1.1.0', percent: 100 }, person)).json().error.code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'GET', url: '/v1/admin/firmware/channels', headers: bearer(person) })).statusCode).toBe(403);
  });

  it('lists each channel with its rollout and how many farms are in its stage, and audits every change', async () => {
    const channels = (await app.inject({ method: 'GET', url: '/v1/admin/firmware/channels', headers: bearer(admin) })).json();
    expect(channels).toEqual([
      { channel: 'stable', rollout: expect.objectContaining({ version: '1.1.0', percent: 50, updatedBy: admin.userId }), farms: farms.length - 1, inStage: farms.filter((farm, i) => i !== 3 && inStage(farm.farmId, '1.1.0', 50)).length },
      { channel: 'beta', rollout: expect.objectContaining({ version: '1.2.0', percent: 100 }), farms: 1, inStage: 1 },
    ]);
    const { rows } = await db.pool.query<{ target: string; detail: { to: { percent: number } } }>("SELECT target, detail FROM audit_log WHERE action = 'firmware.rollout' ORDER BY id");
    expect(rows.map((row) => `${row.target} ${row.detail.to.percent}`)).toEqual(['stable 20', 'stable 55', 'stable 100', 'stable 50', 'stable 50', 'beta 100']);
  });

  it('ends with every target matching the last rollout and settings when both change at the same time', async () => {
    const stableFarms = farms.filter((_, i) => i !== 3).slice(0, 12);
    const owners = await Promise.all(stableFarms.map((farm) => createMember(app, db.pool, farm.farmId, 'owner')));
    const windows = stableFarms.map((_, i) => ({ start: `0${i % 10}:15`, end: `1${i % 10}:45` }));
    const answers = await Promise.all([
      setRollout('stable', { version: '1.0.0', percent: 100 }),
      ...stableFarms.map((farm, i) => app.inject({ method: 'PUT', url: `/v1/farms/${farm.farmId}/firmware`, headers: bearer(owners[i]!), payload: { window: windows[i] } })),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    for (const [i, farm] of stableFarms.entries()) {
      expect(await pulledTarget(farm), farm.farmId).toMatchObject({ window: windows[i], release: { version: '1.0.0' } });
    }
  });

  it('repairs on the next import a target left stale by a change whose recomputation never ran', async () => {
    const farm = farms[5]!;
    // As if the process stopped right after committing the settings.
    await db.pool.query("INSERT INTO farm_firmware (farm_id, paused) VALUES ($1, true) ON CONFLICT (farm_id) DO UPDATE SET paused = true", [farm.farmId]);
    expect((await pulledTarget(farm))!.paused).toBe(false);
    const report = (await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) })).json();
    expect(report).toMatchObject({ added: [], updated: [], refused: [], retargetedFarms: [farm.farmId] });
    expect((await pulledTarget(farm))!.paused).toBe(true);
  });
});

