import type { FastifyInstance } from 'fastify';
import { newId, ROLE_RANK, TokkatotError, type Role } from '@tokkatot/shared';
import { withTransaction } from '../db/transaction.js';
import { parseInput } from '../sync/sync-routes.js';
import type { AccountsDeps } from './accounts-deps.js';
import { audit, listAudit } from './audit.js';
import { AuditQuerySchema, FarmParamsSchema, MemberParamsSchema, NewFarmSchema, RoleChangeSchema } from './schemas.js';

/** Creating a farm, its members (list, change role, remove) and its audit trail. */
export async function registerFarmRoutes(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  app.post('/v1/farms', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const { userId } = await deps.farmAccess.account(request);
    const input = parseInput(NewFarmSchema, request.body, 'farm');
    const now = deps.now();
    const farmId = newId(now);
    await withTransaction(deps.pool, async (client) => {
      await client.query('INSERT INTO farm (id, name, time_zone, created_at) VALUES ($1, $2, $3, $4)', [farmId, input.name, input.timeZone ?? 'Asia/Phnom_Penh', new Date(now)]);
      await client.query('INSERT INTO farm_clock (farm_id) VALUES ($1)', [farmId]);
      await client.query("INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, 'owner')", [farmId, userId]);
      await audit(client, { action: 'farm.created', farmId, actorId: userId, target: farmId, detail: { name: input.name }, ip: request.ip, at: now });
    });
    await deps.farmAccess.membershipsChanged();
    return reply.status(201).send({ farm: { id: farmId, name: input.name } });
  });

  app.get('/v1/farms/:farmId/members', async (request) => {
    const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
    await deps.farmAccess.authorize(request, farmId, 'manager');
    const { rows } = await deps.pool.query<{ user_id: string; name: string; email: string | null; phone: string | null; role: Role }>(
      'SELECT m.user_id, u.name, u.email, u.phone, m.role FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.farm_id = $1',
      [farmId],
    );
    return rows
      .map((row) => ({ userId: row.user_id, name: row.name, email: row.email, phone: row.phone, role: row.role }))
      .sort((a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role] || a.name.localeCompare(b.name));
  });

  app.patch('/v1/farms/:farmId/members/:userId', { bodyLimit: 16 * 1024 }, async (request) => {
    const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
    const actor = await deps.farmAccess.authorize(request, farmId, 'owner');
    const { userId } = parseInput(MemberParamsSchema, request.params, 'path');
    const { role } = parseInput(RoleChangeSchema, request.body, 'role change');
    const now = deps.now();
    await withTransaction(deps.pool, async (client) => {
      const previous = await lockMember(client, farmId, userId, actor.userId);
      if (previous === 'owner' && role !== 'owner') await refuseLastOwner(client, farmId, 'demoted');
      if (previous !== role) {
        await client.query('UPDATE membership SET role = $3 WHERE farm_id = $1 AND user_id = $2', [farmId, userId, role]);
        await audit(client, { action: 'member.role_changed', farmId, actorId: actor.userId, target: userId, detail: { from: previous, to: role }, ip: request.ip, at: now });
      }
    });
    await deps.farmAccess.membershipsChanged();
    return { userId, role };
  });

  app.delete('/v1/farms/:farmId/members/:userId', async (request, reply) => {
    const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
    const actor = await deps.farmAccess.authorize(request, farmId, 'owner');
    const { userId } = parseInput(MemberParamsSchema, request.params, 'path');
    const now = deps.now();
    await withTransaction(deps.pool, async (client) => {
      const previous = await lockMember(client, farmId, userId, actor.userId);
      if (previous === 'owner') await refuseLastOwner(client, farmId, 'removed');
      await client.query('DELETE FROM membership WHERE farm_id = $1 AND user_id = $2', [farmId, userId]);
      await audit(client, { action: 'member.removed', farmId, actorId: actor.userId, target: userId, detail: { role: previous }, ip: request.ip, at: now });
    });
    await deps.farmAccess.membershipsChanged();
    return reply.status(204).send();
  });

  app.get('/v1/farms/:farmId/audit', async (request) => {
    const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
    await deps.farmAccess.authorize(request, farmId, 'owner');
    const query = parseInput(AuditQuerySchema, request.query, 'query');
    return listAudit(deps.pool, farmId, query);
  });
}

type Client = Parameters<Parameters<typeof withTransaction>[1]>[0];

/**
 * Locks every membership row of the farm (so two owners demoting each other at once cannot both
 * succeed), checks again under the lock that the actor is still an owner, and returns the
 * member's role, or NOT_FOUND.
 */
async function lockMember(client: Client, farmId: string, userId: string, actorId: string): Promise<Role> {
  const { rows } = await client.query<{ user_id: string; role: Role }>('SELECT user_id, role FROM membership WHERE farm_id = $1 ORDER BY user_id FOR UPDATE', [farmId]);
  if (rows.find((row) => row.user_id === actorId)?.role !== 'owner') throw new TokkatotError('FORBIDDEN', 'Only an owner changes members.');
  const member = rows.find((row) => row.user_id === userId);
  if (!member) throw new TokkatotError('NOT_FOUND', 'This person is not a member of the farm.');
  return member.role;
}

/** A farm always keeps an owner: someone must be able to manage its members. */
async function refuseLastOwner(client: Client, farmId: string, what: 'demoted' | 'removed'): Promise<void> {
  const { rows } = await client.query<{ owners: number }>("SELECT count(*)::int AS owners FROM membership WHERE farm_id = $1 AND role = 'owner'", [farmId]);
  if ((rows[0]?.owners ?? 0) <= 1) throw new TokkatotError('CONFLICT', `The last owner of a farm cannot be ${what}; make someone else owner first.`);
}

