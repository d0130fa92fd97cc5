/**
 * The alarm limits on the dashboard's alarms tab, in Chromium against the real cloud app: the
 * edge reports its settings through the sync push, a manager changes two of them on the page,
 * the change is stored as the sync document the edge pulls (only those two fields audited), an
 * edge-side change reaches the open page, and a viewer reads without being offered a save.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '@tokkatot/shared';
import { createMember, type TestAccount } from '../support/accounts.js';
import { newPage, PHONE, seriousViolations } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { startDashboardCloud, type DashboardCloud } from './support/dashboard-cloud.js';
import { pullDocs, pushDocs, updateDocs, type EdgeLink } from './support/seed-farms.js';

const FARM = 'farm-limits';
let cloud: DashboardCloud;
let edge: EdgeLink;

beforeAll(async () => {
  cloud = await startDashboardCloud();
  edge = await cloud.addFarm(FARM);
  // What the edge writes at start: its effective settings.
  await pushDocs(edge, 'alarm_settings', [{ id: FARM, ...DEFAULT_ALARM_SETTINGS }]);
}, 120_000);

afterAll(() => cloud?.close());

async function openLimits(page: Page, account: TestAccount): Promise<void> {
  await cloud.signIn(page, account);
  await page.click(`[data-testid=farm-card]:has-text("Farm ${FARM}") a`);
  await page.click('nav.tabs a[href$="/alarms"]');
  await page.click('[data-testid=alarm-limits-section] > summary');
  await page.waitForSelector('[data-testid=alarm-limits]');
}

const stored = async () => (await cloud.app.services.store.readById(FARM, 'alarm_settings', FARM)) as Record<string, unknown>;
const valueOf = (page: Page, name: string) => page.inputValue(`#alarm-${name}`);

describe('alarm limits on the dashboard', () => {
  it('lets a manager change two limits, refuses a cold limit above the hot one, and shows the edge’s own change', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openLimits(page, await createMember(cloud.app, cloud.db.pool, FARM, 'manager'));
      const { km } = cloud.catalogues;
      expect(await valueOf(page, 'temperatureHighC')).toBe('36');
      expect(await valueOf(page, 'reminderSeconds')).toBe('15');
      const before = await stored();

      // Refused on the page, said under the field, nothing sent.
      await page.fill('#alarm-temperatureLowC', '40');
      await page.click('[data-testid=save-alarm-limits]');
      expect(await page.textContent('#alarm-temperatureLowC-problem')).toBe(km.errLowAboveHigh);
      expect(await page.getAttribute('#alarm-temperatureLowC', 'aria-invalid')).toBe('true');
      expect(await page.textContent('[data-testid=alarm-limits-feedback]')).toContain(km.errFixFields);
      await page.fill('#alarm-nodeOfflineSeconds', '5');
      await page.click('[data-testid=save-alarm-limits]');
      expect(await page.textContent('#alarm-nodeOfflineSeconds-problem')).toBe(km.errRange?.replace('{min}', '៣០').replace('{max}', '៣៦០០'));
      expect(await stored()).toEqual(before);

      // Two real changes: only they are sent, stored for the edge to pull, and audited.
      await page.fill('#alarm-temperatureLowC', '15');
      await page.fill('#alarm-nodeOfflineSeconds', '120');
      await page.fill('#alarm-temperatureHighC', '33.5');
      await page.fill('#alarm-reminderSeconds', '20');
      await page.click('[data-testid=save-alarm-limits]');
      await page.waitForSelector('[data-testid=alarm-limits-feedback].ok');
      expect(await page.textContent('[data-testid=alarm-limits-feedback]')).toContain(km.saved);
      expect(await stored()).toMatchObject({ ...DEFAULT_ALARM_SETTINGS, temperatureHighC: 33.5, reminderSeconds: 1200 });
      const [pulled] = await pullDocs(edge, 'alarm_settings');
      expect(pulled).toMatchObject({ temperatureHighC: 33.5, reminderSeconds: 1200, temperatureLowC: 15 });
      const audit = await cloud.db.pool.query<{ detail: unknown }>("SELECT detail FROM audit_log WHERE farm_id = $1 AND action = 'config.alarm_settings'", [FARM]);
      expect(audit.rows.map((row) => row.detail)).toEqual([{ temperatureHighC: { from: 36, to: 33.5 }, reminderSeconds: { from: 900, to: 1200 } }]);

      // Saving again with nothing changed sends nothing.
      await page.click('[data-testid=save-alarm-limits]');
      await page.waitForSelector(`[data-testid=alarm-limits-feedback]:has-text("${km.nothingChanged}")`);
      expect((await cloud.db.pool.query("SELECT 1 FROM audit_log WHERE farm_id = $1 AND action = 'config.alarm_settings'", [FARM])).rowCount).toBe(1);

      // A change made on the farm reaches the open page through the offline copy's stream.
      await updateDocs(edge, 'alarm_settings', [{ id: FARM, temperatureLowC: 12 }]);
      await expect.poll(() => valueOf(page, 'temperatureLowC'), { timeout: 15_000 }).toBe('12');
      expect(await valueOf(page, 'temperatureHighC')).toBe('33.5');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'phone-alarm-limits-km.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows a viewer the limits read-only, with no save offered', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openLimits(page, await createMember(cloud.app, cloud.db.pool, FARM, 'viewer'));
      expect(await valueOf(page, 'temperatureLowC')).toBe('12');
      expect(await page.isDisabled('#alarm-temperatureHighC')).toBe(true);
      expect(await page.isDisabled('#alarm-test-on')).toBe(true);
      expect(await page.locator('[data-testid=save-alarm-limits]').count()).toBe(0);
      expect(await page.textContent('[data-testid=alarm-limits-read-only]')).toBe(cloud.catalogues.km.notAllowed);
    } finally {
      await context.close();
    }
  });
});
