/**
 * The pure parts of the notifications inbox and the morning report: what a notification means
 * in each language, unread counting, the bell's count over time, the report's day arithmetic and
 * its exceptions said from the figures, and both catalogues complete for these screens.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));
const load = async <T>(path: string) => (await import(pathToFileURL(`${SRC}${path}`).href)) as T;

type Notification = { id: string; farmId: string; kind: string; title: string; body: string; createdAt: number; readAt: number | null };
type Comparison = { value: number | null; yesterday: number | null; vsYesterdayPercent: number | null; expected: number | null; vsExpectedPercent: number | null };
type Coop = {
  coopId: string;
  coopName: string;
  recorded: boolean;
  flock: null;
  water: Comparison;
  feedBags: Comparison;
  mortality: number | null;
  culls: number | null;
  band: { lowC: number; highC: number } | null;
  minutesAbove: number;
  minutesBelow: number;
  minutesWithData: number;
  exceptions: Array<{ kind: string; message: string }>;
};
type Translate = (key: string) => string;
type Sentence = { key: string; values: Record<string, string | number> };

let logic: {
  readMeaning(n: Pick<Notification, 'kind' | 'title'> & { alarm?: { alarmId: string; kind: string; severity: string; coopId: string | null } | null }): { kind: string; severity?: string; alarm?: string };
  titleOf(t: Translate, meaning: unknown): string;
  bodyOf(locale: 'km' | 'en', t: Translate, n: Pick<Notification, 'body'>, meaning: unknown): string | null;
  listedNotifications(items: Notification[], now: number): Notification[];
  countUnread(items: Notification[]): number;
  withRead(items: Notification[], id: string, at: number): Notification[];
  unreadBadge(locale: 'km' | 'en', count: number, limit?: number): string;
  labelFarms(ids: string[], known: (id: string) => { name?: string; timeZone?: string }): Record<string, { name: string; timeZone: string }>;
  NOTIFICATION_RETENTION_MS: number;
};
let report: {
  isReportDate(text: string): boolean;
  shiftDate(date: string, days: number): string;
  formatReportDate(locale: 'km' | 'en', date: string): string;
  formatChange(locale: 'km' | 'en', percent: number): string;
  orderCoops(coops: Coop[]): Coop[];
  describeException(coop: Coop, exception: { kind: string }): Sentence;
  summarizeFarm(farm: { exceptionCount: number; coops: Coop[] }): Sentence;
  reportedDate(answer: { farms: Array<{ date: string }> }): string | null;
};
let fill: (text: string, values: Record<string, string | number>, locale: 'km' | 'en') => string;
let parseRoute: (path: string) => unknown;
let km: Record<string, string>;
let en: Record<string, string>;
const tr = (catalogue: Record<string, string>) => (key: string) => catalogue[key] ?? `?${key}`;

beforeAll(async () => {
  logic = await load('notifications/notification-logic.ts');
  report = await load('report/report-logic.ts');
  ({ fill } = await load<{ fill: typeof fill }>('components/feedback-line.ts'));
  ({ parseRoute } = await load<{ parseRoute: typeof parseRoute }>('routes.ts'));
  ({ km, en } = await loadCatalogues());
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 3, 0);
const note = (id: string, createdAt: number, readAt: number | null = null, extra: Partial<Notification> = {}): Notification => ({
  id,
  farmId: 'farm-a',
  kind: 'alarm_raised',
  title: 'Critical alarm: temperature high',
  body: 'Coop A1 at 31.8 °C',
  createdAt,
  readAt,
  ...extra,
});
const none: Comparison = { value: null, yesterday: null, vsYesterdayPercent: null, expected: null, vsExpectedPercent: null };
const coop = (name: string, patch: Partial<Coop> = {}): Coop => ({
  coopId: name.toLowerCase().replace(/ /g, '-'),
  coopName: name,
  recorded: true,
  flock: null,
  water: none,
  feedBags: none,
  mortality: 0,
  culls: 0,
  band: { lowC: 26, highC: 30 },
  minutesAbove: 0,
  minutesBelow: 0,
  minutesWithData: 0,
  exceptions: [],
  ...patch,
});
const say = (catalogue: Record<string, string>, locale: 'km' | 'en', sentence: Sentence) => fill(catalogue[sentence.key]!, sentence.values, locale);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('notification meaning', () => {
  it('takes an alarm’s severity and kind from the API’s structured alarm, whatever the English title says', () => {
    const meaning = logic.readMeaning({ kind: 'alarm_raised', title: 'Warning: something reworded', alarm: { alarmId: 'a1', kind: 'water_low', severity: 'critical', coopId: null } });
    expect(meaning).toEqual({ kind: 'alarm', severity: 'severity_critical', alarm: 'alarm_water_low' });
    expect(logic.readMeaning({ kind: 'alarm_raised', title: 'x', alarm: { alarmId: 'a2', kind: 'ammonia_rising', severity: 'warning', coopId: 'c1' } })).toEqual({ kind: 'alarm', severity: 'severity_warning', alarm: 'alarm_other' });
  });

  it('reads an alarm’s severity and kind from the title in a copy saved before the API gave them, and says them in each language', () => {
    const critical = logic.readMeaning({ kind: 'alarm_raised', title: 'Critical alarm: temperature high' });
    expect(critical).toEqual({ kind: 'alarm', severity: 'severity_critical', alarm: 'alarm_temperature_high' });
    expect(logic.titleOf(tr(km), critical)).toBe(`${km.severity_critical}: ${km.alarm_temperature_high}`);
    expect(logic.titleOf(tr(en), critical)).toBe('Danger: Too hot');
    expect(logic.readMeaning({ kind: 'alarm_raised', title: 'Warning: output unconfirmed' })).toEqual({ kind: 'alarm', severity: 'severity_warning', alarm: 'alarm_output_unconfirmed' });
  });

  it('falls back to a generic alarm or message rather than showing an English title it does not know', () => {
    const unknown = logic.readMeaning({ kind: 'alarm_raised', title: 'Warning: ammonia rising' });
    expect(unknown).toEqual({ kind: 'alarm', severity: 'severity_warning', alarm: 'alarm_other' });
    expect(logic.readMeaning({ kind: 'alarm_raised', title: 'Something else' })).toMatchObject({ alarm: 'alarm_other' });
    const other = logic.readMeaning({ kind: 'flock_due', title: 'Flock due' });
    expect(other).toEqual({ kind: 'other' });
    expect(logic.titleOf(tr(km), other)).toBe(km.ntfOther);
  });

  it('shows the server’s English body in English only; a silent farm controller gets a Khmer sentence', () => {
    const alarm = logic.readMeaning({ kind: 'alarm_raised', title: 'Critical alarm: temperature high' });
    expect(logic.bodyOf('en', tr(en), { body: 'Coop A1 at 31.8 °C' }, alarm)).toBe('Coop A1 at 31.8 °C');
    expect(logic.bodyOf('km', tr(km), { body: 'Coop A1 at 31.8 °C' }, alarm)).toBeNull();
    const silent = logic.readMeaning({ kind: 'edge_silent', title: 'Farm controller not reachable' });
    expect(logic.titleOf(tr(km), silent)).toBe(km.ntfEdgeSilentTitle);
    expect(logic.bodyOf('km', tr(km), { body: 'The farm controller has not reached the cloud since 10:00.' }, silent)).toBe(km.ntfEdgeSilentBody);
  });
});

describe('inbox list and unread count', () => {
  it('lists the last 90 days newest first, even from an older saved copy', () => {
    const items = [note('1', NOW - 3 * DAY), note('3', NOW - DAY), note('2', NOW - DAY), note('0', NOW - logic.NOTIFICATION_RETENTION_MS - 1)];
    expect(logic.listedNotifications(items, NOW).map((item) => item.id)).toEqual(['3', '2', '1']);
  });

  it('counts unread ones and marks one read without touching the others', () => {
    const items = [note('1', NOW - 1000), note('2', NOW - 2000, NOW - 500), note('3', NOW - 3000)];
    expect(logic.countUnread(items)).toBe(2);
    const after = logic.withRead(items, '3', NOW);
    expect(after.map((item) => item.readAt)).toEqual([null, NOW - 500, NOW]);
    expect(logic.countUnread(after)).toBe(1);
    // Already read: its first reading time stays.
    expect(logic.withRead(after, '2', NOW)[1]!.readAt).toBe(NOW - 500);
  });

  it('shows the bell’s number in Khmer digits, and "500+" when the answer was cut at the limit', () => {
    expect(logic.unreadBadge('km', 12)).toBe('១២');
    expect(logic.unreadBadge('en', 12)).toBe('12');
    expect(logic.unreadBadge('km', 500)).toBe('៥០០+');
    expect(fill(km.ntfBellUnread!, { count: logic.unreadBadge('km', 3) }, 'km')).toMatch(/៣/);
  });

  it('names each farm and its clock, with the server’s default zone when none is known yet', () => {
    const labels = logic.labelFarms(['farm-a', 'farm-b'], (id) => (id === 'farm-a' ? { name: 'Kampot', timeZone: 'Asia/Bangkok' } : {}));
    expect(labels).toEqual({ 'farm-a': { name: 'Kampot', timeZone: 'Asia/Bangkok' }, 'farm-b': { name: 'farm-b', timeZone: 'Asia/Phnom_Penh' } });
  });
});

describe('unread watcher', () => {
  type Watcher = { start(): void; stop(): void };
  type Unread = {
    unread: { get(): { count: number | null } };
    alarmReported(): void;
    setUnreadCount(userId: string, count: number): void;
    UnreadWatcher: new (deps: { userId: string; document: unknown; everyMs?: number; fetchCount(): Promise<number> }) => Watcher;
  };
  let unread: Unread;
  let listeners: Map<string, () => void>;
  let doc: { visibilityState: 'visible' | 'hidden'; addEventListener(name: string, fn: () => void): void; removeEventListener(name: string): void };
  let calls: number;
  let answer: Notification[];

  beforeEach(async () => {
    vi.useFakeTimers();
    unread = await load<Unread>('notifications/unread.ts');
    listeners = new Map();
    doc = { visibilityState: 'visible', addEventListener: (name, fn) => void listeners.set(name, fn), removeEventListener: (name) => void listeners.delete(name) };
    calls = 0;
    answer = [note('1', NOW), note('2', NOW)];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const start = () => {
    const watcher = new unread.UnreadWatcher({ userId: 'u1', document: doc, everyMs: 60_000, fetchCount: async () => ((calls += 1), answer.length) });
    watcher.start();
    return watcher;
  };

  it('asks at start, every minute while the page is visible, when it becomes visible and when a live stream reports an alarm', async () => {
    const watcher = start();
    await vi.advanceTimersByTimeAsync(0);
    expect(unread.unread.get().count).toBe(2);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    doc.visibilityState = 'hidden';
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toBe(2);
    doc.visibilityState = 'visible';
    answer = [...answer, note('3', NOW)];
    listeners.get('visibilitychange')!();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(3);
    expect(unread.unread.get().count).toBe(3);
    unread.alarmReported();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(4);
    watcher.stop();
    expect(listeners.size).toBe(0);
    expect(unread.unread.get().count).toBeNull();
    await vi.advanceTimersByTimeAsync(600_000);
    unread.alarmReported();
    expect(calls).toBe(4);
  });

  it('keeps the inbox’s newer count over an answer asked for before it', async () => {
    let release: (count: number) => void = () => undefined;
    const watcher = new unread.UnreadWatcher({ userId: 'u1', document: doc, fetchCount: () => new Promise((resolve) => (release = resolve)) });
    watcher.start();
    unread.setUnreadCount('u1', 0);
    release(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(unread.unread.get().count).toBe(0);
    watcher.stop();
  });
});

describe('morning report', () => {
  it('takes only real calendar days and steps across months, years and leap days', () => {
    expect(report.isReportDate('2026-11-26')).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '26-11-2026', '2026-1-5', '']) expect(report.isReportDate(bad), bad).toBe(false);
    expect(report.shiftDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(report.shiftDate('2028-03-01', -1)).toBe('2028-02-29');
    expect(report.shiftDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(report.formatReportDate('km', '2026-11-26')).toBe('២៦/១១/២០២៦');
    expect(report.formatChange('en', -33.33)).toBe('−33.3 %');
    expect(report.formatChange('km', 12.5)).toBe('+១២.៥ %');
    expect(report.formatChange('en', 0)).toBe('0 %');
  });

  it('puts the coops with the most exceptions first, keeping the farm’s order otherwise', () => {
    const ex = (n: number) => Array.from({ length: n }, () => ({ kind: 'no_record', message: '' }));
    const ordered = report.orderCoops([coop('Coop 1'), coop('Coop 2', { exceptions: ex(1) }), coop('Coop 3'), coop('Coop 4', { exceptions: ex(2) })]);
    expect(ordered.map((item) => item.coopName)).toEqual(['Coop 4', 'Coop 2', 'Coop 1', 'Coop 3']);
  });

  it('says each exception from the coop’s figures: direction from the sign, limit from the band', () => {
    const c = coop('Coop 1', {
      water: { value: 200, yesterday: 300, vsYesterdayPercent: -33.3, expected: 150, vsExpectedPercent: 33.3 },
      feedBags: { value: 6, yesterday: 5, vsYesterdayPercent: 20, expected: 8, vsExpectedPercent: -25 },
      minutesAbove: 30,
      minutesBelow: 20,
    });
    const said = (kind: string) => report.describeException(c, { kind });
    expect(said('water_vs_yesterday')).toEqual({ key: 'repEx_water_less_yesterday', values: { coop: 'Coop 1', percent: 33.3 } });
    expect(said('water_vs_curve').key).toBe('repEx_water_more_curve');
    expect(said('feed_vs_yesterday').key).toBe('repEx_feed_more_yesterday');
    expect(said('feed_vs_curve').key).toBe('repEx_feed_less_curve');
    expect(say(en, 'en', said('water_vs_yesterday'))).toBe('Coop 1 drank 33.3 % less than the day before.');
    expect(say(km, 'km', said('water_vs_yesterday'))).toBe('Coop 1 ផឹកទឹកតិចជាងថ្ងៃមុន ៣៣.៣ %។');
    expect(say(km, 'km', said('too_hot'))).toBe('Coop 1 ក្ដៅលើស ៣០ °C អស់រយៈពេល ៣០ នាទី។');
    expect(say(en, 'en', said('too_cold'))).toBe('Coop 1 was below 26 °C for 20 min.');
    expect(said('no_record')).toEqual({ key: 'repEx_no_record', values: { coop: 'Coop 1' } });
    // A kind this page does not know yet, or one whose figure is missing: a generic line, not the server's English.
    expect(said('ammonia_high').key).toBe('repEx_other');
    expect(report.describeException(coop('Coop 2'), { kind: 'water_vs_yesterday' }).key).toBe('repEx_other');
  });

  it('sums a farm up in a sentence, and gives the picker the day every farm reported', () => {
    expect(report.summarizeFarm({ exceptionCount: 3, coops: [coop('Coop 1')] })).toEqual({ key: 'repFarmExceptions', values: { count: 3 } });
    expect(report.summarizeFarm({ exceptionCount: 0, coops: [coop('Coop 1')] }).key).toBe('repFarmNone');
    expect(report.summarizeFarm({ exceptionCount: 0, coops: [] }).key).toBe('noCoops');
    expect(report.reportedDate({ farms: [{ date: '2026-11-26' }, { date: '2026-11-26' }] })).toBe('2026-11-26');
    expect(report.reportedDate({ farms: [{ date: '2026-11-26' }, { date: '2026-11-25' }] })).toBeNull();
  });

  it('has its routes, with and without a day', () => {
    expect(parseRoute('/notifications')).toEqual({ kind: 'notifications' });
    expect(parseRoute('/report')).toEqual({ kind: 'report', date: null });
    expect(parseRoute('/report/2026-11-26')).toEqual({ kind: 'report', date: '2026-11-26' });
    expect(parseRoute('/report/yesterday')).toEqual({ kind: 'missing' });
    expect(parseRoute('/notifications/12')).toEqual({ kind: 'missing' });
  });

  it('names every inbox and report string in Khmer, with the placeholders of the English sentence', () => {
    const keys = Object.keys(en).filter((key) => /^(ntf|rep|navNotifications|navReport)/.test(key));
    expect(keys.length).toBeGreaterThan(50);
    for (const key of keys) {
      expect(km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(placeholders(km[key]!), key).toEqual(placeholders(en[key]!));
    }
  });
});

describe('read batcher', () => {
  type Batcher = { mark(id: string): Promise<boolean> };
  let ReadBatcher: new (send: (ids: string[]) => Promise<string[]>, delayMs?: number) => Batcher;

  beforeEach(async () => {
    vi.useFakeTimers();
    ({ ReadBatcher } = await load<{ ReadBatcher: typeof ReadBatcher }>('notifications/read-batcher.ts'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends what is marked within a moment in one request, and says per notification whether it is read', async () => {
    const sent: string[][] = [];
    const batcher = new ReadBatcher(async (ids) => (sent.push(ids), ids.filter((id) => id !== '3')), 300);
    const marks = ['1', '2', '3', '2'].map((id) => batcher.mark(id));
    await vi.advanceTimersByTimeAsync(299);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([['1', '2', '3']]);
    expect(await Promise.all(marks)).toEqual([true, true, false, true]);
    // A later mark starts a new batch.
    const later = batcher.mark('4');
    await vi.advanceTimersByTimeAsync(300);
    expect(sent).toEqual([['1', '2', '3'], ['4']]);
    expect(await later).toBe(true);
  });

  it('answers false for the whole batch when the request fails, and goes on with the next one', async () => {
    let fail = true;
    const batcher = new ReadBatcher(async (ids) => {
      if (fail) throw new Error('offline');
      return ids;
    });
    const first = batcher.mark('1');
    await vi.advanceTimersByTimeAsync(300);
    expect(await first).toBe(false);
    fail = false;
    const second = batcher.mark('1');
    await vi.advanceTimersByTimeAsync(300);
    expect(await second).toBe(true);
  });
});
