import { ClimateRuleSchema, FlockSchema, IdSchema, TokkatotError, parseOrThrow, type ClimateRule, type Flock, type OutputKind } from '@tokkatot/shared';
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
  /** Farm-wide alarm settings as stored (missing fields take the automation's defaults). */
  alarms?: Record<string, unknown>;
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
  /** The farm's outputs, to check what a rule's stages name (RegistryService.listOutputs). */
  listOutputs?: () => Array<{ id: string; coopId: string; kind: OutputKind; installed: boolean }>;
  authenticate: Authenticate;
}

const ParamsSchema = z.strictObject({ id: IdSchema });
const Rule = ClimateRuleSchema.shape;
/**
 * What a manager may change on a rule from the phone: band, target kind, stages, minimum
 * ventilation, humidity limit and timings. Coop, name and sensor staleness stay with the installer.
 */
const RulePatchSchema = z
  .strictObject({
    enabled: Rule.enabled,
    target: Rule.target,
    bandLowC: Rule.bandLowC,
    bandHighC: Rule.bandHighC,
    hysteresisC: Rule.hysteresisC,
    minOnSeconds: Rule.minOnSeconds,
    minOffSeconds: Rule.minOffSeconds,
    maxRunSeconds: Rule.maxRunSeconds,
    heaterStages: Rule.heaterStages,
    fanStages: Rule.fanStages,
    minimumVentilation: Rule.minimumVentilation,
    humidityMaxPercent: Rule.humidityMaxPercent,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'must change at least one field' });
const FlockBodySchema = z.record(z.string().max(64), z.unknown()).refine((body) => Object.keys(body).length <= 16, 'too many fields');
const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'];

/**
 * Thresholds, stages, curves and flock placement for managers: GET /api/climate (viewer+), PATCH
 * /api/climate-rules/:id and PUT /api/flocks/:id (manager+). Each change is checked by the
 * automation before it is stored and is recorded as a `config_changed` event.
 */
export const climateRoutes: FastifyPluginAsync<ClimateOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  /** What the automation's check cannot see (it drops a rule naming unknown outputs): each stage's output. */
  const stageProblems = (rule: ClimateRule): string[] => {
    if (!options.listOutputs) return [];
    const outputs = new Map(options.listOutputs().map((output) => [output.id, output]));
    const problems: string[] = [];
    const expect = (outputId: string, kind: OutputKind, role: string) => {
      const output = outputs.get(outputId);
      if (!output) problems.push(`${role} ${outputId}: no such output`);
      else if (output.coopId !== rule.coopId) problems.push(`${role} ${outputId}: the output is in another coop`);
      else if (output.kind !== kind) problems.push(`${role} ${outputId}: the output is a ${output.kind}, not a ${kind}`);
    };
    for (const stage of rule.heaterStages) expect(stage.outputId, 'heater', 'heater stage');
    for (const stage of rule.fanStages) expect(stage.outputId, 'fan', 'fan stage');
    for (const id of rule.minimumVentilation?.outputIds ?? []) expect(id, 'fan', 'minimum ventilation');
    const heaters = rule.heaterStages.map((stage) => stage.outputId);
    const fans = rule.fanStages.map((stage) => stage.outputId);
    if (new Set(heaters).size !== heaters.length) problems.push('a heater is named in two heater stages');
    if (new Set(fans).size !== fans.length) problems.push('a fan is named in two fan stages');
    return problems;
  };

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
    { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Change a rule’s band, stages, minimum ventilation or humidity limit', params: ParamsSchema, body: RulePatchSchema } },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'manager');
      return options.transaction(() => {
        const documents = options.store.load();
        const rule = documents.climateRules.find((item) => item.id === request.params.id);
        if (!rule) throw new TokkatotError('NOT_FOUND', `No climate rule ${request.params.id}.`);
        const next = parseOrThrow(ClimateRuleSchema, { ...rule, ...request.body, hlc: options.stamp(), updatedAt: options.clock.now() }, 'climate rule');
        const problems = stageProblems(next);
        if (problems.length > 0) throw new TokkatotError('AUTOMATION_CONFIG_INVALID', `The automation would refuse this change: ${problems.join('; ')}`, problems);
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
