import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, OutputSchema, TokkatotError } from '@tokkatot/shared';
import { audit } from '../../accounts/index.js';
import { patchDocument, RulePatchSchema, SchedulePatchSchema } from '../queries/config-edit.js';
import { registerAlarmSettingsRoutes } from './alarm-settings-routes.js';
import { authorizeFarm, parseInput, type FarmApiContext } from './context.js';

/** Remote configuration edits: written as sync documents the edge pulls, stamped by the cloud's clock. */
export async function registerConfigRoutes(app: FastifyInstance, ctx: FarmApiContext): Promise<void> {
  const specOf = (collection: string) => {
    const spec = ctx.collections[collection];
    if (!spec) throw new TokkatotError('NOT_FOUND', `There is no collection "${collection}".`);
    return spec;
  };

  app.patch('/v1/farms/:farmId/rules/:ruleId', async (request) => {
    const { farmId, userId } = await authorizeFarm(ctx, request, 'manager');
    const { ruleId } = parseInput(z.looseObject({ ruleId: IdSchema }), request.params, 'path');
    const patch = parseInput(RulePatchSchema, request.body, 'rule change');
    const { before, after } = await patchDocument(ctx.store, specOf('rules'), { farmId, collection: 'rules', id: ruleId }, patch, { userId, now: ctx.now() });
    await audit(ctx.pool, { action: 'config.rule', farmId, actorId: userId, target: ruleId, detail: changes(before, after, Object.keys(patch)), ip: request.ip, at: ctx.now() });
    return after;
  });

  app.patch('/v1/farms/:farmId/schedules/:scheduleId', async (request) => {
    const { farmId, userId } = await authorizeFarm(ctx, request, 'manager');
    const { scheduleId } = parseInput(z.looseObject({ scheduleId: IdSchema }), request.params, 'path');
    const patch = parseInput(SchedulePatchSchema, request.body, 'schedule change');
    // A schedule may only drive an installed output of its own coop.
    const outputs = new Map<string, { coopId: string; installed: boolean }>();
    if (patch.outputId !== undefined) {
      const { rows } = await ctx.pool.query<{ body: unknown }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'outputs' AND id = $2 AND NOT deleted", [
        farmId,
        typeof patch.outputId === 'string' ? patch.outputId : '',
      ]);
      const output = rows[0] ? OutputSchema.safeParse(rows[0].body) : undefined;
      if (output?.success) outputs.set(output.data.id, output.data);
    }
    const check = (doc: Record<string, unknown>) => {
      if (patch.outputId === undefined) return;
      const output = outputs.get(String(doc.outputId));
      if (!output || output.coopId !== doc.coopId) throw new TokkatotError('VALIDATION_FAILED', 'outputId: must be an output of the same coop.', [{ path: 'outputId', message: 'must be an output of the same coop' }]);
      if (!output.installed) throw new TokkatotError('OUTPUT_INACTIVE', 'outputId: the output is not installed.');
    };
    const { before, after } = await patchDocument(ctx.store, specOf('schedules'), { farmId, collection: 'schedules', id: scheduleId }, patch, { userId, now: ctx.now() }, check);
    await audit(ctx.pool, { action: 'config.schedule', farmId, actorId: userId, target: scheduleId, detail: changes(before, after, Object.keys(patch)), ip: request.ip, at: ctx.now() });
    return after;
  });

  await registerAlarmSettingsRoutes(app, ctx);
}

function changes(before: Record<string, unknown>, after: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, { from: before[field] ?? null, to: after[field] ?? null }]));
}
