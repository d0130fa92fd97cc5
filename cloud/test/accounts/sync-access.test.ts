import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@tokkatot/shared';
import { createAdmin, createMember, farmHeaders, type TestAccount } from '../support/accounts.js';
import { buildTestApp, coopDoc } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
const members = {} as Record<Role, TestAccount>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, { dashboard: false });
  for (const role of ['owner', 'manager', 'worker', 'viewer'] as const) members[role] = await createMember(app, db.pool, 'farm-s', role);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const pull = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers });
const push = (headers: Record<string, string>, id: string) =>
  app.inject({ method: 'POST', url: '/v1/sync/coops/push', headers, payload: [{ newDocumentState: coopDoc('farm-s', id, `Coop ${id}`) }] });
const command = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/commands', headers, payload: { type: 'silence_siren' } });

describe('account tokens on the sync endpoints', () => {
  it('lets every role pull and only managers and owners push configuration', async () => {
    for (const role of ['owner', 'manager', 'worker', 'viewer'] as const) {
      const headers = farmHeaders(members[role], 'farm-s');
      expect((await pull(headers)).statusCode, role).toBe(200);
      const pushed = await push(headers, `c-${role}`);
      expect(pushed.statusCode, role).toBe(role === 'owner' || role === 'manager' ? 200 : 403);
    }
    const ids = (await pull(farmHeaders(members.viewer, 'farm-s'))).json().documents.map((doc: { id: string }) => doc.id);
    expect(ids).toEqual(['c-owner', 'c-manager']);
  });

  it('lets workers send commands but not viewers, and audits each command', async () => {
    const sent = await command(farmHeaders(members.worker, 'farm-s'));
    expect(sent.statusCode).toBe(201);
    expect((await command(farmHeaders(members.viewer, 'farm-s'))).statusCode).toBe(403);
    const { rows } = await db.pool.query("SELECT farm_id, actor_id, detail->>'commandId' AS command_id FROM audit_log WHERE action = 'command.issue'");
    expect(rows).toEqual([{ farm_id: 'farm-s', actor_id: members.worker.userId, command_id: sent.json().id }]);
  });

  it('lets only an owner claim an edge', async () => {
    const claim = (account: TestAccount) => app.inject({ method: 'POST', url: '/v1/pairing/claim', headers: farmHeaders(account, 'farm-s'), payload: { claimCode: '0000-0000' } });
    expect((await claim(members.manager)).statusCode).toBe(403);
    // The owner gets past the role check to the code lookup.
    expect((await claim(members.owner)).json().error.code).toBe('NOT_FOUND');
  });

  it('pairs an edge to the farm named by the header and audits the claim', async () => {
    const started = (await app.inject({ method: 'POST', url: '/v1/pairing/start', payload: { edgeName: 'Barn Pi' } })).json();
    const claimed = await app.inject({ method: 'POST', url: '/v1/pairing/claim', headers: farmHeaders(members.owner, 'farm-s'), payload: { claimCode: started.claimCode } });
    expect(claimed.statusCode).toBe(200);
    const { rows } = await db.pool.query("SELECT farm_id, actor_id, target, detail FROM audit_log WHERE action = 'edge.paired'");
    expect(rows).toEqual([{ farm_id: 'farm-s', actor_id: members.owner.userId, target: claimed.json().edgeId, detail: { edgeName: 'Barn Pi' } }]);
    const edge = await db.pool.query('SELECT farm_id FROM edge WHERE id = $1', [claimed.json().edgeId]);
    expect(edge.rows).toEqual([{ farm_id: 'farm-s' }]);
  });

  it('needs exactly one X-Tokkatot-Farm header with an account token', async () => {
    const res = await pull({ authorization: `Bearer ${members.owner.accessToken}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('reads the role at request time: a removed member is refused at once', async () => {
    const leaving = await createMember(app, db.pool, 'farm-s', 'manager');
    expect((await pull(farmHeaders(leaving, 'farm-s'))).statusCode).toBe(200);
    await db.pool.query('DELETE FROM membership WHERE user_id = $1', [leaving.userId]);
    expect((await pull(farmHeaders(leaving, 'farm-s'))).statusCode).toBe(404);
  });

  it('lets a platform admin pull any farm but push nothing', async () => {
    const admin = await createAdmin(app, db.pool);
    expect((await pull(farmHeaders(admin, 'farm-s'))).statusCode).toBe(200);
    expect((await push(farmHeaders(admin, 'farm-s'), 'c-admin')).statusCode).toBe(403);
    expect((await command(farmHeaders(admin, 'farm-s'))).statusCode).toBe(403);
  });
});
