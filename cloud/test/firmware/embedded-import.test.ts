import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SyncDocStore } from '../../src/db/sync-doc-store.js';
import { startEmbeddedMaintenance } from '../../src/jobs/embedded-maintenance.js';
import { createTestDatabase } from '../support/test-database.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
const key = createReleaseKey();

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-embedded');
  storage = bucket.storage();
  const image = fakeImage();
  await bucket.publish([{ release: signRelease(key, '3.0.0', image), image }]);
});

afterAll(async () => {
  storage?.close();
  bucket?.close();
  await db?.drop();
});

describe('embedded maintenance with a firmware bucket', () => {
  it('imports the releases two minutes after start, as the job would', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    const maintenance = startEmbeddedMaintenance({ pool: db.pool, store: new SyncDocStore(db.pool), log: pino({ level: 'silent' }), firmware: { storage, trustedKeys: [key.publicBase64] } });
    try {
      vi.advanceTimersByTime(2 * 60_000);
    } finally {
      vi.useRealTimers();
    }
    await maintenance.idle();
    maintenance.stop();
    const { rows } = await db.pool.query<{ version: string }>('SELECT version FROM firmware_release');
    expect(rows.map((row) => row.version)).toEqual(['3.0.0']);
  });
});
