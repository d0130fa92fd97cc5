import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { loadCatalogues, type Messages } from './support/catalogues.js';

describe('the first run in the web app (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let page: Page;
  let km: Messages;

  beforeAll(async () => {
    ui = buildUiInto();
    served = await serveEdge({ root: ui.root });
    served.test.edge.registry.recordHello({ nodeId: 'node-9', transport: 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
    ({ km } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    ui?.remove();
  });

  it('creates the owner account on a Pi without users and signs the owner in', async () => {
    await page.goto(`${served.url}/`);
    await page.getByRole('heading', { name: km('setupOwner'), exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('#owner-name').fill('Sok');
    await page.locator('#owner-username').fill('sok');
    await page.locator('#owner-password').fill('correct horse battery');
    await page.getByRole('button', { name: km('next') }).click();
    await page.getByRole('heading', { name: km('setupCoops'), exact: false }).waitFor();
    expect(served.test.edge.auth.needsOwner()).toBe(false);
    expect(served.test.edge.auth.listUsers()).toMatchObject([{ username: 'sok' }]);
  });

  it('names a coop', async () => {
    await page.locator('#new-coop').fill('Coop A');
    await page.getByRole('button', { name: km('addCoop') }).click();
    await expect.poll(() => served.test.edge.registry.listCoops().map((coop) => coop.name)).toEqual(['Coop A']);
    const coopId = served.test.edge.registry.listCoops()[0]!.id;
    await expect.poll(() => page.locator(`#coop-name-${coopId}`).inputValue()).toBe('Coop A');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('assigns the discovered board to the coop and finishes on the home screen', async () => {
    await page.getByRole('button', { name: km('next') }).click();
    await page.getByRole('heading', { name: km('setupNodes'), exact: false }).waitFor();
    // No cloud is configured in this test: the pairing panel says the farm works offline.
    await page.getByText(km('pairingOffline')).waitFor();
    const coopId = served.test.edge.registry.listCoops()[0]!.id;
    await page.locator('#node-node-9').selectOption(coopId);
    await expect.poll(() => served.test.edge.registry.getNode('node-9').coopId).toBe(coopId);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: km('finish') }).click();
    await page.getByRole('heading', { level: 1, name: km('homeTitle') }).waitFor();
    await page.getByTestId('coop-card').filter({ hasText: 'Coop A' }).waitFor();
  });

  it('lets the new owner add a worker from the settings screen', async () => {
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
    await page.getByRole('heading', { name: km('usersSection') }).waitFor();
    await page.locator('#new-user-name').fill('Dara');
    await page.locator('#new-user-username').fill('dara');
    await page.locator('#new-user-password').fill('another good password');
    await page.locator('#new-user-role').selectOption('worker');
    await page.getByRole('button', { name: km('addUser') }).click();
    await page.getByText('Dara (dara)').waitFor();
    expect(served.test.edge.auth.listUsers().map((user) => user.username).sort()).toEqual(['dara', 'sok']);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
