import { IdSchema, ScheduleSchema, TokkatotError, parseOrThrow, type Schedule } from '@tokkatot/shared';
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { EventLog } from '../events/event-log.js';
import { errorHandler } from '../http/error-handler.js';
import { requireRole, type Authenticate } from './route-auth.js';

/** Where the schedules live: the automation documents, read and written whole. */
export interface SchedulesStore {
  list(): Schedule[];
  /** Stores the whole set in one write; the caller announces the change. */
  save(schedules: Schedule[]): void;
}

export interface SchedulesOptions {
  store: SchedulesStore;
  /** Runs the write and its event in one transaction (EdgeDatabase.transaction). */
  transaction: <T>(fn: () => T) => T;
  events: Pick<EventLog, 'append'>;
  clock: Clock;
  /** Stamps the edit for replication (HlcSource.tick). */
  stamp: () => string;
  farmId: () => string;
  /** Throws NOT_FOUND for an unknown output (RegistryService.getOutput). */
  getOutput: (outputId: string) => { id: string; coopId: string; installed: boolean };
  authenticate: Authenticate;
  /**
   * The automation's own check of a candidate set (checkFarmConfig over buildAutomationConfig):
   * problems refuse the edit, so nothing is stored that the engine would not run.
   */
  check?: (schedules: Schedule[]) => string[];
}

const ParamsSchema = z.strictObject({ id: IdSchema });
const QuerySchema = z.strictObject({ coopId: IdSchema.optional() });
// The shape is checked whole against ScheduleSchema once id, farm and stamps are filled in.
const BodySchema = z.record(z.string().max(64), z.unknown()).refine((body) => Object.keys(body).length <= 32, 'too many fields');
const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'];

/**
 * Schedules for managers: GET /api/schedules (viewer+), PUT and DELETE /api/schedules/:id
 * (manager+). Each change is a `config_changed` event: it reaches the cloud through the outbox
 * and makes the automation rebuild its configuration, so the edited schedule runs at once.
 */
export const schedulesRoutes: FastifyPluginAsync<SchedulesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  app.get('/api/schedules', { config: { access: 'viewer' }, schema: { tags: ['automation'], summary: 'Schedules', querystring: QuerySchema } }, async (request) => {
    requireRole(request, options.authenticate, 'viewer');
    const { coopId } = request.query;
    return { schedules: options.store.list().filter((schedule) => !coopId || schedule.coopId === coopId) };
  });

  app.put(
    '/api/schedules/:id',
    { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Create or replace a schedule', params: ParamsSchema, body: BodySchema } },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'manager');
      const stray = Object.keys(request.body).filter((key) => SERVER_FIELDS.includes(key));
      if (stray.length > 0) throw new TokkatotError('VALIDATION_FAILED', `The body must not set ${stray.join(', ')}: the edge fills them in.`);
      const now = options.clock.now();
      const schedule = parseOrThrow(ScheduleSchema, { ...request.body, id: request.params.id, farmId: options.farmId(), hlc: options.stamp(), updatedAt: now }, 'schedule');
      const output = options.getOutput(schedule.outputId);
      if (output.coopId !== schedule.coopId) throw new TokkatotError('VALIDATION_FAILED', `Output ${output.id} is not in coop ${schedule.coopId}.`);
      return options.transaction(() => {
        const all = options.store.list();
        const existed = all.some((item) => item.id === schedule.id);
        const next = existed ? all.map((item) => (item.id === schedule.id ? schedule : item)) : [...all, schedule];
        const problems = options.check?.(next) ?? [];
        if (problems.length > 0) throw new TokkatotError('AUTOMATION_CONFIG_INVALID', `The automation would refuse this schedule: ${problems.join('; ')}`, problems);
        options.store.save(next);
        options.events.append({
          type: 'config_changed',
          coopId: schedule.coopId,
          actorId: actor.userId,
          summary: `${existed ? 'changed' : 'added'} schedule "${schedule.name}"`,
          detail: { kind: 'schedule', scheduleId: schedule.id },
        });
        return { schedule };
      });
    },
  );

  app.delete('/api/schedules/:id', { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Remove a schedule', params: ParamsSchema } }, async (request, reply) => {
    const actor = requireRole(request, options.authenticate, 'manager');
    options.transaction(() => {
      const all = options.store.list();
      const schedule = all.find((item) => item.id === request.params.id);
      if (!schedule) throw new TokkatotError('NOT_FOUND', `No schedule ${request.params.id}.`);
      options.store.save(all.filter((item) => item.id !== schedule.id));
      options.events.append({ type: 'config_changed', coopId: schedule.coopId, actorId: actor.userId, summary: `removed schedule "${schedule.name}"`, detail: { kind: 'schedule', scheduleId: schedule.id } });
    });
    return reply.code(204).send();
  });
};
