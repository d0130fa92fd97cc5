/**
 * The dashboard's pure pieces (stream parsing, routes, numbers and times in both languages,
 * chart columns), loaded by path: the dashboard is its own TypeScript project with DOM types.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));
const load = async <T>(file: string) => (await import(pathToFileURL(`${SRC}${file}`).href)) as T;

interface SseModule {
  SseParser: new () => { push(chunk: string): Array<{ event: string; data: string }> };
}
interface RoutesModule {
  parseRoute(path: string): unknown;
}
interface I18nModule {
  formatWhen(locale: 'km' | 'en', ms: number, timeZone: string | undefined, now?: number): string;
  formatNumber(locale: 'km' | 'en', value: number, decimals?: number): string;
  keyOr(prefix: string, value: string, fallback: string): string;
}
interface ChartModule {
  toColumns(history: { points: Array<{ t: number; min: number | null; max: number | null; mean: number | null; count: number }> }): unknown;
}

let sse: SseModule;
let routes: RoutesModule;
let i18n: I18nModule;
let chart: ChartModule;

beforeAll(async () => {
  [sse, routes, i18n, chart] = await Promise.all([load<SseModule>('api/sse.ts'), load<RoutesModule>('routes.ts'), load<I18nModule>('i18n/i18n.ts'), load<ChartModule>('components/history-chart.ts')]);
});

describe('server-sent events parser', () => {
  it('splits named events across chunk boundaries and skips heartbeats', () => {
    const parser = new sse.SseParser();
    expect(parser.push(': connected\n\nevent: coop\ndata: {"id":')).toEqual([]);
    expect(parser.push('"coop-1"}\n\n: heartbeat\n\ndata: {"collection":"*","resync":true}\r\n\r\nevent: alarm\n')).toEqual([
      { event: 'coop', data: '{"id":"coop-1"}' },
      { event: 'message', data: '{"collection":"*","resync":true}' },
    ]);
    expect(parser.push('data: a\ndata: b\n\n')).toEqual([{ event: 'alarm', data: 'a\nb' }]);
  });
});

describe('client routes', () => {
  it('maps paths to screens and anything else to "not found"', () => {
    expect(routes.parseRoute('/')).toEqual({ kind: 'farms' });
    expect(routes.parseRoute('/farms/farm-a')).toEqual({ kind: 'farm', farmId: 'farm-a', tab: 'coops' });
    expect(routes.parseRoute('/farms/farm-a/schedules')).toEqual({ kind: 'farm', farmId: 'farm-a', tab: 'schedules' });
    expect(routes.parseRoute('/farms/farm%20a/coops/coop-1')).toEqual({ kind: 'coop', farmId: 'farm a', coopId: 'coop-1' });
    for (const path of ['/farms', '/farms/a/nope', '/x', '/farms/a/coops', '/farms/%E0%A4%A/alarms']) expect(routes.parseRoute(path), path).toEqual({ kind: 'missing' });
  });
});

describe('numbers and times in both languages', () => {
  const at = Date.UTC(2026, 10, 27, 9, 5);
  it('writes Khmer digits in Khmer and the farm clock either way', () => {
    expect(i18n.formatNumber('km', 33.4, 1)).toBe('៣៣.៤');
    expect(i18n.formatNumber('en', 33.44, 1)).toBe('33.4');
    expect(i18n.formatWhen('en', at, 'Asia/Phnom_Penh', at)).toBe('16:05');
    expect(i18n.formatWhen('km', at, 'Asia/Phnom_Penh', at)).toBe('១៦:០៥');
    // Another day: the date too.
    expect(i18n.formatWhen('en', at, 'Asia/Phnom_Penh', at + 2 * 86_400_000)).toBe('27/11 16:05');
  });

  it('falls back to a generic label for kinds the catalogue does not know', () => {
    expect(i18n.keyOr('kind_', 'fan', 'kind_other')).toBe('kind_fan');
    expect(i18n.keyOr('kind_', 'toaster', 'kind_other')).toBe('kind_other');
    expect(i18n.keyOr('kind_', 'constructor', 'kind_other')).toBe('kind_other');
  });
});

describe('chart columns', () => {
  it('orders points by time and keeps gaps as gaps', () => {
    const columns = chart.toColumns({
      points: [
        { t: 7_200_000, min: 28, max: 30, mean: 29, count: 60 },
        { t: 3_600_000, min: null, max: null, mean: null, count: 0 },
      ],
    });
    expect(columns).toEqual([[3600, 7200], [null, 29], [null, 28], [null, 30]]);
  });
});
