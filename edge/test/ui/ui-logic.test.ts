import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The UI is its own TypeScript project: its modules are loaded by path, typed here by hand.
type Target = { lowC: number; highC: number } | null;
interface TemperatureModule {
  judgeTemperature(value: number | null, failed: boolean, target: Target): string;
  coopTemperature(coop: { sensors: unknown[] }): { value: number | null; failed: boolean };
}
interface I18nModule {
  formatNumber(locale: 'km' | 'en', value: number, decimals?: number): string;
  toKhmerDigits(text: string): string;
  loadLocale(storage: { getItem(key: string): string | null } | undefined): 'km' | 'en';
}

const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(fileURLToPath(new URL(`../../ui/src/${file}`, import.meta.url))).href)) as T;
const sensor = (value: number | null, failure: string | null = null, kind = 'temperature') => ({ kind, installed: true, latest: { ts: 1, value, failure } });

describe('judgeTemperature and coopTemperature', () => {
  let temperature: TemperatureModule;
  beforeAll(async () => {
    temperature = await load<TemperatureModule>('temperature.ts');
  });

  it('says good inside the band, too hot above it and too cold below it', () => {
    const band = { lowC: 30, highC: 32 };
    expect(temperature.judgeTemperature(31, false, band)).toBe('good');
    expect(temperature.judgeTemperature(32, false, band)).toBe('good');
    expect(temperature.judgeTemperature(32.1, false, band)).toBe('hot');
    expect(temperature.judgeTemperature(29.9, false, band)).toBe('cold');
  });

  it('never turns a failed or missing reading into a number', () => {
    expect(temperature.coopTemperature({ sensors: [sensor(null, 'no_response')] })).toEqual({ value: null, failed: true });
    expect(temperature.judgeTemperature(null, true, { lowC: 30, highC: 32 })).toBe('failed');
    expect(temperature.judgeTemperature(null, false, { lowC: 30, highC: 32 })).toBe('unknown');
  });

  it('averages the working temperature sensors only and says when no target is set', () => {
    const coop = { sensors: [sensor(30), sensor(32), sensor(null, 'stuck'), sensor(80, null, 'humidity')] };
    expect(temperature.coopTemperature(coop)).toEqual({ value: 31, failed: false });
    expect(temperature.judgeTemperature(31, false, null)).toBe('noTarget');
  });
});

describe('i18n helpers', () => {
  let i18n: I18nModule;
  beforeAll(async () => {
    i18n = await load<I18nModule>('i18n/i18n.ts');
  });

  it('writes numbers with Khmer numerals in Khmer and Western digits in English', () => {
    expect(i18n.formatNumber('km', 33.14, 1)).toBe('៣៣.១');
    expect(i18n.formatNumber('en', 33.14, 1)).toBe('33.1');
    expect(i18n.toKhmerDigits('06:05')).toBe('០៦:០៥');
  });

  it('starts in Khmer unless English was chosen on this phone', () => {
    expect(i18n.loadLocale(undefined)).toBe('km');
    expect(i18n.loadLocale({ getItem: () => 'fr' })).toBe('km');
    expect(i18n.loadLocale({ getItem: () => 'en' })).toBe('en');
  });
});
