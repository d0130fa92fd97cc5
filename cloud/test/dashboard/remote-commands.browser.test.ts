/**
 * Remote commands from the coop page in Chromium against the real cloud app: a worker switches
 * a fan on for some minutes and starts a feeding cycle, the commands are the sync documents the
 * edge pulls, the edge's results (through the real ingest) show on the open page, a refusal
 * says so, and a viewer is offered no control.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import { newPage, PHONE, seriousViolations, smallTouchTargets } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { startDashboardCloud, type DashboardCloud } from './support/dashboard-cloud.js';
import { configureFarm, EdgeOutbox, pullDocs, type EdgeLink } from './support/seed-farms.js';

const FARM = 'farm-cmd';
let cloud: DashboardCloud;
let edge: EdgeLink;
let outbox: EdgeOutbox;

beforeAll(async () => {
  cloud = await startDashboardCloud();
  edge = await cloud.addFarm(FARM);
  await configureFarm(edge, { coop1: 'Coop C1', coop2: 'Coop C2' });
  outbox = new EdgeOutbox(edge);
}, 120_000);

afterAll(() => cloud?.close());

async function openCoop(page: Page, account: TestAccount): Promise<void> {
  await cloud.signIn(page, account);
  await page.click(`[data-testid=farm-card]:has-text("Farm ${FARM}") a`);
  await page.click('[data-testid=coop-card]:has-text("Coop C1") a');
  await page.waitForSelector('[data-testid=output][data-output=fan-1]');
}

const control = (outputId: string) => `[data-testid=output-control][data-output=${outputId}]`;
const statusOf = (page: Page, outputId: string) => page.getAttribute(`${control(outputId)} [data-testid=command-status]`, 'data-outcome');
const pulled = async () => (await pullDocs(edge, 'commands')) as Array<{ id: string; type: string; targetId: string; durationSeconds: number | null; expiresAt: number; issuedAt: number }>;

/** The edge's answer to a command, uploaded as its outbox does. */
const report = (commandId: string, outcome: string, detail: string) => outbox.event({ type: 'command_result', ts: Date.now(), commandId, outcome, detail });

describe('remote commands on the coop page', () => {
  it('lets a worker run a fan for some minutes and a feeding cycle, and shows what the farm did', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openCoop(page, await createMember(cloud.app, cloud.db.pool, FARM, 'worker'));
      const { km } = cloud.catalogues;

      // Minutes out of range are refused on the page; nothing is queued.
      await page.fill('#minutes-fan-1', '0');
      await page.click(`${control('fan-1')} [data-testid=command-on]`);
      expect(await page.textContent(`${control('fan-1')} [data-testid=command-problem]`)).toContain(km.cmdMinutesInvalid);
      expect(await pulled()).toEqual([]);

      // Fan on for 20 minutes (typed in Khmer digits): queued for the edge, pending on the page.
      await page.fill('#minutes-fan-1', '២០');
      await page.click(`${control('fan-1')} [data-testid=command-on]`);
      await page.waitForSelector(`${control('fan-1')} [data-testid=command-status][data-outcome=pending]`);
      expect(await page.textContent(`${control('fan-1')} [data-testid=command-status]`)).toContain(km.cmdPending);
      const [fanCommand] = await pulled();
      expect(fanCommand).toMatchObject({ type: 'output_on', targetId: 'fan-1', durationSeconds: 1200 });
      // Valid for five minutes: a command the farm hears of later is never run.
      expect(fanCommand!.expiresAt - fanCommand!.issuedAt).toBe(300_000);

      // The edge runs it and reports: the open page shows it without a reload.
      await report(fanCommand!.id, 'executed', 'F1: on until later');
      await expect.poll(() => statusOf(page, 'fan-1'), { timeout: 15_000 }).toBe('executed');
      expect(await page.textContent(`${control('fan-1')} [data-testid=command-status]`)).toContain(km.cmdExecuted);

      // A feeding cycle of 3 minutes; the farm refuses it (its own reason stays out of the Khmer page).
      await page.fill('#minutes-feeder-1', '3');
      await page.click(`${control('feeder-1')} [data-testid=command-on]`);
      await page.waitForSelector(`${control('feeder-1')} [data-testid=command-status][data-outcome=pending]`);
      const feed = (await pulled()).find((command) => command.targetId === 'feeder-1');
      expect(feed).toMatchObject({ type: 'run_feeder', durationSeconds: 180 });
      await report(feed!.id, 'rejected', 'feeder is already running');
      await expect.poll(() => statusOf(page, 'feeder-1'), { timeout: 15_000 }).toBe('rejected');
      expect(await page.textContent(`${control('feeder-1')} [data-testid=command-status]`)).not.toContain('feeder is already running');
      expect(await page.locator(`${control('feeder-1')} [data-testid=command-off]`).count()).toBe(0);

      // Back to automatic: no duration.
      await page.click(`${control('fan-1')} [data-testid=command-auto]`);
      await expect.poll(async () => (await pulled()).filter((command) => command.type === 'output_auto').map((command) => [command.targetId, command.durationSeconds])).toEqual([['fan-1', null]]);

      const audit = await cloud.db.pool.query<{ n: string }>("SELECT count(*) AS n FROM audit_log WHERE farm_id = $1 AND action = 'command.issue'", [FARM]);
      expect(Number(audit.rows[0]!.n)).toBe(3);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await smallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'phone-remote-commands-km.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows the farm’s reason in English, and offers a viewer no control', async () => {
    const { context, page } = await newPage(cloud.browser, PHONE);
    try {
      await openCoop(page, await createMember(cloud.app, cloud.db.pool, FARM, 'worker'));
      await page.click('[data-testid=language]');
      await page.waitForSelector('html[lang=en]');
      // The refused feeding cycle of the first test is still recent: its reason shows in English.
      await expect.poll(() => statusOf(page, 'feeder-1'), { timeout: 15_000 }).toBe('rejected');
      expect(await page.textContent(`${control('feeder-1')} [data-testid=command-status]`)).toContain('feeder is already running');
    } finally {
      await context.close();
    }
    const viewer = await newPage(cloud.browser, PHONE);
    try {
      await openCoop(viewer.page, await createMember(cloud.app, cloud.db.pool, FARM, 'viewer'));
      expect(await viewer.page.locator('[data-testid=command-on], [data-testid=command-off], [data-testid=command-auto], #minutes-fan-1').count()).toBe(0);
      const refused = await cloud.app.inject({ method: 'GET', url: `/v1/farms/${FARM}/commands` });
      expect(refused.statusCode).toBe(401);
    } finally {
      await viewer.context.close();
    }
  });
});
