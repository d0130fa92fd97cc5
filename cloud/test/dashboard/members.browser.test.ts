/**
 * The farm's people in Chromium against the real cloud app: an owner changes a role and removes
 * someone after a confirmation (membership table and audit log read back), the last owner cannot
 * demote themselves (the server's refusal said in the person's language), and a manager sees the
 * people without being offered these controls.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import { newPage, PHONE, seriousViolations, smallTouchTargets } from './support/browser.js';
import { startDashboardCloud, type DashboardCloud } from './support/dashboard-cloud.js';

const FARM = 'farm-people';
let cloud: DashboardCloud;
let owner: TestAccount;
let worker: TestAccount;
let viewer: TestAccount;

beforeAll(async () => {
  cloud = await startDashboardCloud();
  await cloud.addFarm(FARM);
  owner = await createMember(cloud.app, cloud.db.pool, FARM, 'owner', { name: 'Sokha' });
  worker = await createMember(cloud.app, cloud.db.pool, FARM, 'worker', { name: 'Dara' });
  viewer = await createMember(cloud.app, cloud.db.pool, FARM, 'viewer', { name: 'Vanna' });
}, 120_000);

afterAll(() => cloud?.close());

async function openPeople(page: Page, account: TestAccount): Promise<void> {
  await cloud.signIn(page, account);
  await page.click(`[data-testid=farm-card]:has-text("Farm ${FARM}") a`);
  await page.click('nav.tabs a[href$="/members"]');
  await page.waitForSelector('[data-testid=members]');
}

const row = (account: TestAccount) => `[data-testid=member][data-user="${account.userId}"]`;
const roleOf = async (account: TestAccount) => (await cloud.db.pool.query<{ role: string }>('SELECT role FROM membership WHERE farm_id = $1 AND user_id = $2', [FARM, account.userId])).rows[0]?.role;
const audits = async (action: string) => (await cloud.db.pool.query<{ target: string; detail: unknown }>('SELECT target, detail FROM audit_log WHERE farm_id = $1 AND action = $2 ORDER BY id', [FARM, action])).rows;

describe('people of a farm', () => {
  it('lets an owner change a role and remove someone after confirming, and keeps the last owner', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openPeople(page, owner);
      const { km } = cloud.catalogues;

      // Dara becomes a manager.
      await page.selectOption(`${row(worker)} select`, 'manager');
      await page.click(`${row(worker)} [data-testid=member-save-role]`);
      await page.waitForSelector(`${row(worker)} [data-testid=member-role]:has-text("${km.role_manager}")`);
      expect(await roleOf(worker)).toBe('manager');
      expect(await audits('member.role_changed')).toEqual([{ target: worker.userId, detail: { from: 'worker', to: 'manager' } }]);

      // Removing Vanna asks first; cancelling keeps her.
      await page.click(`${row(viewer)} [data-testid=member-remove]`);
      expect(await page.textContent(`${row(viewer)} [data-testid=member-confirm]`)).toContain('Vanna');
      await page.click(`${row(viewer)} button:has-text("${km.cancel}")`);
      expect(await roleOf(viewer)).toBe('viewer');
      await page.click(`${row(viewer)} [data-testid=member-remove]`);
      await page.click(`${row(viewer)} [data-testid=member-remove-yes]`);
      await expect.poll(() => page.locator(row(viewer)).count()).toBe(0);
      expect(await roleOf(viewer)).toBeUndefined();
      expect(await audits('member.removed')).toEqual([{ target: viewer.userId, detail: { role: 'viewer' } }]);
      // Her access ends at once: the farm answers her as a stranger.
      const answer = await cloud.app.inject({ method: 'GET', url: `/v1/farms/${FARM}`, headers: { authorization: `Bearer ${viewer.accessToken}` } });
      expect(answer.json().error.code).toBe('NOT_FOUND');

      // The only owner cannot demote themselves; the page says why and keeps the role shown.
      await page.selectOption(`${row(owner)} select`, 'manager');
      await page.click(`${row(owner)} [data-testid=member-save-role]`);
      await page.waitForSelector(`${row(owner)} [data-testid=member-feedback].error`);
      expect(await page.textContent(`${row(owner)} [data-testid=member-feedback]`)).toContain(km.memberLastOwner);
      expect(await page.inputValue(`${row(owner)} select`)).toBe('owner');
      expect(await roleOf(owner)).toBe('owner');

      // Who changed what: the owner's two changes, newest first, the role change in words.
      await page.reload();
      await page.waitForSelector('[data-testid=audit-entry]');
      const actions = await page.locator('[data-testid=audit-entry]').evaluateAll((items) => items.map((item) => item.getAttribute('data-action')));
      expect(actions.slice(0, 2)).toEqual(['member.removed', 'member.role_changed']);
      const roleEntry = page.locator('[data-testid=audit-entry][data-action="member.role_changed"]');
      expect(await roleEntry.textContent()).toContain(`Sokha ${km.auditMemberRole}`);
      expect((await roleEntry.locator('[data-testid=audit-change]').textContent())?.replace(/\s+/g, ' ').trim()).toBe(`${km.role}: ${km.role_worker} → ${km.role_manager}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await smallTouchTargets(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a manager the people without role or removal controls', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openPeople(page, worker); // a manager since the first test
      await page.waitForSelector(`${row(owner)}`);
      expect(await page.locator('[data-testid=member-save-role], [data-testid=member-remove], [data-testid=member] select').count()).toBe(0);
      // The audit log is the owners' alone.
      expect(await page.locator('[data-testid=farm-activity]').count()).toBe(0);
      const refused = await cloud.app.inject({ method: 'DELETE', url: `/v1/farms/${FARM}/members/${owner.userId}`, headers: { authorization: `Bearer ${worker.accessToken}` } });
      expect(refused.json().error.code).toBe('FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
