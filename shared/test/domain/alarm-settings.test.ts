import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AlarmSettingsSchema, DEFAULT_ALARM_SETTINGS, FarmAlarmSettingsSchema } from '../../src/domain/index.js';

const settings = { ...DEFAULT_ALARM_SETTINGS, test: { cron: '0 9 * * 1', durationSeconds: 30 } };
const doc = { ...settings, id: 'farm-1', farmId: 'farm-1', hlc: '001767225600000:00000:edge-pi', updatedAt: Date.UTC(2026, 0, 1) };

function issuesOf(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('AlarmSettingsSchema', () => {
  it('accepts the defaults with and without a scheduled test', () => {
    expect(issuesOf(AlarmSettingsSchema, settings)).toEqual([]);
    expect(issuesOf(AlarmSettingsSchema, { ...settings, test: null })).toEqual([]);
  });

  it.each([
    ['temperatureHighC', 51, 'temperatureHighC: must be at most 50 °C'],
    ['temperatureLowC', -11, 'temperatureLowC: must be at least -10 °C'],
    ['aboveTargetC', 0, 'aboveTargetC: must be at least 0.5 °C'],
    ['belowTargetC', 21, 'belowTargetC: must be at most 20 °C'],
    ['temperatureDelaySeconds', 3601, 'temperatureDelaySeconds: must be at most 3600 s'],
    ['waterDelaySeconds', -1, 'waterDelaySeconds: must be at least 0 s'],
    ['nodeOfflineSeconds', 10, 'nodeOfflineSeconds: must be at least 30 s'],
    ['outputConfirmSeconds', 1.5, 'outputConfirmSeconds: must be whole seconds'],
    ['reminderSeconds', 86_401, 'reminderSeconds: must be at most 86400 s'],
  ])('rejects %s = %s with a readable message', (field, value, message) => {
    expect(issuesOf(AlarmSettingsSchema, { ...settings, [field]: value })).toContain(message);
  });

  it('rejects a low limit at or above the high limit', () => {
    expect(issuesOf(AlarmSettingsSchema, { ...settings, temperatureLowC: 36 })).toEqual(['temperatureLowC: the low alarm must be below the high alarm']);
  });

  it('checks the alarm test with the schedules’ cron rules', () => {
    expect(issuesOf(AlarmSettingsSchema, { ...settings, test: { cron: '0 9 * *', durationSeconds: 30 } }).join('\n')).toMatch(/test\.cron: must be a cron expression of 5 fields/);
    expect(issuesOf(AlarmSettingsSchema, { ...settings, test: { cron: '0 9 * * 1; rm -rf /', durationSeconds: 30 } }).join('\n')).toMatch(/test\.cron/);
    expect(issuesOf(AlarmSettingsSchema, { ...settings, test: { cron: '0 9 * * 1', durationSeconds: 4 } })).toEqual(['test.durationSeconds: must be at least 5 s']);
    expect(issuesOf(AlarmSettingsSchema, { ...settings, test: { cron: '0 9 * * 1' } })).toHaveLength(1);
  });

  it.each([
    ['a missing field', (() => { const { reminderSeconds: _r, ...rest } = settings; return rest; })()],
    ['an extra field', { ...settings, isAdmin: true }],
    ['a string number', { ...settings, temperatureHighC: '36' }],
    ['NaN', { ...settings, temperatureHighC: Number.NaN }],
    ['Infinity', { ...settings, aboveTargetC: Number.POSITIVE_INFINITY }],
    ['a prototype key', JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(settings).slice(1)}`)],
    ['an array', [settings]],
    ['null', null],
  ])('rejects hostile input: %s', (_name, input) => {
    const issues = issuesOf(AlarmSettingsSchema, input);
    expect(issues.length).toBeGreaterThan(0);
  });
});

describe('FarmAlarmSettingsSchema', () => {
  it('accepts a farm document whose id is the farm id', () => {
    expect(issuesOf(FarmAlarmSettingsSchema, doc)).toEqual([]);
  });

  it('rejects a document under another id, without a stamp, or with bad settings', () => {
    expect(issuesOf(FarmAlarmSettingsSchema, { ...doc, id: 'farm-2' })).toEqual(['id: must be the farm id']);
    expect(issuesOf(FarmAlarmSettingsSchema, { ...doc, hlc: undefined }).join('\n')).toMatch(/^hlc:/);
    expect(issuesOf(FarmAlarmSettingsSchema, { ...doc, temperatureLowC: 40 })).toEqual(['temperatureLowC: the low alarm must be below the high alarm']);
  });
});
