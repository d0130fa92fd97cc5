import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { TestBucket } from './support/firmware-bucket.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bucket: TestBucket;
let storage: ReturnType<TestBucket['storage']>;
let app: FastifyInstance;
let farm: FarmFixture;
let owner: TestAccount;
let admin: TestAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  bucket = await TestBucket.create('fw-hostile');
  storage = bucket.storage();
  app = await buildTestApp(db.pool, { dashboard: false, firmware: { storage, trustedKeys: [] } });
  farm = await createFarm(app, db.pool, 'farm-hostile');
  owner = await createMember(app, db.pool, farm.farmId, 'owner');
  admin = await createAdmin(app, db.pool);
});

afterAll(async () => {
  await app?.close();
  storage?.close();
  bucket?.close();
  await db?.drop();
});

const SQLISH = "1.0.0'); DROP TABLE firmware_release; --";
const BODIES: unknown[] = ['null', '[]', '"text"', '{', [{ version: '1.0.0' }], { version: SQLISH, board: SQLISH, percent: SQLISH }, { version: 'x'.repeat(100_000) }, { __proto__: { percent: 100 }, constructor: { prototype: {} } }];

describe('firmware routes under hostile input', () => {
  it('answers 4xx with a code, never 500, and changes nothing', async () => {
    const routes: Array<[string, string, string]> = [
      ['PUT', `/v1/farms/${farm.farmId}/firmware`, owner.accessToken],
      ['PUT', '/v1/admin/firmware/channels/stable', admin.accessToken],
      ['POST', '/v1/sync/firmware/download-url', farm.edgeToken],
    ];
    const answers: string[] = [];
    for (const [method, url, token] of routes) {
      for (const body of BODIES) {
        const res = await app.inject({
          method: method as 'PUT' | 'POST',
          url,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: typeof body === 'string' ? body : JSON.stringify(body),
        });
        if (res.statusCode < 400 || res.statusCode >= 500 || typeof res.json().error?.code !== 'string') answers.push(`${method} ${url} ${JSON.stringify(body).slice(0, 60)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(answers).toEqual([]);
    for (const path of ['/v1/farms/farm-hostile/firmware%00', `/v1/farms/${'f'.repeat(80)}/firmware`, "/v1/farms/x'--/firmware"]) {
      expect((await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${owner.accessToken}` } })).statusCode, path).toBe(404);
    }
    expect((await app.inject({ method: 'GET', url: `/v1/firmware/releases?channel=${encodeURIComponent(SQLISH)}`, headers: { authorization: `Bearer ${owner.accessToken}` } })).statusCode).toBe(400);
    const { rows } = await db.pool.query<{ n: number }>('SELECT (SELECT count(*) FROM firmware_rollout)::int + (SELECT count(*) FROM farm_firmware)::int AS n');
    expect(rows[0]!.n).toBe(0);
  });
});
