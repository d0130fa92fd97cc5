import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogues, type Messages } from './support/catalogues.js';

// The UI is its own TypeScript project: its modules are loaded by path, typed here by hand.
type Problem = { key: string; values?: Record<string, string> };
interface ChecksModule {
  readNumber(raw: string, min: number, max: number, whole?: boolean): { value: number } | { problem: Problem };
  checkCurve(rows: Array<{ day: string; temperature: string }>): { curve: Array<{ day: number; temperatureC: number }>; problems: Record<string, Problem> };
  checkStages(rows: Array<{ outputId: string; degrees: string }>, prefix: string): { stages: Array<{ outputId: string; degrees: number }>; problems: Record<string, Problem> };
  checkSteps(rows: Array<{ state: 'on' | 'off'; minutes: string }>): { steps: Array<{ state: 'on' | 'off'; seconds: number }>; problems: Record<string, Problem> };
  checkCron(text: string): Problem | null;
}
interface ReasonModule {
  formatWhy(t: (key: string) => string, locale: 'km' | 'en', why: Record<string, unknown> | null | undefined): string | null;
}

const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(fileURLToPath(new URL(`../../ui/src/${file}`, import.meta.url))).href)) as T;

describe('the editors’ checks', () => {
  let checks: ChecksModule;
  beforeAll(async () => {
    checks = await load<ChecksModule>('edit-checks.ts');
  });

  it('reads numbers in range, with a comma as decimal point, and names what is wrong', () => {
    expect(checks.readNumber('27,5', 10, 40)).toEqual({ value: 27.5 });
    expect(checks.readNumber('', 10, 40)).toEqual({ problem: { key: 'errRequired' } });
    expect(checks.readNumber('41', 10, 40)).toEqual({ problem: { key: 'errRange', values: { min: '10', max: '40' } } });
    expect(checks.readNumber('3.5', 1, 9, true)).toEqual({ problem: { key: 'errWhole' } });
  });

  it('sorts a curve by day and points at repeated days and bad temperatures', () => {
    expect(checks.checkCurve([{ day: '14', temperature: '28' }, { day: '-1', temperature: '34' }])).toEqual({ curve: [{ day: -1, temperatureC: 34 }, { day: 14, temperatureC: 28 }], problems: {} });
    const bad = checks.checkCurve([{ day: '3', temperature: '30' }, { day: '3', temperature: '45' }, { day: '200', temperature: '20' }]);
    expect(bad.problems).toEqual({ 'day-1': { key: 'errDayRepeated' }, 'temperature-1': { key: 'errRange', values: { min: '10', max: '40' } }, 'day-2': { key: 'errRange', values: { min: '-7', max: '120' } } });
    expect(checks.checkCurve([]).problems).toEqual({ curve: { key: 'errCurveEmpty' } });
  });

  it('refuses an output in two stages, a sequence not ending OFF and a cron of 4 fields', () => {
    expect(checks.checkStages([{ outputId: 'fan-1', degrees: '0' }, { outputId: 'fan-1', degrees: '2' }], 'fan').problems).toEqual({ 'fan-output-1': { key: 'errStageTwice' } });
    expect(checks.checkSteps([{ state: 'on', minutes: '2' }, { state: 'off', minutes: '0.5' }])).toEqual({ steps: [{ state: 'on', seconds: 120 }, { state: 'off', seconds: 30 }], problems: {} });
    expect(checks.checkSteps([{ state: 'off', minutes: '1' }, { state: 'on', minutes: '1' }]).problems).toEqual({ steps: { key: 'errStepsEndOff' } });
    expect(checks.checkCron('0 6 * * *')).toBeNull();
    expect(checks.checkCron('0 6 * *')).toEqual({ key: 'errCron' });
  });
});

describe('formatWhy', () => {
  let reason: ReasonModule;
  let km: Messages;
  let en: Messages;
  beforeAll(async () => {
    reason = await load<ReasonModule>('reason-text.ts');
    ({ km, en } = await loadCatalogues());
  });

  it('says an output’s reason in Khmer with Khmer digits, and in English', () => {
    const why = { code: 'above', valueC: 33.1, limitC: 32, hysteresis: false };
    expect(reason.formatWhy(km, 'km', why)).toBe('៣៣.១ °C លើស ៣២.០ °C');
    expect(reason.formatWhy(en, 'en', why)).toBe('33.1 °C, above 32.0 °C');
    expect(reason.formatWhy(en, 'en', { code: 'schedule_on', schedule: 'Feeder', since: '06:00', until: '06:08' })).toBe('Schedule “Feeder” since 06:00, until 06:08');
    expect(reason.formatWhy(km, 'km', { code: 'house_mode', mode: 'catching', stops: 'heating' })).toBe(km('why_mode_heating').replace('{mode}', km('mode_catching')));
  });

  it('says alarm messages, and gives null for no structure or an unknown code', () => {
    expect(reason.formatWhy(en, 'en', { code: 'output_unconfirmed', output: 'Fan 1', state: 'off' })).toBe('“Fan 1” did not confirm switching off');
    expect(reason.formatWhy(km, 'km', { code: 'water_low', seconds: 60 })).toBe(km('alarmwhy_water_low').replace('{seconds}', '៦០'));
    expect(reason.formatWhy(en, 'en', null)).toBeNull();
    expect(reason.formatWhy(en, 'en', { code: 'something_new' })).toBeNull();
  });
});
