import { TokkatotError, parseOrThrow } from '@tokkatot/shared';
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

const Celsius = z.number().min(-10, 'must be at least -10 °C').max(50, 'must be at most 50 °C');
const Offset = z.number().min(0.5, 'must be at least 0.5 °C').max(20, 'must be at most 20 °C');
const Delay = (min: number, max: number) => z.number().int().min(min, `must be at least ${min} s`).max(max, `must be at most ${max} s`);

/** The farm's alarm settings (AlarmSettings of the automation), all fields required. */
export const AlarmSettingsSchema = z
  .strictObject({
    temperatureHighC: Celsius,
    temperatureLowC: Celsius,
    aboveTargetC: Offset,
    belowTargetC: Offset,
    temperatureDelaySeconds: Delay(0, 3600),
    waterDelaySeconds: Delay(0, 3600),
    nodeOfflineSeconds: Delay(30, 3600),
    sensorFailureDelaySeconds: Delay(0, 3600),
    outputConfirmSeconds: Delay(5, 600),
    reminderSeconds: Delay(0, 86_400),
    test: z.strictObject({ cron: z.string().trim().min(9).max(120), durationSeconds: Delay(5, 600) }).nullable(),
  })
  .refine((settings) => settings.temperatureLowC < settings.temperatureHighC, {
    message: 'the low alarm must be below the high alarm',
    path: ['temperatureLowC'],
  });

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
