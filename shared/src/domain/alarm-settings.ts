import { z } from 'zod';
import { DocumentMetaShape } from './common.js';
import { CronExpressionSchema } from './schedule.js';

const Celsius = z.number().finite().min(-10, 'must be at least -10 °C').max(50, 'must be at most 50 °C');
const Offset = z.number().finite().min(0.5, 'must be at least 0.5 °C').max(20, 'must be at most 20 °C');
const Seconds = (min: number, max: number) =>
  z.number().int('must be whole seconds').min(min, `must be at least ${min} s`).max(max, `must be at most ${max} s`);

/** The scheduled alarm test: the siren sounds at each cron match for `durationSeconds`. */
export const AlarmTestSchema = z.strictObject({ cron: CronExpressionSchema, durationSeconds: Seconds(5, 600) });

/** The fields of the farm's alarm settings (thresholds and timings the edge's alarm engine runs with). */
export const AlarmSettingsShape = {
  /** Absolute limits. */
  temperatureHighC: Celsius,
  temperatureLowC: Celsius,
  /** Relative limits: alarm this far above/below the target of the curve. */
  aboveTargetC: Offset,
  belowTargetC: Offset,
  temperatureDelaySeconds: Seconds(0, 3600),
  /** The water level must stay below the calibrated half-full value this long. */
  waterDelaySeconds: Seconds(0, 3600),
  nodeOfflineSeconds: Seconds(30, 3600),
  sensorFailureDelaySeconds: Seconds(0, 3600),
  /** An output whose reported state differs from the command for this long raises an alarm. */
  outputConfirmSeconds: Seconds(5, 600),
  reminderSeconds: Seconds(0, 86_400),
  test: AlarmTestSchema.nullable(),
};

const lowBelowHigh = (settings: { temperatureLowC: number; temperatureHighC: number }) => settings.temperatureLowC < settings.temperatureHighC;
const lowBelowHighIssue = { message: 'the low alarm must be below the high alarm', path: ['temperatureLowC'] };

/** Farm-wide alarm thresholds and timings, every field required. */
export const AlarmSettingsSchema = z.strictObject(AlarmSettingsShape).refine(lowBelowHigh, lowBelowHighIssue);
export type AlarmSettings = z.infer<typeof AlarmSettingsSchema>;

/** Defaults after the Munters Trio and the original product (water: one continuous minute). */
export const DEFAULT_ALARM_SETTINGS: AlarmSettings = {
  temperatureHighC: 36,
  temperatureLowC: 15,
  aboveTargetC: 5,
  belowTargetC: 5,
  temperatureDelaySeconds: 120,
  waterDelaySeconds: 60,
  nodeOfflineSeconds: 120,
  sensorFailureDelaySeconds: 30,
  outputConfirmSeconds: 30,
  reminderSeconds: 900,
  test: null,
};

/**
 * The farm's alarm settings as a replicated document (collection `alarm_settings`): one per farm,
 * its id is the farm id. The edge writes its effective settings (defaults where none were set)
 * and applies versions edited in the cloud after the same checks as a LAN edit.
 */
export const FarmAlarmSettingsSchema = z
  .strictObject({ ...DocumentMetaShape, ...AlarmSettingsShape })
  .refine(lowBelowHigh, lowBelowHighIssue)
  .refine((doc) => doc.id === doc.farmId, { message: 'must be the farm id', path: ['id'] });
export type FarmAlarmSettings = z.infer<typeof FarmAlarmSettingsSchema>;
