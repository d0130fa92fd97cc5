import { AlarmSettingsSchema, TokkatotError, parseOrThrow } from '@tokkatot/shared';
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alarmTestSchedule, DEFAULT_ALARM_SETTINGS, type AlarmSettings } from '../automation/alarm-conditions.js';
import { checkSchedule } from '../automation/schedule.js';
import type { EventLog } from '../events/event-log.js';
import { errorHandler } from '../http/error-handler.js';
import type { ClimateStore } from './climate-routes.js';
import { requireRole, type Authenticate } from './route-auth.js';

export interface AlarmSettingsOptions {
  /** The automation documents (alarm settings live beside the rules and flocks). */
  store: ClimateStore;
  transaction: <T>(fn: () => T) => T;
  events: Pick<EventLog, 'append'>;
  timezone: () => string;
  authenticate: Authenticate;
}

/** The farm's alarm settings, all fields required: the shared schema the cloud and the sync use too. */
export { AlarmSettingsSchema };

/** Stored settings over the defaults: what the automation runs with (buildAutomationConfig does the same). */
export function effectiveAlarmSettings(stored: Record<string, unknown> | undefined): AlarmSettings {
  return { ...DEFAULT_ALARM_SETTINGS, ...(stored ?? {}) } as AlarmSettings;
}

/**
 * GET /api/alarm-settings (viewer+) and PUT /api/alarm-settings (manager+): absolute and
 * relative temperature limits, delays, reminder and the scheduled alarm test. A change is stored
 * in the automation documents and logged as `config_changed`; the automation rebuilds on it.
 */
export const alarmSettingsRoutes: FastifyPluginAsync<AlarmSettingsOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  app.get('/api/alarm-settings', { config: { access: 'viewer' }, schema: { tags: ['automation'], summary: 'Alarm limits, delays and the alarm test' } }, async (request) => {
    requireRole(request, options.authenticate, 'viewer');
    return { settings: effectiveAlarmSettings(options.store.load().alarms), defaults: DEFAULT_ALARM_SETTINGS };
  });

  app.put(
    '/api/alarm-settings',
    { config: { access: 'manager' }, schema: { tags: ['automation'], summary: 'Change the alarm settings', body: z.record(z.string().max(64), z.unknown()) } },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'manager');
      const settings = parseOrThrow(AlarmSettingsSchema, request.body, 'alarm settings');
      if (settings.test) {
        const problem = checkSchedule(alarmTestSchedule(settings.test), options.timezone());
        if (problem) throw new TokkatotError('AUTOMATION_CONFIG_INVALID', `The alarm test cannot run: ${problem}`, [{ path: 'test.cron', message: problem }]);
      }
      return options.transaction(() => {
        const documents = options.store.load();
        const next = { ...documents, alarms: settings };
        const problems = options.store.check?.(next) ?? [];
        if (problems.length > 0) throw new TokkatotError('AUTOMATION_CONFIG_INVALID', `The automation would refuse this change: ${problems.join('; ')}`, problems);
        options.store.save(next);
        options.events.append({ type: 'config_changed', coopId: null, actorId: actor.userId, summary: 'changed the alarm settings', detail: { kind: 'alarm_settings' } });
        return { settings };
      });
    },
  );
};
