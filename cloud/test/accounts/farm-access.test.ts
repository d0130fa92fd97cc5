import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleSchema } from '@tokkatot/shared';
import { buildApp } from '../../src/http/app.js';
import { MemoryReadingSink } from '../../src/telemetry/reading-sink.js';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { JWT_SECRET, T0 } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let now = T0;
let owner: TestAccount;
let worker: TestAccount;
let outsider: TestAccount;
let admin: TestAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApp({ pool: db.pool, jwtSecret: JWT_SECRET, readings: new MemoryReadingSink(), now: () => now });
  // A probe route that does what every farm route does first.
  app.get('/probe/farms/:farmId', async (request) => {
    const { farmId } = request.params as { farmId: string };
    const minimum = RoleSchema.parse((request.query as { role?: string }).role ?? 'viewer');
    return app.services.farmAccess.authorize(request, farmId, minimum);
  });
  app.get('/probe/farms', async (request) => app.services.farmAccess.farms(request));
  await app.ready();
  owner = await createMember(app, db.pool, 'farm-a', 'owner');
  worker = await createMember(app, db.pool, 'farm-a', 'worker');
  outsider = await createMember(app, db.pool, 'farm-b', 'owner');
  admin = await createAdmin(app, db.pool);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const probe = (account: TestAccount | undefined, farmId: string, role = 'viewer') =>
  app.inject({ method: 'GET', url: `/probe/farms/${encodeURIComponent(farmId)}?role=${role}`, headers: account ? { authorization: `Bearer ${account.accessToken}` } : {} });

describe('FarmAccess', () => {
  it('gives a member their role from the membership table', async () => {
    const res = await probe(worker, 'farm-a', 'worker');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: worker.userId, role: 'worker' });
  });

  it('refuses a role that is too low with FORBIDDEN', async () => {
    const res = await probe(worker, 'farm-a', 'manager');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for a farm the caller is not a member of, existing or not, or malformed', async () => {
    for (const farmId of ['farm-a', 'farm-nowhere', "x' OR '1'='1", 'a'.repeat(90)]) {
      const res = await probe(outsider, farmId);
      expect(res.statusCode, farmId).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('lets a platform admin read every farm as viewer and change none', async () => {
    expect((await probe(admin, 'farm-b')).json()).toEqual({ userId: admin.userId, role: 'viewer' });
    expect((await probe(admin, 'farm-b', 'worker')).statusCode).toBe(403);
    expect((await probe(admin, 'farm-nowhere')).statusCode).toBe(404);
  });

  it('demands a valid, unexpired account token', async () => {
    expect((await probe(undefined, 'farm-a')).json().error.code).toBe('UNAUTHENTICATED');
    const forged = { ...owner, accessToken: `${owner.accessToken.slice(0, -2)}xx` };
    expect((await probe(forged, 'farm-a')).json().error.code).toBe('UNAUTHENTICATED');
    const edgeStyle = { ...owner, accessToken: 'edge.edge-1.abcdefghijklmnopqrstuvwxyz' };
    expect((await probe(edgeStyle, 'farm-a')).statusCode).toBe(401);
    now += 16 * 60 * 1000;
    try {
      const res = await probe(owner, 'farm-a');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('TOKEN_EXPIRED');
    } finally {
      now -= 16 * 60 * 1000;
    }
  });

  it('takes effect at once when a member is removed', async () => {
    const leaving = await createMember(app, db.pool, 'farm-a', 'manager');
    expect((await probe(leaving, 'farm-a', 'manager')).statusCode).toBe(200);
    await db.pool.query('DELETE FROM membership WHERE user_id = $1', [leaving.userId]);
    // Removed behind the API, as another replica would: this instance hears it by NOTIFY.
    await app.services.standings.settled();
    expect((await probe(leaving, 'farm-a')).statusCode).toBe(404);
  });

  it("lists the caller's farms, and every farm for an admin", async () => {
    const mine = await app.inject({ method: 'GET', url: '/probe/farms', headers: { authorization: `Bearer ${owner.accessToken}` } });
    expect(mine.json()).toEqual([{ farmId: 'farm-a', role: 'owner' }]);
    const all = await app.inject({ method: 'GET', url: '/probe/farms', headers: { authorization: `Bearer ${admin.accessToken}` } });
    expect(all.json()).toEqual([
      { farmId: 'farm-a', role: 'viewer' },
      { farmId: 'farm-b', role: 'viewer' },
    ]);
  });
});
