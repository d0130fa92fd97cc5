/**
 * The alarm-limits form's pure pieces: its ranges against the shared schema the server checks
 * with (so the page never refuses what the farm accepts, nor promises what it refuses), what a
 * typed value means, and that a save sends only what the person changed.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlarmSettingsShape, DEFAULT_ALARM_SETTINGS } from '@tokkatot/shared';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));

type Field = { name: string; label: string; min: number; max: number; whole: boolean; perMinute?: boolean };
type Problem = { key: string; min?: number; max?: number };
interface FieldsModule {
  FIELDS: readonly Field[];
  readFields(texts: Record<string, string>): { values: Record<string, number>; problems: Record<string, Problem> };
  changedFields(doc: Record<string, unknown>, values: Record<string, number>, test: { cron: string; durationSeconds: number } | null): Record<string, unknown>;
  textsOf(doc: Record<string, unknown>): Record<string, string>;
}

let fields: FieldsModule;
let catalogues: Awaited<ReturnType<typeof loadCatalogues>>;
const doc = { id: 'farm-a', farmId: 'farm-a', hlc: 'x', updatedAt: 1, ...DEFAULT_ALARM_SETTINGS };

beforeAll(async () => {
  fields = (await import(pathToFileURL(`${SRC}screens/alarm-limits-fields.ts`).href)) as FieldsModule;
  catalogues = await loadCatalogues();
});

/** Whether the shared schema takes this value (wire units) for this field. */
const accepts = (name: string, value: number) => AlarmSettingsShape[name as keyof typeof AlarmSettingsShape].safeParse(value).success;

describe('alarm limits form', () => {
  it('covers every number of the shared schema, with the schema’s own ranges', () => {
    const numeric = Object.keys(DEFAULT_ALARM_SETTINGS).filter((name) => name !== 'test');
    expect(fields.FIELDS.map((field) => field.name).sort()).toEqual(numeric.sort());
    for (const field of fields.FIELDS) {
      const unit = field.perMinute ? 60 : 1;
      const step = field.whole ? 1 : 0.01;
      expect(accepts(field.name, field.min * unit), `${field.name} min`).toBe(true);
      expect(accepts(field.name, field.max * unit), `${field.name} max`).toBe(true);
      expect(accepts(field.name, (field.min - step) * unit), `${field.name} below`).toBe(false);
      expect(accepts(field.name, (field.max + step) * unit), `${field.name} above`).toBe(false);
      if (field.whole && !field.perMinute) expect(accepts(field.name, field.min + 0.5), `${field.name} whole`).toBe(false);
    }
  });

  it('has every label and message in both languages', () => {
    const keys = [...fields.FIELDS.map((field) => field.label), 'errNumber', 'errRange', 'errWhole', 'errLowAboveHigh', 'errCron', 'errFixFields', 'nothingChanged', 'alarmLimitsTitle', 'alarmLimitsMissing'];
    for (const key of keys) {
      expect(catalogues.km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(catalogues.en[key], key).toMatch(/[a-z]/);
    }
    expect(catalogues.km.errRange).toContain('{min}');
    expect(catalogues.km.errRange).toContain('{max}');
  });

  it('reads the typed values and names what is wrong with each', () => {
    const texts = fields.textsOf(doc);
    expect(texts.reminderSeconds).toBe('15');
    expect(fields.readFields(texts).problems).toEqual({});
    const bad = fields.readFields({ ...texts, temperatureHighC: '', aboveTargetC: '0.2', nodeOfflineSeconds: '45.5', reminderSeconds: 'abc', waterDelaySeconds: '4000' });
    expect(bad.problems).toEqual({
      temperatureHighC: { key: 'errNumber' },
      aboveTargetC: { key: 'errRange', min: 0.5, max: 20 },
      nodeOfflineSeconds: { key: 'errWhole' },
      reminderSeconds: { key: 'errNumber' },
      waterDelaySeconds: { key: 'errRange', min: 0, max: 3600 },
    });
    expect(fields.readFields({ ...texts, temperatureLowC: '36' }).problems).toEqual({ temperatureLowC: { key: 'errLowAboveHigh' } });
  });

  it('sends only the changed fields, the reminder in seconds and the siren test as a whole', () => {
    const { values } = fields.readFields({ ...fields.textsOf(doc), temperatureHighC: '33', reminderSeconds: '20' });
    expect(fields.changedFields(doc, values, null)).toEqual({ temperatureHighC: 33, reminderSeconds: 1200 });
    const same = fields.readFields(fields.textsOf(doc)).values;
    expect(fields.changedFields(doc, same, null)).toEqual({});
    expect(fields.changedFields(doc, same, { cron: '0 9 * * 1', durationSeconds: 30 })).toEqual({ test: { cron: '0 9 * * 1', durationSeconds: 30 } });
    const withTest = { ...doc, test: { cron: '0 9 * * 1', durationSeconds: 30 } };
    expect(fields.changedFields(withTest, same, { cron: '0 9 * * 1', durationSeconds: 30 })).toEqual({});
    expect(fields.changedFields(withTest, same, null)).toEqual({ test: null });
  });
});
