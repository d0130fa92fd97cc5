import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, TokkatotError } from '@tokkatot/shared';
import { audit } from '../../accounts/index.js';
import { checkCommandTarget, issueCommand, listCommands, NewCommandSchema } from '../queries/commands.js';
import { listAlarms } from '../state/alarm-views.js';
import { authorizeFarm, parseInput, type FarmApiContext } from './context.js';

/** How long an acknowledgement waits for the edge before it expires. */
const ACKNOWLEDGE_EXPIRES_SECONDS = 600;

const AlarmsQuerySchema = z.strictObject({ state: z.enum(['open', 'all']).default('open') });
const CommandsQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Alarms (list, acknowledge) and remote commands (issue, list with outcome). */
export async function registerAlarmCommandRoutes(app: FastifyInstance, ctx: FarmApiContext): Promise<void> {
  app.get('/v1/farms/:farmId/alarms', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const { state } = parseInput(AlarmsQuerySchema, request.query, 'query');
    return listAlarms(ctx.pool, farmId, { openOnly: state === 'open' });
  });

  // The edge owns alarm state: the cloud asks it to acknowledge, and the edge's event closes the loop.
  app.post('/v1/farms/:farmId/alarms/:alarmId/acknowledge', async (request, reply) => {
    const { farmId, userId } = await authorizeFarm(ctx, request, 'worker');
    const { alarmId } = parseInput(z.looseObject({ alarmId: IdSchema }), request.params, 'path');
    const [alarm] = await listAlarms(ctx.pool, farmId, { openOnly: false, ids: [alarmId] });
    if (!alarm) throw new TokkatotError('NOT_FOUND', `This farm has no alarm "${alarmId}".`);
    if (alarm.state !== 'raised') throw new TokkatotError('CONFLICT', `The alarm is already ${alarm.state}.`);
    const command = await issueCommand(
      ctx.store,
      farmId,
      userId,
      { type: 'acknowledge_alarm', targetId: alarmId, durationSeconds: null, expiresInSeconds: ACKNOWLEDGE_EXPIRES_SECONDS },
      ctx.now(),
    );
    await audit(ctx.pool, { action: 'alarm.acknowledge', farmId, actorId: userId, target: alarmId, detail: { commandId: command.id }, ip: request.ip, at: ctx.now() });
    return reply.status(202).send({ commandId: command.id });
  });

  app.post('/v1/farms/:farmId/commands', async (request, reply) => {
    const { farmId, userId } = await authorizeFarm(ctx, request, 'worker');
    const input = parseInput(NewCommandSchema, request.body, 'command');
    await checkCommandTarget(ctx.pool, farmId, input);
    const command = await issueCommand(ctx.store, farmId, userId, input, ctx.now());
    await audit(ctx.pool, { action: 'command.issue', farmId, actorId: userId, target: command.targetId, detail: { commandId: command.id, type: command.type, expiresAt: command.expiresAt }, ip: request.ip, at: ctx.now() });
    return reply.status(201).send({ command });
  });

  app.get('/v1/farms/:farmId/commands', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const { limit } = parseInput(CommandsQuerySchema, request.query, 'query');
    return listCommands(ctx.pool, farmId, ctx.now(), limit);
  });
}
