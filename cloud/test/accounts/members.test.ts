import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { buildTestApp, T0 } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
const now = T0;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { now: () => now });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, account: TestAccount, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${account.accessToken}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

async function newFarm(owner: TestAccount, name = 'Green Valley'): Promise<string> {
  const res = await call('POST', '/v1/farms', owner, { name, timeZone: 'Asia/Phnom_Penh' });
  expect(res.statusCode).toBe(201);
  return res.json().farm.id;
}

async function invite(by: TestAccount, farmId: string, body: Record<string, unknown>) {
  return call('POST', `/v1/farms/${farmId}/invitations`, by, body);
}

describe('farms and members', () => {
  it('makes the creator owner of a new farm, visible in /v1/me', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner, 'Sunrise Farm');
    const mine = (await call('GET', '/v1/me', owner)).json();
    expect(mine.memberships).toEqual([{ farmId, farmName: 'Sunrise Farm', role: 'owner' }]);
    const { rows } = await db.pool.query('SELECT time_zone FROM farm WHERE id = $1', [farmId]);
    expect(rows[0].time_zone).toBe('Asia/Phnom_Penh');
    expect((await call('POST', '/v1/farms', owner, { name: 'X', timeZone: 'Mars/Olympus' })).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('invites, accepts, lists members; the code works once', async () => {
    const owner = await createAccount(app, db.pool, { name: 'Owner' });
    const farmId = await newFarm(owner);
    const created = await invite(owner, farmId, { role: 'manager' });
    expect(created.statusCode).toBe(201);
    const { code, expiresAt } = created.json();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(expiresAt).toBe(now + 7 * 24 * 3600_000);
    const manager = await createAccount(app, db.pool, { name: 'Manager' });
    const accepted = await call('POST', '/v1/invitations/accept', manager, { code: code.toLowerCase().replace('-', ' ') });
    expect(accepted.json()).toEqual({ farmId, role: 'manager' });
    const again = await call('POST', '/v1/invitations/accept', await createAccount(app, db.pool), { code });
    expect(again.statusCode).toBe(404);
    const members = (await call('GET', `/v1/farms/${farmId}/members`, manager)).json();
    expect(members).toEqual([
      { userId: owner.userId, name: 'Owner', email: owner.email, phone: null, role: 'owner' },
      { userId: manager.userId, name: 'Manager', email: manager.email, phone: null, role: 'manager' },
    ]);
  });

  it('lets a manager invite workers and viewers only; workers invite nobody', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner);
    const manager = await createMember(app, db.pool, farmId, 'manager');
    const worker = await createMember(app, db.pool, farmId, 'worker');
    expect((await invite(manager, farmId, { role: 'worker' })).statusCode).toBe(201);
    expect((await invite(manager, farmId, { role: 'viewer' })).statusCode).toBe(201);
    for (const role of ['manager', 'owner']) {
      const res = await invite(manager, farmId, { role });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await invite(worker, farmId, { role: 'viewer' })).statusCode).toBe(403);
    expect((await invite(owner, farmId, { role: 'owner' })).statusCode).toBe(201);
  });

  it('binds an invitation addressed to an email to that account only', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner);
    const invitee = await createAccount(app, db.pool);
    const { code } = (await invite(owner, farmId, { role: 'worker', email: invitee.email.toUpperCase() })).json();
    const stranger = await createAccount(app, db.pool);
    expect((await call('POST', '/v1/invitations/accept', stranger, { code })).statusCode).toBe(403);
    expect((await call('POST', '/v1/invitations/accept', invitee, { code })).json()).toEqual({ farmId, role: 'worker' });
  });

  it('refuses an expired invitation and a member joining twice', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner);
    const { code } = (await invite(owner, farmId, { role: 'viewer' })).json();
    expect((await call('POST', '/v1/invitations/accept', owner, { code })).json().error.code).toBe('CONFLICT');
    await db.pool.query('UPDATE invitation SET expires_at = $2 WHERE farm_id = $1', [farmId, new Date(now)]);
    expect((await call('POST', '/v1/invitations/accept', await createAccount(app, db.pool), { code })).statusCode).toBe(404);
  });

  it('lets only an owner change roles and remove members, and never the last owner', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner);
    const manager = await createMember(app, db.pool, farmId, 'manager');
    const worker = await createMember(app, db.pool, farmId, 'worker');
    const member = (who: TestAccount) => `/v1/farms/${farmId}/members/${who.userId}`;

    expect((await call('PATCH', member(worker), manager, { role: 'viewer' })).statusCode).toBe(403);
    expect((await call('DELETE', member(worker), manager)).statusCode).toBe(403);
    expect((await call('PATCH', member(worker), owner, { role: 'manager' })).json()).toEqual({ userId: worker.userId, role: 'manager' });

    const demoteSelf = await call('PATCH', member(owner), owner, { role: 'manager' });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.code).toBe('CONFLICT');
    expect((await call('DELETE', member(owner), owner)).statusCode).toBe(409);

    // With a second owner, the first may step down; then the second is the last.
    expect((await call('PATCH', member(manager), owner, { role: 'owner' })).statusCode).toBe(200);
    expect((await call('PATCH', member(owner), owner, { role: 'manager' })).statusCode).toBe(200);
    expect((await call('PATCH', member(manager), manager, { role: 'viewer' })).statusCode).toBe(409);
    // The former owner lost the owner's rights at once.
    expect((await call('DELETE', member(worker), owner)).statusCode).toBe(403);

    expect((await call('DELETE', member(worker), manager)).statusCode).toBe(204);
    expect((await call('GET', `/v1/farms/${farmId}/members`, worker)).statusCode).toBe(404);
    expect((await call('DELETE', member(worker), manager)).statusCode).toBe(404);
  });

  it('never leaves a farm without an owner when two owners demote each other at once', async () => {
    const first = await createAccount(app, db.pool);
    const farmId = await newFarm(first);
    const second = await createMember(app, db.pool, farmId, 'owner');
    const answers = await Promise.all([
      call('PATCH', `/v1/farms/${farmId}/members/${second.userId}`, first, { role: 'viewer' }),
      call('PATCH', `/v1/farms/${farmId}/members/${first.userId}`, second, { role: 'viewer' }),
    ]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM membership WHERE farm_id = $1 AND role = 'owner'", [farmId]);
    expect(rows[0].n).toBe(1);
    // The loser is refused either as no longer an owner (403) or as the last owner (409).
    const [won, lost] = answers.map((res) => res.statusCode).sort();
    expect(won).toBe(200);
    expect([403, 409]).toContain(lost);
  });

  it('records membership changes in the farm audit log, readable by owners only, newest first', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner);
    const worker = await createMember(app, db.pool, farmId, 'worker');
    await call('PATCH', `/v1/farms/${farmId}/members/${worker.userId}`, owner, { role: 'viewer' });
    await call('DELETE', `/v1/farms/${farmId}/members/${worker.userId}`, owner);
    const manager = await createMember(app, db.pool, farmId, 'manager');
    expect((await call('GET', `/v1/farms/${farmId}/audit`, manager)).statusCode).toBe(403);
    const entries = (await call('GET', `/v1/farms/${farmId}/audit`, owner)).json();
    expect(entries.map((entry: { action: string }) => entry.action)).toEqual(['member.removed', 'member.role_changed', 'farm.created']);
    expect(entries[1]).toMatchObject({ actorId: owner.userId, target: worker.userId, detail: { from: 'worker', to: 'viewer' }, at: now });
    const page = (await call('GET', `/v1/farms/${farmId}/audit?limit=1&before=${entries[0].id}`, owner)).json();
    expect(page.map((entry: { action: string }) => entry.action)).toEqual(['member.role_changed']);
  });
});

describe('platform admin', () => {
  it('sees every farm but changes nothing on a farm he is not a member of', async () => {
    const owner = await createAccount(app, db.pool);
    const farmId = await newFarm(owner, 'Admin Target');
    const worker = await createMember(app, db.pool, farmId, 'worker');
    const admin = await createAdmin(app, db.pool);
    const farms = await call('GET', '/v1/admin/farms', admin);
    expect(farms.statusCode).toBe(200);
    expect(farms.json()).toContainEqual(expect.objectContaining({ id: farmId, name: 'Admin Target', owners: 1, members: 2 }));
    expect((await call('GET', '/v1/admin/farms', owner)).statusCode).toBe(403);

    expect((await call('PATCH', `/v1/farms/${farmId}/members/${worker.userId}`, admin, { role: 'manager' })).statusCode).toBe(403);
    expect((await call('DELETE', `/v1/farms/${farmId}/members/${worker.userId}`, admin)).statusCode).toBe(403);
    expect((await invite(admin, farmId, { role: 'viewer' })).statusCode).toBe(403);
    expect((await app.services.farmAccess.authorize(fakeRequest(admin), farmId, 'viewer')).role).toBe('viewer');
    const { rows } = await db.pool.query('SELECT role FROM membership WHERE user_id = $1', [worker.userId]);
    expect(rows).toEqual([{ role: 'worker' }]);
  });
});

// FarmAccess reads only the headers of a request.
function fakeRequest(account: TestAccount) {
  return { headers: { authorization: `Bearer ${account.accessToken}` } } as never;
}
