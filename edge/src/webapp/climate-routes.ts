import { ClimateRuleSchema, FlockSchema, IdSchema, TokkatotError, parseOrThrow, type ClimateRule, type Flock } from '@tokkatot/shared';
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { EventLog } from '../events/event-log.js';
import { errorHandler } from '../http/error-handler.js';
import { requireRole, type Authenticate } from './route-auth.js';

/** The climate rules and flocks of the automation documents, read and written together. */
export interface ClimateDocuments {
  climateRules: ClimateRule[];
  flocks: Flock[];
}

export interface ClimateStore {
  load(): ClimateDocuments;
  save(documents: ClimateDocuments): void;
  /** The automation's check of a candidate set; problems refuse the edit. */
  check?: (documents: ClimateDocuments) => string[];
}

export interface ClimateOptions {
  store: ClimateStore;
  transaction: <T>(fn: () => T) => T;
  events: Pick<EventLog, 'append'>;
  clock: Clock;
  stamp: () => string;
  farmId: () => string;
  /** Throws NOT_FOUND for an unknown coop (RegistryService.getCoop). */
  getCoop: (coopId: string) => { id: string };
  authenticate: Authenticate;
}

const ParamsSchema = z.strictObject({ id: IdSchema });
const Celsius = z.number().min(-10).max(50);
/** What a manager may change on a rule from the phone: the band and whether it runs. Stages stay with the installer. */
const RulePatchSchema = z
  .strictObject({ bandLowC: Celsius.optional(), bandHighC: Celsius.optional(), enabled: z.boolean().optional(), target: z.enum(['fixed', 'curve']).optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'must change at least one field' });
const FlockBodySchema = z.record(z.string().max(64), z.unknown()).refine((body) => Object.keys(body).length <= 16, 'too many fields');
const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'];

/**
 * Thresholds and flock placement for managers: GET /api/climate (viewer+), PATCH
 * /api/climate-rules/:id and PUT /api/flocks/:id (manager+). Each change is checked by the
 * automation before it is stored and is recorded as a `config_changed` event.
 */
export const climateRoutes: FastifyPluginAsync<ClimateOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  const commit = (next: ClimateDocuments, coopId: string, actorId: string, summary: string, detail: Record<string, string>) => {
    const problems = options.store.check?.(next) ?? [];
    if (problems.length > 0) throw new TokkatotError('AUTOMATION_CONFIG_INVALID', `The automation would refuse this change: ${problems.join('; ')}`, problems);
    options.store.save(next);
    options.events.append({ type: 'config_changed', coopId, actorId, summary, detail });
  };

  app.get('/api/climate', { config: { access: 'viewer' }, schema: { tags: ['automation'], summary: 'Climate rules and flocks' } }, async (request) => {
    requireRole(request, options.authenticate, 'viewer');
    return options.store.load();
  });

  app.patch(
    '/api/climate-rules/:id',
    { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Change a rule’s temperature band', params: ParamsSchema, body: RulePatchSchema } },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'manager');
      return options.transaction(() => {
        const documents = options.store.load();
        const rule = documents.climateRules.find((item) => item.id === request.params.id);
        if (!rule) throw new TokkatotError('NOT_FOUND', `No climate rule ${request.params.id}.`);
        const next = parseOrThrow(ClimateRuleSchema, { ...rule, ...request.body, hlc: options.stamp(), updatedAt: options.clock.now() }, 'climate rule');
        commit({ ...documents, climateRules: documents.climateRules.map((item) => (item.id === next.id ? next : item)) }, next.coopId, actor.userId, `changed climate rule "${next.name}"`, {
          kind: 'climate_rule',
          ruleId: next.id,
        });
        return { rule: next };
      });
    },
  );

  app.put(
    '/api/flocks/:id',
    { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Place or change a flock', params: ParamsSchema, body: FlockBodySchema } },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'manager');
      const stray = Object.keys(request.body).filter((key) => SERVER_FIELDS.includes(key));
      if (stray.length > 0) throw new TokkatotError('VALIDATION_FAILED', `The body must not set ${stray.join(', ')}: the edge fills them in.`);
      const flock = parseOrThrow(FlockSchema, { ...request.body, id: request.params.id, farmId: options.farmId(), hlc: options.stamp(), updatedAt: options.clock.now() }, 'flock');
      options.getCoop(flock.coopId);
      return options.transaction(() => {
        const documents = options.store.load();
        const existed = documents.flocks.some((item) => item.id === flock.id);
        const flocks = existed ? documents.flocks.map((item) => (item.id === flock.id ? flock : item)) : [...documents.flocks, flock];
        commit({ ...documents, flocks }, flock.coopId, actor.userId, `${existed ? 'changed' : 'placed'} flock "${flock.name}"`, { kind: 'flock', flockId: flock.id });
        return { flock };
      });
    },
  );
};
