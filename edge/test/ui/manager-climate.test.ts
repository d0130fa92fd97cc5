import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { PASSWORD, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage, visibleTexts } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { foreignStrings, loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

describe('a manager setting temperature bands and placing a flock (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let page: Page;
  let km: Messages;
  let en: Messages;
  const documents = () => loadAutomationDocuments(served.test.edge.repositories.meta);

  beforeAll(async () => {
    ui = buildUiInto();
    served = await serveEdge({ root: ui.root, automation: true });
    await signInAllRoles(served.test);
    await seedFarm(served);
    const meta = served.test.edge.repositories.meta;
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [makeRule({ fanStages: [{ outputId: 'fan-1', onAboveC: 0 }] })] });
    ({ km, en } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
    await page.goto(`${served.url}/`);
    await page.locator('#username').fill('manager');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    ui?.remove();
  });

  it('lowers coop 1’s band, and the home screen then calls 32 °C too hot', async () => {
    const form = page.getByTestId('rule-rule-1');
    await form.locator('#low-rule-1').fill('31');
    await form.locator('#high-rule-1').fill('29');
    await form.getByRole('button', { name: km('saveTarget') }).click();
    await form.getByText(km('errBandOrder')).waitFor();
    expect(documents().climateRules[0]).toMatchObject({ bandLowC: 28, bandHighC: 32 });
    await form.locator('#low-rule-1').fill('26');
    await form.locator('#high-rule-1').fill('30');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: km('saveTarget') }).click();
    await form.getByText(km('targetSaved')).waitFor();
    expect(documents().climateRules[0]).toMatchObject({ bandLowC: 26, bandHighC: 30 });
    await page.getByRole('navigation').getByRole('link', { name: km('navHome') }).click();
    const card = page.getByTestId('coop-card').filter({ hasText: 'Coop 1' });
    await expect.poll(() => card.getByTestId('verdict').textContent()).toContain(km('tempHot'));
  });

  it('places a flock in coop 2', async () => {
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
    const form = page.getByTestId('flock-coop-2');
    await form.locator('#fn-coop-2').fill('Batch 9');
    await form.locator('#fd-coop-2').fill('2026-05-30');
    await form.locator('#fb-coop-2').fill('1500');
    await form.locator('#fr-coop-2').fill('Ross 308');
    await form.getByRole('button', { name: km('placeFlock') }).click();
    await form.getByText(km('flockSaved')).waitFor();
    expect(documents().flocks.map((flock) => [flock.coopId, flock.name, flock.birdsPlaced, flock.placedOn])).toEqual([['coop-2', 'Batch 9', 1500, '2026-05-30']]);
    // The same form now edits the placed flock.
    await form.getByRole('button', { name: km('saveFlock') }).waitFor();
  });

  it('shows the whole settings screen in one language at a time', async () => {
    const leaks = async (current: Messages, other: Messages) => (await visibleTexts(page)).filter((text) => foreignStrings(current, other).has(text));
    await page.getByRole('heading', { level: 1, name: km('manageTitle') }).waitFor();
    expect(await leaks(km, en)).toEqual([]);
    await page.getByRole('button', { name: km('language'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en('manageTitle') }).waitFor();
    expect(await leaks(en, km)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
