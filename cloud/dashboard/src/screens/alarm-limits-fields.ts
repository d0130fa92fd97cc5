import type { MessageKey } from '../i18n/en.js';
import type { ConfigDoc } from '../offline/replica-types.js';

export type SirenTest = { cron: string; durationSeconds: number } | null;

/**
 * Field, label, limits and whether it must be whole — the ranges of AlarmSettingsSchema in
 * shared (the server checks again with the schema itself; these only say it on the page).
 * The reminder is in minutes on screen, seconds on the wire.
 */
export const FIELDS = [
  { name: 'temperatureHighC', label: 'alarmHigh', min: -10, max: 50, whole: false },
  { name: 'temperatureLowC', label: 'alarmLow', min: -10, max: 50, whole: false },
  { name: 'aboveTargetC', label: 'alarmAboveTarget', min: 0.5, max: 20, whole: false },
  { name: 'belowTargetC', label: 'alarmBelowTarget', min: 0.5, max: 20, whole: false },
  { name: 'temperatureDelaySeconds', label: 'alarmTempDelay', min: 0, max: 3600, whole: true },
  { name: 'waterDelaySeconds', label: 'alarmWaterDelay', min: 0, max: 3600, whole: true },
  { name: 'nodeOfflineSeconds', label: 'alarmNodeOffline', min: 30, max: 3600, whole: true },
  { name: 'sensorFailureDelaySeconds', label: 'alarmSensorDelay', min: 0, max: 3600, whole: true },
  { name: 'outputConfirmSeconds', label: 'alarmOutputConfirm', min: 5, max: 600, whole: true },
  { name: 'reminderSeconds', label: 'alarmReminder', min: 0, max: 1440, whole: true, perMinute: true },
] as const satisfies ReadonlyArray<{ name: string; label: MessageKey; min: number; max: number; whole: boolean; perMinute?: boolean }>;
export type FieldName = (typeof FIELDS)[number]['name'];
export type Problem = { key: MessageKey; min?: number; max?: number };

const shown = (field: (typeof FIELDS)[number], doc: ConfigDoc) => String(Number(doc[field.name]) / ('perMinute' in field ? 60 : 1));
export const textsOf = (doc: ConfigDoc) => Object.fromEntries(FIELDS.map((field) => [field.name, shown(field, doc)])) as Record<FieldName, string>;
export const sirenTestOf = (doc: ConfigDoc): SirenTest => (doc.test as SirenTest | undefined) ?? null;

/**
 * What the person changed, and only that: the edge may have changed another limit meanwhile,
 * and a field sent unchanged would still count as the cloud's edit when the replicas merge.
 */
export function changedFields(doc: ConfigDoc, values: Record<FieldName, number>, test: SirenTest): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const wire = 'perMinute' in field ? values[field.name] * 60 : values[field.name];
    if (wire !== doc[field.name]) patch[field.name] = wire;
  }
  if (JSON.stringify(test) !== JSON.stringify(sirenTestOf(doc))) patch.test = test;
  return patch;
}

/** Reads the typed numbers against their ranges; the low limit must stay below the high one. */
export function readFields(texts: Record<FieldName, string>): { values: Record<FieldName, number>; problems: Partial<Record<FieldName, Problem>> } {
  const values = {} as Record<FieldName, number>;
  const problems: Partial<Record<FieldName, Problem>> = {};
  for (const field of FIELDS) {
    const text = texts[field.name].trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) problems[field.name] = { key: 'errNumber' };
    else if (value < field.min || value > field.max) problems[field.name] = { key: 'errRange', min: field.min, max: field.max };
    else if (field.whole && !Number.isInteger(value)) problems[field.name] = { key: 'errWhole' };
    values[field.name] = value;
  }
  if (!problems.temperatureLowC && !problems.temperatureHighC && values.temperatureLowC >= values.temperatureHighC) problems.temperatureLowC = { key: 'errLowAboveHigh' };
  return { values, problems };
}
