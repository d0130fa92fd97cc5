import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AlarmSettingsShape, TokkatotError } from '@tokkatot/shared';
import { audit } from '../../accounts/index.js';
import { patchDocument } from '../queries/config-edit.js';
import { authorizeFarm, parseInput, type FarmApiContext } from './context.js';

const COLLECTION = 'alarm_settings';

/** Any alarm setting may change remotely; the merged document is checked by the collection's schema. */
export const AlarmSettingsPatchSchema = z
  .strictObject(Object.fromEntries(Object.keys(AlarmSettingsShape).map((field) => [field, z.unknown().optional()])))
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

const notReported = () => new TokkatotError('NOT_FOUND', "The farm's edge has not reported its alarm settings yet.");

/**
 * The farm's alarm settings (one sync document, id = the farm id, written by the edge at start):
 * read by any member, changed by managers. A change is a new sync document stamped by the cloud's
 * clock; the edge applies it after its own checks, and keeps the temperature limits it changed
 * itself on a concurrent edit (`ownedFields`).
 */
export async function registerAlarmSettingsRoutes(app: FastifyInstance, ctx: FarmApiContext): Promise<void> {
  app.get('/v1/farms/:farmId/alarm-settings', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const { rows } = await ctx.pool.query<{ body: Record<string, unknown> }>('SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = $2 AND id = $1 AND NOT deleted', [
      farmId,
      COLLECTION,
    ]);
    if (!rows[0]) throw notReported();
    return rows[0].body;
  });

  app.patch('/v1/farms/:farmId/alarm-settings', async (request) => {
    const { farmId, userId } = await authorizeFarm(ctx, request, 'manager');
    const patch = parseInput(AlarmSettingsPatchSchema, request.body, 'alarm settings change');
    const spec = ctx.collections[COLLECTION];
    if (!spec) throw new TokkatotError('NOT_FOUND', `There is no collection "${COLLECTION}".`);
    const { before, after } = await patchDocument(ctx.store, spec, { farmId, collection: COLLECTION, id: farmId }, patch, { userId, now: ctx.now() }).catch((error: unknown) => {
      throw error instanceof TokkatotError && error.code === 'NOT_FOUND' ? notReported() : error;
    });
    const detail = Object.fromEntries(Object.keys(patch).map((field) => [field, { from: before[field] ?? null, to: after[field] ?? null }]));
    await audit(ctx.pool, { action: 'config.alarm_settings', farmId, actorId: userId, target: farmId, detail, ip: request.ip, at: ctx.now() });
    return after;
  });
}
