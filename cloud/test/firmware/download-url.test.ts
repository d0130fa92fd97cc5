import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createMember, farmHeaders, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from './support/firmware-bucket.js';

const DOWNLOAD = '/v1/sync/firmware/download-url';
const BOARD = 'tokkatot-node-esp32';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
let app: FastifyInstance;
let admin: TestAccount;
let stableFarm: FarmFixture;
let betaFarm: FarmFixture;
const key = createReleaseKey();
const images = { '1.0.0': fakeImage(20_000), '1.1.0': fakeImage(9_000) };

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-download');
  storage = bucket.storage();
  // The real clock: the test server checks a URL's expiry against it.
  app = await buildTestApp(db.pool, { dashboard: false, firmware: { storage, trustedKeys: [key.publicBase64] } });
  admin = await createAdmin(app, db.pool);
  stableFarm = await createFarm(app, db.pool, 'farm-stable');
  betaFarm = await createFarm(app, db.pool, 'farm-beta');
  const betaOwner = await createMember(app, db.pool, betaFarm.farmId, 'owner');
  expect((await app.inject({ method: 'PUT', url: `/v1/farms/${betaFarm.farmId}/firmware`, headers: bearer(betaOwner), payload: { channel: 'beta' } })).statusCode).toBe(200);
  await bucket.publish([
    { release: signRelease(key, '1.0.0', images['1.0.0']), image: images['1.0.0'] },
    { release: signRelease(key, '1.1.0', images['1.1.0'], { channel: 'beta' }), image: images['1.1.0'] },
  ]);
  expect((await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) })).json().refused).toEqual([]);
  expect((await app.inject({ method: 'PUT', url: '/v1/admin/firmware/channels/stable', headers: bearer(admin), payload: { version: '1.0.0', percent: 100 } })).statusCode).toBe(200);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });
const ask = (farm: FarmFixture, payload: unknown, target: FastifyInstance = app) =>
  target.inject({ method: 'POST', url: DOWNLOAD, headers: { authorization: `Bearer ${farm.edgeToken}` }, payload: payload as object });

describe('firmware download URL', () => {
  it("gives the farm's edge a 15-minute signed URL of its target image, whose bytes are the release's", async () => {
    const before = Date.now();
    const res = await ask(stableFarm, { version: '1.0.0', board: BOARD });
    expect(res.statusCode).toBe(200);
    const { url, expiresAt, release } = res.json();
    expect(release).toMatchObject({ version: '1.0.0', board: BOARD, size: images['1.0.0'].length });
    expect(expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(new URL(url).pathname).toBe(`/${bucket.name}/firmware/v1.0.0/${BOARD}.bin`);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(images['1.0.0'])).toBe(true);
  });

  it('refuses a release the farm is not targeted at, and a farm with no target at all', async () => {
    const other = await ask(stableFarm, { version: '1.1.0', board: BOARD });
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: 'FIRMWARE_NOT_TARGETED', message: "This farm's target is 1.0.0 for tokkatot-node-esp32." });
    // The beta farm has no rollout yet: another farm's release is not its to fetch.
    const none = await ask(betaFarm, { version: '1.0.0', board: BOARD });
    expect(none.json().error).toMatchObject({ code: 'FIRMWARE_NOT_TARGETED', message: 'This farm has no firmware target.' });
    expect((await app.inject({ method: 'PUT', url: '/v1/admin/firmware/channels/beta', headers: bearer(admin), payload: { version: '1.1.0', percent: 100 } })).statusCode).toBe(200);
    expect((await ask(betaFarm, { version: '1.1.0', board: BOARD })).statusCode).toBe(200);
    expect((await ask(betaFarm, { version: '1.0.0', board: BOARD })).json().error.code).toBe('FIRMWARE_NOT_TARGETED');
  });

  it('answers only edge credentials, and validates the request', async () => {
    const owner = await createMember(app, db.pool, stableFarm.farmId, 'owner');
    const asOwner = await app.inject({ method: 'POST', url: DOWNLOAD, headers: farmHeaders(owner, stableFarm.farmId), payload: { version: '1.0.0', board: BOARD } });
    expect(asOwner.json().error.code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'POST', url: DOWNLOAD, payload: { version: '1.0.0', board: BOARD } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: DOWNLOAD, headers: { authorization: 'Bearer edge.edge-farm-stable.AAAAAAAAAAAAAAAAAAAAAAAA' }, payload: { version: '1.0.0', board: BOARD } })).statusCode).toBe(401);
    for (const payload of [{}, { version: '1.0.0' }, { version: '../../etc', board: BOARD }, { version: '1.0.0', board: 'other-board' }, { version: '1.0.0', board: BOARD, objectKey: 'firmware/versions.json' }]) {
      expect((await ask(stableFarm, payload)).json().error.code, JSON.stringify(payload)).toBe('VALIDATION_FAILED');
    }
  });

  it('signs URLs that stop working once expired', async () => {
    const late = await buildTestApp(db.pool, { dashboard: false, now: () => Date.now() - 16 * 60_000, firmware: { storage, trustedKeys: [key.publicBase64] } });
    try {
      const { url, expiresAt } = (await ask(stableFarm, { version: '1.0.0', board: BOARD }, late)).json();
      expect(expiresAt).toBeLessThan(Date.now());
      expect((await fetch(url)).status).toBe(403);
    } finally {
      await late.close();
    }
  });
});

describe('firmware without storage', () => {
  it('answers 503 STORAGE_NOT_CONFIGURED for imports and downloads while the rest of the cloud runs', async () => {
    const bare = await buildTestApp(db.pool, { dashboard: false });
    try {
      const download = await ask(stableFarm, { version: '1.0.0', board: BOARD }, bare);
      expect(download.statusCode).toBe(503);
      expect(download.json().error.code).toBe('STORAGE_NOT_CONFIGURED');
      const imported = await bare.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) });
      expect(imported.statusCode).toBe(503);
      expect(imported.json().error.code).toBe('STORAGE_NOT_CONFIGURED');
      // The catalogue, the settings and sync still answer from the database.
      expect((await bare.inject({ method: 'GET', url: '/v1/firmware/releases', headers: bearer(admin) })).json().map((release: { version: string }) => release.version)).toEqual(['1.1.0', '1.0.0']);
      expect((await bare.inject({ method: 'GET', url: '/v1/sync/firmware_targets/pull', headers: { authorization: `Bearer ${stableFarm.edgeToken}` } })).json().documents).toHaveLength(1);
    } finally {
      await bare.close();
    }
  });
});
