import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createAdmin, type TestAccount } from '../support/accounts.js';
import { buildTestApp } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket, type ReleaseKey } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let app: FastifyInstance;
let key: ReleaseKey;
let admin: TestAccount;
let person: TestAccount;
let storage: ReturnType<TestBucket['storage']>;

const images = { '1.0.0': fakeImage(), '1.1.0': fakeImage(5000), '1.2.0': fakeImage(3000) };

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-import');
  key = createReleaseKey();
  storage = bucket.storage();
  app = await buildTestApp(db.pool, { dashboard: false, firmware: { storage, trustedKeys: [key.publicBase64] } });
  admin = await createAdmin(app, db.pool);
  person = await createAccount(app, db.pool);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });
const runImport = (account: TestAccount = admin) => app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(account) });
const catalogue = async (query = '') => (await app.inject({ method: 'GET', url: `/v1/firmware/releases${query}`, headers: bearer(person) })).json() as Array<{ version: string; channel: string; notes: string }>;

describe('firmware release import', () => {
  it('stores the signed releases of versions.json and lists them to signed-in people, by channel', async () => {
    await bucket.publish([
      { release: signRelease(key, '1.0.0', images['1.0.0']), image: images['1.0.0'] },
      { release: signRelease(key, '1.1.0', images['1.1.0'], { channel: 'beta', publishedAt: Date.UTC(2026, 10, 5) }), image: images['1.1.0'] },
    ]);
    const res = await runImport();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ added: ['1.0.0/tokkatot-node-esp32', '1.1.0/tokkatot-node-esp32'], updated: [], unchanged: 0, refused: [] });
    expect((await catalogue()).map((release) => release.version)).toEqual(['1.1.0', '1.0.0']);
    expect((await catalogue('?channel=beta')).map((release) => release.version)).toEqual(['1.1.0']);
    expect((await app.inject({ method: 'GET', url: '/v1/firmware/releases?channel=nightly', headers: bearer(person) })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await app.inject({ method: 'GET', url: '/v1/firmware/releases' })).statusCode).toBe(401);
    // The same index again changes nothing.
    expect((await runImport()).json()).toMatchObject({ added: [], updated: [], unchanged: 2, refused: [] });
  });

  it('refuses entries signed by an unknown key, forged after signing, malformed or without their image, and keeps the valid ones', async () => {
    const stranger = createReleaseKey();
    const good = signRelease(key, '1.2.0', images['1.2.0']);
    const forged = { ...signRelease(key, '1.3.0', images['1.2.0']), minHardwareRevision: 0 };
    const imageless = signRelease(key, '1.4.0', fakeImage(100));
    const wrongSize = signRelease(key, '1.5.0', fakeImage(100));
    await bucket.put(wrongSize.objectKey, fakeImage(101));
    await bucket.publish([
      { release: signRelease(key, '1.0.0', images['1.0.0']) },
      { release: good, image: images['1.2.0'] },
      { release: signRelease(stranger, '2.0.0', images['1.2.0']), image: images['1.2.0'] },
      { release: forged, image: images['1.2.0'] },
      { release: imageless },
      { release: wrongSize },
      { release: { ...good, version: 'one' } as never },
    ]);
    const report = (await runImport()).json();
    expect(report.added).toEqual(['1.2.0/tokkatot-node-esp32']);
    expect(report.refused).toEqual([
      { index: 2, version: '2.0.0', board: 'tokkatot-node-esp32', reason: expect.stringMatching(new RegExp(`key ${stranger.keyId}, which this cloud does not trust`)) },
      { index: 3, version: '1.3.0', board: 'tokkatot-node-esp32', reason: 'the signature does not match the release' },
      { index: 4, version: '1.4.0', board: 'tokkatot-node-esp32', reason: 'the bucket has no firmware/v1.4.0/tokkatot-node-esp32.bin' },
      { index: 5, version: '1.5.0', board: 'tokkatot-node-esp32', reason: 'firmware/v1.5.0/tokkatot-node-esp32.bin is 101 bytes, the release says 100' },
      { index: 6, version: 'one', board: 'tokkatot-node-esp32', reason: expect.stringMatching(/^version: must be a version/) },
    ]);
    expect((await catalogue()).map((release) => release.version).sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('refuses a malformed or missing index as a whole and leaves the catalogue as it was', async () => {
    const before = await catalogue();
    for (const index of ['{"schemaVersion": 1, "releases": [', { schemaVersion: 2, updatedAt: Date.UTC(2026, 10, 2), releases: [] }, { schemaVersion: 1, updatedAt: Date.UTC(2026, 10, 2), releases: {} }]) {
      await bucket.putIndex(index);
      const res = await runImport();
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('FIRMWARE_INDEX_INVALID');
    }
    const empty = await TestBucket.create('fw-empty');
    const emptyStorage = empty.storage();
    const bare = await buildTestApp(db.pool, { dashboard: false, firmware: { storage: emptyStorage, trustedKeys: [key.publicBase64] } });
    const missing = await bare.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) });
    expect(missing.json().error).toMatchObject({ code: 'FIRMWARE_INDEX_INVALID', message: 'The bucket has no firmware/versions.json.' });
    await bare.close();
    emptyStorage.close();
    empty.close();
    expect(await catalogue()).toEqual(before);
  });

  it('applies a promotion and new notes without a new signature, and never deletes a release left out of the index', async () => {
    const promoted = signRelease(key, '1.1.0', images['1.1.0'], { channel: 'stable', notes: 'Fixes the feeder relay chatter.', publishedAt: Date.UTC(2026, 10, 5) });
    await bucket.publish([{ release: promoted }]);
    const report = (await runImport()).json();
    expect(report).toMatchObject({ added: [], updated: ['1.1.0/tokkatot-node-esp32'], refused: [] });
    expect((await catalogue('?channel=stable')).map((release) => release.version).sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect((await catalogue()).find((release) => release.version === '1.1.0')?.notes).toBe('Fixes the feeder relay chatter.');
  });

  it('refuses a version published again with another image', async () => {
    const other = fakeImage(4096);
    const replaced = signRelease(key, '1.0.0', other);
    await bucket.publish([{ release: replaced, image: other }]);
    const report = (await runImport()).json();
    expect(report.refused).toEqual([{ index: 0, version: '1.0.0', board: 'tokkatot-node-esp32', reason: expect.stringMatching(/imported with a different image/) }]);
  });

  it('lets only platform administrators import, and records each import in the audit log', async () => {
    expect((await runImport(person)).json().error.code).toBe('FORBIDDEN');
    const { rows } = await db.pool.query<{ actor_id: string; detail: { added: string[] } }>("SELECT actor_id, detail FROM audit_log WHERE action = 'firmware.import' ORDER BY id");
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows[0]).toMatchObject({ actor_id: admin.userId, detail: { added: ['1.0.0/tokkatot-node-esp32', '1.1.0/tokkatot-node-esp32'] } });
  });
});

describe('the import-firmware-releases job', () => {
  const RUN_JOB = fileURLToPath(new URL('../../src/jobs/run-job.ts', import.meta.url));

  it('imports from the bucket named by the environment and prints its report as one JSON line', async () => {
    const fresh = signRelease(key, '1.6.0', images['1.0.0']);
    await bucket.publish([{ release: fresh, image: images['1.0.0'] }]);
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url,
      JWT_SECRET: 'job-runner-test-secret-0123',
      STORAGE_ENDPOINT: bucket.settings.endpoint,
      STORAGE_BUCKET: bucket.name,
      STORAGE_KEY: 'S3RVER',
      STORAGE_SECRET: 'S3RVER',
      FIRMWARE_RELEASE_KEYS: key.publicBase64,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_JOB, 'import-firmware-releases'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ job: 'import-firmware-releases', added: ['1.6.0/tokkatot-node-esp32'], refused: [] });
  }, 60_000);
});
