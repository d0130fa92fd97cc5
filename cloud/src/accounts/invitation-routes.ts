import type { FastifyInstance } from 'fastify';
import { hasRole, newId, TokkatotError } from '@tokkatot/shared';
import { withTransaction } from '../db/transaction.js';
import { hashSecret } from '../http/auth.js';
import { parseInput } from '../sync/sync-routes.js';
import type { AccountsDeps } from './accounts-deps.js';
import { audit } from './audit.js';
import { generateInvitationCode, normaliseInvitationCode } from './invitation-code.js';
import { AcceptInvitationSchema, FarmParamsSchema, NewInvitationSchema } from './schemas.js';
import { findUserById } from './user-store.js';

/** How long an invitation code stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Inviting someone to a farm with a code, and accepting it. */
export async function registerInvitationRoutes(app: FastifyInstance, deps: AccountsDeps): Promise<void> {
  app.post('/v1/farms/:farmId/invitations', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const { farmId } = parseInput(FarmParamsSchema, request.params, 'path');
    const actor = await deps.farmAccess.authorize(request, farmId, 'manager');
    const input = parseInput(NewInvitationSchema, request.body, 'invitation');
    // Owners invite any role; managers bring in staff below themselves.
    if (actor.role !== 'owner' && hasRole(input.role, 'manager')) throw new TokkatotError('FORBIDDEN', 'Only an owner invites managers and owners.');
    const now = deps.now();
    const code = generateInvitationCode();
    const expiresAt = now + INVITATION_TTL_MS;
    await withTransaction(deps.pool, async (client) => {
      await client.query(
        'INSERT INTO invitation (id, farm_id, code_hash, role, email, phone, invited_by, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [newId(now), farmId, hashSecret(code), input.role, input.email ?? null, input.phone ?? null, actor.userId, new Date(expiresAt), new Date(now)],
      );
      await audit(client, { action: 'invitation.created', farmId, actorId: actor.userId, detail: { role: input.role, email: input.email ?? null, phone: input.phone ?? null }, ip: request.ip, at: now });
    });
    return reply.status(201).send({ code, expiresAt });
  });

  // Code guessing is limited per signed-in person (or address when the token is missing).
  const perPerson = { max: 10, timeWindow: 60_000, keyGenerator: (request: { headers: { authorization?: string }; ip: string }) => request.headers.authorization ?? request.ip };
  app.post('/v1/invitations/accept', { bodyLimit: 16 * 1024, config: { rateLimit: perPerson } }, async (request) => {
    const { userId } = await deps.farmAccess.account(request);
    const input = parseInput(AcceptInvitationSchema, request.body, 'invitation');
    const code = normaliseInvitationCode(input.code);
    if (!code) throw new TokkatotError('VALIDATION_FAILED', 'An invitation code has 10 letters and digits, like "7K2Q9-XMD4T".');
    const now = deps.now();
    const user = await findUserById(deps.pool, userId);
    if (!user) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists.');
    const membership = await withTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<{ id: string; farm_id: string; role: string; email: string | null; phone: string | null }>(
        'SELECT id, farm_id, role, email, phone FROM invitation WHERE code_hash = $1 AND accepted_at IS NULL AND expires_at > $2 FOR UPDATE',
        [hashSecret(code), new Date(now)],
      );
      const invitation = rows[0];
      if (!invitation) throw new TokkatotError('NOT_FOUND', 'No open invitation has this code; check it or ask for a new one.');
      // An invitation addressed to someone is theirs alone, even if the code leaks.
      if ((invitation.email && invitation.email !== user.email) || (invitation.phone && invitation.phone !== user.phone)) {
        throw new TokkatotError('FORBIDDEN', 'This invitation is addressed to a different email address or phone number.');
      }
      const joined = await client.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (farm_id, user_id) DO NOTHING', [
        invitation.farm_id,
        userId,
        invitation.role,
      ]);
      if (joined.rowCount === 0) throw new TokkatotError('CONFLICT', 'You are already a member of this farm.');
      await client.query('UPDATE invitation SET accepted_by = $2, accepted_at = $3 WHERE id = $1', [invitation.id, userId, new Date(now)]);
      await audit(client, { action: 'member.joined', farmId: invitation.farm_id, actorId: userId, target: userId, detail: { role: invitation.role, invitationId: invitation.id }, ip: request.ip, at: now });
      return { farmId: invitation.farm_id, role: invitation.role };
    });
    await deps.farmAccess.membershipsChanged();
    return membership;
  });
}
