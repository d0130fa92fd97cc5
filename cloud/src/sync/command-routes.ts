import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hasRole, IdSchema, newId, TokkatotError } from '@tokkatot/shared';
import { CommandSchema, CommandTypeSchema, type Command } from '@tokkatot/sync';
import type pg from 'pg';
import { audit } from '../accounts/audit.js';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import { FARM_HEADER, type Authenticate } from '../http/auth.js';
import { parseInput } from './sync-routes.js';

const NewCommandSchema = z.strictObject({
  type: CommandTypeSchema,
  targetId: IdSchema.nullable().default(null),
  durationSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
  /** Actuator commands are short-lived: minutes, not hours. */
  ttlSeconds: z.number().int().min(5).max(3600).default(120),
});

/**
 * Commands are written only here, by people through the cloud; the `commands` collection is
 * pull-only for every replica. Cancel = tombstone, exactly like expiry.
 */
export async function registerCommandRoutes(
  app: FastifyInstance,
  deps: { store: SyncDocStore; pool: pg.Pool; authenticate: Authenticate; now: () => number },
): Promise<void> {
  const requireWorker = async (authorization: string | undefined, farmHeader: string | string[] | undefined) => {
    const principal = await deps.authenticate(authorization, farmHeader);
    if (principal.kind !== 'user' || !hasRole(principal.role, 'worker')) throw new TokkatotError('FORBIDDEN', 'Only farm staff send commands.');
    return principal;
  };

  app.post('/v1/commands', async (request, reply) => {
    const principal = await requireWorker(request.headers.authorization, request.headers[FARM_HEADER]);
    const input = parseInput(NewCommandSchema, request.body, 'command');
    const now = deps.now();
    const command: Command = CommandSchema.parse({
      id: newId(now),
      farmId: principal.farmId,
      type: input.type,
      targetId: input.targetId,
      durationSeconds: input.durationSeconds,
      issuedBy: principal.userId,
      issuedAt: now,
      notBefore: now,
      expiresAt: now + input.ttlSeconds * 1000,
    });
    await deps.store.writeServerDocs(principal.farmId, 'commands', [{ ...command, _deleted: false }], `user:${principal.userId}`);
    await audit(deps.pool, { action: 'command.issue', farmId: principal.farmId, actorId: principal.userId, target: command.targetId, detail: { commandId: command.id, type: command.type, expiresAt: command.expiresAt }, ip: request.ip, at: now });
    return reply.status(201).send(command);
  });

  app.delete('/v1/commands/:id', async (request, reply) => {
    const principal = await requireWorker(request.headers.authorization, request.headers[FARM_HEADER]);
    const { id } = parseInput(z.object({ id: IdSchema }), request.params, 'path');
    const docs = await deps.store.readById(principal.farmId, 'commands', id);
    if (!docs || docs._deleted) throw new TokkatotError('NOT_FOUND', 'No live command has this id.');
    await deps.store.writeServerDocs(principal.farmId, 'commands', [{ ...docs, _deleted: true }], `user:${principal.userId}`);
    await audit(deps.pool, { action: 'command.cancel', farmId: principal.farmId, actorId: principal.userId, target: id, ip: request.ip, at: deps.now() });
    return reply.status(204).send();
  });
}
