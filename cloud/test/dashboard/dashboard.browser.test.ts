/**
 * The owners' dashboard in Chromium against the real cloud app (Postgres, accounts, farm API,
 * sync endpoints), with data that arrived the way an edge sends it: configuration through the
 * sync push, readings and alarms through the ingest endpoint.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, TEST_PASSWORD, type TestAccount } from '../support/accounts.js';
import { DESKTOP, newPage, PHONE, seriousViolations, smallTouchTargets, visibleTexts } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { foreignStrings, loadCatalogues } from './support/catalogues.js';
import { startDashboardCloud, type DashboardCloud } from './support/dashboard-cloud.js';
import { configureFarm, EdgeOutbox, pullDocs, type EdgeLink } from './support/seed-farms.js';

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';
const khmer = (text: string) => text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
const KHMER_SCRIPT = /[\u1780-\u17FF]/;

let cloud: DashboardCloud;
let db: DashboardCloud['db'];
let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let owner: TestAccount;
let farmA: EdgeLink;
let farmB: EdgeLink;
let outboxA: EdgeOutbox;

beforeAll(async () => {
  cloud = await startDashboardCloud();
  ({ db, app, baseUrl, browser } = cloud);
  farmA = await cloud.addFarm('farm-a');
  farmB = await cloud.addFarm('farm-b');
  owner = await createMember(app, db.pool, 'farm-a', 'owner', { name: 'Sokha' });
  await db.pool.query("INSERT INTO membership (farm_id, user_id, role) VALUES ('farm-b', $1, 'owner')", [owner.userId]);
  await configureFarm(farmA, { coop1: 'Coop A1', coop2: 'Coop A2' });
  await configureFarm(farmB, { coop1: 'Coop B1', coop2: 'Coop B2' });
  outboxA = new EdgeOutbox(farmA);
  const now = Date.now();
  // A day of history every 10 minutes (a warm afternoon), then the last three minutes.
  const day = Array.from({ length: 143 }, (_, i) => now - (144 - i) * 600_000);
  await outboxA.readings('temp-1', day.map((ts) => ({ ts, value: Math.round((28 + 3 * Math.sin(((ts - now) / 86_400_000) * 2 * Math.PI)) * 10) / 10 })));
  await outboxA.readings('temp-1', [29.6, 30.4, 31.8].map((value, i) => ({ ts: now - (3 - i) * 60_000, value })));
  await outboxA.readings('hum-1', [{ ts: now - 60_000, value: 71 }]);
  await outboxA.event({ type: 'alarm_raised', ts: now - 30_000, coopId: 'coop-1', alarmId: 'alarm-hot', kind: 'temperature_high', severity: 'critical', message: 'Coop A1 at 31.8 °C' });
  await new EdgeOutbox(farmB).readings('temp-1', [{ ts: now - 60_000, value: 27.5 }]);
}, 120_000);

afterAll(() => cloud?.close());

/** Another owner of both farms: sign-in is limited to 5 a minute per address and login, so each test signs in as its own person. */
async function freshOwner(): Promise<TestAccount> {
  const account = await createMember(app, db.pool, 'farm-a', 'owner');
  await db.pool.query("INSERT INTO membership (farm_id, user_id, role) VALUES ('farm-b', $1, 'owner')", [account.userId]);
  return account;
}

const signIn = (page: Page, account: TestAccount = owner) => cloud.signIn(page, account);

async function openCoop(page: Page, farmName: string, coopName: string): Promise<void> {
  await page.click(`[data-testid=farm-card]:has-text("${farmName}") a`);
  await page.click(`[data-testid=coop-card]:has-text("${coopName}") a`);
  await page.waitForSelector('[data-testid=coop-temperature]');
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('owners dashboard on a phone', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await newPage(browser, PHONE));
  });
  afterAll(async () => {
    await context?.close();
  });

  it('builds within the first-screen budget', () => {
    expect(cloud.buildReport).toMatch(/first-screen JavaScript: [\d.]+ KB gzip of 250\.0 KB budget — within budget/);
  });

  it('signs in and lists both farms with their state, last sync and open alarms', async () => {
    await signIn(page);
    const cards = page.locator('[data-testid=farm-card]');
    await expect.poll(() => cards.count()).toBe(2);
    const a = cards.filter({ hasText: 'Farm farm-a' });
    await expect.poll(() => a.locator('[data-testid=farm-alarms]').textContent()).toContain(khmer('1'));
    expect(await a.textContent()).toContain('កំពុងភ្ជាប់');
    await shot(page, 'phone-farms-km');
  });

  it('opens a coop and shows a new reading as soon as it is ingested', async () => {
    await openCoop(page, 'Farm farm-a', 'Coop A1');
    await expect.poll(() => page.textContent('[data-testid=coop-temperature]')).toContain(khmer('31.8'));
    await page.waitForSelector('text=ផ្ទាល់');
    await outboxA.readings('temp-1', [{ ts: Date.now(), value: 33.4 }]);
    await expect.poll(() => page.textContent('[data-testid=coop-temperature]'), { timeout: 10_000 }).toContain(khmer('33.4'));
    await shot(page, 'phone-coop-km');
  });

  it('edits a threshold and the rule document the edge pulls changes', async () => {
    const before = (await pullDocs(farmA, 'rules')).find((rule) => rule.id === 'rule-1')!;
    await page.fill('[data-testid=band-low]', '24');
    await page.fill('[data-testid=band-high]', '29.5');
    await page.click('[data-testid=save-rule]');
    await expect.poll(() => page.getAttribute('[data-testid=rule-feedback]', 'class')).toContain('ok');
    const after = (await pullDocs(farmA, 'rules')).find((rule) => rule.id === 'rule-1')!;
    expect(after).toMatchObject({ bandLowC: 24, bandHighC: 29.5, hysteresisC: 0.5, fanStages: before.fanStages });
    expect(after.hlc).not.toBe(before.hlc);
  });

  it('keeps the farm configuration in RxDB and shows the schedules from it', async () => {
    await page.click('nav.tabs a[href$="/schedules"]');
    await page.waitForSelector('[data-testid=schedule]:has-text("S1")');
    await page.waitForSelector('[data-testid=schedules-synced]');
    // The edited rule came back through the replication too.
    const stored = await page.evaluate(`(async () => {
      const names = await indexedDB.databases();
      return names.map((entry) => entry.name).filter((name) => name.startsWith('rxdb-dexie-tokkatot_'));
    })()`);
    expect(stored).toEqual(expect.arrayContaining([expect.stringMatching(/--rules$/), expect.stringMatching(/--schedules$/)]));
  });

  it('edits a schedule; the edge pulls it and the copy on the phone receives it', async () => {
    const row = page.locator('[data-testid=schedule]', { hasText: 'S1' });
    await row.locator('input[type=time]').fill('06:30');
    await row.locator('input[id$=runSeconds]').fill('10');
    await row.locator('button[type=submit]').click();
    await row.locator('.feedback.ok').waitFor();
    const pulled = (await pullDocs(farmA, 'schedules')).find((doc) => doc.id === 'sched-1');
    expect(pulled).toMatchObject({ startTime: '06:30', runSeconds: 600, offSeconds: 14_400, repeat: 3 });
    // After a reload the screen reads the copy again: the edit must have come back through the replication.
    await page.reload();
    await expect.poll(() => page.inputValue('[data-testid=schedule] input[type=time]'), { timeout: 10_000 }).toBe('06:30');
  });

  it('still shows the last data with its sync time after going offline and reloading', async () => {
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
    await page.click('nav.tabs a[href="/farms/farm-a"]');
    await page.click('[data-testid=coop-card]:has-text("Coop A1") a');
    await expect.poll(() => page.textContent('[data-testid=coop-temperature]')).toContain(khmer('33.4'));
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('[data-testid=offline-banner]', { timeout: 15_000 });
      expect(await page.textContent('[data-testid=coop-name]')).toBe('Coop A1');
      expect(await page.textContent('[data-testid=coop-temperature]')).toContain(khmer('33.4'));
      const synced = await page.textContent('[data-testid=last-synced]');
      expect(synced).toContain('ធ្វើសមកាលកម្មចុងក្រោយ');
      expect(synced).toMatch(/[០-៩]{2}:[០-៩]{2}/);
      await shot(page, 'phone-offline-coop-km');
      await page.click('nav.tabs a[href$="/schedules"]');
      await page.waitForSelector('[data-testid=schedule]:has-text("S1")', { timeout: 15_000 });
      expect(await page.inputValue('[data-testid=schedule] input[type=time]')).toBe('06:30');
    } finally {
      await context.setOffline(false);
    }
  });
});

describe('languages and accessibility', () => {
  it('switches every visible string with the toggle and remembers the choice', async () => {
    const { km, en } = await loadCatalogues();
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await freshOwner());
      const englishInKhmer = foreignStrings(km, en);
      const khmerInEnglish = foreignStrings(en, km);
      const leftovers: string[] = [];
      // Every screen in Khmer, then in English: nothing of the other language may remain.
      const screens: Array<[string, () => Promise<unknown>]> = [
        ['farms', () => page.waitForSelector('[data-testid=farm-card]')],
        ['farm', () => page.click('[data-testid=farm-card]:has-text("Farm farm-a") a').then(() => page.waitForSelector('[data-testid=coop-card]'))],
        ['alarms', () => page.click('nav.tabs a[href$="/alarms"]').then(() => page.waitForSelector('[data-testid=alarm]'))],
        ['schedules', () => page.click('nav.tabs a[href$="/schedules"]').then(() => page.waitForSelector('[data-testid=schedule]'))],
        ['members', () => page.click('nav.tabs a[href$="/members"]').then(() => page.waitForSelector('[data-testid=members]'))],
      ];
      for (const [name, open] of screens) {
        await open();
        leftovers.push(...(await visibleTexts(page)).filter((text) => englishInKhmer.has(text)).map((text) => `km ${name}: ${text}`));
        await page.click('[data-testid=language]');
        await page.waitForSelector('html[lang=en]');
        const english = await visibleTexts(page);
        // Only the toggle names the other language in its own script.
        leftovers.push(...english.filter((text) => (KHMER_SCRIPT.test(text) && text !== en.language) || khmerInEnglish.has(text)).map((text) => `en ${name}: ${text}`));
        await page.click('[data-testid=language]');
        await page.waitForSelector('html[lang=km]');
      }
      await page.click('nav.tabs a[href="/farms/farm-a"]');
      await page.click('[data-testid=coop-card]:has-text("Coop A1") a');
      await page.waitForSelector('[data-testid=chart] canvas');
      leftovers.push(...(await visibleTexts(page)).filter((text) => englishInKhmer.has(text)).map((text) => `km coop: ${text}`));
      await page.click('[data-testid=language]');
      await page.waitForSelector('html[lang=en]');
      const texts = await visibleTexts(page);
      leftovers.push(...texts.filter((text) => (KHMER_SCRIPT.test(text) && text !== en.language) || khmerInEnglish.has(text)).map((text) => `en coop: ${text}`));
      expect(leftovers).toEqual([]);
      expect(texts).toContain('Temperature band');
      await shot(page, 'phone-coop-en');
      await page.reload();
      await page.waitForSelector('[data-testid=coop-temperature]');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.textContent('[data-testid=coop-temperature]')).toContain('33.4');
    } finally {
      await context.close();
    }
  });

  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`has no serious or critical axe findings on any screen (${label})`, async () => {
      const { context, page } = await newPage(browser, size);
      try {
        await signIn(page, await freshOwner());
        const findings: string[] = [];
        const check = async (name: string) => {
          findings.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
          if (size === PHONE) findings.push(...(await smallTouchTargets(page)).map((line) => `${name}: touch target under 48 px: ${line}`));
        };
        await check('farms');
        await openCoop(page, 'Farm farm-a', 'Coop A1');
        await page.waitForSelector('[data-testid=chart] canvas');
        await check('coop');
        if (size === DESKTOP) await shot(page, 'desktop-coop-km');
        for (const tab of ['alarms', 'schedules', 'members']) {
          await page.click(`nav.tabs a[href$="/${tab}"]`);
          await page.waitForSelector(tab === 'alarms' ? '[data-testid=alarm]' : tab === 'schedules' ? '[data-testid=schedule]' : '[data-testid=members]');
          await check(tab);
          if (tab === 'alarms') await shot(page, `${label}-alarms-km`);
        }
        await page.click('[data-testid=language]');
        await page.click('nav.tabs a[href="/farms/farm-a"]');
        await page.waitForSelector('[data-testid=coop-card]');
        await check('farm (English)');
        await shot(page, `${label}-farm-en`);
        expect(findings).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe('session, alarms and people', () => {
  it('rotates an expired access token once, even with requests in parallel, and stays signed in', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await freshOwner());
      const read = () => page.evaluate(`JSON.parse(localStorage.getItem('tokkatot.dashboard.session'))`) as Promise<{ refreshToken: string; expiresAt: number }>;
      const first = await read();
      // The access token "expires": the next start refreshes before its parallel requests.
      await page.evaluate(`(() => { const s = JSON.parse(localStorage.getItem('tokkatot.dashboard.session')); s.expiresAt = Date.now() - 1000; localStorage.setItem('tokkatot.dashboard.session', JSON.stringify(s)); })()`);
      await page.reload();
      await expect.poll(async () => (await read())?.refreshToken, { timeout: 10_000 }).not.toBe(first.refreshToken);
      await page.waitForSelector('[data-testid=farm-card]');
      expect((await read()).expiresAt).toBeGreaterThan(Date.now());
      // Had two refreshes raced with the same token, reuse detection would have revoked the session.
      await page.click('[data-testid=farm-card]:has-text("Farm farm-b") a');
      await page.waitForSelector('[data-testid=coop-card]');
      expect(await page.isVisible('#login')).toBe(false);
      // The rotated-away token is refused by the server.
      const reused = await fetch(`${baseUrl}/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: first.refreshToken }) });
      expect(reused.status).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('acknowledges an alarm: the edge gets an acknowledge_alarm command', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await freshOwner());
      await page.click('[data-testid=farm-card]:has-text("Farm farm-a") a');
      await page.click('nav.tabs a[href$="/alarms"]');
      await page.click('[data-testid=alarm] [data-testid=acknowledge]');
      await page.waitForSelector('[data-testid=alarm] .feedback.ok');
      const commands = await pullDocs(farmA, 'commands');
      expect(commands).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'acknowledge_alarm', targetId: 'alarm-hot' })]));
    } finally {
      await context.close();
    }
  });

  it('lists the people of a farm and creates an invitation code', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    try {
      await signIn(page, await freshOwner());
      await page.click('[data-testid=farm-card]:has-text("Farm farm-a") a');
      await page.click('nav.tabs a[href$="/members"]');
      await page.waitForSelector('[data-testid=members]:has-text("Sokha")');
      await page.fill('#invite-contact', 'new.worker@example.test');
      await page.selectOption('#invite-role', 'worker');
      await page.click('form:has(#invite-contact) button[type=submit]');
      await page.waitForSelector('[data-testid=invitation] .code');
      expect((await page.textContent('[data-testid=invitation] .code'))?.trim().length).toBeGreaterThan(4);
      await shot(page, 'desktop-members-km');
    } finally {
      await context.close();
    }
  });

  it('signs in with a phone number; a viewer sees values but cannot change a threshold', async () => {
    const phone = `+8551${String(Date.now()).slice(-7)}`;
    const register = await fetch(`${baseUrl}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Dara', phone, password: TEST_PASSWORD }) });
    expect(register.status).toBe(201);
    const { user } = (await register.json()) as { user: { id: string } };
    await db.pool.query("INSERT INTO membership (farm_id, user_id, role) VALUES ('farm-a', $1, 'viewer')", [user.id]);
    const { context, page } = await newPage(browser, PHONE);
    try {
      await page.goto(baseUrl);
      await page.fill('#login', phone);
      await page.fill('#password', TEST_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=farm-card]');
      expect(await page.locator('[data-testid=farm-card]').count()).toBe(1);
      await openCoop(page, 'Farm farm-a', 'Coop A1');
      await page.waitForSelector('[data-testid=rule-editor]');
      expect(await page.isDisabled('[data-testid=band-low]')).toBe(true);
      expect(await page.locator('[data-testid=save-rule]').count()).toBe(0);
      // A farm they are not a member of does not exist for them.
      await page.goto(`${baseUrl}/farms/farm-b`);
      await page.waitForSelector('h1:has-text("រកមិនឃើញ")');
    } finally {
      await context.close();
    }
  });

  it('refuses a wrong password with a message and no session', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await page.goto(baseUrl);
      await page.fill('#login', owner.email);
      await page.fill('#password', 'not the password at all');
      await page.click('button[type=submit]');
      await page.waitForSelector('.feedback.error');
      expect(await page.textContent('.feedback.error')).toContain('ខុស');
      expect(await page.evaluate(`localStorage.getItem('tokkatot.dashboard.session')`)).toBeNull();
    } finally {
      await context.close();
    }
  });
});
