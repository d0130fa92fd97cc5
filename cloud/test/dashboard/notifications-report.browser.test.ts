/**
 * The notifications inbox and the morning report in Chromium against the real cloud app:
 * alarms and daily records arrive the way an edge sends them (POST /v1/ingest), so the
 * notifications and the report's rows are the server's own; read state is checked in the
 * database, the report's exceptions in Khmer with none of the server's English left.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeSchedules } from '../../src/jobs/execute-schedules.js';
import { createAccount, createMember, type TestAccount } from '../support/accounts.js';
import { DESKTOP, newPage, PHONE, seriousViolations, smallTouchTargets, visibleTexts } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { foreignStrings } from './support/catalogues.js';
import { startDashboardCloud, type DashboardCloud } from './support/dashboard-cloud.js';
import { configureFarm, EdgeOutbox, type EdgeLink } from './support/seed-farms.js';

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';
const khmer = (text: string) => text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
const KHMER_SCRIPT = /[\u1780-\u17FF]/;
/** Farms with no time zone of their own are on Cambodia's clock (docs/cloud/farm-api.md). */
const ZONE = 'Asia/Phnom_Penh';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FARM_A = 'farm-n1';
const FARM_B = 'farm-n2';

const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const localTime = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
/** A catalogue sentence with its placeholders filled as the page fills them (numbers in the language's digits). */
const sentence = (text: string, values: Record<string, string | number>, km: boolean) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name]!;
    return typeof value === 'number' && km ? khmer(String(value)) : String(value);
  });

let cloud: DashboardCloud;
let db: DashboardCloud['db'];
let app: FastifyInstance;
let browser: Browser;
let km: Record<string, string>;
let en: Record<string, string>;
let outboxA: EdgeOutbox;
let farmA: EdgeLink;
const now = Date.now();
/** The report's default day: yesterday on the farms' clock. */
const yesterday = localDate(now - DAY);
const dayBefore = localDate(now - 2 * DAY);
const twoDaysBefore = localDate(now - 3 * DAY);
let alarmCount = 0;

const raiseAlarm = (outbox: EdgeOutbox, ts: number, kind: string, severity: 'critical' | 'warning', message: string) =>
  outbox.event({ type: 'alarm_raised', ts, coopId: 'coop-1', alarmId: `alarm-${(alarmCount += 1)}`, kind, severity, message });

const record = (outbox: EdgeOutbox, date: string, ts: number, feedBags: number, waterMeter: number) =>
  outbox.event({ type: 'daily_record', ts, coopId: 'coop-1', actorId: 'worker-1', date, mortality: { heat: 1, sick: 0, injured: 0, unknown: 0 }, culls: 0, feedBags, waterMeter, note: '' });

beforeAll(async () => {
  cloud = await startDashboardCloud();
  ({ db, app, browser } = cloud);
  ({ km, en } = cloud.catalogues as { km: Record<string, string>; en: Record<string, string> });
  farmA = await cloud.addFarm(FARM_A);
  const farmB = await cloud.addFarm(FARM_B);
  await configureFarm(farmA, { coop1: 'Coop N1', coop2: 'Coop N2' });
  await configureFarm(farmB, { coop1: 'Coop M1', coop2: 'Coop M2' });
  outboxA = new EdgeOutbox(farmA);
  const outboxB = new EdgeOutbox(farmB);
  // Three notifications over two farms, and daily records of coop N1 over three days: it drank
  // 300 l, then 200 l (a third less than the day before); coop N2 has no record at all.
  await raiseAlarm(outboxA, now - 3 * HOUR, 'temperature_high', 'critical', 'Coop N1 at 33.1 °C');
  await raiseAlarm(outboxB, now - 2 * HOUR, 'sensor_failed', 'warning', 'Sensor T1 stopped answering');
  await raiseAlarm(outboxA, now - HOUR, 'water_low', 'warning', 'Water tank of Coop N1 low');
  await record(outboxA, twoDaysBefore, now - 3 * DAY, 5, 1000);
  await record(outboxA, dayBefore, now - 2 * DAY, 5, 1300);
  await record(outboxA, yesterday, now - DAY, 5, 1500);
}, 120_000);

afterAll(() => cloud?.close());

/** An owner of both farms: sign-in is rate-limited per login, so each test has its own person. */
async function owner(): Promise<TestAccount> {
  const account = await createMember(app, db.pool, FARM_A, 'owner');
  await db.pool.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3)', [FARM_B, account.userId, 'owner']);
  return account;
}

const text = async (locator: Locator) => (await locator.textContent())?.trim();
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const bellCount = async (page: Page) => Number(await page.getAttribute('[data-testid=bell]', 'data-unread'));
const waitForBell = (page: Page, count: number) => page.waitForSelector(`[data-testid=bell][data-unread="${count}"]`, { timeout: 15_000 });
const readInDatabase = async (userId: string) =>
  (await db.pool.query<{ id: string }>('SELECT notification_id::text AS id FROM notification_read WHERE user_id = $1 ORDER BY notification_id', [userId])).rows.map((row) => row.id).sort();
const itemState = (page: Page) =>
  page.$$eval('[data-testid=notification]', (items) => items.map((item) => ({ id: item.getAttribute('data-id')!, read: item.getAttribute('data-read') === 'true' })));

async function accessibilityFindings(page: Page, name: string): Promise<string[]> {
  return [...(await seriousViolations(page)).map((line) => `${name}: ${line}`), ...(await smallTouchTargets(page)).map((line) => `${name}: touch target under 48 px: ${line}`)];
}

describe('notifications inbox', () => {
  it('counts unread on the bell, follows a live alarm, and marks what was seen read (in the database too)', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      const person = await owner();
      await cloud.signIn(page, person);
      await waitForBell(page, 3);
      expect(await page.textContent('[data-testid=bell-count]')).toBe('៣');
      expect(await page.getAttribute('[data-testid=bell]', 'title')).toBe(sentence(km.ntfBellUnread!, { count: '៣' }, true));
      expect((await page.textContent('[data-testid=bell]'))?.replace(/\s+/g, ' ').trim()).toBe(`${km.navNotifications}: ៣ ${km.ntfNewShort}`);

      // With the farm page open, its live stream reports a new alarm and the bell follows at once.
      await page.click(`[data-testid=farm-card]:has-text("Farm ${FARM_A}") a`);
      await page.waitForSelector(`.farm-head .verdict:has-text("${km.live}")`);
      await raiseAlarm(outboxA, Date.now(), 'temperature_low', 'critical', 'Coop N1 at 18.2 °C');
      await waitForBell(page, 4);
      expect(await readInDatabase(person.userId)).toEqual([]);

      await page.click('[data-testid=bell]');
      await page.waitForSelector('[data-testid=notification]');
      const { rows } = await db.pool.query<{ id: string; farm_id: string; created_at: string }>('SELECT id::text, farm_id, created_at FROM notification ORDER BY created_at DESC, id DESC');
      const listed = await itemState(page);
      expect(listed.map((item) => item.id)).toEqual(rows.map((row) => row.id));
      // Newest first: the live alarm on top, said in Khmer from its kind and severity, on the farm's clock.
      const first = page.locator('[data-testid=notification]').first();
      expect(await first.locator('h2').textContent()).toContain(`${km.severity_critical}: ${km.alarm_temperature_low}`);
      expect(await first.locator('[data-testid=notification-farm]').textContent()).toContain(`Farm ${FARM_A}`);
      expect(await first.locator('[data-testid=notification-time]').textContent()).toContain(khmer(localTime(Number(rows[0]!.created_at))));
      expect(await page.locator(`[data-testid=notification] [data-testid=notification-farm]:has-text("Farm ${FARM_B}")`).count()).toBe(1);

      // What has been on screen for a moment is marked read, on the page, in the database and on the bell.
      await page.waitForSelector('[data-testid=notification]:first-child[data-read=true]', { timeout: 15_000 });
      const agreed = async () => {
        const shown = await itemState(page);
        const read = shown.filter((item) => item.read).map((item) => item.id).sort();
        return JSON.stringify(read) === JSON.stringify(await readInDatabase(person.userId)) && (await bellCount(page)) === shown.length - read.length;
      };
      await expect.poll(agreed, { timeout: 15_000 }).toBe(true);
      const afterOpen = await itemState(page);
      // The oldest is below the fold of a phone: still unread, on the page and in the database.
      const last = afterOpen[afterOpen.length - 1]!;
      expect(last.read).toBe(false);
      expect(await readInDatabase(person.userId)).not.toContain(last.id);
      expect(await page.textContent(`[data-testid=notification][data-id="${last.id}"] [data-testid=notification-state]`)).toContain(km.ntfUnread);
      const findings = await accessibilityFindings(page, 'inbox');
      await shot(page, 'phone-notifications-km');

      // "Mark read" on the oldest, then everything scrolled past: nothing unread is left.
      await page.click(`[data-testid=notification][data-id="${last.id}"] [data-testid=mark-read]`);
      await page.waitForSelector(`[data-testid=notification][data-id="${last.id}"][data-read=true]`);
      for (const item of await itemState(page)) {
        if (item.read) continue;
        await page.locator(`[data-testid=notification][data-id="${item.id}"]`).scrollIntoViewIfNeeded();
        await page.waitForSelector(`[data-testid=notification][data-id="${item.id}"][data-read=true]`);
      }
      await waitForBell(page, 0);
      expect(await page.locator('[data-testid=bell-count]').count()).toBe(0);
      expect((await page.textContent('[data-testid=bell]'))?.trim()).toBe(km.ntfBellNone);
      expect(await readInDatabase(person.userId)).toEqual(rows.map((row) => row.id).sort());
      expect(await page.textContent('[data-testid=notifications-summary]')).toContain(km.ntfAllRead);

      // Khmer only: neither the catalogue's English nor the server's English titles and bodies.
      const englishInKhmer = foreignStrings(km, en);
      const texts = await visibleTexts(page);
      expect(texts.filter((text) => englishInKhmer.has(text) || /Critical alarm|Warning|stopped answering|at \d/.test(text))).toEqual([]);
      expect(findings).toEqual([]);

      // English: the server's body is shown as written.
      await page.click('[data-testid=language]');
      await page.waitForSelector('html[lang=en]');
      expect(await page.textContent('[data-testid=notification]:has-text("Sensor T1 stopped answering") h2')).toContain(`${en.severity_warning}: ${en.alarm_sensor_failed}`);
      const english = await visibleTexts(page);
      const khmerInEnglish = foreignStrings(en, km);
      expect(english.filter((text) => (KHMER_SCRIPT.test(text) && text !== en.language) || khmerInEnglish.has(text))).toEqual([]);
      await shot(page, 'phone-notifications-en');
    } finally {
      await context.close();
    }
  });
});

describe('morning report', () => {
  it('shows yesterday’s exceptions first in Khmer from the figures, steps to another day, and reads offline', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      const person = await owner();
      await cloud.signIn(page, person);
      await page.click('[data-testid=report-link]');
      await page.waitForSelector('[data-testid=report-farm]');
      expect(await page.inputValue('[data-testid=report-date]')).toBe(yesterday);
      const answer = (await app.inject({ method: 'GET', url: '/v1/reports/morning', headers: { authorization: `Bearer ${person.accessToken}` } })).json() as {
        farms: Array<{ farmId: string; coops: Array<{ coopId: string; exceptions: Array<{ kind: string; message: string }> }> }>;
      };
      // The farm with more exceptions first, as the server ordered them.
      expect(await page.$$eval('[data-testid=report-farm]', (farms) => farms.map((farm) => farm.getAttribute('data-farm')))).toEqual(answer.farms.map((farm) => farm.farmId));
      const farm = page.locator(`[data-testid=report-farm][data-farm=${FARM_A}]`);
      expect(await farm.locator('[data-testid=report-farm-date]').textContent()).toBe(khmer(yesterday.split('-').reverse().join('/')));
      const coop1 = farm.locator('[data-testid=report-coop][data-coop=coop-1]');
      expect(await text(coop1.locator('[data-testid=report-exception][data-kind=water_vs_yesterday]'))).toBe(sentence(km.repEx_water_less_yesterday!, { coop: 'Coop N1', percent: 33.3 }, true));
      expect(await coop1.locator('[data-testid=report-water]').textContent()).toContain(sentence(km.repLitres!, { value: 200 }, true));
      expect(await coop1.locator('[data-testid=report-water]').textContent()).toContain(`−${khmer('33.3')} %`);
      const coop2 = farm.locator('[data-testid=report-coop][data-coop=coop-2]');
      expect(await text(coop2.locator('[data-testid=report-exception][data-kind=no_record]'))).toBe(sentence(km.repEx_no_record!, { coop: 'Coop N2' }, true));
      // Coops with exceptions first: each one's exceptions at its top.
      const kinds = await farm.locator('[data-testid=report-coop]').evaluateAll((coops) => coops.map((coop) => coop.querySelectorAll('[data-testid=report-exception]').length));
      expect(kinds).toEqual([...kinds].sort((a, b) => b - a));

      // Nothing of the server's English: not its sentences, not a Latin word beyond the names.
      const messages = answer.farms.flatMap((item) => item.coops.flatMap((coop) => coop.exceptions.map((exception) => exception.message)));
      expect(messages.length).toBeGreaterThan(2);
      const texts = await visibleTexts(page);
      const pageText = texts.join('\n');
      for (const message of messages) expect(pageText).not.toContain(message);
      const englishInKhmer = foreignStrings(km, en);
      const names = /Farm farm-n\d|Coop [NM]\d|B7|°C/g;
      expect(texts.filter((text) => text !== km.language && (englishInKhmer.has(text) || /[A-Za-z]{2,}/.test(text.replace(names, ''))))).toEqual([]);
      const findings = await accessibilityFindings(page, 'report');
      expect(findings).toEqual([]);
      await shot(page, 'phone-report-km');

      // The day before: its own figures (no reading two days earlier, so no comparison of water).
      await page.click('[data-testid=report-previous]');
      await page.waitForURL(`**/report/${dayBefore}`);
      await page.waitForSelector(`[data-testid=report-farm][data-farm=${FARM_A}] [data-testid=report-farm-date]:has-text("${khmer(dayBefore.split('-').reverse().join('/'))}")`);
      expect(await page.inputValue('[data-testid=report-date]')).toBe(dayBefore);
      expect(await coop1.locator('[data-testid=report-exception][data-kind=water_vs_yesterday]').count()).toBe(0);
      expect(await coop1.locator('[data-testid=report-water]').textContent()).toContain(sentence(km.repLitres!, { value: 300 }, true));

      // The inbox once, so that its list is on the phone too.
      await page.click('[data-testid=bell]');
      await page.waitForSelector('[data-testid=notification]');
      await page.goBack();
      await page.waitForSelector('[data-testid=report-farm]');
      const unreadBefore = await bellCount(page);

      // With no network the last answer of each day opens with its time.
      await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
      await context.setOffline(true);
      try {
        await page.goto(`${cloud.baseUrl}/report`).catch(() => undefined);
        await page.waitForSelector('[data-testid=offline-banner]', { timeout: 15_000 });
        await page.waitForSelector('[data-testid=report-exception][data-kind=water_vs_yesterday]', { timeout: 15_000 });
        expect(await page.textContent('[data-testid=report-synced]')).toMatch(/[០-៩]{2}:[០-៩]{2}/);
        expect(await page.inputValue('[data-testid=report-date]')).toBe(yesterday);
        await shot(page, 'phone-report-offline-km');
        // The inbox too: the bell keeps its last count and the list its last answer.
        expect(await bellCount(page)).toBe(unreadBefore);
        await page.click('[data-testid=bell]');
        await page.waitForSelector('[data-testid=notification]', { timeout: 15_000 });
        expect(await page.textContent('[data-testid=notifications-synced]')).toMatch(/[០-៩]{2}:[០-៩]{2}/);
      } finally {
        await context.setOffline(false);
      }

      // English: the same exceptions in English sentences of the catalogue.
      await page.goto(`${cloud.baseUrl}/report`);
      await page.click('[data-testid=language]');
      await page.waitForSelector(`[data-testid=report-exception][data-kind=water_vs_yesterday]:has-text("drank")`);
      expect(await text(page.locator(`[data-testid=report-farm][data-farm=${FARM_A}] [data-testid=report-exception][data-kind=water_vs_yesterday]`))).toBe(
        sentence(en.repEx_water_less_yesterday!, { coop: 'Coop N1', percent: 33.3 }, false),
      );
      const english = await visibleTexts(page);
      const khmerInEnglish = foreignStrings(en, km);
      expect(english.filter((text) => (KHMER_SCRIPT.test(text) && text !== en.language) || khmerInEnglish.has(text))).toEqual([]);
      await shot(page, 'phone-report-en');
    } finally {
      await context.close();
    }
  });

  it('says so when the person has no farm, and passes axe on a desktop (report and an inbox with a silent farm controller)', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    try {
      const loner = await createAccount(app, db.pool);
      await cloud.signIn(page, loner, '[data-testid=report-link]');
      await page.click('[data-testid=report-link]');
      await page.waitForSelector('[data-testid=report-empty]');
      expect(await page.textContent('[data-testid=report-empty]')).toBe(km.noFarms);
      // A day that does not exist is said so on the page.
      await page.goto(`${cloud.baseUrl}/report/2026-02-30`);
      await page.waitForSelector('[data-testid=report-bad-date]');
      await page.click('a.back[href="/report"]');
      await page.waitForSelector('[data-testid=report-empty]');
      expect(await bellCount(page)).toBe(0);
      await page.click('[data-testid=bell]');
      await page.waitForSelector('[data-testid=notifications-empty]');
      expect(await seriousViolations(page)).toEqual([]);
      const person = await owner();
      await context.clearCookies();
      await page.evaluate('localStorage.clear()');
      await cloud.signIn(page, person);
      await page.click('[data-testid=report-link]');
      await page.waitForSelector('[data-testid=report-exception]');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'desktop-report-km');

      // The cloud's job notices both farm controllers silent (a threshold of a moment): the inbox
      // says so in Khmer, not with the server's English title and body.
      const run = await executeSchedules(db.pool, app.services.store, { now: () => Date.now(), silentAfterMs: 1 });
      expect(run.notified).toBe(2);
      await page.click('[data-testid=bell]');
      const silent = page.locator(`[data-testid=notification]:has-text("${km.ntfEdgeSilentTitle}")`);
      await silent.first().waitFor();
      expect(await silent.count()).toBe(2);
      expect(await text(silent.first().locator('[data-testid=notification-body]'))).toBe(km.ntfEdgeSilentBody);
      // When it was last heard, on the farm's clock in Khmer digits.
      expect(await text(silent.first().locator('[data-testid=notification-last-seen]'))).toMatch(new RegExp(`^${km.ntfLastContact}: .*[០-៩]{2}:[០-៩]{2}`));
      expect((await visibleTexts(page)).filter((line) => /not reachable|has not reached/.test(line))).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'desktop-notifications-km');
    } finally {
      await context.close();
    }
  });
});
